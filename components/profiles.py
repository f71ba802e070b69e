"""Donor and project profile building blocks: breakdown figure, parties, dates and donor-province tables."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts import OKABE_ITO, money_ticks
from components.escape import escape_all
from components.facts import fact_label, fact_value, fact_values
from components.figures import make_plain_figure
from components.i18n import (
    format_households,
    format_money,
    format_number,
    format_partial_date,
    has_key,
    status_label,
    t,
    theme_label,
)
from data.metrics import FLOW_MEASURES, measure_masks
from data.organisations import organisation_label
from data.status import compute_project_dates
from geo.provinces import PROVINCE_PCODES, province_name


@lru_cache(maxsize=1 << 14)  # the organisations' reference is read once per process: a name's label never changes
def _partner_label(name: object, lang: str) -> str:
    """organisation_label(name, lang), once per name: a name the reference does not know is looked for part by part
    (~60 µs), and a donor's partners come back in every measure and filter state."""
    return organisation_label(name, lang)


def make_breakdown_figure(frame: pd.DataFrame, by: str, currency: str, lang: str) -> go.Figure:
    """Grouped bars per year, theme or partner: one bar per money measure (committed, received, disbursed, spent)."""
    # Plain lists, each measure's rows in the frame's order: a mask and a selection per measure cost more than rows.
    keys, amounts = frame[by].tolist(), frame["amount"].tolist()
    rows_of: dict[object, list[int]] = {}
    for row, measure in enumerate(frame["measure"].tolist()):
        rows_of.setdefault(measure, []).append(row)
    traces = []
    for i, measure in enumerate(FLOW_MEASURES):
        rows = rows_of.get(measure)
        if not rows:
            continue
        labels = escape_all([theme_label(keys[r], lang) if by == "theme" else _partner_label(keys[r], lang)
                             if by == "partner" else str(keys[r]) for r in rows], "html")
        part = [amounts[r] for r in rows]
        traces.append(dict(type="bar", x=labels, y=part, name=t(f"measure.{measure}", lang),
                           marker=dict(color=OKABE_ITO[i]), text=[format_money(v, currency, lang) for v in part],
                           textposition="auto", hovertemplate="%{x}<br>%{text}<extra></extra>"))
    return make_plain_figure(traces, dict(
        title=dict(text=t(f"donor.by.{by}", lang)), barmode="group", height=340, margin=dict(l=10, r=10, t=50, b=10),
        yaxis=dict(title=dict(text=t("chart.amount", lang, currency=currency)),
                   **money_ticks(float(frame["amount"].max()) if len(frame) else 0.0, currency, lang)),
        xaxis=dict(type="category"), separators=".," if lang == "en" else ", "))


def make_measures_table(measures: pd.DataFrame, currency: str, lang: str) -> pd.DataFrame:
    """Commitments against disbursements, one row per money measure: 'no flow' when there is none of that kind,
    'not published' when there are flows but none gives an amount (four rows: text that says which beats a sortable
    number here)."""
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
    return pd.DataFrame({t("col.organisation", lang): [organisation_label(o, lang) for o in parties["organisation"]],
                         t("col.role", lang): [role(r) for r in parties["role"]]})



def _typed_dates(project: pd.Series) -> pd.Series:
    """One project's row of compute_project_dates (its dates typed by the date kind, derived end included)."""
    return compute_project_dates(project.to_frame().T).iloc[0]


def make_dates_table(project: pd.Series, lang: str, conflicts: dict[str, tuple[str, ...]] | None = None,
                     dates: pd.Series | None = None) -> pd.DataFrame:
    """The four IATI dates, the duration and the derived planned end (flagged), each 'not published' when empty,
    and what other sources state where they disagree ('42 (another source: 36)'). `dates`: the project's row of
    the prepared model's dates (View.dates), typed here when not given."""
    conflicts = conflicts or {}
    dates = _typed_dates(project) if dates is None else dates
    rows = [(t(f"fact.{c}", lang), with_conflict(format_partial_date(project.get(c), lang), c, conflicts, lang))
            for c in ("planned_start", "actual_start", "planned_end", "actual_end")]
    months = project.get("duration_months")
    rows.append((t("fact.duration_months", lang), with_conflict(
        format_number(None if pd.isna(months) else int(months), lang), "duration_months", conflicts, lang)))
    if pd.notna(dates["derived_first"]):
        rows.append((t("fact.derived_end", lang), format_partial_date(dates["derived_first"], lang)))
    return pd.DataFrame(rows, columns=[t("col.fact", lang), t("col.date", lang)])


def make_donor_provinces_table(provinces: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.provinces", lang): [province_name(p) if p in PROVINCE_PCODES else p
                                   for p in provinces["province_pcode"]],
        t("donor.projects", lang): provinces["projects"],
    })


def project_conflicts(conflicts: pd.DataFrame, project_id: str) -> dict[str, tuple[str, ...]]:
    """column → the values the sources state for one project's facts, where they disagree (compute_conflicts)."""
    mine = conflicts[(conflicts["table"] == "projects") & (conflicts["record_id"] == project_id)]
    return dict(zip(mine["column"], mine["value_list"]))


def with_conflict(shown: str, column: str, conflicts: dict[str, tuple[str, ...]], lang: str) -> str:
    """'42 (another source: 36)' when the sources disagree on the fact; the value alone otherwise."""
    others = [v for v in dict.fromkeys(fact_value(column, v, lang) for v in conflicts.get(column, ())) if v != shown]
    return t("project.differs", lang, value=shown, others=", ".join(others)) if others else shown


def compute_project_summary(project: pd.Series, flows: pd.DataFrame, places: pd.DataFrame,
                            conflicts: dict[str, tuple[str, ...]], currency: str, lang: str,
                            dates: pd.Series | None = None) -> list[tuple[str, str, str | None]]:
    """The first screen of a project, as (label, value, help): status, committed / disbursed / spent in the reporting
    currency, provinces by name, start, end and households targeted, each with its sources' disagreement.
    `dates`: as for make_dates_table."""
    money = []
    masks = measure_masks(flows) if not flows.empty else {}  # the flows' types read once for the three measures
    published = flows["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan) if not flows.empty else None
    for measure in ("committed", "disbursed", "spent"):
        chosen = masks.get(measure)
        amounts = published[chosen & ~np.isnan(published)] if chosen is not None else None
        text = t("donor.no_flow", lang) if chosen is None or not chosen.any() else format_money(
            float(amounts.sum()) if len(amounts) else None, currency, lang)
        money.append((t(f"measure.{measure}", lang), text, None))
    if project.get("coverage") == "national":
        provinces = t("project.summary.national", lang)
    elif places.empty:
        provinces = t("not_published", lang)
    else:
        provinces = ", ".join(province_name(p) for p in dict.fromkeys(places["province_pcode"]))
    dates = _typed_dates(project) if dates is None else dates
    start_column = "actual_start" if pd.notna(dates["actual_start_first"]) else "planned_start"
    end_column = "actual_end" if pd.notna(dates["actual_end_first"]) else "planned_end"
    end, end_help = format_partial_date(project.get(end_column), lang), None
    if dates["end_derived"]:
        end = t("project.summary.derived", lang, date=format_partial_date(dates["derived_first"], lang))
        end_help = t("fact.derived_end", lang)
    households = project.get("households_targeted")
    shown = format_households(None if pd.isna(households) else households,
                              project.get("households_targeted_is_minimum"), lang)
    status = project.get("activity_status")
    return [(t("col.status", lang), status_label(None if pd.isna(status) else status, lang), None), *money,
            (t("col.provinces", lang), provinces, None),
            (t("col.start", lang), with_conflict(format_partial_date(project.get(start_column), lang), start_column,
                                                 conflicts, lang), None),
            (t("col.end", lang), with_conflict(end, end_column, conflicts, lang), end_help),
            (t("fact.households_targeted", lang), with_conflict(shown, "households_targeted", conflicts, lang), None)]
