"""The slide model: one Deck (title, date, data version, filters) of Slides, each with one key message."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from briefing.facts import BriefingFacts, compute_briefing_facts
from briefing.figures import (
    make_donors_slide_figure,
    make_households_slide_figure,
    make_map_slide_figure,
    make_status_slide_figure,
)
from briefing.narrative import format_share, join, make_narrative, tn, top_provinces
from cells import is_missing
from components.i18n import (
    format_households,
    format_money,
    format_number,
    format_partial_date,
    status_label,
    t,
    theme_label,
)
from data.filters import FilterState, split_list
from data.metrics import compute_by_donor, project_end, project_start
from data.organisations import organisation_label
from data.portfolio import Portfolio
from data.schema import compute_project_titles
from geo.allocation import compute_assumed_units
from geo.provinces import PROVINCE_PCODES, province_name

MAX_BULLETS = 6
MAP_LISTED = 4  # provinces listed beside the map (largest amounts), before the national and unplaced lines


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    message: str
    figure: go.Figure | None = None
    tiles: tuple[tuple[str, str], ...] = ()  # (label, value): large figures
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deck:
    lang: str
    title: str
    footer: str  # date · data version · filters: on every slide
    slides: tuple[Slide, ...]
    facts: BriefingFacts = field(repr=False, compare=False, default=None)


def describe_filters(state: FilterState, lang: str) -> str:
    """The filters in words ('Donor: Sweden; Province: Ituri'), or that the whole portfolio is shown."""
    parts = []
    labels = {"donors": lambda d: organisation_label(d, lang), "orgs": str, "themes": lambda c: theme_label(c, lang),
              "statuses": lambda c: t("status.not_published", lang) if c == "none" else status_label(int(c), lang),
              "provinces": lambda c: province_name(c) if c in PROVINCE_PCODES else c, "territories": str}
    for name, label in labels.items():
        values = getattr(state, name)
        if values:
            parts.append(t("briefing.filter.item", lang, name=t(f"briefing.filter.{name}", lang),
                           values=join([label(v) for v in values], lang)))
    if state.year_from is not None or state.year_to is not None:
        parts.append(t("briefing.filter.item", lang, name=t("briefing.filter.years", lang),
                       values=f"{state.year_from or '…'}–{state.year_to or '…'}"))
    return t("briefing.filter.separator", lang).join(parts) if parts else t("briefing.filter.none", lang)


def _first(ids: tuple[str, ...], lang: str, shown: int = 5) -> str:
    """'A, B, C, D, E and 108 more': a list a slide can hold."""
    if len(ids) <= shown:
        return ", ".join(ids)
    return join([*ids[:shown], tn("briefing.more", lang, n=len(ids) - shown)], lang)


def _more(items: list[str], lang: str) -> tuple[str, ...]:
    if len(items) <= MAX_BULLETS:
        return tuple(items)
    return (*items[:MAX_BULLETS - 1], tn("briefing.more", lang, n=len(items) - MAX_BULLETS + 1))


def make_kpi_tiles(kpis: dict, lang: str) -> tuple[tuple[str, str], ...]:
    """The Overview's headline tiles as (label, value), formatted the same way."""
    targeted = format_households(kpis["households_targeted"], kpis["households_targeted_is_minimum"], lang)
    return ((t("kpi.funding", lang), format_money(kpis["funding_committed"], kpis["currency"], lang)),
            (t("kpi.projects", lang), format_number(kpis["projects"], lang)),
            (t("kpi.donors", lang), format_number(kpis["donors"], lang)),
            (t("kpi.provinces", lang), format_number(kpis["provinces"], lang)),
            (t("kpi.hh_targeted", lang), targeted),
            (t("kpi.hh_reached", lang), format_number(kpis["households_reached"], lang)))


def make_project_slide(project: pd.Series, converted: pd.DataFrame, currency: str, lang: str) -> Slide:
    """One project: status, dates, money by donor (the donor chart's function) and households."""
    pid = project["project_id"]
    by_donor = compute_by_donor(converted[converted["project_id"] == pid], "committed")
    committed = by_donor["amount"].sum(min_count=1) if not by_donor.empty else None
    donors = join([organisation_label(str(d), lang) for d in by_donor["donor"]], lang) or t("not_published", lang)
    start, end = project_start(project), project_end(project)
    dates = "both" if start and end else "start" if start else "end" if end else "none"
    money = (t("briefing.project.money", lang, money=format_money(float(committed), currency, lang), donors=donors)
             if committed is not None and pd.notna(committed) else t("briefing.project.money.none", lang))
    message = " ".join([
        t("briefing.project.status", lang, status=status_label(
            None if is_missing(project["activity_status"]) else project["activity_status"], lang)),
        t(f"briefing.project.dates.{dates}", lang, start=format_partial_date(start, lang),
          end=format_partial_date(end, lang)), money])
    targeted = format_households(None if is_missing(project["households_targeted"]) else
                                 project["households_targeted"], project["households_targeted_is_minimum"], lang)
    reached = format_number(None if is_missing(project["households_reached"]) else
                            int(project["households_reached"]), lang)
    tiles = ((t("fact.households_targeted", lang), targeted), (t("fact.households_reached", lang), reached))
    # Each organisation by its name in the slide's language (IOM is OIM in French), as the project page names them.
    orgs = join([organisation_label(o, lang) for o in split_list(project["implementing_orgs"])], lang) \
        or t("not_published", lang)
    bullets = (t("briefing.project.implementing", lang, orgs=orgs),)
    title = compute_project_titles(project.to_frame().T, lang).iloc[0]
    return Slide(f"project:{pid}", f"{pid} — {title}", message, tiles=tiles, bullets=bullets)


def _households_bullets(facts: BriefingFacts, lang: str) -> tuple[str, ...]:
    """The Overview's households tiles (all projects), and how many projects the chart cannot draw."""
    kpis, tiles = facts.kpis, dict(make_kpi_tiles(facts.kpis, lang))
    total = format_number(kpis["projects"], lang)
    lines = [t("briefing.households.kpi", lang, targeted=tiles[t("kpi.hh_targeted", lang)],
               n=format_number(kpis["households_targeted_projects"], lang), total=total),
             t("briefing.households.kpi_reached", lang, reached=tiles[t("kpi.hh_reached", lang)],
               n=format_number(kpis["households_reached_projects"], lang), total=total)]
    if facts.households_left_out and not facts.households.empty:
        lines.append(tn("briefing.households.left_out", lang, n=len(facts.households_left_out)))
    return tuple(lines)


def _missing_item(row, lang: str) -> str:
    """'Households reached: not published for 12 projects (of 13)'."""
    return tn("briefing.missing.item", lang, n=int(row.missing), fact=t(f"fact.{row.fact}", lang),
              total=format_number(int(row.total), lang),
              table=t(f"briefing.table.{row.table}", lang, n=int(row.missing)))


def _sources_message(portfolio: Portfolio, version: str, today: dt.date, lang: str) -> str:
    message = t("briefing.say.sources", lang, version=version, date=format_partial_date(today.isoformat(), lang))
    return f"{message} {t('briefing.say.sources.cited', lang)}" if not portfolio.sources.empty else message


def _sources(portfolio: Portfolio, lang: str) -> tuple[str, ...]:
    cited = set(portfolio.sources["document_id"]) if not portfolio.sources.empty else set()
    documents = portfolio.documents[portfolio.documents["document_id"].isin(cited)]
    items = [f"{row.publisher} — {row.title}" + (f" ({format_partial_date(row.published, lang)})"
                                                 if not is_missing(row.published) else "")
             for row in documents.itertuples()]
    return _more(items, lang) if items else (t("briefing.sources.none", lang),)


def build_deck(portfolio: Portfolio, all_locations: pd.DataFrame, converted: pd.DataFrame, state: FilterState,
               today: dt.date, data_version: str, project_ids: tuple[str, ...] = (), base_map: bool = False) -> Deck:
    """Every slide of a briefing on a filtered portfolio (`converted`: its flows in the state's currency)."""
    lang, currency = state.lang, state.currency
    facts = compute_briefing_facts(portfolio, all_locations, converted, currency, today)
    say = make_narrative(facts, lang)
    kpis = facts.kpis
    allocation = facts.allocation
    map_bullets = [t("briefing.map.province", lang, name=province_name(row.pcode), share=format_share(row.share, lang),
                     money=format_money(row.funding, currency, lang))
                   for row in top_provinces(facts, MAP_LISTED).itertuples()]
    assumed = compute_assumed_units(allocation)
    if split := [province_name(p) for p in top_provinces(facts, MAP_LISTED)["pcode"].tolist() if p in assumed]:
        map_bullets.append(t("briefing.map.split_assumed", lang, provinces=join(split, lang)))
    if allocation.national_projects:
        map_bullets.append(tn("briefing.map.national", lang, n=len(allocation.national_projects),
                              projects=_first(allocation.national_projects, lang)))
    if allocation.unallocated_projects:
        map_bullets.append(tn("briefing.map.unallocated", lang, n=len(allocation.unallocated_projects),
                              projects=_first(allocation.unallocated_projects, lang)))
    silent = [organisation_label(d, lang) for d in facts.by_donor.loc[facts.by_donor["amount"].isna(), "donor"]]
    ending = [tn("briefing.ending.item", lang, n=int(row.days_left), project=row.project_id,
                 date=format_partial_date(row.end.isoformat(), lang)) for row in facts.ending.itertuples()]
    missing = facts.not_published[facts.not_published["missing"] > 0].sort_values("missing", ascending=False)
    slides = [
        Slide("headline", t("briefing.slide.headline", lang), say["headline"], tiles=make_kpi_tiles(kpis, lang)),
        Slide("map", t("briefing.slide.map", lang), say["map"],
              figure=make_map_slide_figure(facts.provinces, currency, lang, base_map),
              bullets=_more(map_bullets, lang)),
        Slide("donors", t("briefing.slide.donors", lang), say["donors"],
              figure=make_donors_slide_figure(facts.by_donor, currency, lang) if facts.by_donor["amount"].notna().any()
              else None,
              bullets=(t("briefing.donors.silent", lang, n=len(silent), donors=join(silent, lang)),) if silent else ()),
        Slide("status", t("briefing.slide.status", lang), say["status"],
              figure=make_status_slide_figure(kpis, lang) if kpis["projects"] else None, bullets=_more(ending, lang)),
        Slide("households", t("briefing.slide.households", lang), say["households"],
              figure=make_households_slide_figure(facts.households, lang) if not facts.households.empty else None,
              bullets=_households_bullets(facts, lang)),
    ]
    projects = portfolio.projects.set_index("project_id", drop=False)
    slides += [make_project_slide(projects.loc[pid], converted, currency, lang) for pid in project_ids
               if pid in projects.index]
    slides += [
        Slide("not_published", t("briefing.slide.not_published", lang), say["not_published"],
              bullets=_more([_missing_item(row, lang) for row in missing.itertuples()], lang)),
        Slide("sources", t("briefing.slide.sources", lang), _sources_message(portfolio, data_version, today, lang),
              bullets=_sources(portfolio, lang)),
    ]
    footer = t("briefing.footer", lang, date=format_partial_date(today.isoformat(), lang), version=data_version,
               filters=describe_filters(state, lang), currency=currency)
    return Deck(lang, t("briefing.deck.title", lang), footer, tuple(slides), facts)
