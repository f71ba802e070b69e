"""Overview: KPIs, funding by donor, projects with their sources."""
import streamlit as st

from components.charts import make_donor_figure
from components.i18n import t
from components.kpis import render_kpis
from components.state import get_funding, get_portfolio, render_settings
from components.tables import make_flows_table, make_projects_table, make_sources_table, render_table
from data.metrics import FLOW_MEASURES, compute_by_donor, compute_conflicts, compute_kpis

lang, currency = render_settings()
portfolio = get_portfolio()
funding = get_funding(currency)

st.title(t("app.title", lang))
st.caption(t("overview.caption", lang))
render_kpis(compute_kpis(portfolio, currency), lang)

measure = st.segmented_control(t("chart.amount", lang, currency=currency), list(FLOW_MEASURES),
                               format_func=lambda k: t(f"measure.{k}", lang), default="committed", key="measure")
by_donor = compute_by_donor(funding, measure or "committed")
st.plotly_chart(make_donor_figure(by_donor, currency, lang), config={"displaylogo": False})
unpublished = by_donor[by_donor["not_published"] > 0]
if not unpublished.empty:
    st.caption(t("chart.by_donor.missing", lang, n=int(unpublished["not_published"].sum()),
                 donors=", ".join(unpublished["donor"])))

st.subheader(t("table.projects", lang))
render_table(make_projects_table(portfolio, lang))
st.subheader(t("table.flows", lang))
render_table(make_flows_table(funding, lang))
conflicts = compute_conflicts(portfolio.sources)
if not conflicts.empty:
    st.subheader(t("table.conflicts", lang))
    render_table(conflicts)
with st.expander(t("table.sources", lang)):
    render_table(make_sources_table(portfolio, lang))
problems = sum(len(r.rejected) for r in portfolio.reports)
if problems or portfolio.unreadable:
    with st.expander(t("data.problems", lang, n=problems)):
        for report in portfolio.reports:
            if report.rejected_rows is not None:
                st.write(report.path)
                render_table(report.rejected_rows)
        for reason in portfolio.unreadable:
            st.error(reason)
