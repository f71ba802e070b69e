"""Programme status for managers: timeline, status checks, ending soon, burn, households, data quality."""
import streamlit as st

from components.as_of import render_as_of
from components.chart_png import render_chart
from components.escape import escape_text, format_id_list
from components.exports import render_exports
from components.filters import render_filter_notes
from components.i18n import format_partial_date, t
from components.status_views import (
    make_burn_figure,
    make_households_figure,
    render_checks,
    render_ending,
    render_gap_chart,
    render_quality,
)
from components.timeline import limit_timeline, make_timeline_figure
from components.view import PLOT_CONFIG, load_view
from data.status import (
    compute_burn,
    compute_data_quality,
    compute_ending_soon,
    compute_households,
    compute_status_checks,
    compute_timeline,
    count_without_end,
)

ENDING_WINDOWS = (90, 180)

view = load_view()
lang, portfolio, today = view.lang, view.portfolio, view.today
projects = portfolio.projects

st.title(t("status.title", lang))
render_as_of(view.full, view.today, lang)
st.caption(t("status.caption", lang, today=format_partial_date(today.isoformat(), lang)))
render_filter_notes(view.result, len(view.full.projects), lang)

if projects.empty:
    st.info(t("empty", lang))
else:
    bars, undated = compute_timeline(projects, today, view.dates)
    drawn, with_bars = limit_timeline(bars)
    render_chart(make_timeline_figure(drawn, today, lang), "timeline", t("export.chart.timeline", lang), lang,
                 PLOT_CONFIG)
    st.caption(t("timeline.legend", lang))
    if len(drawn) < len(bars):
        st.caption(t("timeline.capped", lang, shown=drawn["project_id"].nunique(), n=with_bars))
    if undated:
        st.caption(t("timeline.left_out", lang, n=len(undated), ids=escape_text(format_id_list(undated))))

    st.subheader(t("checks.title", lang))
    render_checks(compute_status_checks(projects, today, view.dates), lang)

    st.subheader(t("ending.title", lang))
    days = st.segmented_control(t("ending.window", lang), ENDING_WINDOWS, default=ENDING_WINDOWS[0],
                                format_func=lambda n: t("ending.days", lang, n=n), key="ending_days")
    days = days or ENDING_WINDOWS[0]
    render_ending(compute_ending_soon(projects, today, days, view.dates), days,
                  count_without_end(projects, view.dates), lang)

    burn, burn_left_out = compute_burn(projects, view.funding, today, dates=view.dates)
    render_gap_chart(burn, make_burn_figure, "burn", burn_left_out, lang)
    households, hh_left_out = compute_households(projects)
    render_gap_chart(households, make_households_figure, "households", hh_left_out, lang)

    with st.expander(t("quality.title", lang), expanded=True):
        render_quality(compute_data_quality(portfolio), lang)
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
