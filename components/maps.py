"""Funding maps: cached prepared geometry (keyed on file path + mtime), figure builders (make_*_figure return
go.Figure and never call Streamlit) and the render_* pieces of the Funding map page.

Offline: a geo trace that needs plotly's topojson base map (a choropleth, or any base layer shown) is only
drawn when the topojson file is served by the app itself (static/topojson/, `make topojson`), and the chart is
then given config topojsonURL pointing at it. Without the file, boundaries are drawn as lon/lat lines and values
as symbols: nothing is ever requested from another host."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.i18n import format_money, format_number, t
from data.schema import compute_project_titles
from geo.allocation import MAP_METRICS, MapMetric
from geo.boundaries import BoundaryFileError
from geo.embedded import capital_units
from geo.fetch import ENV_VARS, BoundarySource, cache_dir, resolve_boundary_file, upload_dir
from geo.simplify import PreparedBoundaries, prepare_boundaries

ROOT = Path(__file__).resolve().parents[1]
TOPOJSON_DIR = ROOT / "static" / "topojson"
TOPOJSON_URL = "/app/static/topojson/"  # Streamlit serves ./static at /app/static (enableStaticServing)
TOPOJSON_SCOPE, TOPOJSON_RESOLUTION = "africa", 50  # plotly.js asks for <topojsonURL>africa_50m.json
# Colour-blind-safe: Okabe–Ito blue for symbols, cividis (designed for colour-vision deficiencies) for fills.
SYMBOL_COLOUR = "#0072B2"
CHOROPLETH_SCALE = "cividis"
MISSING_FILL = "#DDDDDD"
MAX_SYMBOL_PX = 46
# The country plus room for the symbols on its eastern border (Ituri, Nord-Kivu, Tanganyika).
DRC_LON, DRC_LAT = (11.4, 33.0), (-14.0, 6.0)
UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip"]


def topojson_available() -> bool:
    return (TOPOJSON_DIR / f"{TOPOJSON_SCOPE}_{TOPOJSON_RESOLUTION}m.json").is_file()


def plot_config() -> dict:
    """st.plotly_chart config: the local topojson URL whenever a map may need it (never the plotly CDN)."""
    return {"displaylogo": False, "topojsonURL": TOPOJSON_URL}


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


# ---------------------------------------------------------------- figure builders

@dataclass(frozen=True)
class MapUnits:
    """Units to draw (code, name, pcode, lon, lat + the by_unit columns) and, with real geometry, its GeoJSON."""

    frame: pd.DataFrame
    geojson: dict | None  # None: the embedded default (symbols at capitals)
    level: int = 1


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


def _hover(row: pd.Series, metric: MapMetric, currency: str, lang: str) -> str:
    value = row.get(metric.column)
    lines = [f"<b>{row['name']}</b> ({row['code']})",
             f"{t(f'map.metric.{metric.key}', lang)}: {format_metric_value(value, metric, currency, lang)}",
             t("map.hover.projects", lang, n=int(row.get("projects") or 0)),
             t("map.hover.donors", lang, donors=", ".join(row.get("donors") or ()) or "—")]
    if row.get("kind") and row.get("kind") != "province":
        lines.insert(1, str(row["kind"]))
    if str(row.get("split_assumed")) == "True":  # bool or numpy.bool_; missing (NaN) when nothing is placed
        lines.append(t("map.split_assumed", lang))
    return "<br>".join(lines)


def _outline_trace(geojson: dict) -> go.Scattergeo:
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
    return go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=0.7, color="#777777"),
                         hoverinfo="skip", showlegend=False)


def _geos(figure: go.Figure, base: bool, units: pd.DataFrame, fit: bool) -> None:
    geo = dict(showframe=False, showcoastlines=False, showocean=False, showsubunits=False,
               projection_type="equirectangular", bgcolor="rgba(0,0,0,0)")
    if base:  # the Natural Earth base map served by the app: neighbours, lakes and rivers
        geo.update(scope=TOPOJSON_SCOPE, resolution=TOPOJSON_RESOLUTION, showland=True, landcolor="#F4F4F2",
                   showcountries=True, countrycolor="#AAAAAA", showlakes=True, lakecolor="#CFE3F2",
                   showrivers=True, rivercolor="#CFE3F2")
    else:
        geo.update(showland=False, showcountries=False, showlakes=False, showrivers=False)
    if fit and not units.empty:
        pad = 0.6
        geo.update(lonaxis_range=[units["lon"].min() - pad * 2, units["lon"].max() + pad * 2],
                   lataxis_range=[units["lat"].min() - pad * 2, units["lat"].max() + pad * 2])
    else:
        geo.update(lonaxis_range=list(DRC_LON), lataxis_range=list(DRC_LAT))
    figure.update_geos(**geo)


def _symbol_traces(units: pd.DataFrame, metric: MapMetric, currency: str, lang: str) -> list[go.Scattergeo]:
    values = pd.to_numeric(units[metric.column], errors="coerce")
    shown = units[values.notna() & (values > 0)]
    if shown.empty:
        return []
    top = float(values.max())
    sizeref = 2.0 * top / MAX_SYMBOL_PX ** 2
    traces = [go.Scattergeo(
        lon=shown["lon"], lat=shown["lat"], mode="markers", customdata=shown["code"],
        marker=dict(size=values[shown.index], sizemode="area", sizeref=sizeref, sizemin=4, color=SYMBOL_COLOUR,
                    opacity=0.75, line=dict(width=1, color="white")),
        text=[_hover(r, metric, currency, lang) for _, r in shown.iterrows()], hoverinfo="text",
        name=t(f"map.metric.{metric.key}", lang), showlegend=False)]
    # Legend: plotly draws every legend marker at one size, so the entry states the scale in words.
    traces.append(go.Scattergeo(
        lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True,
        marker=dict(size=12, color=SYMBOL_COLOUR, opacity=0.75),
        name=t("map.legend.symbols", lang, value=format_metric_value(top, metric, currency, lang))))
    return traces


def _default_title(units: MapUnits, metric: MapMetric, currency: str, lang: str) -> str:
    label = f"{t(f'map.metric.{metric.key}', lang)} ({unit_label(metric, currency, lang)})"
    # The embedded default says in the figure itself that it is not geometry.
    return t("map.embedded.title", lang, metric=label) if units.geojson is None else label


def _features(geojson: dict, codes) -> dict:
    """Only the features a trace draws: each trace carries its own geometry, so a full copy per trace would
    double the page's plotly spec."""
    wanted = set(codes)
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in wanted]}


def make_funding_map_figure(units: MapUnits, metric: MapMetric, currency: str, lang: str, base: bool,
                            height: int = 560, title: str | None = None) -> go.Figure:
    """Proportional symbols (absolute values) or a choropleth (normalised values) of one metric.

    `base`: the topojson file is served locally, so geo base layers and choropleth fills may be used. Without
    it a choropleth metric is drawn as coloured dots over the outlines (still no outside request)."""
    frame = units.frame
    figure = go.Figure()
    values = pd.to_numeric(frame[metric.column], errors="coerce") if not frame.empty else pd.Series(dtype=float)
    hover = [_hover(r, metric, currency, lang) for _, r in frame.iterrows()]
    if units.geojson is not None and base:
        fill = metric.kind == "choropleth"
        missing = frame[values.isna()] if fill else frame
        figure.add_trace(go.Choropleth(
            geojson=_features(units.geojson, missing["code"]), featureidkey="id", locations=missing["code"],
            z=[0] * len(missing),
            colorscale=[[0, MISSING_FILL if fill else "#F7F7F7"], [1, MISSING_FILL if fill else "#F7F7F7"]],
            showscale=False, marker_line=dict(width=0.6, color="#777777"), customdata=missing["code"],
            text=[hover[i] for i in missing.index.map(frame.index.get_loc)], hoverinfo="text"))
        if fill and values.notna().any():
            known = frame[values.notna()]
            figure.add_trace(go.Choropleth(
                geojson=_features(units.geojson, known["code"]), featureidkey="id", locations=known["code"],
                z=values[known.index],
                colorscale=CHOROPLETH_SCALE, marker_line=dict(width=0.6, color="#555555"), customdata=known["code"],
                colorbar=dict(title=dict(text=unit_label(metric, currency, lang)), thickness=14),
                text=[hover[i] for i in known.index.map(frame.index.get_loc)], hoverinfo="text"))
    elif units.geojson is not None:
        figure.add_trace(_outline_trace(units.geojson))
    if units.geojson is None or not base or metric.kind == "symbol":
        # Reference dot for every unit (hover says "not published" where nothing is known).
        figure.add_trace(go.Scattergeo(
            lon=frame["lon"], lat=frame["lat"], mode="markers", customdata=frame["code"],
            marker=dict(size=5, color="#AAAAAA"), text=hover, hoverinfo="text", showlegend=False))
    if metric.kind == "symbol":
        for trace in _symbol_traces(frame, metric, currency, lang):
            figure.add_trace(trace)
    elif units.geojson is None or not base:
        known = frame[values.notna()]
        figure.add_trace(go.Scattergeo(
            lon=known["lon"], lat=known["lat"], mode="markers", customdata=known["code"],
            marker=dict(size=18, color=values[known.index], colorscale=CHOROPLETH_SCALE, showscale=True,
                        line=dict(width=1, color="#333333"),
                        colorbar=dict(title=dict(text=unit_label(metric, currency, lang)), thickness=14)),
            text=[hover[i] for i in known.index.map(frame.index.get_loc)], hoverinfo="text", showlegend=False))
    _geos(figure, base, frame, fit=units.level == 2)
    figure.update_layout(
        title=dict(text=title or _default_title(units, metric, currency, lang)),
        height=height, margin=dict(l=0, r=0, t=50, b=0), legend=dict(title=dict(text=unit_label(metric, currency,
                                                                                                 lang))),
        separators=",." if lang == "en" else ", ", clickmode="event+select")
    return figure


def map_units(by_unit: pd.DataFrame, prepared: PreparedBoundaries | None, key: str = "pcode",
              pcode: str | None = None) -> MapUnits:
    """Join the values (by_unit, keyed on P-codes) onto the units to draw — the embedded capitals when no file."""
    if prepared is None:
        base = capital_units()
        geojson, level = None, 1
    else:
        base = prepared.units[prepared.units["pcode"].notna()].copy()
        level = prepared.level
        if pcode is not None:
            base = base[base["pcode"] == pcode]
        geojson = _features(prepared.geojson, base["code"])
    values = by_unit.rename(columns={key: "code"}).drop(columns=["pcode"], errors="ignore")
    frame = base.merge(values, on="code", how="left").reset_index(drop=True)
    frame["projects"] = frame["projects"].fillna(0).astype(int) if "projects" in frame else 0
    for column in ("donors", "project_ids"):
        frame[column] = frame[column].map(lambda v: v if isinstance(v, tuple) else ())
    return MapUnits(frame, geojson, level)


# ---------------------------------------------------------------- Streamlit pieces

def _save_upload(level: int, name: str, content: bytes) -> Path:
    """Keep an uploaded boundary file as <data dir>/boundaries/adm<level>.<ext>; rewritten only when it changed
    (the uploader hands the same file back on every rerun, and a new mtime would re-prepare the geometry)."""
    target = upload_dir() / f"adm{level}.{name.rsplit('.', 1)[-1].lower()}"
    if target.is_file() and target.read_bytes() == content:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in upload_dir().glob(f"adm{level}.*"):
        old.unlink()
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(content)
    tmp.replace(target)
    return target


def render_boundary_settings(lang: str) -> dict[int, BoundarySource]:
    """Boundary files per level: a path (beats BOUNDARIES_ADM1/2) or an upload saved in the app's data directory."""
    sources = {}
    with st.expander(t("map.settings", lang)):
        st.caption(t("map.settings.help", lang))
        for level in (1, 2):
            configured = st.text_input(t(f"map.settings.path{level}", lang), key=f"boundaries_adm{level}",
                                       placeholder=ENV_VARS[level])
            upload = st.file_uploader(t(f"map.settings.upload{level}", lang), type=UPLOAD_TYPES,
                                      key=f"boundaries_upload{level}")
            if upload is not None:
                _save_upload(level, upload.name, upload.getvalue())
            sources[level] = resolve_boundary_file(level, configured.strip() or None)
            if sources[level].problem:
                st.warning(sources[level].problem)
            st.caption(t(f"map.origin.{sources[level].origin}", lang, level=level,
                         path=sources[level].path.name if sources[level].path else ""))
    return sources


def render_embedded_notice(lang: str) -> None:
    st.info(t("map.embedded_notice", lang))


def render_totals(allocation, metric: MapMetric, currency: str, lang: str) -> None:
    """Mapped + national + unallocated = portfolio total, beside the map (never spread over provinces)."""
    quantity = metric.quantity
    if quantity is None:
        st.caption(t("map.totals.projects", lang, national=len(allocation.national_projects),
                     unallocated=len(allocation.unallocated_projects)))
        return
    shown = MAP_METRICS[quantity]
    rows = [("mapped", allocation.mapped(quantity)), ("national", allocation.national[quantity]),
            ("unallocated", allocation.unallocated[quantity]), ("total", allocation.totals[quantity])]
    for bucket, value in rows:
        published = allocation.bucket_published(quantity, bucket)
        text = format_metric_value(value, shown, currency, lang) if published else \
            t("not_published", lang) if published is False else "—"  # no project there at all
        st.metric(t(f"map.totals.{bucket}", lang), text)
    missing = allocation.not_published[quantity]
    if missing:
        st.caption(t("map.totals.not_published", lang, n=missing))
    if allocation.national_projects:
        st.caption(t("map.totals.national_list", lang, projects=", ".join(allocation.national_projects)))
    if allocation.unallocated_projects:
        st.caption(t("map.totals.unallocated_list", lang, projects=", ".join(allocation.unallocated_projects)))


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


def make_unit_projects_table(rows: pd.DataFrame, projects: pd.DataFrame, currency: str, lang: str) -> pd.DataFrame:
    """The projects placed in one unit (allocated rows of that unit), with what was placed there and how."""
    titles = compute_project_titles(projects, lang).set_axis(projects["project_id"])
    funding, households = MAP_METRICS["funding"], MAP_METRICS["households_targeted"]
    out = []
    for _, row in rows.iterrows():
        title = titles.get(row["project_id"], "")
        out.append({
            t("col.project", lang): row["project_id"], t("col.title", lang): title,
            t("map.col.share", lang): f"{format_number(round(100 * row['share'], 1), lang)} %",
            t("map.metric.funding", lang): format_metric_value(row["funding"], funding, currency, lang),
            t("map.metric.households_targeted", lang): format_metric_value(row["households_targeted"], households,
                                                                            currency, lang),
            t("map.col.split", lang): t("map.split_assumed" if row["split_assumed"] else "map.split.known", lang)})
    return pd.DataFrame(out)
