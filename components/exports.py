"""Downloads on every page: the filtered projects, flows and per-province totals as CSV and XLSX with readable
labels in the chosen language (formulas neutralised by data.export), the page's charts as PNG."""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.chart_png import PNG_SCALE, PNG_SIZE, make_noted_figure, make_png_figure
from components.charts import make_donor_figure
from components.facts import fact_value
from components.i18n import t
from components.images import base_map_available, render_pngs, renderer_problem
from components.small_map import make_small_map
from components.status_views import make_households_figure
from components.timeline import make_timeline_figure
from components.view import View
from data.export import to_csv_bytes, to_xlsx_bytes
from data.filters import split_list
from data.metrics import FLOW_MEASURES, compute_by_donor
from data.organisations import organisation_label
from data.portfolio import Portfolio
from data.schema import compute_project_titles
from data.status import compute_households, compute_timeline
from geo.allocation import allocate, by_unit, compute_assumed_units, project_locations
from geo.provinces import province_name

TABLES = ("projects", "flows", "provinces")


def _labels(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """A code column as labels ('not published' where missing), as every table of the app names them."""
    return frame[column].astype(object).map(lambda code: fact_value(column, code, lang))


def _organisations(names: object, lang: str) -> str | None:
    """'IOM; Cordaid' → 'OIM; Cordaid' in French: each organisation by its name in the language, the list kept."""
    return "; ".join(organisation_label(name, lang) for name in split_list(names)) or None


def make_projects_export(portfolio: Portfolio, lang: str) -> pd.DataFrame:
    """One row per project, codes as labels, numbers as numbers; an empty cell is a fact not published."""
    projects = portfolio.projects
    titles = compute_project_titles(projects, lang)
    title = titles.where(titles != "")  # no title in either language: an empty cell, not a blank string
    names = portfolio.locations.groupby("project_id")["province_pcode"].agg(
        lambda codes: "; ".join(province_name(c) for c in dict.fromkeys(codes)))
    minimum = projects["households_targeted_is_minimum"].map(lambda v: t("export.yes", lang) if v is True else "")
    return pd.DataFrame({
        t("col.project", lang): projects["project_id"], t("col.title", lang): title,
        t("col.implementing", lang): projects["implementing_orgs"].map(lambda orgs: _organisations(orgs, lang)),
        t("col.theme", lang): _labels(projects, "theme", lang),
        t("col.status", lang): _labels(projects, "activity_status", lang),
        t("col.start", lang): projects["actual_start"].fillna(projects["planned_start"]),
        t("col.end", lang): projects["actual_end"].fillna(projects["planned_end"]),
        t("col.duration", lang): projects["duration_months"],
        t("col.coverage", lang): _labels(projects, "coverage", lang),
        t("col.provinces", lang): projects["project_id"].map(names),
        t("fact.households_targeted", lang): projects["households_targeted"],
        t("export.minimum", lang): minimum,
        t("fact.households_reached", lang): projects["households_reached"],
    })


def make_flows_export(converted: pd.DataFrame, currency: str, lang: str) -> pd.DataFrame:
    """One row per flow: original amount and currency, the reporting amount with the rate and its date."""
    return pd.DataFrame({
        t("col.project", lang): converted["project_id"],
        t("col.donor", lang): converted["donor"].map(lambda d: organisation_label(d, lang), na_action="ignore"),
        t("col.role", lang): _labels(converted, "org_role", lang),
        t("export.recipient", lang): converted["recipient"].map(lambda o: organisation_label(o, lang),
                                                                 na_action="ignore"),
        t("col.type", lang): _labels(converted, "transaction_type", lang),
        t("col.amount", lang): converted["amount"], t("export.currency", lang): converted["currency"],
        t("col.amount_reporting", lang, currency=currency): converted["amount_reporting"],
        t("col.rate", lang): converted["rate"], t("export.rate_date", lang): converted["rate_date"],
        t("col.value_date", lang): converted["value_date"],
    })


def make_provinces_export(portfolio: Portfolio, all_locations: pd.DataFrame, converted: pd.DataFrame,
                          currency: str, lang: str) -> pd.DataFrame:
    """Committed funding and households per province (the funding map's allocation), then the national and
    unplaced remainders and the total, so the rows add up to the portfolio."""
    projects = portfolio.projects
    allocation = allocate(projects, project_locations(all_locations, projects),
                          FLOW_MEASURES["committed"].select(converted))
    units = by_unit(allocation)
    quantities = ("funding", "households_targeted", "households_reached")
    assumed = compute_assumed_units(allocation)  # a number resting on an equal split says so on its row
    rows = [{"code": r["pcode"], "name": province_name(r["pcode"]), "projects": r["projects"],
             **{q: r[q] for q in quantities}, "assumed": t("export.yes", lang) if r["pcode"] in assumed else ""}
            for r in units.to_dict("records")]
    def published(values: dict, bucket: str) -> dict:
        # a sum over projects none of which publishes the quantity is empty ("not published"), never a 0
        return {q: values[q] if allocation.bucket_published(q, bucket) else None for q in quantities}

    for bucket, values, ids in (("national", allocation.national, allocation.national_projects),
                                ("unallocated", allocation.unallocated, allocation.unallocated_projects)):
        if ids:
            rows.append({"code": "", "name": t(f"map.totals.{bucket}", lang), "projects": len(ids),
                         **published(values, bucket)})
    rows.append({"code": "", "name": t("map.totals.total", lang), "projects": len(projects),
                 **published(allocation.totals, "total")})
    frame = pd.DataFrame(rows, columns=["code", "name", "projects", *quantities, "assumed"]).fillna({"assumed": ""})
    return frame.rename(columns={
        "code": t("export.pcode", lang), "name": t("col.provinces", lang), "projects": t("col.projects", lang),
        "funding": t("col.amount_reporting", lang, currency=currency),
        "households_targeted": t("fact.households_targeted", lang),
        "households_reached": t("fact.households_reached", lang), "assumed": t("export.split_assumed", lang)})


def make_export_tables(view: View) -> dict[str, pd.DataFrame]:
    """The three tables of the filtered view, keyed by TABLES."""
    lang, currency = view.lang, view.currency
    return {"projects": make_projects_export(view.portfolio, lang),
            "flows": make_flows_export(view.funding, currency, lang),
            "provinces": make_provinces_export(view.portfolio, view.full.locations, view.funding, currency, lang)}


def make_export_figures(view: View) -> dict[str, go.Figure]:
    """The view's charts as they are saved to PNG (donors, map, timeline, households), in the chosen language."""
    lang, currency, projects = view.lang, view.currency, view.portfolio.projects
    bars, _ = compute_timeline(projects, view.today)
    households, _ = compute_households(projects)
    figures = {
        "donors": make_donor_figure(compute_by_donor(view.funding).head(8), currency, lang),
        "map": make_small_map(projects, view.full.locations, view.funding, currency, lang, None,
                              base_map_available(), height=PNG_SIZE[1]).figure,
        "timeline": make_noted_figure(make_timeline_figure(bars, view.today, lang), t("timeline.legend", lang)),
    }
    if not households.empty:
        figures["households"] = make_households_figure(households, lang)
    return figures


def make_chart_pngs(view: View) -> bytes:
    """A ZIP of the view's charts as PNG (make_export_figures)."""
    figures, lang = make_export_figures(view), view.lang
    pngs = render_pngs([make_png_figure(figure) for figure in figures.values()], scale=PNG_SCALE)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, png in zip(figures, pngs):
            if png:
                archive.writestr(f"{t(f'export.chart.{name}', lang)}.png", png)
    return out.getvalue()


def render_exports(view: View) -> None:
    """Download buttons for the filtered view: each table as CSV, all three as one XLSX, the charts as PNG.
    Files are built only when a button is clicked (no rerun)."""
    lang = view.lang
    stem = f"{t('export.stem', lang)}-{view.today.isoformat()}"
    with st.popover(t("export.title", lang), icon=":material/download:"):
        st.caption(t("export.caption", lang))
        for name in TABLES:
            st.download_button(t(f"export.csv.{name}", lang),
                               data=lambda name=name: to_csv_bytes(make_export_tables(view)[name]),
                               file_name=f"{stem}-{t(f'export.sheet.{name}', lang)}.csv", mime="text/csv",
                               on_click="ignore", key=f"export_csv_{name}", width="stretch")
        st.download_button(t("export.xlsx", lang), data=lambda: to_xlsx_bytes(
            {t(f"export.sheet.{n}", lang): f for n, f in make_export_tables(view).items()}),
            file_name=f"{stem}.xlsx", on_click="ignore", key="export_xlsx", width="stretch",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        problem = renderer_problem()
        st.download_button(t("export.png", lang), data=lambda: make_chart_pngs(view), file_name=f"{stem}.zip",
                           mime="application/zip", on_click="ignore", key="export_png", width="stretch",
                           disabled=problem is not None)
        if problem:
            st.caption(t("export.png.unavailable", lang, reason=t(f"briefing.renderer.{problem}", lang)))
