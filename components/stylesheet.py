"""The stylesheet every page shares (static CSS, no data in it): KPI tiles never cut, Ctrl+P prints the content."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

APP_STYLESHEET = Path(__file__).resolve().parent / "app.css"


def render_app_stylesheet() -> None:
    """The app-wide stylesheet (style only: Streamlit draws it nowhere in the page)."""
    st.html(APP_STYLESHEET)
