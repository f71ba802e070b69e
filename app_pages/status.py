"""Programme status for managers: timeline, status checks, ending soon, burn, households, data quality."""
import streamlit as st

from components.as_of import render_as_of
from components.chart_png import render_chart
from components.escape import escape_text, format_id_list
from components.exports import render_exports
from components.filters import render_filter_notes
from components.i18n import format_partial_date, t
from components.status_views import (
    HOUSEHOLDS_MAX_PROJECTS,
    burn_notes,
    compute_check_dates,
    compute_every_check,
    compute_view_burn,
    compute_view_check_counts,
    compute_view_households,
    compute_view_quality,
    compute_view_timeline,
    make_burn_figure,
    make_households_figure,
    render_checks,
    render_ending,
    render_gap_chart,
    render_quality,
)
from components.timeline import make_timeline_figure
from components.view import PLOT_CONFIG, load_view
from data.status import (
    compute_ending_soon,
    count_without_end,
)

ENDING_WINDOWS = (90, 180)

view = load_view()
lang, portfolio, today = view.lang, view.portfolio, view.today
projects = portfolio.projects

st.title(t("status.title", lang))
render_as_of(view.full, view.today, lang, view.dataset_memo)
st.caption(t("status.caption", lang, today=format_partial_date(today.isoformat(), lang)))
render_filter_notes(view.result, len(view.full.projects), lang)

if projects.empty:
    st.info(t("empty", lang))
else:
    # Checks, bars, burn, households and ending soon are found for every project of the dataset once per day; a
    # filter state takes its projects' rows (View.of_view, on positions: the same rows as computing them for these
    # projects alone).
    def timeline():
        bars, undated, drawn, with_bars = compute_view_timeline(view)
        return bars, undated, drawn, with_bars, make_timeline_figure(drawn, today, lang)

    bars, undated, drawn, with_bars, figure = view.memo("timeline", timeline)  # once per filter state and day
    legend = t("timeline.legend", lang)
    render_chart(figure, "timeline", t("export.chart.timeline", lang), lang, PLOT_CONFIG, note=legend)
    st.caption(legend)
    if len(drawn) < len(bars):
        st.caption(t("timeline.capped", lang, shown=drawn["project_id"].nunique(), n=with_bars))
    if undated:
        st.caption(t("timeline.left_out", lang, n=len(undated), ids=escape_text(format_id_list(undated))))

    st.subheader(t("checks.title", lang))
    render_checks(view.memo("status_checks", lambda: view.of_view(compute_every_check(view), "all_status_checks")),
                  lang, view.memo, compute_check_dates(view), lambda: compute_view_check_counts(view))

    st.subheader(t("ending.title", lang))
    days = st.segmented_control(t("ending.window", lang), ENDING_WINDOWS, default=ENDING_WINDOWS[0],
                                format_func=lambda n: t("ending.days", lang, n=n), key="ending_days")
    days = days or ENDING_WINDOWS[0]
    every_ending = view.dataset_memo("all_ending_soon", lambda: compute_ending_soon(view.full.projects, today, days,
                                                                                   view.dates), days)
    render_ending(view.memo("ending_soon", lambda: view.of_view(every_ending, "all_ending_soon", days), days), days,
                  view.memo("without_end", lambda: count_without_end(projects, view.dates)), lang, view.memo)

    burn, burn_left_out = view.memo("burn", lambda: compute_view_burn(view))
    render_gap_chart(burn, lambda frame, lang: view.memo("burn_figure", lambda: make_burn_figure(frame, lang)), "burn",
                     burn_left_out, lang)
    for note in view.memo("burn_notes", lambda: burn_notes(burn, lang)):  # none when nothing is drawn
        st.caption(note)
    households, hh_left_out, drawn_households = view.memo("households", lambda: compute_view_households(view))
    render_gap_chart(drawn_households, lambda frame, lang: view.memo(
        "households_figure", lambda: make_households_figure(frame, lang)), "households", hh_left_out, lang)
    if len(households) > HOUSEHOLDS_MAX_PROJECTS:
        st.caption(t("households.capped", lang, shown=HOUSEHOLDS_MAX_PROJECTS, n=len(households)))

    with st.expander(t("quality.title", lang), expanded=True):
        render_quality(view.memo("quality", lambda: compute_view_quality(view)), lang)
render_exports(view)  # CSV/XLSX of the filtered projects, flows and provinces; charts as PNG
