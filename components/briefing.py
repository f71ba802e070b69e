"""Briefing mode in the app: one full-width slide at a time in large type, previous/next (buttons and the arrow
keys), the slide number and the chosen projects in the URL, and the PPTX/PDF pack built only when clicked.

The slide objects come from briefing.slides (a layer above this one): they are read by attribute only."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from components.chart_png import render_png_button
from components.escape import escape_text
from components.i18n import t
from components.maps import plot_config

SLIDE_KEY = "briefing_slide"  # the slide's container: .st-key-briefing_slide in the stylesheet
STYLESHEET = Path(__file__).resolve().parent / "briefing.css"
FIGURE_HEIGHT = 400  # px: title, message and chart fit one 1280×720 screen
TILE_WIDTH = 330  # px: a 52-px "14,2 M $US" or "non publié" fits; two per row beside the sidebar at 1280 px


def slide_number(count: int) -> int:
    """The 1-based slide number from ?slide= (clamped to the deck; anything unreadable is slide 1)."""
    raw = st.query_params.get("slide", "1")
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), max(count, 1))


def _go(number: int) -> None:
    st.query_params["slide"] = str(number)


def select_projects(choices: Sequence[str], lang: str, format_func: Callable[[str], str] = str) -> tuple[str, ...]:
    """Projects that get a slide of their own, kept in the URL as ?project=A&project=B."""
    wanted = [p for p in st.query_params.get_all("project") if p in choices]
    st.session_state["briefing_projects"] = wanted

    def write() -> None:
        st.query_params["project"] = st.session_state["briefing_projects"]

    picked = st.multiselect(t("briefing.projects", lang), list(choices), key="briefing_projects",
                            format_func=format_func, on_change=write,
                            placeholder=t("briefing.projects.placeholder", lang))
    return tuple(picked)


def render_navigation(number: int, count: int, lang: str) -> None:
    """Previous / next (also ← and → on the keyboard) and where we are."""
    # Buttons as wide as their labels, spread over the row: a fixed column would cut "Précédente" at 125 %.
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"):
        st.button(t("briefing.previous", lang), icon=":material/arrow_back:", shortcut="Left", on_click=_go,
                  args=(number - 1,), disabled=number <= 1, key="briefing_previous", width="content")
        st.markdown(t("briefing.position", lang, number=number, count=count), width="content")
        st.button(t("briefing.next", lang), icon=":material/arrow_forward:", icon_position="right", shortcut="Right",
                  on_click=_go, args=(number + 1,), disabled=number >= count, key="briefing_next", width="content")


def render_slide(slide, footer: str, lang: str) -> None:
    """One slide: title, key message, large figures, chart (downloadable as PNG), supporting lines, footer."""
    st.html(STYLESHEET)
    with st.container(key=SLIDE_KEY):
        st.header(escape_text(slide.title), anchor=False)
        st.markdown(escape_text(slide.message))
        if slide.tiles:
            # Fixed-width tiles that wrap: as many per row as the screen takes, never a value cut short.
            with st.container(horizontal=True, wrap=True, gap="medium"):
                for label, value in slide.tiles:
                    st.metric(escape_text(label), value, border=True, width=TILE_WIDTH)
        # The map (about square) with its list beside it, as on the printed slide; wide charts keep the width.
        chart, lines = st.columns([3, 2]) if slide.key == "map" and slide.bullets else (st, st)
        if slide.figure is not None:
            figure = slide.figure
            figure.update_layout(height=FIGURE_HEIGHT)
            chart.plotly_chart(figure, config=plot_config(), key=f"briefing_{slide.key}")
            render_png_button(figure, f"briefing_{slide.key}", slide.key, lang, container=chart)
        if slide.bullets:
            lines.markdown("\n".join(f"- {escape_text(line)}" for line in slide.bullets))
        st.caption(escape_text(footer))


def render_pack_downloads(build: Callable[[str], bytes], mime_types: dict[str, str], file_stem: str,
                          note: str | None, lang: str) -> None:
    """PPTX and PDF buttons: the pack is built only when one is clicked (no rerun); a note when charts cannot
    be drawn on this computer (the pack is still offered, without pictures)."""
    columns = st.columns(len(mime_types))
    for column, (fmt, mime) in zip(columns, mime_types.items()):
        column.download_button(t(f"briefing.download.{fmt}", lang), data=lambda fmt=fmt: build(fmt),
                               file_name=f"{file_stem}.{fmt}", mime=mime, on_click="ignore",
                               icon=":material/download:", key=f"briefing_download_{fmt}", width="stretch")
    if note:
        st.caption(note)
