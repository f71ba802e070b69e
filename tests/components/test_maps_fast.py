"""The funding map built as plain dicts (components.maps.make_funding_map_figure) against the same map built through
plotly's validated API (go.Figure, add_trace, update_layout: the builder as it was, kept here as the reference):
once validated, every trace and layout property is the same."""
from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.escape import escape_text
from components.i18n import t
from components.maps import (
    CHOROPLETH_SCALE,
    DRC_LAT,
    DRC_LON,
    LAND_FILL,
    MAX_SYMBOL_PX,
    MISSING_DOT,
    MISSING_FILL,
    NO_PROJECT_FILL,
    SYMBOL_COLOUR,
    TOPOJSON_RESOLUTION,
    TOPOJSON_SCOPE,
    MapUnits,
    _colorbar,
    _default_title,
    _features,
    _hover,
    label_fits,
    make_funding_map_figure,
    map_units,
    minimum_projects,
    qualified_value,
)
from geo.allocation import MAP_METRICS, MapMetric, by_unit, split_territories
from geo.simplify import prepare_boundaries

SHARED_GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "geo"
ADM1 = SHARED_GEO / "cod_adm1_ocha_20170407.geojson"
ADM2 = SHARED_GEO / "cod_adm2_ocha_rgc_20170711.geojson"

# ---------------------------------------------------------------- the reference: the builder before it used dicts

def plain_outline_trace(geojson: dict) -> go.Scattergeo:
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


def plain_geos(figure: go.Figure, base: bool, units: pd.DataFrame, fit: bool) -> None:
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


def plain_legend_entry(name: str, marker: dict) -> go.Scattergeo:
    # plotly draws no legend for choropleth fills: an empty marker trace stands for them.
    return go.Scattergeo(lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True, name=name,
                         marker=marker)


def plain_symbol_traces(units: pd.DataFrame, values: pd.Series, hover: list[str], metric: MapMetric, currency: str,
                   lang: str) -> list[go.Scattergeo]:
    shown = units[values.notna() & (values > 0)]
    if shown.empty:
        return []
    top = float(values.max())
    sizeref = 2.0 * top / MAX_SYMBOL_PX ** 2
    minimum = bool(units.loc[values == top, "minimum"].any()) if "minimum" in units else False
    return [go.Scattergeo(
        lon=shown["lon"], lat=shown["lat"], mode="markers", customdata=shown["code"],
        marker=dict(size=values[shown.index], sizemode="area", sizeref=sizeref, sizemin=4, color=SYMBOL_COLOUR,
                    opacity=0.75, line=dict(width=1, color="white")),
        text=[hover[i] for i in shown.index], hoverinfo="text", name=t(f"map.metric.{metric.key}", lang),
        showlegend=False),
        # Legend: plotly draws every legend marker at one size, so the entry states the scale in words.
        plain_legend_entry(t("map.legend.symbols", lang, value=qualified_value(top, metric, minimum, currency, lang)),
                      dict(size=12, color=SYMBOL_COLOUR, opacity=0.75))]


def plain_unit_states(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """Per unit: 'none' (no project), 'unpublished' (projects, but none publishes the value) or 'value'."""
    has_projects = pd.to_numeric(frame["projects"], errors="coerce").fillna(0) > 0
    return pd.Series(np.select([~has_projects, values.isna()], ["none", "unpublished"], "value"), index=frame.index)



def plain_make_funding_map_figure(units: MapUnits, metric: MapMetric, currency: str, lang: str, base: bool,
                            height: int = 560, title: str | None = None, labels: bool = False) -> go.Figure:
    """Proportional symbols (absolute values) or a choropleth from zero (normalised values) of one metric.

    Three states per unit, each in the legend and the hover: no project; projects, but none publishes the value
    (grey); a value. `base`: the topojson file is served locally, so geo base layers and choropleth fills may be
    used; without it, units are dots over the outlines (still no outside request). `labels`: province names."""
    frame = units.frame.reset_index(drop=True)
    figure = go.Figure()
    values = (pd.to_numeric(metric.values(frame), errors="coerce") if not frame.empty
              else pd.Series(dtype=float))
    state = plain_unit_states(frame, values) if not frame.empty else pd.Series(dtype=object)
    hover = [_hover(r, metric, currency, lang) for r in frame.to_dict("records")]
    fill = metric.kind == "choropleth"
    known = frame[state == "value"]
    top = float(values[known.index].max()) if not known.empty else 0.0
    polygons = units.geojson is not None and base
    legend: list[go.Scattergeo] = []
    label = t(f"map.metric.{metric.key}", lang)
    names = {"none": t("map.legend.no_project", lang),
             "unpublished": t("map.legend.unpublished", lang, metric=label[:1].lower() + label[1:])}
    if polygons:
        colours = {"none": NO_PROJECT_FILL, "unpublished": MISSING_FILL, "value": None if fill else LAND_FILL}
        for kind, colour in colours.items():
            part = frame[state == kind]
            if colour is None or part.empty:
                continue
            figure.add_trace(go.Choropleth(
                geojson=units.url or _features(units.geojson, part["code"]), featureidkey="id",
                locations=part["code"],
                z=[0] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                marker_line=dict(width=0.6, color="#777777"), customdata=part["code"],
                text=[hover[i] for i in part.index], hoverinfo="text"))
            if kind in names:
                legend.append(plain_legend_entry(names[kind], dict(size=12, symbol="square", color=colour,
                                                              line=dict(width=1, color="#777777"))))
        if fill and not known.empty:
            figure.add_trace(go.Choropleth(
                geojson=units.url or _features(units.geojson, known["code"]), featureidkey="id",
                locations=known["code"],
                z=values[known.index], zmin=0, zmax=top or 1, colorscale=CHOROPLETH_SCALE, reversescale=True,
                marker_line=dict(width=0.6, color="#555555"), customdata=known["code"],
                colorbar=_colorbar(metric, top or 1, currency, lang),
                text=[hover[i] for i in known.index], hoverinfo="text"))
    else:
        if units.geojson is not None:
            figure.add_trace(plain_outline_trace(units.geojson))
        dots = {"none": dict(size=6, color="#FFFFFF", line=dict(width=1, color="#888888")),
                "unpublished": dict(size=9, color=MISSING_DOT, line=dict(width=0))}
        if not fill:
            dots["value"] = dict(size=5, color=MISSING_DOT)  # the symbol's centre, hoverable at any size
        for kind, marker in dots.items():
            part = frame[state == kind]
            if part.empty:
                continue
            figure.add_trace(go.Scattergeo(lon=part["lon"], lat=part["lat"], mode="markers", customdata=part["code"],
                                           marker=marker, text=[hover[i] for i in part.index], hoverinfo="text",
                                           showlegend=False))
            if kind in names:
                legend.append(plain_legend_entry(names[kind], marker | dict(size=10)))
        if fill and not known.empty:
            figure.add_trace(go.Scattergeo(
                lon=known["lon"], lat=known["lat"], mode="markers", customdata=known["code"],
                marker=dict(size=18, color=values[known.index], cmin=0, cmax=top or 1, colorscale=CHOROPLETH_SCALE,
                            reversescale=True, showscale=True, line=dict(width=1, color="#333333"),
                            colorbar=_colorbar(metric, top or 1, currency, lang)),
                text=[hover[i] for i in known.index], hoverinfo="text", showlegend=False))
    if metric.kind == "symbol":
        for trace in plain_symbol_traces(frame, values, hover, metric, currency, lang):
            figure.add_trace(trace)
    if labels and not frame.empty:
        # White names on the dark end of the fill scale, dark ones elsewhere.
        dark = (state == "value") & (values > 0.55 * top) if polygons and fill else pd.Series(False, frame.index)
        named = label_fits(frame, units.geojson)
        figure.add_trace(go.Scattergeo(
            lon=frame.loc[named, "lon"], lat=frame.loc[named, "lat"], mode="text",
            text=[escape_text(n, "html") for n in frame.loc[named, "name"]],
            textposition="middle center" if polygons and fill else "bottom center",
            textfont=dict(size=11, color=["#FFFFFF" if d else "#222222" for d in dark[named]]), hoverinfo="skip",
            showlegend=False))
    for trace in legend:
        figure.add_trace(trace)
    if known.empty and not frame.empty:
        # Nothing to colour: the figure itself says why, rather than a grey country.
        message = t("map.empty.no_project" if (state == "none").all() else "map.empty.unpublished", lang,
                    metric=label)
        figure.add_annotation(text=message, x=0.5, y=0.98, xref="paper", yref="paper", showarrow=False,
                              bgcolor="rgba(255,255,255,0.85)", font=dict(size=14))
    plain_geos(figure, base, frame, fit=units.level == 2)
    figure.update_layout(
        title=dict(text=title or _default_title(units, metric, currency, lang)), height=height,
        margin=dict(l=0, r=0, t=50, b=0), showlegend=True,
        legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, title=None, font=dict(size=13)),
        separators=",." if lang == "en" else ", ", clickmode="event+select")
    return figure


# ---------------------------------------------------------------- the comparison


def _plain(value: object) -> object:
    """A figure's JSON-able form with arrays as lists: validation keeps lists as lists and turns Series into typed
    arrays."""
    if isinstance(value, dict) and "bdata" in value:  # a typed array as plotly encodes it (base64)
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return _plain(array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist())
    if isinstance(value, dict):  # an empty object sets nothing (plotly writes legend title=None as {})
        return {k: v for k, v in ((k, _plain(v)) for k, v in value.items()) if v != {}}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and value != value else value  # NaN is written null either way


def same_figure(fast: go.Figure, plain: go.Figure) -> None:
    validated = go.Figure(fast.to_dict())  # raises on any property plotly does not know
    assert _plain(validated.to_plotly_json()) == _plain(plain.to_plotly_json())


@pytest.fixture(scope="module")
def synthetic():
    from data.intake import parse_uploads
    from data.metrics import FLOW_MEASURES, compute_funding, compute_project_donors
    from data.synth import make_synthetic_portfolio, to_csv_bytes
    from geo.allocation import allocate, project_locations

    frames = make_synthetic_portfolio(300, seed=11)
    portfolio = parse_uploads([(f"{n}.csv", to_csv_bytes(f)) for n, f in frames.items()]).portfolio
    converted = compute_funding(portfolio.funding, "USD")
    allocation = allocate(portfolio.projects, project_locations(portfolio.locations, portfolio.projects),
                          FLOW_MEASURES["committed"].select(converted))
    return portfolio, allocation, compute_project_donors(converted)


@pytest.fixture(scope="module")
def adm1():
    if not ADM1.exists():
        pytest.skip("../shared/geo is absent")
    return prepare_boundaries(ADM1)


def _units(synthetic, prepared, url=None) -> MapUnits:
    portfolio, allocation, donors = synthetic
    return map_units(by_unit(allocation, with_donors=False), prepared, donors=donors,
                     minimum=minimum_projects(portfolio.projects), url=url)


@pytest.mark.parametrize("key", sorted(MAP_METRICS))
@pytest.mark.parametrize("base", [True, False])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_embedded_default_map_is_the_validated_one(synthetic, key, base, lang):
    args = (_units(synthetic, None), MAP_METRICS[key], "USD", lang, base)
    same_figure(make_funding_map_figure(*args, labels=True), plain_make_funding_map_figure(*args, labels=True))


@pytest.mark.parametrize("key", sorted(MAP_METRICS))
@pytest.mark.parametrize("base", [True, False])
@pytest.mark.parametrize("url", [None, "/app/static/boundaries/adm1-0123456789abcdef.json"])
def test_the_province_map_is_the_validated_one(synthetic, adm1, key, base, url):
    args = (_units(synthetic, adm1, url), MAP_METRICS[key], "EUR", "fr", base)
    same_figure(make_funding_map_figure(*args, height=460, labels=True),
                plain_make_funding_map_figure(*args, height=460, labels=True))


@pytest.mark.parametrize("key", ["funding", "share_of_portfolio"])
def test_the_territory_map_is_the_validated_one(synthetic, key):
    if not ADM2.exists():
        pytest.skip("../shared/geo is absent")
    portfolio, allocation, donors = synthetic
    split = split_territories(allocation, portfolio.locations)
    pcode = split.rows["pcode"].dropna().iloc[0]
    rows, _ = split.province(pcode)
    units = map_units(by_unit(allocation, rows, key="territory", with_donors=False), prepare_boundaries(ADM2, 2),
                      key="territory", pcode=pcode, donors=donors)
    assert units.level == 2  # the view fits the province's territories
    args = (units, MAP_METRICS[key], "USD", "en", True)
    same_figure(make_funding_map_figure(*args, height=460), plain_make_funding_map_figure(*args, height=460))


@pytest.mark.parametrize("key", ["funding", "households_reached", "funding_per_household"])
def test_the_small_maps_layout_is_merged_as_update_layout_did(synthetic, adm1, key):
    small = dict(title=dict(font=dict(size=14)), margin=dict(l=0, r=0, t=36, b=0), legend=dict(font=dict(size=12)))
    args = (_units(synthetic, adm1), MAP_METRICS[key], "USD", "en", True)
    plain = plain_make_funding_map_figure(*args, height=340, title="Funding (USD)")
    plain.update_layout(**small)
    same_figure(make_funding_map_figure(*args, height=340, title="Funding (USD)", layout=small), plain)


@pytest.mark.parametrize("base", [True, False])
def test_a_map_nothing_is_published_for_is_the_validated_one(base):
    # every unit with projects but no value: the annotation, and no symbol or fill
    units = map_units(pd.DataFrame({"pcode": ["CD61"], "projects": [2], "households_reached": [np.nan],
                                    "project_ids": [("A", "B")], "donors": [()]}), None)
    args = (units, MAP_METRICS["households_reached"], "USD", "en", base)
    assert make_funding_map_figure(*args).layout.annotations
    same_figure(make_funding_map_figure(*args), plain_make_funding_map_figure(*args))
