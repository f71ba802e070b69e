"""KPI tiles of the overview."""
from __future__ import annotations

import streamlit as st

from components.i18n import format_households, format_money, format_number, status_label, t


def render_kpis(kpis: dict, lang: str, donors: bool = True) -> None:
    """Nine tiles (eight without the donor count, which a donor's own profile does not need): committed, disbursed and
    left to disburse first; a missing value reads 'not published' and its help says what was left out."""
    statuses = ", ".join(f"{status_label(code, lang)} {n}" for code, n in kpis["projects_by_status"].items() if n)
    statuses = ", ".join(filter(None, [statuses, f"{t('status.not_published', lang)} "
                                                  f"{kpis['projects_status_not_published']}"]))
    targeted = format_households(kpis["households_targeted"], kpis["households_targeted_is_minimum"], lang)
    left = kpis["left_to_disburse"]
    if left["projects"]:
        paid_help = t("kpi.disbursed.help", lang, n=left["projects"], total=left["projects_committed"],
                      committed=format_money(left["committed"], kpis["currency"], lang))
        left_help = t("kpi.left.help", lang, n=left["projects"], total=left["projects_committed"])
    else:
        paid_help = left_help = t("kpi.left.none", lang)
    # Rows by topic: the money a donor asks about (committed, paid, left), then reach, then households; at most four
    # tiles a row, so "not published" / "non publié" is never cut short on a projector.
    rows = [[
        (t("kpi.funding", lang), format_money(kpis["funding_committed"], kpis["currency"], lang),
         t("kpi.funding.help", lang, missing=kpis["funding_flows_not_published"])),
        (t("kpi.disbursed", lang), format_money(left["disbursed"], kpis["currency"], lang) if left["payments"]
         else t("donor.no_flow", lang), paid_help),
        (t("kpi.left", lang), format_money(left["left"], kpis["currency"], lang), left_help),
    ], [
        (t("kpi.projects", lang), format_number(kpis["projects"], lang), t("kpi.projects.help", lang,
                                                                            statuses=statuses)),
        *([(t("kpi.donors", lang), format_number(kpis["donors"], lang), None)] if donors else []),
        (t("kpi.provinces", lang), format_number(kpis["provinces"], lang),
         t("kpi.provinces.help", lang, n=kpis["national_projects"])),
        (t("kpi.not_published", lang), format_number(kpis["not_published"], lang),
         t("kpi.not_published.help", lang)),
    ], [
        (t("kpi.hh_targeted", lang), targeted,
         t("kpi.hh.help", lang, n=kpis["households_targeted_projects"], total=kpis["projects"])),
        (t("kpi.hh_reached", lang), format_number(kpis["households_reached"], lang),
         t("kpi.hh.help", lang, n=kpis["households_reached_projects"], total=kpis["projects"])),
    ]]
    for tiles in rows:
        for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles):
            column.metric(label, value, help=help_text, border=True)
