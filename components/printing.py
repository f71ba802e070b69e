"""Print view (?print=1, a sidebar toggle): every table drawn whole as a static table, so Ctrl+P prints its rows."""
from __future__ import annotations

import streamlit as st

from components.i18n import format_number, t

PRINT_PARAM = "print"  # ?print=1: a bookmark or an e-mailed link opens ready to print
PRINT_KEY = "print_view"
PRINT_ROWS = 1000  # rows of one table on paper: a longer table is a download (CSV/XLSX), not a handout
BANNER_KEY, HINT_KEY = "print_banner", "print_hint"  # app.css: the banner on screen only, the hint on paper only


def is_print_view() -> bool:
    """Tables are drawn whole (static, up to PRINT_ROWS rows) instead of as a scrolling grid."""
    return bool(st.session_state.get(PRINT_KEY, False))


def _write() -> None:
    if is_print_view():
        st.query_params[PRINT_PARAM] = "1"
    elif PRINT_PARAM in st.query_params:
        del st.query_params[PRINT_PARAM]


def render_print_toggle(lang: str) -> None:
    """The sidebar toggle, kept in the URL (a page switch keeps the session's choice); on screen, what the print
    view does; on paper without it, how to get whole tables (a grid prints only the rows it shows)."""
    wanted = st.query_params.get(PRINT_PARAM)
    if wanted is not None:
        st.session_state[PRINT_KEY] = wanted == "1"
    _write()
    st.sidebar.toggle(t("print.toggle", lang), key=PRINT_KEY, on_change=_write, help=t("print.help", lang))
    if is_print_view():
        with st.container(key=BANNER_KEY):
            st.info(t("print.on", lang, rows=format_number(PRINT_ROWS, lang)), icon=":material/print:")
    else:
        with st.container(key=HINT_KEY):
            st.caption(t("print.hint", lang))


def render_print_cap(shown: int, total: int, lang: str) -> None:
    """Under a table cut for paper: how many rows are printed and where the rest is."""
    if total > shown:
        st.caption(t("print.capped", lang, shown=format_number(shown, lang), total=format_number(total, lang)))


def render_folded(label: str, key: str) -> tuple[object, bool]:
    """A folded section and whether its content is drawn: on screen only once unfolded (unfolding reruns the page;
    a folded table was formatted and sent on every rerun nobody looked at it), in the print view always, folded
    on screen and printed open (app.css)."""
    if is_print_view():
        return st.expander(label), True
    section = st.expander(label, key=key, on_change="rerun")
    return section, bool(section.open)


def render_sections(labels: list[str], key: str) -> list[tuple[object, bool]]:
    """Each section's container and whether its content is drawn: tabs on screen, only the open one drawn (a tab
    switch reruns the page: the Donor page's three charts cost ~20 ms of a new filter state at 10,000 projects,
    and the reader sees one); in the print view, one headed section after another, every one drawn (the browser
    keeps only the open tab in the page, so the others could never be printed)."""
    if not is_print_view():
        return [(tab, bool(tab.open)) for tab in st.tabs(labels, key=key, on_change="rerun")]
    sections = []
    for label in labels:
        section = st.container()
        section.subheader(label, anchor=False)
        sections.append((section, True))
    return sections
