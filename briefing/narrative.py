"""Generated narrative: one key sentence per slide in French or English, from BriefingFacts only (no model).

Templates live in components/locales/<lang>/briefing.toml (babel plural forms); numbers go through the
dashboard's own formatters, so a sentence shows a figure exactly as the tiles and charts do."""
from __future__ import annotations

import pandas as pd
from babel.lists import format_list
from babel.numbers import format_percent

from briefing.facts import BriefingFacts
from components.i18n import LOCALES, format_households, format_money, format_number, format_partial_date, t
from data.organisations import organisation_label
from geo.provinces import province_name

TOP = 3  # donors and provinces named in a sentence


def tn(key: str, lang: str, n: int, **values: object) -> str:
    """t() for a counted phrase: `n` picks the plural form, {count} shows it with the locale's digits (1 000)."""
    return t(key, lang, n=n, count=format_number(n, lang), **values)


def format_share(share: float, lang: str) -> str:
    """'57%' / '57 %' (the locale's own pattern); shares under 1 % keep one decimal so a small donor never
    reads 0 %."""
    return format_percent(round(share, 3 if abs(share) < 0.01 else 2), locale=LOCALES[lang],
                          decimal_quantization=False)


def join(items: list[str], lang: str) -> str:
    """'A, B and C' / 'A, B et C'."""
    return format_list(items, locale=LOCALES[lang]) if items else ""


def _headline(facts: BriefingFacts, lang: str) -> str:
    kpis = facts.kpis
    projects = tn("briefing.n_projects", lang, n=kpis["projects"])
    donors = tn("briefing.n_donors", lang, n=kpis["donors"])
    if kpis["funding_committed"] is None:
        return t("briefing.say.headline.unpublished", lang, projects=projects, donors=donors)
    return t("briefing.say.headline", lang, money=format_money(kpis["funding_committed"], facts.currency, lang),
             projects=projects, donors=donors)


def top_donors(facts: BriefingFacts) -> pd.DataFrame:
    """The donors a sentence names: the donor chart's largest published amounts, with their shares."""
    drawn = facts.by_donor.assign(share=facts.donor_shares)
    return drawn[drawn["amount"].notna()].head(TOP)


def _donors(facts: BriefingFacts, lang: str) -> str:
    top = top_donors(facts)
    if top.empty:
        return t("briefing.say.donors.none", lang)
    items = [t("briefing.item", lang, name=organisation_label(row.donor, lang),
               money=format_money(row.amount, facts.currency, lang),
               share=format_share(row.share, lang)) for row in top.itertuples()]
    return t("briefing.say.donors", lang, n=len(items), items=join(items, lang))


def top_provinces(facts: BriefingFacts, top: int = TOP) -> pd.DataFrame:
    """The provinces a sentence names: the map's largest amounts and their share of the portfolio (0–1)."""
    if facts.provinces.empty:
        return facts.provinces.assign(share=pd.Series(dtype="float64"))
    placed = facts.provinces[facts.provinces["funding"].notna() & (facts.provinces["funding"] > 0)]
    return placed.assign(share=placed["share_of_portfolio"] / 100).head(top)


def _provinces(facts: BriefingFacts, lang: str) -> str:
    top = top_provinces(facts)
    total = facts.allocation.totals["funding"]
    national = facts.allocation.national["funding"]
    parts = []
    if top.empty:
        parts.append(t("briefing.say.provinces.none", lang))
    else:
        items = [t("briefing.item", lang, name=province_name(row.pcode),
                   money=format_money(row.funding, facts.currency, lang), share=format_share(row.share, lang))
                 for row in top.itertuples()]
        parts.append(t("briefing.say.provinces", lang, n=len(items), items=join(items, lang)))
    if national and total:
        parts.append(t("briefing.say.national", lang, money=format_money(national, facts.currency, lang),
                       share=format_share(national / total, lang)))
    return " ".join(parts)


def _ending(facts: BriefingFacts, lang: str) -> str:
    ending = facts.ending
    if ending.empty:
        return t("briefing.say.ending.none", lang, days=facts.days)
    items = [f"{row.project_id} ({format_partial_date(row.end.isoformat(), lang)})"
             for row in ending.head(TOP + 2).itertuples()]
    if len(ending) > len(items):
        items.append(tn("briefing.more", lang, n=len(ending) - len(items)))
    return tn("briefing.say.ending", lang, n=len(ending), days=facts.days, items=join(items, lang))


def households_totals(facts: BriefingFacts) -> tuple[int, int]:
    """Targeted and reached summed over the households chart's projects (those publishing both)."""
    frame = facts.households
    return int(frame["targeted"].sum()), int(frame["reached"].sum())


def _households(facts: BriefingFacts, lang: str) -> str:
    if facts.households.empty:
        return t("briefing.say.households.none", lang)
    targeted, reached = households_totals(facts)
    minimum = bool(facts.households["minimum"].any())  # one 'more than 3,000' makes the sum a minimum too
    return tn("briefing.say.households", lang, n=len(facts.households),
              targeted=format_households(targeted, minimum, lang),
             reached=format_number(reached, lang),
             share=format_share(reached / targeted, lang) if targeted else t("not_published", lang))


def _not_published(facts: BriefingFacts, lang: str) -> str:
    kpis = facts.kpis
    parts = []
    if facts.projects_without_amount:
        parts.append(tn("briefing.say.no_amount", lang, n=facts.projects_without_amount))
    if facts.commitments_not_published:
        parts.append(tn("briefing.say.commitments", lang, n=facts.commitments_not_published))
    parts.append(t("briefing.say.facts_missing", lang, n=kpis["not_published"],
                   total=format_number(kpis["not_published"], lang)))
    return " ".join(parts)


NARRATIVE = {"headline": _headline, "donors": _donors, "map": _provinces, "status": _ending,
             "households": _households, "not_published": _not_published}


def make_narrative(facts: BriefingFacts, lang: str) -> dict[str, str]:
    """Slide key → its key message."""
    return {key: say(facts, lang) for key, say in NARRATIVE.items()}
