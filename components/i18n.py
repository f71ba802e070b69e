"""UI strings in English and French, and locale-aware number, money and date formatting (babel)."""
from __future__ import annotations

import math

from babel.dates import format_date as babel_format_date
from babel.numbers import format_compact_currency, format_decimal

from data.schema import ACTIVITY_STATUS, COVERAGE, ORG_ROLES, THEMES, TRANSACTION_TYPES, parse_partial_date

LANGUAGES = {"en": "English", "fr": "Français"}
LOCALES = {"en": "en_GB", "fr": "fr_FR"}

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "DRC stabilisation portfolio", "fr": "Portefeuille de stabilisation en RDC"},
    "nav.overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "sidebar.language": {"en": "Language", "fr": "Langue"},
    "sidebar.currency": {"en": "Reporting currency", "fr": "Devise de présentation"},
    "not_published": {"en": "not published", "fr": "non publié"},
    "overview.caption": {
        "en": "Who funds what, where, for how long and for how many households — from the published sources only.",
        "fr": "Qui finance quoi, où, pour combien de temps et pour combien de ménages — d'après les seules "
              "sources publiées."},
    "kpi.funding": {"en": "Committed funding", "fr": "Financements engagés"},
    "kpi.funding.help": {
        "en": "Sum of published commitments converted at the ECB reference rate of each flow's value date. "
              "{missing} commitment(s) without a published amount are left out.",
        "fr": "Somme des engagements publiés, convertis au taux de référence BCE de la date de valeur de chaque "
              "flux. {missing} engagement(s) sans montant publié sont exclus."},
    "kpi.projects": {"en": "Projects", "fr": "Projets"},
    "kpi.projects.help": {"en": "Status: {statuses}", "fr": "Statut : {statuses}"},
    "kpi.donors": {"en": "Donors", "fr": "Bailleurs"},
    "kpi.hh_targeted": {"en": "Households targeted", "fr": "Ménages ciblés"},
    "kpi.hh_reached": {"en": "Households reached", "fr": "Ménages atteints"},
    "kpi.hh.help": {"en": "Published for {n} of {total} projects.", "fr": "Publié pour {n} projets sur {total}."},
    "kpi.provinces": {"en": "Provinces covered", "fr": "Provinces couvertes"},
    "kpi.provinces.help": {"en": "Plus {n} national project(s).", "fr": "Plus {n} projet(s) national(aux)."},
    "kpi.not_published": {"en": "Values not published", "fr": "Valeurs non publiées"},
    "kpi.not_published.help": {
        "en": "Key facts (dates, status, households, amounts, donors…) the sources do not give.",
        "fr": "Faits clés (dates, statut, ménages, montants, bailleurs…) que les sources ne donnent pas."},
    "status.not_published": {"en": "status not published", "fr": "statut non publié"},
    "chart.by_donor": {"en": "Funding by donor", "fr": "Financement par bailleur"},
    "chart.by_donor.missing": {
        "en": "{n} flow(s) with no published amount are listed but not drawn: {donors}.",
        "fr": "{n} flux sans montant publié sont listés mais non tracés : {donors}."},
    "chart.amount": {"en": "Amount ({currency})", "fr": "Montant ({currency})"},
    "chart.donor": {"en": "Donor", "fr": "Bailleur"},
    "measure.committed": {"en": "Committed", "fr": "Engagé"},
    "measure.received": {"en": "Received", "fr": "Reçu"},
    "measure.disbursed": {"en": "Disbursed", "fr": "Décaissé"},
    "measure.spent": {"en": "Spent", "fr": "Dépensé"},
    "table.projects": {"en": "Projects and their sources", "fr": "Projets et sources"},
    "table.flows": {"en": "Funding flows", "fr": "Flux financiers"},
    "table.sources": {"en": "Sources of each fact", "fr": "Sources de chaque fait"},
    "table.conflicts": {"en": "Facts the sources disagree on", "fr": "Faits sur lesquels les sources divergent"},
    "table.rate": {"en": "{rate:.4f} on {date} ({basis})", "fr": "{rate:.4f} au {date} ({basis})"},
    "col.project": {"en": "Project", "fr": "Projet"},
    "col.title": {"en": "Title", "fr": "Titre"},
    "col.implementing": {"en": "Implementing", "fr": "Mise en œuvre"},
    "col.theme": {"en": "Theme", "fr": "Thème"},
    "col.status": {"en": "Status", "fr": "Statut"},
    "col.start": {"en": "Start", "fr": "Début"},
    "col.end": {"en": "End", "fr": "Fin"},
    "col.duration": {"en": "Months", "fr": "Mois"},
    "col.coverage": {"en": "Coverage", "fr": "Couverture"},
    "col.provinces": {"en": "Provinces", "fr": "Provinces"},
    "col.households": {"en": "Households targeted", "fr": "Ménages ciblés"},
    "col.sources": {"en": "Sources", "fr": "Sources"},
    "col.donor": {"en": "Donor", "fr": "Bailleur"},
    "col.type": {"en": "Transaction", "fr": "Transaction"},
    "col.amount": {"en": "Amount (original)", "fr": "Montant (original)"},
    "col.amount_reporting": {"en": "Amount ({currency})", "fr": "Montant ({currency})"},
    "col.rate": {"en": "Rate used", "fr": "Taux utilisé"},
    "col.value_date": {"en": "Value date", "fr": "Date de valeur"},
    "col.fact": {"en": "Fact", "fr": "Fait"},
    "col.value": {"en": "Value stated", "fr": "Valeur indiquée"},
    "col.document": {"en": "Document", "fr": "Document"},
    "col.paragraph": {"en": "Paragraph", "fr": "Paragraphe"},
    "col.evidence": {"en": "Evidence", "fr": "Extrait"},
    "col.values": {"en": "Values", "fr": "Valeurs"},
    "col.documents": {"en": "Documents", "fr": "Documents"},
    "basis.value-date": {"en": "rate of the value date", "fr": "taux de la date de valeur"},
    "basis.earlier-business-day": {"en": "previous business day", "fr": "jour ouvré précédent"},
    "basis.latest": {"en": "value date not published: latest ECB rate",
                     "fr": "date de valeur non publiée : dernier taux BCE"},
    "basis.identity": {"en": "same currency", "fr": "même devise"},
    "basis.before-first": {"en": "before the ECB series: first rate", "fr": "avant la série BCE : premier taux"},
    "basis.after-last": {"en": "after the ECB series: last rate", "fr": "après la série BCE : dernier taux"},
    "data.problems": {"en": "Rows set aside at load ({n})", "fr": "Lignes écartées au chargement ({n})"},
    "data.unreadable": {"en": "Files that could not be read", "fr": "Fichiers illisibles"},
    "empty": {"en": "No project matches.", "fr": "Aucun projet ne correspond."},
}


def t(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang`, formatted with `values`."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def code_label(codes: dict, code: object, lang: str) -> str:
    """Label of an IATI or project code list entry, or 'not published'."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("not_published", lang)
    try:
        return codes[code][lang]
    except (KeyError, TypeError):
        return str(code)


def status_label(code: object, lang: str) -> str:
    return code_label(ACTIVITY_STATUS, None if code is None or code != code else int(code), lang)


def theme_label(code: object, lang: str) -> str:
    return code_label(THEMES, code, lang)


def coverage_label(code: object, lang: str) -> str:
    return code_label(COVERAGE, code, lang)


def transaction_label(code: object, lang: str) -> str:
    return code_label(TRANSACTION_TYPES, None if code is None or code != code else int(code), lang)


def role_label(code: object, lang: str) -> str:
    return code_label(ORG_ROLES, None if code is None or code != code else int(code), lang)


def format_money(amount: float | None, currency: str, lang: str) -> str:
    """Compact money ('€12.5M' / '12,5 M€'); None → 'not published', never 0."""
    if amount is None or amount != amount:
        return t("not_published", lang)
    return format_compact_currency(amount, currency, locale=LOCALES[lang], fraction_digits=1)


def format_number(value: float | None, lang: str) -> str:
    if value is None or value != value:
        return t("not_published", lang)
    return format_decimal(value, locale=LOCALES[lang])


def format_partial_date(value: object, lang: str) -> str:
    """'14 Dec 2021' / '14 déc. 2021'; a year or month alone stays a year or month."""
    parsed = parse_partial_date(value)
    if parsed is None:
        return t("not_published", lang)
    if parsed.precision == "year":
        return str(parsed.first.year)
    if parsed.precision == "month":
        return babel_format_date(parsed.first, "MMM y", locale=LOCALES[lang])
    return babel_format_date(parsed.first, "medium", locale=LOCALES[lang])
