"""Figure → PNG with kaleido 1.x on the machine's own Chromium, offline (no MathJax, local topojson); no Streamlit.

kaleido's sync server keeps one browser for a whole pack (first image ~2 s, then < 1 s each) but is not
thread-safe: Streamlit runs each session in a thread, so every use goes through one lock. Without Chromium the
pack is still built, without pictures, and says why (`renderer_problem`)."""
from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
TOPOJSON_DIR = ROOT / "static" / "topojson"  # `make topojson`; the same file the app serves
TOPOJSON_FILE = "africa_50m.json"
BROWSER_ENV = "BRIEFING_BROWSER"  # path of a Chromium; default: Debian's
DEFAULT_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
TIMEOUT_S = 60
_LOCK = threading.Lock()
# Log lines for the operator, not UI strings (hence English only, and constants).
BROWSER_FAILED = "images: Chromium did not start: %s"
FIGURE_FAILED = "images: a figure could not be rendered: %s"


def browser_path() -> Path | None:
    """The Chromium kaleido must use: $BRIEFING_BROWSER, else Debian's (never a downloaded one)."""
    configured = os.environ.get(BROWSER_ENV)
    candidates = (configured,) if configured else DEFAULT_BROWSERS
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    found = None if configured else shutil.which("chromium")
    return Path(found) if found else None


def base_map_available() -> bool:
    """The Natural Earth topojson is on disk, so geo figures may draw land, borders and lakes."""
    return (TOPOJSON_DIR / TOPOJSON_FILE).is_file()


def renderer_problem() -> str | None:
    """None when pictures can be rendered; else why not, as a code ("no_browser", "no_kaleido") that the UI
    strings explain (briefing.renderer.<code>)."""
    if browser_path() is None:
        return "no_browser"
    if importlib.util.find_spec("kaleido") is None:  # found, not imported: ~0.1 s of a page's first render
        return "no_kaleido"
    return None


def render_pngs(figures: Sequence[tuple[go.Figure, int, int]], scale: float = 2.0) -> list[bytes | None]:
    """PNG bytes for each (figure, width, height) — drawn at the size it has on the slide — or None for every
    figure when no renderer is available or rendering failed (logged)."""
    if not figures:
        return []
    if renderer_problem():
        return [None] * len(figures)
    import kaleido
    from kaleido.errors import BrowserClosedError, BrowserFailedError, ChromeNotFoundError, KaleidoError

    expected = (BrowserClosedError, BrowserFailedError, ChromeNotFoundError, KaleidoError, RuntimeError, TimeoutError)
    topojson = TOPOJSON_DIR.resolve().as_uri() + "/" if base_map_available() else None
    out: list[bytes | None] = []
    with _LOCK:
        # mathjax=False in kaleido's own call: otherwise every render loads MathJax from a CDN.
        try:
            kaleido.start_sync_server(path=str(browser_path()), mathjax=False, timeout=TIMEOUT_S,
                                      silence_warnings=True)
        except expected as exc:
            log.warning(BROWSER_FAILED, exc)
            return [None] * len(figures)
        try:
            for figure, width, height in figures:
                try:
                    out.append(kaleido.calc_fig_sync(
                        figure, opts=dict(format="png", width=width, height=height, scale=scale), topojson=topojson))
                except expected as exc:
                    log.warning(FIGURE_FAILED, exc)
                    out.append(None)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    return out
