"""The funding map in small (overview, donor profile, project page), built with components.maps.

Same units, allocation and offline rules as the Funding map page: boundaries from the configured or cached file,
else the embedded symbols at the provincial capitals; never a request to another host."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.i18n import t
from components.maps import (
    get_prepared,
    make_funding_map_figure,
    map_units,
    plot_config,
    topojson_available,
    unit_label,
)
from data.metrics import FLOW_MEASURES
from geo.allocation import MAP_METRICS, Allocation, allocate, by_unit, project_locations
from geo.fetch import resolve_boundary_file
from geo.simplify import PreparedBoundaries


@dataclass(frozen=True)
class SmallMap:
    figure: go.Figure
    metric: str  # the MAP_METRICS key drawn
    fell_back: bool  # funding was wanted but no amount is published: the number of projects is drawn instead
    allocation: Allocation


def make_small_map(projects: pd.DataFrame, all_locations: pd.DataFrame, funding: pd.DataFrame, currency: str,
                   lang: str, prepared: PreparedBoundaries | None, base: bool, metric: str = "funding",
                   height: int = 340) -> SmallMap:
    """Committed funding (or `metric`) per province for these projects; projects when no amount is published."""
    committed = FLOW_MEASURES["committed"].select(funding)
    allocation = allocate(projects, project_locations(all_locations, projects), committed)
    wanted = MAP_METRICS[metric]
    fell_back = bool(wanted.quantity) and not allocation.rows[wanted.quantity].notna().any()
    drawn = MAP_METRICS["projects"] if fell_back else wanted
    units = map_units(by_unit(allocation), prepared)
    title = f"{t(f'map.metric.{drawn.key}', lang)} ({unit_label(drawn, currency, lang)})"
    figure = make_funding_map_figure(units, drawn, currency, lang, base, height=height, title=title)
    # Small: the legend goes under the map so the map keeps the column's width.
    figure.update_layout(title=dict(font=dict(size=14)), margin=dict(l=0, r=0, t=36, b=0),
                         legend=dict(orientation="h", yanchor="top", y=-0.02, x=0, title=None))
    return SmallMap(figure, drawn.key, fell_back, allocation)


def render_small_map(projects: pd.DataFrame, all_locations: pd.DataFrame, funding: pd.DataFrame, currency: str,
                     lang: str, key: str, metric: str = "funding", height: int = 340) -> None:
    """The small map and what it leaves out (national projects, projects without a province, fallbacks)."""
    prepared, _ = get_prepared(resolve_boundary_file(1, st.session_state.get("boundaries_adm1") or None))
    small = make_small_map(projects, all_locations, funding, currency, lang, prepared, topojson_available(),
                           metric, height)
    st.plotly_chart(small.figure, config=plot_config(), key=key)
    if prepared is None:
        st.caption(t("map.small.embedded", lang))
    if small.fell_back:
        st.caption(t("map.small.fallback", lang))
    national, unplaced = small.allocation.national_projects, small.allocation.unallocated_projects
    if national or unplaced:
        st.caption(t("map.left_out", lang, n=len(national) + len(unplaced), national=len(national),
                     unplaced=len(unplaced)))
