"""What every page starts with: filters (from the URL) → cached load → the filtered portfolio and its flows."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from components.filters import render_filters
from components.state import get_funding, get_portfolio
from data.filters import FilterResult, FilterState, apply_filters, filter_flows, today_utc
from data.portfolio import Portfolio

PLOT_CONFIG = {"displaylogo": False}


@dataclass(frozen=True)
class View:
    state: FilterState
    full: Portfolio  # the whole dataset (for "n of total")
    result: FilterResult
    funding: pd.DataFrame  # converted flows of the filtered portfolio
    today: dt.date
    all_funding: pd.DataFrame  # every converted flow (a project page shows all of a project's flows)

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def currency(self) -> str:
        return self.state.currency

    @property
    def portfolio(self) -> Portfolio:
        return self.result.portfolio


def load_view() -> View:
    """Sidebar filters synchronised with the URL, then the filtered portfolio; `today` is taken at run time."""
    full = get_portfolio()
    state = render_filters(full)
    result = apply_filters(full, state)
    converted = get_funding(state.currency)
    return View(state, full, result, filter_flows(converted, result.portfolio), today_utc(), converted)

