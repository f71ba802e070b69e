"""Boundary loading: producers' columns, formats, reprojection, matching to the province reference."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo.boundaries import BoundaryFileError, detect_columns, read_boundaries

SHARED_GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "geo"
ADM1 = SHARED_GEO / "cod_adm1_ocha_20170407.geojson"
ADM2 = SHARED_GEO / "cod_adm2_ocha_rgc_20170711.geojson"
needs_shared = pytest.mark.skipif(not ADM1.exists(), reason="../shared/geo is absent")


def squares(records: list[dict]) -> gpd.GeoDataFrame:
    """Tiny inline fixture: one 1°×1° square per record, side by side along the equator."""
    return gpd.GeoDataFrame(records, geometry=[box(20 + i, 0, 21 + i, 1) for i in range(len(records))], crs=4326)


@needs_shared
def test_cod_ab_adm1_matches_all_26_provinces():
    found = read_boundaries(ADM1)
    assert (found.level, len(found.matched), found.unmatched) == (1, 26, [])


@needs_shared
def test_cod_ab_adm2_ties_every_unit_to_its_province():
    found = read_boundaries(ADM2)
    assert found.level == 2
    assert len(found.units) == 240 and found.units["pcode"].notna().all()
    assert (found.units["code"].str[:4] == found.units["pcode"]).all()


@needs_shared
def test_adm2_homonyms_are_keyed_on_codes():
    units = read_boundaries(ADM2).units.set_index("code")
    assert units.loc["CD5104", "name"] == units.loc["CD5105", "name"] == "Isangi"
    assert units.index.is_unique


@pytest.mark.parametrize("records, expected", [
    ([{"GID_1": "COD.19_1", "NAME_1": "Nord-Kivu", "HASC_1": "CD.NK"}], {"CD61"}),  # GADM GID
    ([{"GID_1": "XXX.1_1", "NAME_1": "Bas-Congo", "HASC_1": "CD.BC"}], {"CD20"}),  # legacy HASC column
    ([{"NAME_1": "Lulua", "HASC_1": "CD.LL"}], {"CD91"}),
    ([{"shapeName": "Tanganyika", "shapeISO": "CD-TA"}], {"CD74"}),  # geoBoundaries
    ([{"shapeName": "Sud Kivu", "shapeISO": ""}], {"CD62"}),  # name through the matcher
])
def test_producer_columns_are_matched_to_p_codes(tmp_path, records, expected):
    path = tmp_path / "units.geojson"
    squares(records).to_file(path, driver="GeoJSON")
    assert set(read_boundaries(path, level=1).matched) == expected


def test_hasc_code_in_free_text_name_is_not_matched(tmp_path):
    path = tmp_path / "units.geojson"
    squares([{"shapeName": "CD.BC"}]).to_file(path, driver="GeoJSON")
    assert read_boundaries(path, level=1).unmatched == ["CD.BC"]


def test_unmatched_names_are_reported(tmp_path):
    path = tmp_path / "units.geojson"
    squares([{"NOM": "Kwilu", "PCode": "CD32"}, {"NOM": "Atlantis", "PCode": ""}]).to_file(path, driver="GeoJSON")
    found = read_boundaries(path)
    assert (found.matched, found.unmatched) == ({"CD32": "Kwilu"}, ["Atlantis"])


@pytest.mark.parametrize("columns, expected", [
    (["PCode", "NOM"], ("PCode", "NOM")),
    (["ADM1_PCODE", "ADM1_FR"], ("ADM1_PCODE", "ADM1_FR")),
    (["GID_1", "NAME_1", "HASC_1"], ("GID_1", "NAME_1")),
    (["shapeISO", "shapeName"], ("shapeISO", "shapeName")),
])
def test_detect_columns_of_common_producers(columns, expected):
    frame = gpd.GeoDataFrame({c: ["x"] for c in columns}, geometry=[box(0, 0, 1, 1)])
    found = detect_columns(frame, 1)
    assert (found["code"], found["name"]) == expected


def test_adm2_kind_column_is_kept(tmp_path):
    path = tmp_path / "adm2.geojson"
    squares([{"GID_2": "COD.19.1_1", "GID_1": "COD.19_1", "NAME_2": "Beni", "TYPE_2": "Ville"}]).to_file(
        path, driver="GeoJSON")
    unit = read_boundaries(path).units.iloc[0]
    assert (unit["pcode"], unit["kind"], unit["code"]) == ("CD61", "Ville", "COD.19.1_1")


def test_world_mercator_zipped_shapefile_is_reprojected(tmp_path):
    frame = squares([{"PCode": "CD61", "NOM": "Nord-Kivu"}]).to_crs("ESRI:54004")
    frame.to_file(tmp_path / "adm1.shp")
    archive = tmp_path / "adm1.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("adm1.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
    found = read_boundaries(archive)
    assert found.crs_in in ("ESRI:54004", "EPSG:3395")  # World Mercator, as GDAL names it from the .prj
    assert found.units.total_bounds == pytest.approx([20, 0, 21, 1], abs=1e-6)


def test_geopackage_is_read(tmp_path):
    path = tmp_path / "adm1.gpkg"
    squares([{"ADM1_PCODE": "CD54", "ADM1_FR": "Ituri"}]).to_file(path, driver="GPKG")
    assert read_boundaries(path).matched == {"CD54": "Ituri"}


@pytest.mark.parametrize("content", [b"", b"not a geo file", json.dumps({"type": "FeatureCollection",
                                                                          "features": []}).encode()])
def test_unreadable_files_raise(tmp_path, content):
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(BoundaryFileError):
        read_boundaries(path)


def test_missing_file_raises(tmp_path):
    with pytest.raises(BoundaryFileError):
        read_boundaries(tmp_path / "nowhere.geojson")


@pytest.mark.parametrize("code, expected", [("CD.BC", "CD20"), ("cd.ll", "CD91"), ("CD.KC", None), ("", None)])
def test_match_hasc_knows_only_the_documented_codes(code, expected):
    from geo.provinces import match_hasc

    assert match_hasc(code).pcode == expected
