"""Cached loading at the edge and the sidebar settings shared by every page."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from components.filters import render_language_currency
from data.metrics import compute_funding
from data.portfolio import SAMPLE_FILES, Portfolio, load_portfolio


def _file_keys(paths: tuple[Path, ...]) -> tuple[tuple[str, float], ...]:
    # Keyed on path and modification time so an edited file is re-read.
    return tuple((str(p), os.path.getmtime(p) if os.path.exists(p) else 0.0) for p in paths)


@st.cache_data(show_spinner=False)
def _load(file_keys: tuple[tuple[str, float], ...]) -> Portfolio:
    return load_portfolio([Path(p) for p, _ in file_keys])


def get_portfolio(paths: tuple[Path, ...] = SAMPLE_FILES) -> Portfolio:
    """The validated portfolio in use (sample data unless another dataset is configured)."""
    return _load(_file_keys(tuple(paths)))


@st.cache_data(show_spinner=False)
def _converted(file_keys: tuple[tuple[str, float], ...], currency: str) -> pd.DataFrame:
    return compute_funding(_load(file_keys).funding, currency)


def get_funding(currency: str, paths: tuple[Path, ...] = SAMPLE_FILES) -> pd.DataFrame:
    """Funding flows converted to `currency` (cached per dataset and currency)."""
    return _converted(_file_keys(tuple(paths)), currency)


def render_settings() -> tuple[str, str]:
    """Language and reporting-currency selectors in the sidebar, kept in the URL (?lang=, ?cur=); returns
    (lang, currency). Pages with the shared filters use components.filters.render_filters instead."""
    return render_language_currency()
