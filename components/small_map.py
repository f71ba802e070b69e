"""The funding map in small (overview, donor profile, project page), built with components.maps.

Same units, allocation and offline rules as the Funding map page: boundaries from the configured or cached file,
else the embedded symbols at the provincial capitals; never a request to another host."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.chart_png import render_chart
from components.i18n import format_money, t
from components.maps import (
    boundary_key,
    boundary_source,
    get_prepared,
    make_funding_map_figure,
    map_units,
    metric_title,
    minimum_projects,
    plot_config,
    served_url,
    topojson_available,
)
from data.metrics import FLOW_MEASURES, compute_project_donors
from geo.allocation import MAP_METRICS, Allocation, ShareTable, allocate, by_unit, project_locations
from geo.simplify import PreparedBoundaries


@dataclass(frozen=True)
class SmallMap:
    figure: go.Figure | None  # None: no project of the selection is placed in a province
    metric: str  # the MAP_METRICS key drawn
    fell_back: str | None  # why the number of projects is drawn instead of funding: "unpublished" / "not_mapped"
    allocation: Allocation


def make_small_map(projects: pd.DataFrame, all_locations: pd.DataFrame, funding: pd.DataFrame | None, currency: str,
                   lang: str, prepared: PreparedBoundaries | None, base: bool, metric: str = "funding",
                   height: int = 340, shares: ShareTable | None = None,
                   allocation: Allocation | None = None, url: str | None = None,
                   donors: pd.DataFrame | None = None, kept: Callable | None = None,
                   minimum: frozenset[str] | None = None) -> SmallMap:
    """Committed funding (or `metric`) per province for these projects; the number of projects when no amount
    placed in a province is published; no figure at all when no project is placed in a province. `url`: the
    boundaries served as a static file (components.maps.served_url); None embeds them (PNG export). `donors`:
    compute_project_donors of `funding` as map_units reads it (View.project_donors), computed here when not given
    (`funding`, the projects' converted flows, is read only then or without `allocation`: else None will do);
    `kept` (View.kept, only with the view's own committed allocation): the provinces' sums read back on a restart.
    `minimum`: minimum_projects of these projects or of the dataset's (a unit is marked by its own projects only),
    found here when not given."""
    if allocation is None:  # else: the committed allocation of these projects, already computed (View.allocation)
        committed = FLOW_MEASURES["committed"].select(funding)
        allocation = allocate(projects, project_locations(all_locations, projects), committed, shares=shares)
    wanted = MAP_METRICS[metric]
    fell_back = None
    if wanted.quantity and not allocation.rows[wanted.quantity].notna().any():
        fell_back = "not_mapped" if allocation.published.get(wanted.quantity) else "unpublished"
    drawn = MAP_METRICS["projects"] if fell_back else wanted
    if allocation.rows.empty:
        return SmallMap(None, drawn.key, fell_back, allocation)
    donors = compute_project_donors(funding) if donors is None else donors
    provinces = by_unit(allocation, with_donors=False) if kept is None else kept(
        "by_province", lambda: by_unit(allocation, with_donors=False), "committed")
    units = map_units(provinces, prepared, donors=donors,
                      minimum=minimum_projects(projects) if minimum is None else minimum, url=url)
    # Small: a smaller title, the legend (under the map) in smaller type.
    figure = make_funding_map_figure(units, drawn, currency, lang, base, height=height,
                                     title=metric_title(drawn, currency, lang),
                                     layout=dict(title=dict(font=dict(size=14)), margin=dict(l=0, r=0, t=36, b=0),
                                                 legend=dict(font=dict(size=12))))
    return SmallMap(figure, drawn.key, fell_back, allocation)


def render_small_map(projects: pd.DataFrame, all_locations: pd.DataFrame, funding: pd.DataFrame | None, currency: str,
                     lang: str, key: str, metric: str = "funding", height: int = 340,
                     shares: ShareTable | None = None, allocation: Allocation | None = None,
                     memo: Callable[..., SmallMap] | None = None, donors: pd.DataFrame | None = None,
                     kept: Callable | None = None, minimum: frozenset[str] | None = None) -> None:
    """The small map and what it leaves out (national projects, projects without a province, fallbacks).
    `shares`: the dataset's province split (View.shares), so a rerun does not recompute it. `memo` (View.memo,
    only when these projects are the view's): the figure is built once per filter state and boundary file.
    `donors`, `minimum`: as for make_small_map; `kept` (View.kept, with `allocation` the view's committed one): its
    sums read back on a restart."""
    source = boundary_source(1)
    prepared, _ = get_prepared(source)
    url, base = served_url(source, prepared), topojson_available()

    def make() -> SmallMap:
        return make_small_map(projects, all_locations, funding, currency, lang, prepared, base, metric, height,
                              shares, allocation, url, donors, kept if allocation is not None else None, minimum)

    small = memo(f"small_map:{key}", make, metric, height, boundary_key(source), base, url) if memo else make()
    national, unplaced = small.allocation.national_projects, small.allocation.unallocated_projects
    if small.figure is None:
        st.caption(t("map.small.nothing_placed", lang, n=len(national) + len(unplaced), national=len(national),
                     unplaced=len(unplaced)))
        return
    render_chart(small.figure, key, t("export.chart.map", lang), lang, plot_config())
    if prepared is None:
        st.caption(t("map.small.embedded", lang))
    if small.fell_back == "unpublished":
        st.caption(t("map.small.fallback", lang))
    elif small.fell_back == "not_mapped":
        total = small.allocation.totals[MAP_METRICS[metric].quantity]
        st.caption(t("map.small.not_mapped", lang, amount=format_money(total, currency, lang)))
    if national or unplaced:
        st.caption(t("map.left_out", lang, n=len(national) + len(unplaced), national=len(national),
                     unplaced=len(unplaced)))
