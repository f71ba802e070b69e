"""Overview: KPIs that follow the filters, the map in small, top donors, ending soon, projects with their sources."""

import streamlit as st

from components.as_of import render_as_of
from components.chart_png import render_chart
from components.charts import make_donor_figure
from components.escape import escape_text, hide_paths, short_name
from components.exports import render_exports
from components.filters import render_filter_notes
from components.i18n import t
from components.kpis import render_kpis
from components.maps import minimum_projects
from components.small_map import render_small_map
from components.status_views import make_conflicts_table, render_ending
from components.tables import (
    make_flows_table,
    make_projects_table,
    make_sources_table,
    render_one_table,
    render_paged_table,
    render_table,
)
from components.view import PLOT_CONFIG, load_view
from data.metrics import FLOW_MEASURES, compute_by_donor, compute_conflicts, compute_kpis
from data.organisations import organisation_label
from data.portfolio import compute_refused_rows
from data.status import compute_ending_soon, count_without_end

view = load_view()
lang, currency, portfolio = view.lang, view.currency, view.portfolio
flows, flow_rows = view.flows_at()  # the view's flows as positions: sliced only for the flows table

st.title(t("app.title", lang))
render_as_of(view.full, view.today, lang, view.dataset_memo)
st.caption(t("overview.caption", lang))
render_filter_notes(view.result, len(view.full.projects), lang)

if portfolio.projects.empty:
    st.info(t("empty", lang))
else:
    render_kpis(view.kept("kpis", lambda: compute_kpis(portfolio, currency, flows, view.prepared.missing_facts,
                                                       view.prepared.flow_facts(), view.prepared.project_facts(),
                                                       flow_rows)), lang)
    left, right = st.columns([2, 3])
    with left:
        render_small_map(portfolio.projects, view.full.locations, None, currency, lang, key="overview_map",
                         allocation=view.allocation("committed"), memo=view.memo, donors=view.project_donors(),
                         kept=view.kept,  # households "more than": the dataset's projects', found once
                         minimum=view.dataset_memo("minimum_projects", lambda: minimum_projects(view.full.projects)))
    with right:
        st.subheader(t("overview.top_donors", lang))
        measure = st.segmented_control(t("chart.amount", lang, currency=currency), list(FLOW_MEASURES),
                                       format_func=lambda k: t(f"measure.{k}", lang), default="committed",
                                       key="measure")
        by_donor = view.kept("by_donor", lambda: compute_by_donor(flows, measure or "committed",  # the donor rule
                                                                  view.prepared.flow_facts(), donor_flows_only=True,
                                                                  rows=flow_rows), measure)
        render_chart(view.memo("donor_figure", lambda: make_donor_figure(by_donor.head(8), currency, lang), measure),
                     "overview_donors", t("export.chart.donors", lang), lang, PLOT_CONFIG)
        unpublished = by_donor[by_donor["not_published"] > 0]
        if not unpublished.empty:
            st.caption(t("chart.by_donor.missing", lang, n=int(unpublished["not_published"].sum()),
                         donors=escape_text(", ".join(organisation_label(d, lang) for d in unpublished["donor"]))))
    every_ending = view.dataset_memo("all_ending_soon", lambda: compute_ending_soon(  # once per day, as on Status
        view.full.projects, view.today, 180, view.dates), 180)
    ending = view.memo("ending_soon", lambda: view.of_view(every_ending, "all_ending_soon", 180), 180)
    if not ending.empty:  # a heading only when something ends: "nothing ends" is no headline
        st.subheader(t("overview.ending_soon", lang))
    render_ending(ending, 180, view.memo("without_end", lambda: count_without_end(portfolio.projects, view.dates)),
                  lang, view.memo)
    st.caption(t("overview.more", lang))

    render_one_table({
        "projects": lambda: render_paged_table(
            portfolio.projects, lambda rows: make_projects_table(view.page_portfolio(portfolio, rows), lang), lang,
            key="overview_projects", memo=view.memo,
            made=view.rows_made("projects", view.state.provinces, view.state.territories)),  # their places
        "flows": lambda: render_paged_table(
            view.funding, lambda rows: make_flows_table(rows, lang), lang, key="overview_flows", memo=view.memo,
            made=view.rows_made("flows", currency)),
        "sources": lambda: render_table(view.memo("sources_table", lambda: make_sources_table(portfolio, lang))),
    }, t("overview.tables", lang), lang, key="overview_table")
    conflicts = view.memo("conflicts", lambda: compute_conflicts(portfolio.sources, portfolio.documents))
    if not conflicts.empty:
        st.subheader(t("table.conflicts", lang))
        render_table(make_conflicts_table(conflicts, lang))
problems = sum(len(r.rejected) for r in view.full.reports)
if problems or view.full.unreadable:
    with st.expander(t("data.problems", lang, n=problems)):
        for report in view.full.reports:
            if report.rejected_rows is not None:
                st.caption(escape_text(short_name(report.path)))  # the file name: never a server path
                render_table(compute_refused_rows(report.rejected_rows, report.rejected))
        for reason in view.full.unreadable:
            st.error(escape_text(hide_paths(reason)))
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
