"""Entry point: page config and navigation only."""
from contextlib import nullcontext

import streamlit as st

from components.stylesheet import render_app_stylesheet

# Every page: KPI tiles never cut, Ctrl+P prints the content only. First, before the app's modules are imported:
# Streamlit's first element of a process inspects the call stack once (is_repl), which reads every loaded module's
# path (~0.3 s of a restart with pandas, plotly and the app loaded, a third of it with Streamlit's alone).
render_app_stylesheet()

from components.filters import nav_language  # noqa: E402 (after the stylesheet: see above)
from components.i18n import t  # noqa: E402

lang = nav_language()  # the page titles follow ?lang=
# The favicon stays an emoji: Streamlit draws it in the page, whereas a ":material/...:" favicon is fetched from
# fonts.gstatic.com (tests/e2e/test_funding_map_offline.py caught it).
st.set_page_config(page_title=t("app.title", lang), page_icon="🗺️", layout="wide")

# Material icons ship with Streamlit (served by the app): emoji would need fonts a projector PC may lack.
OVERVIEW = st.Page("app_pages/overview.py", title=t("nav.overview", lang), icon=":material/dashboard:", default=True,
                   url_path="home")  # the default page is served at /: Streamlit reserves this path but never shows it


def to_overview() -> None:
    """/overview, the address a reader guesses from /status and /donor, opens the Overview at / with the link's
    filters instead of Streamlit's "Page not found"."""
    st.switch_page(OVERVIEW, query_params={key: st.query_params.get_all(key) for key in st.query_params})


PAGES = [
    OVERVIEW,
    st.Page("app_pages/status.py", title=t("nav.status", lang), icon=":material/schedule:", url_path="status"),
    st.Page("app_pages/donor.py", title=t("nav.donor", lang), icon=":material/handshake:", url_path="donor"),
    st.Page("app_pages/project.py", title=t("nav.project", lang), icon=":material/folder_open:", url_path="project"),
    st.Page("app_pages/funding_map.py", title=t("nav.funding_map", lang), icon=":material/map:",
            url_path="funding_map"),
    st.Page("app_pages/briefing.py", title=t("nav.briefing", lang), icon=":material/co_present:",
            url_path="briefing"),
    st.Page("app_pages/data.py", title=t("nav.data", lang), icon=":material/upload_file:", url_path="data"),
]
# The menu goes to the browser first, in the reader's language, so a deep link opened right after a server start
# never shows a blank page or file names while the charting, map and data modules load (seconds on a cold start).
page = st.navigation([*PAGES, st.Page(to_overview, title=t("nav.overview", lang), url_path="overview",
                                      visibility="hidden")])
# The session's first run says the data is loading instead of a blank page; later reruns keep the page still.
first_run = not st.session_state.setdefault("_started", False)
st.session_state["_started"] = True
with st.spinner(t("app.loading", lang)) if first_run else nullcontext():
    from components.printing import render_print_toggle
    from components.state import run_housekeeping

    run_housekeeping()  # once per process: a save killed before this start leaves nothing behind
    render_print_toggle(lang)  # every page: ?print=1 draws each table whole, so that Ctrl+P prints all its rows
    page.run()
