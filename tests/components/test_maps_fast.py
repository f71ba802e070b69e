"""The funding map built as plain dicts (components.maps.make_funding_map_figure) against the same map built through
plotly's validated API (go.Figure, add_trace, update_layout: the builder as it was, bench.naive's reference): once
validated, every trace and layout property is the same."""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from bench.naive import naive_make_funding_map_figure
from components.maps import MapUnits, make_funding_map_figure, map_units, minimum_projects
from geo.allocation import MAP_METRICS, by_unit, split_territories


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


def _units(synthetic_allocation, prepared, url=None) -> MapUnits:
    portfolio, allocation, donors = synthetic_allocation
    return map_units(by_unit(allocation, with_donors=False), prepared, donors=donors,
                     minimum=minimum_projects(portfolio.projects), url=url)


@pytest.mark.parametrize("key", sorted(MAP_METRICS))
@pytest.mark.parametrize("base", [True, False])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_embedded_default_map_is_the_validated_one(synthetic_allocation, key, base, lang):
    args = (_units(synthetic_allocation, None), MAP_METRICS[key], "USD", lang, base)
    same_figure(make_funding_map_figure(*args, labels=True), naive_make_funding_map_figure(*args, labels=True))


@pytest.mark.parametrize("key", sorted(MAP_METRICS))
@pytest.mark.parametrize("base", [True, False])
@pytest.mark.parametrize("url", [None, "/app/static/boundaries/adm1-0123456789abcdef.json"])
def test_the_province_map_is_the_validated_one(synthetic_allocation, adm1, key, base, url):
    args = (_units(synthetic_allocation, adm1, url), MAP_METRICS[key], "EUR", "fr", base)
    same_figure(make_funding_map_figure(*args, height=460, labels=True),
                naive_make_funding_map_figure(*args, height=460, labels=True))


@pytest.mark.parametrize("key", ["funding", "share_of_portfolio"])
def test_the_territory_map_is_the_validated_one(synthetic_allocation, adm2, key):
    portfolio, allocation, donors = synthetic_allocation
    split = split_territories(allocation, portfolio.locations)
    pcode = split.rows["pcode"].dropna().iloc[0]
    rows, _ = split.province(pcode)
    units = map_units(by_unit(allocation, rows, key="territory", with_donors=False), adm2,
                      key="territory", pcode=pcode, donors=donors)
    assert units.level == 2  # the view fits the province's territories
    args = (units, MAP_METRICS[key], "USD", "en", True)
    same_figure(make_funding_map_figure(*args, height=460), naive_make_funding_map_figure(*args, height=460))


@pytest.mark.parametrize("key", ["funding", "households_reached", "funding_per_household"])
def test_the_small_maps_layout_is_merged_as_update_layout_did(synthetic_allocation, adm1, key):
    small = dict(title=dict(font=dict(size=14)), margin=dict(l=0, r=0, t=36, b=0), legend=dict(font=dict(size=12)))
    args = (_units(synthetic_allocation, adm1), MAP_METRICS[key], "USD", "en", True)
    same_figure(make_funding_map_figure(*args, height=340, title="Funding (USD)", layout=small),
                naive_make_funding_map_figure(*args, height=340, title="Funding (USD)", layout=small))


@pytest.mark.parametrize("base", [True, False])
def test_a_map_nothing_is_published_for_is_the_validated_one(base):
    # every unit with projects but no value: the annotation, and no symbol or fill
    units = map_units(pd.DataFrame({"pcode": ["CD61"], "projects": [2], "households_reached": [np.nan],
                                    "project_ids": [("A", "B")], "donors": [()]}), None)
    args = (units, MAP_METRICS["households_reached"], "USD", "en", base)
    assert make_funding_map_figure(*args).layout.annotations
    same_figure(make_funding_map_figure(*args), naive_make_funding_map_figure(*args))
