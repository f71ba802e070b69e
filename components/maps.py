"""Funding maps: cached prepared geometry (keyed on file path + mtime), figure builders (make_*_figure return
go.Figure and never call Streamlit) and the render_* pieces of the Funding map page.

Offline: a geo trace that needs plotly's topojson base map (a choropleth, or any base layer shown) is only
drawn when the topojson file is served by the app itself (static/topojson/, `make topojson`), and the chart is
then given config topojsonURL pointing at it. Without the file, boundaries are drawn as lon/lat lines and values
as symbols: nothing is ever requested from another host."""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st
from pandas.api.extensions import take

from components.chart_png import render_chart
from components.escape import escape_text, format_id_list, hide_paths
from components.figures import make_plain_figure
from components.i18n import format_each, format_money, format_number, t
from components.tables import render_paged_table
from data.organisations import load_reference, organisation_label
from data.schema import compute_project_titles
from geo.allocation import (
    MAP_METRICS,
    Allocation,
    MapMetric,
    TerritorySplit,
    by_unit,
    object_array,
    split_territories,
)
from geo.boundaries import BoundaryFileError
from geo.embedded import capital_units
from geo.fetch import (
    DIR_VAR,
    EXTENSIONS,
    BoundarySource,
    boundaries_dir,
    cache_dir,
    list_boundary_files,
    resolve_boundary_file,
    upload_dir,
)
from geo.provinces import province_name
from geo.simplify import PreparedBoundaries, prepare_boundaries

ROOT = Path(__file__).resolve().parents[1]
TOPOJSON_DIR = ROOT / "static" / "topojson"
TOPOJSON_URL = "/app/static/topojson/"  # Streamlit serves ./static at /app/static (enableStaticServing)
SERVED_DIR = ROOT / "static" / "boundaries"  # prepared boundaries as static files (git-ignored, content-addressed)
SERVED_URL = "/app/static/boundaries/"
TOPOJSON_SCOPE, TOPOJSON_RESOLUTION = "africa", 50  # plotly.js asks for <topojsonURL>africa_50m.json
# Colour-blind-safe: Okabe–Ito blue for symbols, viridis (designed for colour-vision deficiencies) for fills.
SYMBOL_COLOUR = "#0072B2"
CHOROPLETH_SCALE = "Viridis"  # reversed: light (low) to dark (high); no grey in it to mistake for "not published"
MISSING_FILL = "#BDBDBD"  # projects, but none publishes the value
MISSING_DOT = "#8C8C8C"
NO_PROJECT_FILL = "#FFFFFF"
LAND_FILL = "#F4F4F2"
MAX_DONORS = 3  # the hover names the largest few and "n more"
MAX_SYMBOL_PX = 46
# The country plus room for the symbols on its eastern border (Ituri, Nord-Kivu, Tanganyika).
DRC_LON, DRC_LAT = (11.4, 33.0), (-14.0, 6.0)
UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip"]


def topojson_available() -> bool:
    return (TOPOJSON_DIR / f"{TOPOJSON_SCOPE}_{TOPOJSON_RESOLUTION}m.json").is_file()


def plot_config() -> dict:
    """st.plotly_chart config: the local topojson URL whenever a map may need it (never the plotly CDN)."""
    # No scroll zoom: a reader scrolling the page over a map scrolled the map out of view instead (the +/- buttons
    # still zoom).
    return {"displaylogo": False, "topojsonURL": TOPOJSON_URL, "scrollZoom": False}


# ---------------------------------------------------------------- cached geometry (the edge)

@st.cache_resource(show_spinner=False, max_entries=8)
def _prepared(path: str, mtime_ns: int, size: int, level: int) -> PreparedBoundaries:
    # Keyed on path, modification time and size: an edited or replaced file is prepared again.
    return prepare_boundaries(path, level, cache_dir=cache_dir() / "prepared")


def get_prepared(source: BoundarySource) -> tuple[PreparedBoundaries | None, str | None]:
    """Prepared geometry for a resolved source, or (None, reason) when it is the embedded default or unreadable."""
    if source.path is None:
        return None, None
    try:
        stat = source.path.stat()
        return _prepared(str(source.path.resolve()), stat.st_mtime_ns, stat.st_size, source.level), None
    except (OSError, BoundaryFileError) as exc:
        return None, str(exc)


def _write_served(geojson: dict, level: int) -> str:
    body = json.dumps(geojson, separators=(",", ":")).encode()
    # Named by content: a changed file gets a new URL, so no browser keeps drawing a cached older one.
    name = f"adm{level}-{hashlib.sha256(body).hexdigest()[:16]}.json"
    target = SERVED_DIR / name
    if not target.is_file():
        SERVED_DIR.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=SERVED_DIR, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a proxy serving static/ may run as another user
        os.replace(temporary, target)  # atomic: another replica or session never reads half a file
    return SERVED_URL + name


@st.cache_resource(show_spinner=False, max_entries=8)
def _served(path: str, mtime_ns: int, size: int, level: int, _prepared: PreparedBoundaries) -> str | None:
    # Keyed like _prepared (the geometry itself is not hashed: a leading underscore tells Streamlit to skip it).
    try:
        return _write_served(_prepared.geojson, level)
    except OSError:  # a read-only checkout: the figures embed the geometry instead
        return None


def boundary_key(source: BoundarySource) -> tuple:
    """What identifies the geometry of a source (path, modification time, size): a memo key for what is drawn."""
    try:
        stat = source.path.stat() if source.path is not None else None
    except OSError:
        stat = None
    return (str(source.path), stat.st_mtime_ns, stat.st_size) if stat else (str(source.path),)


def served_url(source: BoundarySource, prepared: PreparedBoundaries | None) -> str | None:
    """The URL at which the app serves `prepared`'s GeoJSON once (plotly.js fetches it from the app itself and
    keeps it), or None when it must be embedded in each figure: the embedded default, or static serving off."""
    if prepared is None or source.path is None or not st.get_option("server.enableStaticServing"):
        return None
    try:
        stat = source.path.stat()
    except OSError:
        return None
    return _served(str(source.path.resolve()), stat.st_mtime_ns, stat.st_size, source.level, prepared)


# ---------------------------------------------------------------- figure builders

@dataclass(frozen=True)
class MapUnits:
    """Units to draw (code, name, pcode, lon, lat + the by_unit columns) and, with real geometry, its GeoJSON."""

    frame: pd.DataFrame
    geojson: dict | None  # None: the embedded default (symbols at capitals)
    level: int = 1
    url: str | None = None  # the same geometry served as a static file (served_url): traces name it, not embed it


def format_metric_value(value: float | None, metric: MapMetric, currency: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("not_published", lang)
    if metric.unit in ("currency", "currency_per_household"):
        return format_money(value, currency, lang)
    if metric.unit == "percent":
        return f"{format_number(round(value, 1), lang)} %"
    return format_number(round(value), lang)


def unit_label(metric: MapMetric, currency: str, lang: str) -> str:
    return t(f"map.unit.{metric.unit}", lang, currency=currency)


def metric_title(metric: MapMetric, currency: str, lang: str) -> str:
    """'Funding (USD)', 'Households targeted (households)'; a count needs no unit: 'Number of projects'."""
    name = t(f"map.metric.{metric.key}", lang)
    return name if metric.unit == "projects" else f"{name} ({unit_label(metric, currency, lang)})"


def qualified_value(value: float | None, metric: MapMetric, minimum: bool, currency: str, lang: str) -> str:
    """The value with the qualifier its sources give: 'more than 3,000' households when a project says so (and then
    'at most' per targeted household)."""
    text = format_metric_value(value, metric, currency, lang)
    if not minimum or _missing(value):
        return text
    if metric.key == "households_targeted":
        return t("map.more_than", lang, value=text)
    if metric.key == "funding_per_household":
        return t("map.at_most", lang, value=text)
    return text


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# Each donor's hover name by (name, language), for the organisation reference it was found in (read once per
# process): looked up once, not for every unit on every filter state.
_LABELS: dict = {"reference": None, "names": {}}


def _donor_label(name: str, lang: str) -> str:
    reference = load_reference()
    if _LABELS["reference"] is not reference or len(_LABELS["names"]) > 50_000:
        _LABELS.update(reference=reference, names={})
    names = _LABELS["names"]
    if (name, lang) not in names:
        names[(name, lang)] = escape_text(organisation_label(name, lang, reference), "html")
    return names[(name, lang)]


def _donors_line(donors: tuple[str, ...], lang: str) -> str:
    if not donors:
        return t("map.hover.donors", lang, donors=t("not_published", lang))
    shown = ", ".join(_donor_label(d, lang) for d in donors[:MAX_DONORS])
    more = len(donors) - MAX_DONORS
    return t("map.hover.donors", lang, donors=shown if more <= 0 else t("map.hover.donors_more", lang, donors=shown,
                                                                          n=more))


def _hover(row: dict, metric: MapMetric, currency: str, lang: str) -> str:
    """Name and code, then what is known: 'No project', or the value ('not published by its n projects'), projects,
    the largest donors by the donor rule and 'n more', and an assumed split."""
    lines = [f"<b>{escape_text(row['name'], 'html')}</b> ({escape_text(row['code'], 'html')})"]
    if row.get("kind") and row.get("kind") not in ("province", "territory"):
        lines.append(escape_text(row["kind"], "html"))
    projects = int(row.get("projects") or 0)
    if not projects:
        lines.append(t("map.hover.no_project", lang))
        return "<br>".join(lines)
    label = t(f"map.metric.{metric.key}", lang)
    value = row.get(metric.column)
    if _missing(value):
        lines.append(t("map.hover.unpublished", lang, metric=label))
    else:
        lines.append(t("map.hover.value", lang, label=label,
                       value=qualified_value(value, metric, bool(row.get("minimum")), currency, lang)))
    lines.append(t("map.hover.projects", lang, n=projects))
    lines.append(_donors_line(tuple(row.get("donors") or ()), lang))
    if str(row.get("split_assumed")) == "True":  # bool or numpy.bool_; missing (NaN) when nothing is placed
        lines.append(t("map.split_assumed", lang))
    return "<br>".join(lines)


def _outline_trace(geojson: dict) -> dict:
    """Every ring as one lon/lat line trace: boundaries without the topojson base map."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                lons += [p[0] for p in ring] + [None]
                lats += [p[1] for p in ring] + [None]
    return dict(type="scattergeo", lon=lons, lat=lats, mode="lines", line=dict(width=0.7, color="#777777"),
                hoverinfo="skip", showlegend=False)


def _geo_layout(base: bool, units: pd.DataFrame, fit: bool) -> dict:
    geo = dict(showframe=False, showcoastlines=False, showocean=False, showsubunits=False,
               projection=dict(type="equirectangular"), bgcolor="rgba(0,0,0,0)")
    if base:  # the Natural Earth base map served by the app: neighbours, lakes and rivers
        geo.update(scope=TOPOJSON_SCOPE, resolution=TOPOJSON_RESOLUTION, showland=True, landcolor="#F4F4F2",
                   showcountries=True, countrycolor="#AAAAAA", showlakes=True, lakecolor="#CFE3F2",
                   showrivers=True, rivercolor="#CFE3F2")
    else:
        geo.update(showland=False, showcountries=False, showlakes=False, showrivers=False)
    if fit and not units.empty:
        pad = 0.6
        geo.update(lonaxis=dict(range=[float(units["lon"].min()) - pad * 2, float(units["lon"].max()) + pad * 2]),
                   lataxis=dict(range=[float(units["lat"].min()) - pad * 2, float(units["lat"].max()) + pad * 2]))
    else:
        geo.update(lonaxis=dict(range=list(DRC_LON)), lataxis=dict(range=list(DRC_LAT)))
    return geo


@cache
def _fill_scale() -> tuple:
    """CHOROPLETH_SCALE as the (position, colour) pairs plotly's validation makes of the name, found once."""
    return go.Choropleth(colorscale=CHOROPLETH_SCALE).colorscale


def _legend_entry(name: str, marker: dict) -> dict:
    # plotly draws no legend for choropleth fills: an empty marker trace stands for them.
    return dict(type="scattergeo", lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True,
                name=name, marker=marker)


def _symbol_traces(columns: dict[str, list], values: np.ndarray, sizes: list, hover: list[str], metric: MapMetric,
                   currency: str, lang: str) -> list[dict]:
    """`columns`: the units' lon, lat, code (and minimum) as lists; `values`: the metric as floats (NaN: none);
    `sizes`: the same values as the Python numbers drawn (ints stay ints)."""
    shown = np.flatnonzero(values > 0).tolist()  # NaN compares False: an unpublished value draws no symbol
    if not shown:
        return []
    top = float(np.nanmax(values))
    sizeref = 2.0 * top / MAX_SYMBOL_PX ** 2
    flags = columns.get("minimum")
    minimum = bool(flags) and any(bool(flags[i]) for i in np.flatnonzero(values == top).tolist())
    return [dict(
        type="scattergeo", lon=_pick(columns["lon"], shown), lat=_pick(columns["lat"], shown), mode="markers",
        customdata=_pick(columns["code"], shown),
        marker=dict(size=_pick(sizes, shown), sizemode="area", sizeref=sizeref, sizemin=4,
                    color=SYMBOL_COLOUR, opacity=0.75, line=dict(width=1, color="white")),
        text=_pick(hover, shown), hoverinfo="text", name=t(f"map.metric.{metric.key}", lang),
        showlegend=False),
        # Legend: plotly draws every legend marker at one size, so the entry states the scale in words.
        _legend_entry(t("map.legend.symbols", lang, value=qualified_value(top, metric, minimum, currency, lang)),
                      dict(size=12, color=SYMBOL_COLOUR, opacity=0.75))]


def _pick(items: list, positions: list[int]) -> list:
    return [items[i] for i in positions]


def _colorbar(metric: MapMetric, top: float, currency: str, lang: str) -> dict:
    """From zero to the largest value, ticks in the reader's locale and unit."""
    ticks = [top * i / 4 for i in range(5)]
    return dict(title=dict(text=unit_label(metric, currency, lang)), thickness=14, len=0.75, tickvals=ticks,
                ticktext=[format_metric_value(v, metric, currency, lang) for v in ticks])


def _default_title(units: MapUnits, metric: MapMetric, currency: str, lang: str) -> str:
    label = metric_title(metric, currency, lang)
    # The embedded default says in the figure itself that it is not geometry.
    return t("map.embedded.title", lang, metric=label) if units.geojson is None else label


def _features(geojson: dict, codes) -> dict:
    """Only the features a trace draws: each trace carries its own geometry, so a full copy per trace would
    double the page's plotly spec."""
    wanted = set(codes)
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in wanted]}


# A province name at 11 px, in degrees on the maps as drawn (about 20 px per degree: the page's 560 px map is
# 450-500 px across the DRC's 21.6 degrees): used to keep names from writing over each other.
LABEL_CHAR_DEG, LABEL_HEIGHT_DEG = 0.3, 0.6


def _ring_area(ring: list) -> float:
    """Shoelace area of one lon/lat ring (square degrees: only compared with other provinces')."""
    xy = np.asarray(ring, dtype=float)[:, :2]
    return abs(float(np.dot(xy[:, 0], np.roll(xy[:, 1], -1)) - np.dot(xy[:, 1], np.roll(xy[:, 0], -1)))) / 2


# A feature's area by its geometry object (kept with it, so an id is never another object's): the prepared geometry
# is cached and each map reuses its features, so each area is computed once, not on every new filter state.
_AREAS: dict[int, tuple[object, float]] = {}


def _feature_area(geometry: dict) -> float:
    known = _AREAS.get(id(geometry))
    if known is not None and known[0] is geometry:
        return known[1]
    polygons = ([geometry["coordinates"]] if geometry.get("type") == "Polygon"
                else geometry.get("coordinates", []) if geometry.get("type") == "MultiPolygon" else [])
    area = sum(_ring_area(p[0]) - sum(_ring_area(h) for h in p[1:]) for p in polygons if p)
    if len(_AREAS) > 20_000:  # many boundary files in one process: start again rather than grow
        _AREAS.clear()
    _AREAS[id(geometry)] = (geometry, area)
    return area


def _unit_areas(geojson: dict | None) -> dict[str, float]:
    return {feature["id"]: _feature_area(feature.get("geometry") or {})
            for feature in (geojson or {}).get("features", [])}


# label_fits' answers by the geometry's identity (kept with them, so an id is never another object's) and what else
# it reads: a province map's units and names are the same on every filter state, which of them has projects
# rarely changes, so the placement is found once rather than on every state.
_LABEL_FITS: dict[tuple, tuple[object, list[bool]]] = {}


def label_fits(frame: pd.DataFrame, geojson: dict | None) -> pd.Series:
    """Which units get their name on the map: provinces with projects first, then the largest (capital order without
    geometry); a name is written only where its box covers no name already placed, so the small central provinces
    (Kasaï-Oriental beside Lomami and Kasaï-Central) are named in their hover rather than on top of each other."""
    # Provinces with projects are named first (where the money goes), then the larger ones.
    busy = (pd.to_numeric(frame["projects"], errors="coerce").fillna(0) > 0).tolist() if "projects" in frame else \
        [False] * len(frame)
    codes, names = frame["code"].tolist(), frame["name"].tolist()
    lons, lats = frame["lon"].astype(float).tolist(), frame["lat"].astype(float).tolist()
    key = (id(geojson), tuple(busy), tuple(codes), tuple(names), tuple(lons), tuple(lats))
    known = _LABEL_FITS.get(key)
    if known is not None and known[0] is geojson:
        return pd.Series(known[1], index=frame.index)
    areas = _unit_areas(geojson)
    order = sorted(range(len(frame)), key=lambda i: (not busy[i], -areas.get(codes[i], 0.0)))
    placed: list[tuple[float, float, float]] = []  # centre lon, centre lat, half width
    keep = [False] * len(frame)
    for i in order:
        lon, lat = lons[i], lats[i]
        half = len(str(names[i])) * LABEL_CHAR_DEG / 2
        if all(abs(lon - x) >= half + w or abs(lat - y) >= LABEL_HEIGHT_DEG for x, y, w in placed):
            placed.append((lon, lat, half))
            keep[i] = True
    if len(_LABEL_FITS) > 256:  # many geometries or patterns in one process: start again rather than grow
        _LABEL_FITS.clear()
    _LABEL_FITS[key] = (geojson, keep)
    return pd.Series(keep, index=frame.index)


# What a unit's hover reads (_hover): only these columns are turned into Python rows, not the units' project lists.
HOVER_COLUMNS = ("name", "code", "kind", "projects", "minimum", "donors", "split_assumed")


def make_funding_map_figure(units: MapUnits, metric: MapMetric, currency: str, lang: str, base: bool,
                            height: int = 560, title: str | None = None, labels: bool = False,
                            layout: dict | None = None) -> go.Figure:
    """Proportional symbols (absolute values) or a choropleth from zero (normalised values) of one metric.

    Three states per unit, each in the legend and the hover: no project; projects, but none publishes the value
    (grey); a value. `base`: the topojson file is served locally, so geo base layers and choropleth fills may be
    used; without it, units are dots over the outlines (still no outside request). `labels`: province names.
    `layout`: layout entries to add, merged one level deep (the small map's smaller title and legend).

    Traces and layout are plain dicts in plotly's nested form, handed over unvalidated: validating each property
    (go.Figure, add_trace, update_layout) was most of a map's cost on every new filter state, and the tests check
    that validating this figure gives exactly the figure built through plotly's validated API."""
    frame = units.frame.reset_index(drop=True)
    # The units as Python lists and the metric as a float array, once: each trace picks positions from them (a
    # boolean row selection of the frame per trace was most of a map's cost on every new filter state).
    series = pd.to_numeric(metric.values(frame), errors="coerce") if not frame.empty else pd.Series(dtype=float)
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    drawn = series.tolist()  # the numbers as drawn: a count stays an int
    columns = {c: frame[c].tolist() for c in ("code", "name", "lon", "lat", "minimum") if c in frame}
    rows = [c for c in (*HOVER_COLUMNS, metric.column) if c in frame]
    hover = [_hover(dict(zip(rows, r)), metric, currency, lang) for r in zip(*(frame[c].tolist() for c in rows))]
    has_projects = (pd.to_numeric(frame["projects"], errors="coerce").fillna(0) > 0).to_numpy(dtype=bool) \
        if not frame.empty else np.zeros(0, dtype=bool)
    state = np.select([~has_projects, np.isnan(values)], ["none", "unpublished"], "value") if not frame.empty \
        else np.zeros(0, dtype=object)
    where = {kind: np.flatnonzero(state == kind).tolist() for kind in ("none", "unpublished", "value")}
    known = where["value"]
    fill = metric.kind == "choropleth"
    top = float(values[known].max()) if known else 0.0
    polygons = units.geojson is not None and base
    traces: list[dict] = []
    legend: list[dict] = []
    label = t(f"map.metric.{metric.key}", lang)
    names = {"none": t("map.legend.no_project", lang),
             "unpublished": t("map.legend.unpublished", lang, metric=label[:1].lower() + label[1:])}
    if polygons:
        colours = {"none": NO_PROJECT_FILL, "unpublished": MISSING_FILL, "value": None if fill else LAND_FILL}
        for kind, colour in colours.items():
            part = where[kind]
            if colour is None or not part:
                continue
            codes = _pick(columns["code"], part)
            traces.append(dict(
                type="choropleth", geojson=units.url or _features(units.geojson, codes), featureidkey="id",
                locations=codes, z=[0] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                marker=dict(line=dict(width=0.6, color="#777777")), customdata=codes,
                text=_pick(hover, part), hoverinfo="text"))
            if kind in names:
                legend.append(_legend_entry(names[kind], dict(size=12, symbol="square", color=colour,
                                                              line=dict(width=1, color="#777777"))))
        if fill and known:
            codes = _pick(columns["code"], known)
            traces.append(dict(
                type="choropleth", geojson=units.url or _features(units.geojson, codes), featureidkey="id",
                locations=codes, z=_pick(drawn, known), zmin=0, zmax=top or 1,
                colorscale=_fill_scale(), reversescale=True, marker=dict(line=dict(width=0.6, color="#555555")),
                customdata=codes, colorbar=_colorbar(metric, top or 1, currency, lang),
                text=_pick(hover, known), hoverinfo="text"))
    else:
        if units.geojson is not None:
            traces.append(_outline_trace(units.geojson))
        dots = {"none": dict(size=6, color="#FFFFFF", line=dict(width=1, color="#888888")),
                "unpublished": dict(size=9, color=MISSING_DOT, line=dict(width=0))}
        if not fill:
            dots["value"] = dict(size=5, color=MISSING_DOT)  # the symbol's centre, hoverable at any size
        for kind, marker in dots.items():
            part = where[kind]
            if not part:
                continue
            traces.append(dict(type="scattergeo", lon=_pick(columns["lon"], part), lat=_pick(columns["lat"], part),
                               mode="markers", customdata=_pick(columns["code"], part), marker=marker,
                               text=_pick(hover, part), hoverinfo="text", showlegend=False))
            if kind in names:
                legend.append(_legend_entry(names[kind], marker | dict(size=10)))
        if fill and known:
            traces.append(dict(
                type="scattergeo", lon=_pick(columns["lon"], known), lat=_pick(columns["lat"], known),
                mode="markers", customdata=_pick(columns["code"], known),
                marker=dict(size=18, color=_pick(drawn, known), cmin=0, cmax=top or 1,
                            colorscale=_fill_scale(), reversescale=True, showscale=True,
                            line=dict(width=1, color="#333333"), colorbar=_colorbar(metric, top or 1, currency, lang)),
                text=_pick(hover, known), hoverinfo="text", showlegend=False))
    if metric.kind == "symbol":
        traces += _symbol_traces(columns, values, drawn, hover, metric, currency, lang)
    if labels and not frame.empty:
        # White names on the dark end of the fill scale, dark ones elsewhere.
        dark = ((state == "value") & (values > 0.55 * top)).tolist() if polygons and fill else [False] * len(frame)
        named = np.flatnonzero(label_fits(frame, units.geojson).to_numpy(dtype=bool)).tolist()
        traces.append(dict(
            type="scattergeo", lon=_pick(columns["lon"], named), lat=_pick(columns["lat"], named),
            mode="text", text=[escape_text(columns["name"][i], "html") for i in named],
            textposition="middle center" if polygons and fill else "bottom center",
            textfont=dict(size=11, color=["#FFFFFF" if dark[i] else "#222222" for i in named]), hoverinfo="skip",
            showlegend=False))
    spec = dict(
        geo=_geo_layout(base, frame, fit=units.level == 2),
        title=dict(text=title or _default_title(units, metric, currency, lang)), height=height,
        margin=dict(l=0, r=0, t=50, b=0), showlegend=True,
        legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, title={}, font=dict(size=13)),
        separators=",." if lang == "en" else ", ", clickmode="event+select")
    if not known and not frame.empty:
        # Nothing to colour: the figure itself says why, rather than a grey country.
        message = t("map.empty.no_project" if len(where["none"]) == len(frame) else "map.empty.unpublished", lang,
                    metric=label)
        spec["annotations"] = [dict(text=message, x=0.5, y=0.98, xref="paper", yref="paper", showarrow=False,
                                    bgcolor="rgba(255,255,255,0.85)", font=dict(size=14))]
    for name, entries in (layout or {}).items():
        spec[name] = spec[name] | entries if isinstance(spec.get(name), dict) else entries
    return make_plain_figure(traces + legend, spec)


def minimum_projects(projects: pd.DataFrame) -> frozenset[str]:
    """Projects whose households targeted is a minimum ('more than 3,000')."""
    if "households_targeted_is_minimum" not in projects:
        return frozenset()
    flag = projects["households_targeted_is_minimum"].astype("boolean").fillna(False)
    return frozenset(projects.loc[flag.astype(bool), "project_id"])


@dataclass(frozen=True)
class _DonorRows:
    """compute_project_donors' rows on integer codes, sorted by project (stable): each project's rows found by its
    code, not by factorizing every row's id again on each new filter state."""

    projects: pa.Array | np.ndarray  # the project ids having rows, each at its code
    first: np.ndarray  # per project code: its first position in `order`
    count: np.ndarray  # per project code: how many rows
    order: np.ndarray  # row positions sorted by project code
    donor: np.ndarray  # per row: donor code
    amount: np.ndarray  # per row: committed amount, NaN when none is published
    names: np.ndarray  # per donor code: the name
    name_rank: np.ndarray  # per donor code: the rank of its name (ties between equal totals)


# By the frame's identity (kept with it, so an id is never another frame's): View.project_donors hands every filter
# state the same frame of a currency's rows, so they are coded once, not on every new filter state.
_DONOR_ROWS: dict[int, tuple[pd.DataFrame, _DonorRows]] = {}


def _text_codes(column: pd.Series) -> tuple[np.ndarray, pa.Array | np.ndarray]:
    """(each row's code; the distinct values at their codes, in order of first appearance) of an id or name column,
    hashed by Arrow: no Python text per row (pd.factorize of the project ids as objects was ~0.2 s of a
    100,000-project restart's first map). Values Arrow cannot hold as one column (ids of mixed types): pandas'."""
    try:
        encoded = pc.dictionary_encode(pa.array(column))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        codes, uniques = pd.factorize(column.to_numpy(dtype=object))
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)
    return encoded.indices.fill_null(-1).to_numpy().astype(np.int64), encoded.dictionary


def _donor_rows(donors: pd.DataFrame) -> _DonorRows:
    known = _DONOR_ROWS.get(id(donors))
    if known is not None and known[0] is donors:
        return known[1]
    project, projects = _text_codes(donors["project_id"])
    donor, names = _text_codes(donors["donor"])
    names = names.to_numpy(zero_copy_only=False) if isinstance(names, pa.Array) else names
    order = np.argsort(project, kind="stable")
    count = np.bincount(project, minlength=len(projects))
    rows = _DonorRows(projects, np.cumsum(count) - count, count, order, donor,
                      donors["amount"].to_numpy(dtype="float64", na_value=np.nan), np.asarray(names, dtype=object),
                      np.argsort(np.argsort(np.asarray(names, dtype=str), kind="stable"), kind="stable"))
    if len(_DONOR_ROWS) > 16:  # frames of many views or datasets in one process: start again rather than grow
        _DONOR_ROWS.clear()
    _DONOR_ROWS[id(donors)] = (donors, rows)
    return rows


def _member_codes(members: list, projects: pa.Array | np.ndarray) -> np.ndarray:
    """The code of each member project id among `projects` (−1: none of its rows), looked up by Arrow over the
    texts' bytes (a dict lookup per member was ~0.3 s of a 100,000-project first map: ~250,000 members); ids Arrow
    cannot hold as one column are compared as Python values."""
    if isinstance(projects, pa.Array):
        try:
            return pc.index_in(pa.array(members, type=projects.type), value_set=projects).fill_null(-1).to_numpy(
                ).astype(np.int64)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            projects = projects.to_numpy(zero_copy_only=False)
    codes = dict(zip(projects.tolist(), range(len(projects))))
    return np.fromiter((codes.get(member, -1) for member in members), dtype=np.int64, count=len(members))


def _unit_donors(frame: pd.DataFrame, donors: pd.DataFrame) -> pd.Series:
    """Donors of each unit's projects (data.metrics.compute_project_donors; rows of other projects are not read),
    largest committed amount first (ties and unpublished amounts by name). On integer codes: each member project's
    rows found by its code (_donor_rows), the amounts summed per (unit, donor) with one bincount."""
    empty = pd.Series([()] * len(frame), index=frame.index, dtype=object)
    lengths = np.fromiter((len(ids) for ids in frame["project_ids"]), dtype=np.int64, count=len(frame))
    if not lengths.sum() or donors.empty:
        return empty
    index = _donor_rows(donors)
    member_code = _member_codes(list(itertools.chain.from_iterable(frame["project_ids"])), index.projects)
    unit_of = np.repeat(np.arange(len(frame)), lengths)[member_code >= 0]
    member_code = member_code[member_code >= 0]
    first, count = index.first[member_code], index.count[member_code]
    if not count.sum():
        return empty
    rows = index.order[np.repeat(first - np.cumsum(count) + count, count) + np.arange(count.sum())]
    names = index.names
    key = np.repeat(unit_of, count) * len(names) + index.donor[rows]
    amounts = index.amount[rows]
    keys, inverse = np.unique(key, return_inverse=True)
    published = np.bincount(inverse, weights=~np.isnan(amounts)) > 0
    totals = np.where(published, np.bincount(inverse, weights=np.nan_to_num(amounts)), np.nan)
    unit, donor = keys // len(names), keys % len(names)
    order = np.lexsort((index.name_rank[donor], np.where(np.isnan(totals), np.inf, -totals), unit))
    unit, donor = unit[order], donor[order]
    starts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    ends = np.r_[starts[1:], len(unit)]
    listed = names[donor].tolist()
    lists = {int(unit[start]): tuple(listed[start:end]) for start, end in zip(starts.tolist(), ends.tolist())}
    return pd.Series([lists.get(i, ()) for i in range(len(frame))], index=frame.index, dtype=object)


# The units a map draws (and their features) by the prepared geometry's identity and province (the geometry kept
# with them, so an id is never another object's): the same on every filter state, selected and copied once.
_BASES: dict[tuple[int, str | None], tuple[PreparedBoundaries | None, pd.DataFrame, dict | None]] = {}


def _base_units(prepared: PreparedBoundaries | None, pcode: str | None) -> tuple[pd.DataFrame, dict | None]:
    """The units to draw (never modified: map_units joins onto a copy) and their GeoJSON (None: the capitals)."""
    known = _BASES.get((id(prepared), pcode))
    if known is not None and known[0] is prepared:
        return known[1], known[2]
    if prepared is None:
        base, geojson = capital_units(), None
    else:
        base = prepared.units[prepared.units["pcode"].notna()]
        if pcode is not None:
            base = base[base["pcode"] == pcode]
        geojson = _features(prepared.geojson, base["code"])
    base = base.reset_index(drop=True)
    if len(_BASES) > 64:  # a few geometries (ADM1, ADM2 per province) kept: another file starts again
        _BASES.clear()
    _BASES[(id(prepared), pcode)] = (prepared, base, geojson)
    return base, geojson


def map_units(by_unit: pd.DataFrame, prepared: PreparedBoundaries | None, key: str = "pcode",
              pcode: str | None = None, donors: pd.DataFrame | None = None,
              minimum: frozenset[str] = frozenset(), url: str | None = None) -> MapUnits:
    """Join the values (by_unit, keyed on P-codes) onto the units to draw — the embedded capitals when no file.
    `donors` (compute_project_donors) orders each unit's donors by size; `minimum` (minimum_projects) marks units
    whose households targeted is a minimum; `url` (served_url): the geometry as a static file, not embedded."""
    base, geojson = _base_units(prepared, pcode)
    level = prepared.level if prepared is not None else 1
    others = [c for c in by_unit.columns if c not in (key, "pcode")]
    codes = pd.Index(by_unit[key].to_numpy(dtype=object))
    if len(codes) and codes.is_unique and not set(others) & set(base.columns) and {"projects", "donors",
            "project_ids"} <= set(others) and by_unit["projects"].dtype.kind in "iuf" and all(
            isinstance(by_unit[c].dtype, np.dtype) for c in others):
        # by_unit's units: a left join is a reindex, here each column taken at once with reindex's own take (the
        # same fill and dtype) into one frame built at once: a reindex, a concat and a column set each cost ~1 ms
        at = codes.get_indexer(base["code"].to_numpy(dtype=object))
        columns: dict[str, object] = {c: base[c] for c in base.columns}
        columns |= {c: take(by_unit[c].to_numpy(), at, allow_fill=True) for c in others}
        projects = columns["projects"]
        columns["projects"] = np.where(np.isnan(projects), 0, projects).astype(int) if projects.dtype.kind == "f" \
            else projects.astype(int)
        for column in ("donors", "project_ids"):
            columns[column] = object_array([v if isinstance(v, tuple) else () for v in columns[column].tolist()])
        frame = pd.DataFrame(columns, index=base.index)
    else:
        if codes.is_unique and not set(others) & set(base.columns):
            joined = by_unit[others].set_axis(codes).reindex(base["code"].to_numpy(dtype=object))
            frame = pd.concat([base, joined.reset_index(drop=True)], axis=1)
        else:
            values = by_unit.rename(columns={key: "code"}).drop(columns=["pcode"], errors="ignore")
            frame = base.merge(values, on="code", how="left").reset_index(drop=True)
        frame["projects"] = frame["projects"].fillna(0).astype(int) if "projects" in frame else 0
        for column in ("donors", "project_ids"):
            frame[column] = pd.Series([v if isinstance(v, tuple) else () for v in frame[column].tolist()],
                                      index=frame.index, dtype=object)
    if donors is not None:
        frame["donors"] = _unit_donors(frame, donors)
    frame["minimum"] = [not minimum.isdisjoint(ids) for ids in frame["project_ids"].tolist()]
    return MapUnits(frame, geojson, level, url if prepared is not None else None)


# ---------------------------------------------------------------- Streamlit pieces

def _save_upload(level: int, name: str, content: bytes) -> Path | None:
    """Keep an uploaded boundary file as <data dir>/boundaries/adm<level>.<ext>; rewritten only when it changed
    (the uploader hands the same file back on every rerun, and a new mtime would re-prepare the geometry).
    None when the name does not end with a boundary file extension (NUL bytes and the like included)."""
    extension = name.rsplit(".", 1)[-1].lower()
    if f".{extension}" not in EXTENSIONS:
        return None
    target = upload_dir() / f"adm{level}.{extension}"
    if target.is_file() and target.read_bytes() == content:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in upload_dir().glob(f"adm{level}.*"):
        old.unlink()
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(content)
    tmp.replace(target)
    return target


def boundary_choices() -> dict[str, Path]:
    """The server files an editor may choose, by their name relative to BOUNDARIES_DIR (never a typed path)."""
    root = boundaries_dir()
    return {path.relative_to(root).as_posix(): path for path in list_boundary_files(root)}


def boundary_source(level: int) -> BoundarySource:
    """The boundary file of a level: one chosen on the Data page among BOUNDARIES_DIR's files (kept for the
    session), else the configured, uploaded, cached or embedded one."""
    chosen = st.session_state.get(f"boundaries_path{level}") or ""
    return resolve_boundary_file(level, boundary_choices().get(chosen) if chosen else None)


def render_boundary_settings(lang: str) -> dict[int, BoundarySource]:
    """The Data page's Boundary files panel (editors): per level a file chosen among those under BOUNDARIES_DIR
    (beats BOUNDARIES_ADM1/2) or an upload saved in the app's data directory; never a path typed in the browser."""
    sources, choices = {}, boundary_choices()
    with st.expander(t("map.settings", lang)):
        st.caption(t("map.settings.help", lang))
        if not choices:
            st.caption(t("map.settings.no_dir", lang, var=DIR_VAR))
        for level in (1, 2):
            if choices:
                widget, options = f"boundaries_adm{level}", ["", *choices]
                if st.session_state.get(widget) not in options:  # the widget's state goes when the page does
                    kept = st.session_state.get(f"boundaries_path{level}", "")
                    st.session_state[widget] = kept if kept in options else ""
                chosen = st.selectbox(t(f"map.settings.choose{level}", lang), options, key=widget,
                                      format_func=lambda name: name or t("map.settings.choose.none", lang))
                st.session_state[f"boundaries_path{level}"] = chosen
            upload = st.file_uploader(t(f"map.settings.upload{level}", lang), type=UPLOAD_TYPES,
                                      key=f"boundaries_upload{level}")
            if upload is not None and _save_upload(level, upload.name, upload.getvalue()) is None:
                st.warning(t("map.settings.bad_type", lang, name=escape_text(upload.name)))
            sources[level] = boundary_source(level)
            if sources[level].problem:
                st.warning(escape_text(hide_paths(sources[level].problem)))
            st.caption(t(f"map.origin.{sources[level].origin}", lang, level=level,
                         path=escape_text(sources[level].path.name if sources[level].path else "")))
        if sources[1].path is None:
            st.info(t("map.embedded_notice", lang))
    return sources


BUCKETS = ("mapped", "national", "unallocated", "total")


def compute_map_totals(allocation: Allocation, metric: MapMetric, projects: dict[str, set[str]] | None = None
                       ) -> list[tuple[str, float | None, bool | None]]:
    """(bucket, value, published) in the metric shown: mapped, national, unallocated and the portfolio total.

    Sums for amounts and households; projects counted; funding per targeted household as the bucket's funding over
    its households; a share as the bucket's part of the portfolio's funding. `published` is None when the bucket
    has no project and False when none of its projects publishes what the value needs."""
    projects = allocation.bucket_projects() if projects is None else projects
    per_household = _per_household_sums(allocation, projects) if metric.unit == "currency_per_household" else {}
    out: list[tuple[str, float | None, bool | None]] = []
    for bucket in BUCKETS:
        if metric.quantity is None:  # a count of projects
            out.append((bucket, float(len(projects[bucket])), True if projects[bucket] else None))
            continue
        published = allocation.bucket_published(metric.quantity, bucket, projects)
        funding = _bucket_value(allocation, "funding", bucket)
        if metric.unit == "currency_per_household":
            money, households = per_household[bucket]
            value = money / households if households else None
            out.append((bucket, value, None if published is None else value is not None))
        elif metric.unit == "percent":
            total = allocation.totals["funding"]
            out.append((bucket, 100 * funding / total if published and total else None, published))
        else:
            out.append((bucket, _bucket_value(allocation, metric.quantity, bucket), published))
    return out


def _per_household_sums(allocation: Allocation, projects: dict[str, set[str]]) -> dict[str, tuple[float, float]]:
    """(funding, households) per bucket over the projects that publish both: one project's money is never divided
    by another's households. National and unallocated buckets hold totals only, so they count when every project
    of theirs that publishes one of the two publishes both."""
    both = allocation.published.get("funding", frozenset()) & allocation.published.get("households_targeted",
                                                                                       frozenset())
    either = allocation.published.get("funding", frozenset()) | allocation.published.get("households_targeted",
                                                                                         frozenset())
    rows = allocation.rows
    kept = rows[rows["funding"].notna() & rows["households_targeted"].notna()] if not rows.empty else rows
    sums = {"mapped": (float(kept["funding"].sum()), float(kept["households_targeted"].sum())) if not kept.empty
            else (0.0, 0.0)}
    for bucket in ("national", "unallocated"):
        members = projects[bucket] & either
        consistent = bool(members) and members <= both
        sums[bucket] = (_bucket_value(allocation, "funding", bucket), _bucket_value(
            allocation, "households_targeted", bucket)) if consistent else (0.0, 0.0)
    sums["total"] = tuple(sum(sums[b][i] for b in ("mapped", "national", "unallocated")) for i in (0, 1))
    return sums


def _bucket_value(allocation: Allocation, quantity: str, bucket: str) -> float:
    return {"mapped": allocation.mapped(quantity), "national": allocation.national[quantity],
            "unallocated": allocation.unallocated[quantity], "total": allocation.totals[quantity]}[bucket]


def render_totals(allocation: Allocation, metric: MapMetric, currency: str, lang: str,
                  minimum: frozenset[str] = frozenset(), memo: Callable[..., object] | None = None) -> None:
    """Mapped + national + unallocated = portfolio total, beside the map (never spread over provinces), in the
    metric the map shows. `memo` (View.memo with the allocation's measure in its key): computed once per view."""
    st.markdown(f"**{metric_title(metric, currency, lang)}**")

    def compute() -> tuple[dict[str, set[str]], list]:
        projects = allocation.bucket_projects()
        return projects, compute_map_totals(allocation, metric, projects)

    projects, totals = memo("map_totals", compute, metric.key) if memo else compute()
    for bucket, value, published in totals:
        if published is None:
            text = "—"  # no project there at all
        elif not published:
            text = t("not_published", lang)
        else:
            text = qualified_value(value, metric, not minimum.isdisjoint(projects[bucket]), currency, lang)
        st.metric(t(f"map.totals.{bucket}", lang), text)
    if metric.quantity:
        missing = allocation.not_published[metric.quantity]
        if missing:
            st.caption(t("map.totals.not_published", lang, n=missing))
    if allocation.national_projects:
        st.caption(t("map.totals.national_list", lang,
                     projects=escape_text(format_id_list(allocation.national_projects))))
    if allocation.unallocated_projects:
        st.caption(t("map.totals.unallocated_list", lang,
                     projects=escape_text(format_id_list(allocation.unallocated_projects))))


TERRITORY_SPLIT = "territory_split"  # the memo name of every province's territory split (a page may keep it)


def render_territory_map(allocation: Allocation, locations: pd.DataFrame, adm2: PreparedBoundaries, pcode: str,
                         metric: MapMetric, currency: str, lang: str, base: bool, extra: dict,
                         memo: Callable[..., object] | None = None, places: pd.DataFrame | None = None,
                         whole: Callable[[], TerritorySplit | None] | None = None) -> None:
    """One province's territories and towns; a line instead of an empty map when its projects name none.
    `memo` (View.memo with the allocation's measure and the boundary file in its key): built once per view;
    `places` (geo.allocation.compute_territory_places of the dataset's locations), when already computed;
    `whole`: geo.allocation.split_index_territories of the allocation's index, once per dataset (memoised)."""
    def split() -> TerritorySplit:
        return split_territories(allocation, locations, places, whole() if whole else None)

    def compute() -> tuple[pd.DataFrame, dict, go.Figure | None]:
        # every province's territories split once per view (by position from the dataset's split when the view
        # was allocated by masks): another province clicked reads its part
        rows, rest = (memo(TERRITORY_SPLIT, split) if memo else split()).province(pcode)
        if rows.empty:
            return rows, rest, None
        territories = map_units(by_unit(allocation, rows, key="territory", with_donors=False), adm2,
                                key="territory", pcode=pcode, **extra)
        return rows, rest, make_funding_map_figure(territories, metric, currency, lang, base, height=460)

    territory_rows, remainder, figure = memo("territory_map", compute, pcode, metric.key, base) if memo \
        else compute()
    if figure is None:
        st.caption(t("map.territories.unpublished", lang, name=escape_text(province_name(pcode))))
    else:
        st.subheader(t("map.territories", lang, name=escape_text(province_name(pcode))))
        render_chart(figure, "territory_map", t("export.chart.territories", lang), lang, plot_config(),
                     on_select="rerun", selection_mode="points")
    if metric.quantity and remainder[metric.quantity] and not territory_rows.empty:
        st.caption(t("map.territories.remainder", lang, value=format_metric_value(
            remainder[metric.quantity], MAP_METRICS[metric.quantity], currency, lang)))


def selected_code(event) -> str | None:
    """The unit code of the first selected point of a plotly selection event (choropleth or symbol)."""
    try:
        points = event.selection.points if event else []
    except AttributeError:
        return None
    for point in points or []:
        code = point.get("customdata") or point.get("location")
        if isinstance(code, list):
            code = code[0] if code else None
        if code:
            return str(code)
    return None


def compute_titles_by_id(projects: pd.DataFrame, lang: str) -> dict[str, str] | None:
    """Each project id's title in `lang` (compute_project_titles), for make_unit_projects_table: found once per
    dataset and language rather than on every filter state. None when ids repeat (a view may then keep another row
    of an id than the dataset's first)."""
    ids = projects["project_id"].tolist()
    if len(set(ids)) != len(ids):
        return None
    return dict(zip(ids, compute_project_titles(projects, lang).tolist()))


def make_unit_projects_table(rows: pd.DataFrame, projects: pd.DataFrame, currency: str, lang: str,
                             titles: dict[str, str] | None = None) -> pd.DataFrame:
    """The projects placed in one unit (allocated rows of that unit), with what was placed there and how.
    `titles`: compute_titles_by_id of these projects or of a dataset holding them, when known."""
    if rows.empty:
        return pd.DataFrame()
    ids = rows["project_id"].tolist()
    if titles is None:
        # Titles of these rows' projects only, and of the title columns only (a selection of every column of the
        # portfolio's rows cost more than the page): a page of rows costs a page, not the portfolio.
        mine = projects.loc[projects["project_id"].isin(set(ids)), ["project_id", "title_en", "title_fr"]]
        titles = {}
        for project, title in zip(mine["project_id"].tolist(), compute_project_titles(mine, lang).tolist()):
            titles.setdefault(project, title)  # the first row of a project id, as everywhere else
    households = MAP_METRICS["households_targeted"]
    money = f"{t('map.metric.funding', lang)} ({currency})"
    split = {True: t("map.split_assumed", lang), False: t("map.split.known", lang)}
    return pd.DataFrame({
        t("col.project", lang): rows["project_id"].to_numpy(),
        t("col.title", lang): [titles.get(project, "") for project in ids],
        t("map.col.share", lang): format_each(rows["share"],
                                              lambda v: f"{format_number(round(100 * v, 1), lang)} %"),
        money: rows["funding"].to_numpy(dtype="float64", na_value=np.nan),  # a number: sorts by value
        t("map.metric.households_targeted", lang): format_each(
            rows["households_targeted"], lambda v: format_metric_value(v, households, currency, lang)),
        t("map.col.split", lang): [split[bool(v)] for v in rows["split_assumed"].tolist()]})


def render_province_section(allocation: Allocation, provinces: pd.DataFrame, units: MapUnits, clicked_code: object,
                            projects: pd.DataFrame, currency: str, lang: str, memo: Callable,
                            territories: dict, titles: dict[str, str] | None = None) -> None:
    """The province clicked on the map (or chosen in the list under it): its projects (`titles`:
    compute_titles_by_id of the dataset, when known), a page at a time, and its territories (`territories`:
    render_territory_map's locations, places, adm2, metric, base, extra and whole; with no ADM2 file a caption says
    how to get them)."""
    options = list(provinces["pcode"])
    if not options:
        return
    clicked = dict(zip(units.frame["code"], units.frame["pcode"])).get(clicked_code)  # a unit → its province
    if clicked in options and clicked != st.session_state.get("map_last_click"):
        st.session_state["map_last_click"] = clicked
        st.session_state["map_province"] = clicked
    pcode = st.selectbox(t("map.province", lang), options, key="map_province", format_func=province_name)
    st.subheader(t("map.unit_projects", lang, name=escape_text(province_name(pcode))))
    rows = memo("unit_rows", lambda: allocation.rows[allocation.rows["pcode"] == pcode], pcode)
    render_paged_table(rows, lambda part: make_unit_projects_table(part, projects, currency, lang, titles), lang,
                       key="map_unit_projects", memo=lambda name, compute, *key: memo(name, compute, pcode, *key))
    if territories["adm2"] is None:
        st.caption(t("map.territories.none", lang))
    else:
        render_territory_map(allocation, territories["locations"], territories["adm2"], pcode, territories["metric"],
                             currency, lang, territories["base"], territories["extra"], memo, territories["places"],
                             territories.get("whole"))


@st.fragment
def render_map_section(units: MapUnits, metric: MapMetric, currency: str, lang: str, *, level: int, base: bool,
                       all_remainder: dict | None, allocation: Allocation, provinces: pd.DataFrame,
                       projects: pd.DataFrame, memo: Callable, minimum: frozenset[str], embedded: bool,
                       territories: dict, titles: dict[str, str] | None = None) -> None:
    """The map, its totals and the chosen province (render_province_section), as one fragment: a click on the map
    or another province reruns this section only, not the page's filters, settings and exports. `memo`: the page's
    View.memo with the measure and the boundary files in its key."""
    map_column, totals_column = st.columns([3, 1])
    with map_column:
        figure = memo("map_figure", lambda: make_funding_map_figure(units, metric, currency, lang, base,
                                                                    labels=level == 1), level, metric.key)
        event = render_chart(figure, "funding_map", t("export.chart.map", lang), lang, plot_config(),
                             on_select="rerun", selection_mode="points")
        if embedded and level == 1:
            st.caption(t("map.small.embedded", lang))
        if level == 2 and metric.quantity:
            st.caption(t("map.territories.remainder", lang, value=format_metric_value(
                all_remainder[metric.quantity], MAP_METRICS[metric.quantity], currency, lang)))
    with totals_column:
        render_totals(allocation, metric, currency, lang, minimum, memo)
    render_province_section(allocation, provinces, units, selected_code(event), projects, currency, lang, memo,
                            territories, titles)
