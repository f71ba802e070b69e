"""Prepared geometry: shared borders stay shared, rings wound for plotly, coordinates rounded, cached on disk."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box

import geo.simplify as simplify
from geo.simplify import METRIC_CRS, prepare_boundaries, simplify_coverage

SHARED_GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "geo"
FILES = {1: SHARED_GEO / "cod_adm1_ocha_20170407.geojson", 2: SHARED_GEO / "cod_adm2_ocha_rgc_20170711.geojson"}
needs_shared = pytest.mark.skipif(not FILES[1].exists(), reason="../shared/geo is absent")
SMALL_KM2 = 1.0


def holes_above(geometry, km2: float) -> int:
    parts = getattr(geometry, "geoms", [geometry])
    return sum(Polygon(ring).area > km2 * 1e6 for part in parts for ring in part.interiors)


@pytest.fixture(scope="module", params=[1, 2])
def simplified(request):
    if not FILES[request.param].exists():
        pytest.skip("../shared/geo is absent")
    from geo.boundaries import read_boundaries

    units = read_boundaries(FILES[request.param]).units
    return units, simplify_coverage(units, simplify.TOLERANCE_M[request.param])


@needs_shared
def test_neighbours_do_not_overlap_after_simplification(simplified):
    _, after = simplified
    metric = after.to_crs(METRIC_CRS).geometry.to_numpy()
    overlap = shapely.area(metric).sum() - shapely.union_all(metric).area
    assert overlap < SMALL_KM2 * 1e6


@needs_shared
def test_no_gap_opens_between_neighbours(simplified):
    before, after = simplified
    union_before = shapely.union_all(before.to_crs(METRIC_CRS).geometry.to_numpy())
    union_after = shapely.union_all(after.to_crs(METRIC_CRS).geometry.to_numpy())
    assert holes_above(union_after, SMALL_KM2) <= holes_above(union_before, SMALL_KM2)


@needs_shared
def test_every_unit_survives_simplification(simplified):
    _, after = simplified
    assert not after.geometry.is_empty.any() and after.geometry.is_valid.all()


def test_exterior_rings_are_clockwise_for_plotly():
    units = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(20, 0, 21, 1, ccw=True)], crs=4326)
    ring = simplify_coverage(units, 100.0).geometry.iloc[0].exterior
    assert not ring.is_ccw


def test_coordinates_are_rounded():
    units = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(20.123456, 0.123456, 21.987654, 1.987654)], crs=4326)
    xs = shapely.get_coordinates(simplify_coverage(units, 10.0, decimals=3).geometry.to_numpy())
    assert (abs(xs * 1000 - (xs * 1000).round()) < 1e-6).all()


def test_shared_edge_of_two_squares_stays_identical():
    wiggle = [(21, 0), (21.001, 0.25), (21, 0.5), (21.001, 0.75), (21, 1)]
    left = Polygon([(20, 0), *wiggle, (20, 1)])
    right = Polygon([*wiggle, (22, 1), (22, 0)])
    units = gpd.GeoDataFrame({"code": ["L", "R"]}, geometry=[left, right], crs=4326)
    out = simplify_coverage(units, 500.0).geometry.to_numpy()
    assert shapely.intersection(out[0], out[1]).area == 0
    assert shapely.union_all(out).area == pytest.approx(left.union(right).area, rel=1e-3)


@needs_shared
def test_second_load_comes_from_the_disk_cache(tmp_path, monkeypatch):
    first = prepare_boundaries(FILES[1], cache_dir=tmp_path)

    def boom(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(simplify, "read_boundaries", boom)
    second = prepare_boundaries(FILES[1], cache_dir=tmp_path)
    assert second.geojson == first.geojson and second.matched == first.matched


def test_a_modified_file_is_prepared_again(tmp_path):
    path = tmp_path / "adm1.geojson"
    gpd.GeoDataFrame({"PCode": ["CD61"]}, geometry=[box(20, 0, 21, 1)], crs=4326).to_file(path, driver="GeoJSON")
    assert list(prepare_boundaries(path, cache_dir=tmp_path / "c").matched) == ["CD61"]
    gpd.GeoDataFrame({"PCode": ["CD62"]}, geometry=[box(20, 0, 21, 1)], crs=4326).to_file(path, driver="GeoJSON")
    assert list(prepare_boundaries(path, cache_dir=tmp_path / "c").matched) == ["CD62"]
