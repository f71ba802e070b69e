"""Donor and project profile building blocks: breakdown figure, parties, dates and donor-province tables."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.charts import OKABE_ITO
from components.facts import fact_label, fact_values
from components.i18n import format_money, format_number, format_partial_date, has_key, t, theme_label
from data.metrics import FLOW_MEASURES
from data.status import project_dates
from geo.provinces import PROVINCE_PCODES, province_name


def make_breakdown_figure(frame: pd.DataFrame, by: str, currency: str, lang: str) -> go.Figure:
    """Grouped bars per year, theme or partner: one bar per money measure (committed, received, disbursed, spent)."""
    figure = go.Figure()
    for i, measure in enumerate(FLOW_MEASURES):
        part = frame[frame["measure"] == measure]
        if part.empty:
            continue
        labels = [theme_label(v, lang) if by == "theme" else str(v) for v in part[by]]
        figure.add_trace(go.Bar(x=labels, y=part["amount"], name=t(f"measure.{measure}", lang),
                                marker_color=OKABE_ITO[i],
                                text=[format_money(v, currency, lang) for v in part["amount"]],
                                textposition="auto", hovertemplate="%{x}<br>%{text}<extra></extra>"))
    figure.update_layout(title=t(f"donor.by.{by}", lang), barmode="group", height=340,
                         margin=dict(l=10, r=10, t=50, b=10), yaxis_title=t("chart.amount", lang, currency=currency),
                         xaxis=dict(type="category"), separators=".," if lang == "en" else ", ")
    return figure


def make_measures_table(measures: pd.DataFrame, currency: str, lang: str) -> pd.DataFrame:
    """Commitments against disbursements, one row per money measure: 'no flow' when there is none of that kind,
    'not published' when there are flows but none gives an amount."""
    return pd.DataFrame({
        t("col.measure", lang): [t(f"measure.{m}", lang) for m in measures["measure"]],
        t("col.amount_reporting", lang, currency=currency): [
            t("donor.no_flow", lang) if n == 0 else format_money(a if pd.notna(a) else None, currency, lang)
            for a, n in zip(measures["amount"], measures["flows"])],
        t("col.flows", lang): measures["flows"],
        t("col.missing", lang): measures["not_published"],
    })


def make_project_sources_table(sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every source row of a project (data.metrics.compute_project_sources) with the document's title."""
    return pd.DataFrame({
        t("col.fact", lang): [fact_label(c, lang) for c in sources["column"]],
        t("col.value", lang): fact_values(sources["column"], sources["value"], lang),
        t("col.document", lang): sources["title"].fillna("") + " [" + sources["document_id"] + "]",
        t("col.paragraph", lang): sources["paragraph"],
        t("col.evidence", lang): sources["evidence"],
    })


def make_parties_table(parties: pd.DataFrame, lang: str) -> pd.DataFrame:
    def role(r: str) -> str:
        return t(f"role.{r}", lang) if has_key(f"role.{r}") else r
    return pd.DataFrame({t("col.organisation", lang): parties["organisation"],
                         t("col.role", lang): [role(r) for r in parties["role"]]})



def make_dates_table(project: pd.Series, lang: str) -> pd.DataFrame:
    """The four IATI dates, the duration and the derived planned end (flagged), each 'not published' when empty."""
    dates = project_dates(project)
    rows = [(t(f"fact.{c}", lang), format_partial_date(project.get(c), lang))
            for c in ("planned_start", "actual_start", "planned_end", "actual_end")]
    months = project.get("duration_months")
    rows.append((t("fact.duration_months", lang), format_number(None if pd.isna(months) else int(months), lang)))
    if dates.derived_end is not None:
        rows.append((t("fact.derived_end", lang), format_partial_date(dates.derived_end.first.isoformat(), lang)))
    return pd.DataFrame(rows, columns=[t("col.fact", lang), t("col.date", lang)])


def make_donor_provinces_table(provinces: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.provinces", lang): [province_name(p) if p in PROVINCE_PCODES else p
                                   for p in provinces["province_pcode"]],
        t("donor.projects", lang): provinces["projects"],
    })
