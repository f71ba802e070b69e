"""Every chart with its own 'Download PNG' button in the page's language, the picture drawn only when clicked."""
from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from components.escape import escape_text
from components.i18n import t
from components.images import render_pngs, renderer_problem

PNG_SIZE = (1200, 675)  # px, 16:9: a chart pasted into a report or a slide
MIN_HEIGHT = 320  # px: a one-bar chart still reads as a chart
PNG_SCALE = 1.5  # 1800×1012 px: sharp when printed at A5 width
# A log line for the operator and the reason Streamlit gives for a failed download; not shown as a UI string.
RENDER_FAILED = "the chart could not be drawn as a picture (see the server log)"
STATIC_URL, STATIC_DIR = "/app/static/", Path(__file__).resolve().parents[1] / "static"


def _embedded(geojson: object) -> object:
    """A map's boundaries served by the app (components.maps.served_url) read back from the file: kaleido draws
    outside the app and cannot fetch an /app/static URL."""
    if isinstance(geojson, str) and geojson.startswith(STATIC_URL + "boundaries/"):
        return json.loads((STATIC_DIR / "boundaries" / Path(geojson).name).read_text(encoding="utf-8"))
    return geojson


def make_png_figure(figure: go.Figure) -> tuple[go.Figure, int, int]:
    """A copy of the chart as it will be saved, with its size. The app's theme is applied by Streamlit in the
    browser, not by kaleido: axes make room for long labels themselves (automargin) and the page is white. A chart
    keeps the height it has on screen (a two-donor bar chart stays short); a map gets the 16:9 picture."""
    copy = go.Figure(figure)
    for trace in copy.data:
        if trace.type == "choropleth":
            trace.geojson = _embedded(trace.geojson)
    copy.update_xaxes(automargin=True)
    copy.update_yaxes(automargin=True)
    copy.update_layout(paper_bgcolor="white", width=None, height=None)
    is_map = any(trace.type in ("scattergeo", "choropleth") for trace in copy.data)
    height = PNG_SIZE[1] if is_map or not figure.layout.height else max(int(figure.layout.height), MIN_HEIGHT)
    return copy, PNG_SIZE[0], height


def make_noted_figure(figure: go.Figure, note: str) -> go.Figure:
    """A copy of the chart with `note` under its title: a PNG travels without the page's caption, so a key the page
    gives in a caption (the timeline's faded and hatched bars) goes into the picture."""
    return go.Figure(figure).update_layout(title_subtitle_text=escape_text(note, "html"), margin_t=90)


def make_chart_png(figure: go.Figure) -> bytes:
    """The chart as PNG bytes (kaleido on the machine's Chromium, offline, behind the renderer's one lock).
    Raises when nothing could be drawn: the download then fails visibly instead of saving an empty file."""
    png = render_pngs([make_png_figure(figure)], scale=PNG_SCALE)[0]
    if png is None:
        raise RuntimeError(RENDER_FAILED)
    return png


def render_png_button(figure: go.Figure, key: str, name: str, lang: str, container=st, note: str | None = None) -> None:
    """A small 'PNG' download button for `figure` (file `name`.png, with `note` under its title: make_noted_figure),
    built only when clicked (no rerun). Without a renderer (no Chromium) the button is disabled and a note says why
    and what still works."""
    problem = renderer_problem()
    container.download_button(t("chart.png", lang), file_name=f"{name}.png",
                              data=lambda: make_chart_png(make_noted_figure(figure, note) if note else figure),
                              mime="image/png", on_click="ignore", icon=":material/image:", key=f"png_{key}",
                              type="tertiary", disabled=problem is not None)
    if problem:
        container.caption(t("chart.png.unavailable", lang, reason=t(f"briefing.renderer.{problem}", lang)))


def render_chart(figure: go.Figure, key: str, name: str, lang: str, config: dict, note: str | None = None,
                 **options):
    """st.plotly_chart (`options`: on_select, selection_mode…) and the chart's PNG button under it (`note`: the key
    the page shows as a caption, put into the picture); returns the chart's selection event."""
    event = st.plotly_chart(figure, config=config, key=key, **options)
    render_png_button(figure, key, name, lang, note=note)
    return event
