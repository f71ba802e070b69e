"""Funding-map figure builders and the Funding map page's plotly spec (AppTest, no browser)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import t
from components.maps import (
    compute_titles_by_id,
    label_fits,
    make_funding_map_figure,
    make_unit_projects_table,
    map_units,
    minimum_projects,
    selected_code,
    topojson_available,
)
from data.metrics import compute_project_donors
from geo.allocation import MAP_METRICS, allocate, by_unit

ROOT = Path(__file__).resolve().parents[2]
SHARED_GEO = ROOT / ".." / "shared" / "geo"
ADM1 = SHARED_GEO / "cod_adm1_ocha_20170407.geojson"
ADM2 = SHARED_GEO / "cod_adm2_ocha_rgc_20170711.geojson"
needs_shared = pytest.mark.skipif(not ADM1.exists(), reason="../shared/geo is absent")


@pytest.fixture(scope="module")
def values():
    projects = pd.DataFrame([{"project_id": "P", "coverage": "provincial", "households_targeted": 100,
                              "households_reached": None}])
    locations = pd.DataFrame([{"project_id": "P", "province_pcode": "CD61", "budget_share": None,
                               "households_targeted": None, "territory_pcode": None}])
    flows = pd.DataFrame([{"flow_id": "F", "project_id": "P", "amount_reporting": 1000.0, "donor": "Sweden",
                           "transaction_type": 11}])
    return by_unit(allocate(projects, locations, flows))


def kinds(figure: go.Figure) -> set[str]:
    return {trace.type for trace in figure.data}


@pytest.mark.parametrize("key", sorted(MAP_METRICS))
@pytest.mark.parametrize("base", [True, False])
def test_embedded_default_needs_no_choropleth(values, key, base):
    figure = make_funding_map_figure(map_units(values, None), MAP_METRICS[key], "USD", "en", base)
    assert "choropleth" not in kinds(figure)


@pytest.mark.parametrize("lang, words", [("en", "capitals"), ("fr", "chefs-lieux")])
def test_embedded_default_says_it_is_not_geometry(values, lang, words):
    figure = make_funding_map_figure(map_units(values, None), MAP_METRICS["funding"], "USD", lang, True)
    assert words in figure.layout.title.text


def test_without_the_local_topojson_no_base_layer_is_shown(values):
    figure = make_funding_map_figure(map_units(values, None), MAP_METRICS["funding"], "USD", "en", False)
    geo = figure.layout.geo
    assert not any([geo.showland, geo.showcountries, geo.showlakes, geo.showrivers])


@needs_shared
def test_boundaries_without_topojson_are_drawn_as_lines(values, adm1):
    figure = make_funding_map_figure(map_units(values, adm1), MAP_METRICS["share_of_portfolio"], "USD", "en",
                                     False)
    assert "choropleth" not in kinds(figure) and any(t.mode == "lines" for t in figure.data)


@needs_shared
def test_normalised_metric_is_a_choropleth_with_a_unit_legend(values, adm1):
    figure = make_funding_map_figure(map_units(values, adm1), MAP_METRICS["funding_per_household"], "USD", "en",
                                     True)
    filled = [t for t in figure.data if t.type == "choropleth" and t.colorbar.title.text]
    assert filled and filled[0].colorbar.title.text == "USD per household"
    assert filled[0].colorscale[0][1] != filled[0].colorscale[-1][1]


@needs_shared
def test_hover_names_province_pcode_value_projects_and_donors(values, adm1):
    figure = make_funding_map_figure(map_units(values, adm1), MAP_METRICS["funding"], "USD", "en", True)
    symbol = next(t for t in figure.data if t.type == "scattergeo" and t.marker.sizemode == "area"
                  and t.lon[0] is not None)
    assert all(part in symbol.text[0] for part in ("Nord-Kivu", "CD61", "US$1K", "1 project", "Sweden"))


def test_hover_flags_an_assumed_split():
    projects = pd.DataFrame([{"project_id": "P", "coverage": "provincial", "households_targeted": None,
                              "households_reached": None}])
    locations = pd.DataFrame([{"project_id": "P", "province_pcode": p, "budget_share": None,
                               "households_targeted": None, "territory_pcode": None} for p in ("CD61", "CD54")])
    flows = pd.DataFrame([{"flow_id": "F", "project_id": "P", "amount_reporting": 10.0, "donor": "Sweden",
                           "transaction_type": 11}])
    units = map_units(by_unit(allocate(projects, locations, flows)), None)
    figure = make_funding_map_figure(units, MAP_METRICS["funding"], "USD", "en", False)
    symbol = next(t for t in figure.data if t.marker.sizemode == "area" and t.lon[0] is not None)
    assert all("split assumed" in text for text in symbol.text)


def test_missing_values_are_not_drawn_as_symbols(values):
    figure = make_funding_map_figure(map_units(values, None), MAP_METRICS["households_reached"], "USD", "en", True)
    assert not [t for t in figure.data if t.marker.sizemode == "area" and t.lon and t.lon[0] is not None]


@pytest.mark.parametrize("point, expected", [({"customdata": "CD61"}, "CD61"), ({"location": "CD54"}, "CD54"),
                                             ({"customdata": ["CD74"]}, "CD74"), ({}, None)])
def test_selected_code_reads_a_plotly_selection(point, expected):
    assert selected_code(SimpleNamespace(selection=SimpleNamespace(points=[point]))) == expected


def map_specs(monkeypatch, tmp_path, metric: str, level: int = 1) -> list[int]:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOUNDARIES_ADM1", str(ADM1.resolve()))
    monkeypatch.setenv("BOUNDARIES_ADM2", str(ADM2.resolve()))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.switch_page("app_pages/funding_map.py").run()
    app.selectbox(key="map_metric").set_value(metric).run()
    if level == 2:
        app.radio(key="map_level").set_value(2).run()
    assert not app.exception, [e.value for e in app.exception]
    return [len(chart.proto.spec) for chart in app.get("plotly_chart")]


@needs_shared
@pytest.mark.parametrize("metric", list(MAP_METRICS))
def test_province_map_spec_is_at_most_150_kb(monkeypatch, tmp_path, metric):
    assert map_specs(monkeypatch, tmp_path, metric)[0] <= 150_000


@needs_shared
@pytest.mark.parametrize("metric", list(MAP_METRICS))
def test_territory_map_spec_is_at_most_800_kb(monkeypatch, tmp_path, metric):
    assert map_specs(monkeypatch, tmp_path, metric, level=2)[0] <= 800_000


def test_each_choropleth_trace_carries_only_the_features_it_draws(values):
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}
        for code in ("CD61", "CD54", "CD74")]}
    units = map_units(values, None)
    units = type(units)(units.frame, geojson, 1)
    figure = make_funding_map_figure(units, MAP_METRICS["share_of_portfolio"], "USD", "en", True)
    drawn = [f["id"] for trace in figure.data if trace.type == "choropleth" for f in trace.geojson["features"]]
    assert sorted(drawn) == sorted(set(drawn)) and set(drawn) == set(units.frame["code"]) & {"CD61", "CD54", "CD74"}


def page_spec(monkeypatch, tmp_path, static: bool) -> dict:
    import streamlit as st

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOUNDARIES_ADM1", str(ADM1.resolve()))
    option = st.get_option  # .streamlit/config.toml turns static serving on; a deployment may not
    monkeypatch.setattr(st, "get_option", lambda key: static if key == "server.enableStaticServing" else option(key))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.switch_page("app_pages/funding_map.py").run()
    app.selectbox(key="map_metric").set_value("share_of_portfolio").run()  # a choropleth carries the geometry
    assert not app.exception, [e.value for e in app.exception]
    return json.loads(app.get("plotly_chart")[0].proto.spec)


@needs_shared
@pytest.mark.skipif(not topojson_available(), reason="no base layer (make topojson): maps draw outlines only")
def test_without_static_serving_the_page_spec_embeds_plain_json_with_p_code_ids(monkeypatch, tmp_path):
    spec = page_spec(monkeypatch, tmp_path, static=False)
    ids = {f["id"] for trace in spec["data"] if trace.get("geojson") for f in trace["geojson"]["features"]}
    assert len(ids) == 26 and all(i.startswith("CD") for i in ids)


@needs_shared
@pytest.mark.skipif(not topojson_available(), reason="no base layer (make topojson): maps draw outlines only")
def test_with_static_serving_every_trace_names_one_served_file_of_the_26_provinces(monkeypatch, tmp_path):
    spec = page_spec(monkeypatch, tmp_path, static=True)
    urls = {trace["geojson"] for trace in spec["data"] if trace.get("geojson")}
    assert len(urls) == 1
    url = urls.pop()
    assert url.startswith("/app/static/boundaries/adm1-") and url.endswith(".json")  # Streamlit serves ./static
    served = json.loads((ROOT / "static" / url.removeprefix("/app/static/")).read_text())
    ids = [f["id"] for f in served["features"]]
    assert len(ids) == 26 == len(set(ids)) and all(i.startswith("CD") for i in ids)
    assert len(json.dumps(spec)) < 40_000  # the geometry (~107 KB) is no longer in the figure


def test_an_upload_is_kept_once_in_the_data_directory(monkeypatch, tmp_path):
    from components.maps import _save_upload

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    first = _save_upload(1, "Provinces.GeoJSON", b"{}")
    mtime = first.stat().st_mtime_ns
    again = _save_upload(1, "Provinces.GeoJSON", b"{}")
    assert (again, again.stat().st_mtime_ns, first.name) == (first, mtime, "adm1.geojson")


def _texts(figure: go.Figure) -> dict[str, str]:
    """Unit code → hover text, over every trace that carries units."""
    out = {}
    for trace in figure.data:
        codes = getattr(trace, "customdata", None)
        if codes is not None and trace.text is not None and not isinstance(trace.text, str):
            out.update({str(c): str(text) for c, text in zip(codes, trace.text)})
    return out


@pytest.fixture(scope="module")
def tanganyika_unpublished():
    """Nord-Kivu has funding; Tanganyika has two projects, neither publishes an amount; Kinshasa has none."""
    projects = pd.DataFrame([{"project_id": p, "coverage": "provincial", "households_targeted": h,
                              "households_reached": None, "households_targeted_is_minimum": m}
                             for p, h, m in (("A", 100, False), ("B", 3000, True), ("C", None, None))])
    locations = pd.DataFrame([{"project_id": p, "province_pcode": c, "budget_share": None,
                               "households_targeted": None, "territory_pcode": None}
                              for p, c in (("A", "CD61"), ("B", "CD74"), ("C", "CD74"))])
    flows = pd.DataFrame([{"flow_id": "F", "project_id": "A", "amount_reporting": 1000.0, "donor": "Sweden",
                           "transaction_type": 11, "org_role": 1}])
    return by_unit(allocate(projects, locations, flows)), minimum_projects(projects)


@pytest.mark.parametrize("lang, none, unpublished", [
    ("en", "No project", "Funding: not published by the projects here"),
    ("fr", "Aucun projet", "Financement : non publié par les projets présents")])
@pytest.mark.parametrize("boundaries", ["embedded", "cod-ab"])
def test_hover_tells_no_project_from_projects_that_publish_nothing(tanganyika_unpublished, lang, none, unpublished,
                                                                   boundaries, request):
    values, _ = tanganyika_unpublished
    prepared = None if boundaries == "embedded" else request.getfixturevalue("adm1")
    codes = {"CD10": "CD10", "CD74": "CD74", "CD61": "CD61"}
    if prepared is not None:  # COD-AB units carry their own codes: find them through the P-codes
        frame = map_units(values, prepared).frame
        codes = dict(zip(frame["pcode"], frame["code"]))
    figure = make_funding_map_figure(map_units(values, prepared), MAP_METRICS["funding"], "USD", lang, True)
    hover = _texts(figure)
    assert none in hover[codes["CD10"]] and "0" not in hover[codes["CD10"]].split("<br>", 1)[1]
    assert unpublished in hover[codes["CD74"]] and none not in hover[codes["CD74"]]
    assert ("US$1K" if lang == "en" else "1 k $US") in hover[codes["CD61"]].replace("\xa0", " ").replace("\u202f", " ")
    legend = [trace.name for trace in figure.data if trace.showlegend]
    assert any(none.lower() in name.lower() for name in legend)
    assert any(("not published" if lang == "en" else "non publié") in name for name in legend)


def test_households_targeted_keep_their_more_than(tanganyika_unpublished):
    values, minimum = tanganyika_unpublished
    figure = make_funding_map_figure(map_units(values, None, minimum=minimum), MAP_METRICS["households_targeted"],
                                     "USD", "en", False)
    assert "Households targeted: more than 3,000" in _texts(figure)["CD74"]
    assert "Households targeted: 100<" in _texts(figure)["CD61"]


def test_hover_lists_donors_by_the_rule_largest_first_then_how_many_more():
    projects = pd.DataFrame([{"project_id": "P", "coverage": "provincial", "households_targeted": None,
                              "households_reached": None}])
    locations = pd.DataFrame([{"project_id": "P", "province_pcode": "CD61", "budget_share": None,
                               "households_targeted": None, "territory_pcode": None}])
    rows = [("D1", 1, 11, 10.0), ("D2", 1, 11, 500.0), ("D3", 1, 11, 30.0), ("D4", 1, 11, None),
            ("IOM", 4, 3, 9999.0)]  # IOM's own disbursement does not make it a donor
    flows = pd.DataFrame([{"flow_id": f"F{i}", "project_id": "P", "donor": d, "org_role": r, "transaction_type": k,
                           "amount_reporting": a} for i, (d, r, k, a) in enumerate(rows)])
    units = map_units(by_unit(allocate(projects, locations, flows)), None, donors=compute_project_donors(flows))
    hover = _texts(make_funding_map_figure(units, MAP_METRICS["projects"], "USD", "fr", False))["CD61"]
    assert "Bailleurs : D2, D3, D1 et 1 autres" in hover and "IOM" not in hover


@pytest.mark.parametrize("key", ["funding_per_household", "share_of_portfolio"])
def test_choropleth_scale_starts_at_zero_with_a_unit_legend(values, adm1, key):
    figure = make_funding_map_figure(map_units(values, adm1), MAP_METRICS[key], "USD", "fr", True)
    filled = [t for t in figure.data if t.type == "choropleth" and t.colorbar.title.text]
    assert len(filled) == 1 and filled[0].zmin == 0 and filled[0].zmax >= max(filled[0].z)
    assert filled[0].colorbar.tickvals[0] == 0 and filled[0].colorbar.tickvals[-1] == filled[0].zmax
    assert filled[0].colorbar.title.text in ("USD par ménage", "% du financement du portefeuille")


@pytest.mark.parametrize("base", [True, False])
def test_a_metric_no_province_publishes_says_so_in_the_figure(values, base):
    figure = make_funding_map_figure(map_units(values, None), MAP_METRICS["households_reached"], "USD", "en", base)
    assert [a.text for a in figure.layout.annotations] == [
        "Households reached: no province has a published value for this selection."]


def test_funding_per_household_totals_never_divide_one_projects_money_by_anothers_households():
    from components.maps import compute_map_totals

    projects = pd.DataFrame([{"project_id": p, "coverage": "provincial", "households_targeted": h,
                              "households_reached": None} for p, h in (("MONEY", None), ("PEOPLE", 3000),
                                                                       ("NO_PLACE", 100))])
    locations = pd.DataFrame([{"project_id": p, "province_pcode": "CD61", "budget_share": None,
                               "households_targeted": None, "territory_pcode": None} for p in ("MONEY", "PEOPLE")])
    flows = pd.DataFrame([{"flow_id": "F", "project_id": "MONEY", "amount_reporting": 14e6, "donor": "NL",
                           "transaction_type": 11}])
    totals = {bucket: (value, published) for bucket, value, published in
              compute_map_totals(allocate(projects, locations, flows), MAP_METRICS["funding_per_household"])}
    assert totals["mapped"] == (None, False)  # not 14M / 3000
    assert totals["unallocated"] == (None, False)  # NO_PLACE publishes households only
    assert totals["total"] == (None, False)


def square(lon: float, lat: float, side: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + side, lat], [lon + side, lat + side],
                                                [lon, lat + side], [lon, lat]]]}


def test_province_names_are_written_only_where_they_do_not_cover_another():
    """Kasaï-Oriental's name (14 characters, about 4 degrees wide at 11 px) would cover Lomami's half a degree
    away: the larger province keeps its name, the smaller is named in its hover; a distant one keeps its name."""
    frame = pd.DataFrame({"code": ["CD92", "CD93", "CD74"], "name": ["Kasaï-Oriental", "Lomami", "Tanganyika"],
                          "lon": [23.6, 24.4, 28.0], "lat": [-6.1, -6.3, -6.5]})
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "CD92", "geometry": square(23, -7, 1.0)},
        {"type": "Feature", "id": "CD93", "geometry": square(24, -7, 2.0)},
        {"type": "Feature", "id": "CD74", "geometry": square(27, -8, 3.0)}]}
    assert list(label_fits(frame, geojson)) == [False, True, True]
    assert list(label_fits(frame.assign(lat=[-2.0, -6.3, -6.5]), geojson)) == [True, True, True]  # far apart
    # A province with projects is named before a larger one without (where the money goes comes first).
    assert list(label_fits(frame.assign(projects=[2, 0, 0]), geojson)) == [True, False, True]
    # Found once per geometry and units (the next filter state reads it back): asked again, the same answers.
    assert list(label_fits(frame, geojson)) == [False, True, True]
    assert list(label_fits(frame.assign(projects=[2, 0, 0]), geojson)) == [True, False, True]
    other = {"type": "FeatureCollection", "features": [dict(f, geometry=square(20, -7, 0.5)) if f["id"] == "CD93"
                                                        else f for f in geojson["features"]]}
    assert list(label_fits(frame, other)) == [True, False, True]  # another geometry: Lomami now the smaller


def test_a_map_whose_boundaries_are_served_embeds_them_again_in_its_png_copy(monkeypatch, tmp_path, values,
                                                                              adm1):
    import components.chart_png as chart_png
    import components.maps as maps

    monkeypatch.setattr(maps, "SERVED_DIR", tmp_path / "boundaries")
    monkeypatch.setattr(chart_png, "STATIC_DIR", tmp_path)
    url = maps._write_served(adm1.geojson, 1)
    figure = make_funding_map_figure(map_units(values, adm1, url=url), MAP_METRICS["share_of_portfolio"], "USD",
                                     "en", True)
    assert {trace.geojson for trace in figure.data if trace.type == "choropleth"} == {url}
    copy, _, _ = chart_png.make_png_figure(figure)  # kaleido cannot fetch /app/static: the copy carries the shapes
    embedded = [trace.geojson for trace in copy.data if trace.type == "choropleth"]
    assert embedded and all(isinstance(g, dict) for g in embedded)
    assert {f["id"] for g in embedded for f in g["features"]} == {f["id"] for f in adm1.geojson["features"]}
    assert figure.data[0].geojson == url  # the page's figure is left as it was


def _totals_page(count: int) -> None:
    import pandas as pd

    from components.maps import render_totals
    from geo.allocation import MAP_METRICS, Allocation

    ids = tuple(f"P{i:03d}" for i in range(count))
    zero = {"funding": 0.0, "households_targeted": 0.0, "households_reached": 0.0}
    allocation = Allocation(pd.DataFrame(columns=["project_id", "pcode", "share", "split_assumed", *zero]), zero,
                            zero, zero, national_projects=ids, not_published=dict.fromkeys(zero, 0))
    render_totals(allocation, MAP_METRICS["projects"], "USD", "en")


@pytest.mark.parametrize("count, shown", [(3, "National: P000, P001, P002"),
                                          (30, "National: " + ", ".join(f"P{i:03d}" for i in range(20))
                                           + ", … (+10)")])
def test_totals_name_at_most_twenty_national_projects(count, shown):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_totals_page, args=(count,)).run()
    assert not app.exception
    assert shown in [re.sub(r"\\(.)", r"\1", c.value) for c in app.caption]  # as the reader sees it (escaped)


@pytest.mark.parametrize("level", ["province", "territory"])
def test_unit_donors_equal_the_grouping_by_names(synthetic_allocation, level):
    # bincounts on codes (the map) against bench/naive.py's explode and groupby on the names: the same donors in the
    # same order for every unit
    from bench.naive import naive_unit_donors
    from components.maps import _unit_donors
    from geo.allocation import by_unit, split_territories

    portfolio, allocation, donors = synthetic_allocation
    units = by_unit(allocation) if level == "province" else by_unit(
        allocation, split_territories(allocation, portfolio.locations).rows, key="territory")
    frame = units.rename(columns={"pcode" if level == "province" else "territory": "code"})
    assert any(len(d) > 1 for d in naive_unit_donors(frame, donors))  # orders to compare
    assert list(_unit_donors(frame, donors)) == list(naive_unit_donors(frame, donors))
    assert list(_unit_donors(frame.iloc[:0], donors)) == []
    assert set(_unit_donors(frame, donors.iloc[:0])) == {()}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_province_projects_table_names_each_row_s_project_in_the_reader_s_language(lang):
    """Titles in the reader's language, else the other one, else blank; the first row of a duplicated project id;
    rows kept in their order, the money a number, the split as text."""
    projects = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P1", "P9"],
                             "title_en": ["Roads", None, " ", "Second row", "Elsewhere"],
                             "title_fr": ["Routes", "Écoles", None, "Deuxième", "Ailleurs"],
                             "donor": ["A", "B", "C", "D", "E"]})
    rows = pd.DataFrame({"project_id": ["P3", "P1", "P2", "P4"], "share": [1.0, 0.5, 0.25, 1.0],
                         "funding": [10.0, float("nan"), 2.5, 4.0], "households_targeted": [None, 300.0, None, 1.0],
                         "split_assumed": [False, True, False, True]})
    table = make_unit_projects_table(rows, projects, "USD", lang)
    assert table[t("col.project", lang)].tolist() == ["P3", "P1", "P2", "P4"]
    assert table[t("col.title", lang)].tolist() == (["", "Roads", "Écoles", ""] if lang == "en"
                                                    else [" ", "Routes", "Écoles", ""])  # the other, as is
    money = table[f"{t('map.metric.funding', lang)} (USD)"]
    assert money.dtype == "float64" and money.tolist()[::2] == [10.0, 2.5] and pd.isna(money.iloc[1])
    assert table[t("map.col.split", lang)].tolist() == [t("map.split.known", lang), t("map.split_assumed", lang),
                                                       t("map.split.known", lang), t("map.split_assumed", lang)]
    assert make_unit_projects_table(rows.iloc[:0], projects, "USD", lang).empty
    assert compute_titles_by_id(projects, lang) is None  # P1 twice: a view may keep its second row
    unique = projects.drop_duplicates("project_id", keep="first")
    titles = compute_titles_by_id(pd.concat([unique, unique.assign(project_id=["X1", "X2", "X3", "X9"])]), lang)
    assert titles["P2"] == "Écoles" and titles["X1"] == titles["P1"]
    # the dataset's titles looked up: the very table of the view's own titles
    assert make_unit_projects_table(rows, unique, "USD", lang, titles).equals(table)


@pytest.mark.parametrize("kept", [None, 5, 1])
@pytest.mark.parametrize("boundaries", ["embedded", "cod-ab"])
def test_map_units_are_the_units_left_joined_to_by_unit(synthetic_allocation, kept, boundaries, request):
    # the join as pandas makes it (reindex on the unit codes, the project count 0 and the lists empty where a unit
    # has no row): the same columns, dtypes (a unit without a row turns the split flags to objects) and values
    _, allocation, donors = synthetic_allocation
    prepared = None if boundaries == "embedded" else request.getfixturevalue("adm1")
    values = by_unit(allocation, with_donors=False)
    values = values if kept is None else values.iloc[[3, 0, 7, 2, 9][:kept]].reset_index(drop=True)
    others = [c for c in values.columns if c != "pcode"]
    alone = map_units(values.iloc[:0], prepared).frame  # no by_unit row joined: the units' own columns
    base = alone[[c for c in alone.columns if c not in (*others, "minimum")]]
    if prepared is not None:
        values["pcode"] = values["pcode"].map(dict(zip(base["pcode"], base["code"])))
    joined = values[others].set_axis(pd.Index(values["pcode"].to_numpy(dtype=object))).reindex(
        base["code"].to_numpy(dtype=object))
    expected = pd.concat([base, joined.reset_index(drop=True)], axis=1)
    expected["projects"] = expected["projects"].fillna(0).astype(int)
    for column in ("donors", "project_ids"):
        expected[column] = pd.Series([v if isinstance(v, tuple) else () for v in expected[column]], dtype=object)
    frame = map_units(values, prepared).frame
    assert list(frame.columns) == [*expected.columns, "minimum"]
    pd.testing.assert_frame_equal(frame.drop(columns="minimum"), expected, check_exact=True)
    assert frame["split_assumed"].dtype == (object if kept else bool)


@pytest.mark.parametrize("member_ids, donor_ids", [
    ([("P1", "P2"), ("P2",)], ["P1", "P2", "P1"]),  # text: looked up by Arrow
    ([(1, 2), (2,)], [1, 2, 1]),  # numbers on both sides: Arrow too
    ([("P1", 2), (2,)], ["P1", 2, "P1"]),  # mixed: Arrow refuses, compared as Python values
])
def test_unit_donors_whatever_the_ids_type(member_ids, donor_ids):
    # against bench/naive.py's grouping by names, for ids Arrow types several ways (or not at all)
    from bench.naive import naive_unit_donors
    from components.maps import _unit_donors

    frame = pd.DataFrame({"code": ["A", "B"], "project_ids": pd.Series(member_ids, dtype=object)})
    donors = pd.DataFrame({"project_id": pd.Series(donor_ids, dtype=object), "donor": ["D1", "D2", "D2"],
                           "amount": [5.0, 1.0, 3.0]})
    assert list(_unit_donors(frame, donors)) == list(naive_unit_donors(frame, donors)) == [("D1", "D2"), ("D2",)]
