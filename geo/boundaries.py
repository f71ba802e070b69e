"""Read an admin boundary file (GeoJSON, GeoPackage, zipped shapefile) at ADM1 or ADM2 and tie each unit
to the province reference: P-code first, then other codes, then names through the matcher.

Producers recognised by their columns: OCHA COD-AB (PCode, NOM, ADM1_PCODE, ADM1_FR, ADM2_PCODE, ADM2_FR),
GADM (GID_1, NAME_1, HASC_1, GID_2, NAME_2, TYPE_2) and geoBoundaries (shapeName, shapeISO)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo.provinces import PROVINCE_PCODES, match_hasc, match_province, province_name

if TYPE_CHECKING:  # geopandas and shapely load when a file is read (~0.2 s a server start's first page skips)
    import geopandas as gpd

__all__ = ["Boundaries", "BoundaryFileError", "UNIT_COLUMNS", "count_vertices", "detect_columns", "read_boundaries"]

# Columns of the normalised frame: code (the unit's own key), name, pcode (its province), kind, method.
UNIT_COLUMNS = ("code", "name", "pcode", "kind", "method")

# Candidate columns, best first, compared case-insensitively.
_ADM1_CODE = ("PCode", "ADM1_PCODE", "admin1Pcode", "pcode", "GID_1", "shapeISO", "ISO", "HASC_1")
_ADM1_NAME = ("ADM1_FR", "NOM", "ADM1_EN", "admin1Name_fr", "admin1Name", "NAME_1", "shapeName", "name", "nom")
_ADM2_CODE = ("ADM2_PCODE", "admin2Pcode", "PCode", "pcode", "GID_2", "HASC_2", "shapeID")
_ADM2_NAME = ("ADM2_FR", "ADM2_EN", "admin2Name_fr", "admin2Name", "NAME_2", "NOM", "shapeName", "name", "nom")
_ADM2_PARENT_CODE = ("ADM1_PCODE", "admin1Pcode", "GID_1", "HASC_1")
_ADM2_PARENT_NAME = ("ADM1_FR", "ADM1_EN", "admin1Name_fr", "NAME_1")
_KIND = ("TYPE_2", "ENGTYPE_2", "ADM2_TYPE", "type", "kind")
_LEVEL2_MARKERS = ("ADM2_PCODE", "admin2Pcode", "GID_2", "NAME_2", "ADM2_FR")
_PCODE2 = re.compile(r"^CD\d{4}$")


class BoundaryFileError(ValueError):
    """The file cannot be read as admin boundaries (missing, not a vector file, no polygons, no name column)."""


class MatchReport:
    """The match report of any holder of `units` (UNIT_COLUMNS): raw boundaries and prepared ones alike."""

    units: pd.DataFrame

    @property
    def matched(self) -> dict[str, str]:
        """{code: name} of the units tied to a province (ADM1: the province P-code; ADM2: the unit's code)."""
        ok = self.units[self.units["pcode"].notna()]
        return dict(zip(ok["code"].astype(str), ok["name"].astype(str)))

    @property
    def unmatched(self) -> list[str]:
        """Names (else codes) of the units not tied to any province."""
        bad = self.units[self.units["pcode"].isna()]
        return [str(n) for n in bad["name"].fillna(bad["code"])]


@dataclass
class Boundaries(MatchReport):
    """Units in EPSG:4326 with columns UNIT_COLUMNS + geometry, and how they were matched."""

    path: str
    level: int
    crs_in: str
    units: gpd.GeoDataFrame
    columns: dict[str, str | None] = field(default_factory=dict)


def count_vertices(geometries) -> int:
    import shapely

    return int(shapely.get_num_coordinates(pd.Series(geometries).to_numpy()).sum())


def _find(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[c.lower()] for c in candidates if c.lower() in lower), None)


def detect_level(frame: pd.DataFrame) -> int:
    """2 when ADM2 columns (or 6-character P-codes) are present, else 1."""
    columns = list(frame.columns)
    if _find(columns, _LEVEL2_MARKERS):
        return 2
    code = _find(columns, ("PCode", "pcode"))
    if code and frame[code].astype(str).str.match(_PCODE2).mean() > 0.5:
        return 2
    return 1


def detect_columns(frame: pd.DataFrame, level: int) -> dict[str, str | None]:
    """The producer's code, name, parent and kind columns for this level (None when absent)."""
    import geopandas as gpd

    columns = [c for c in frame.columns if c != frame.geometry.name] if isinstance(frame, gpd.GeoDataFrame) \
        else list(frame.columns)
    if level == 1:
        found = {"code": _find(columns, _ADM1_CODE), "name": _find(columns, _ADM1_NAME),
                 "hasc": _find(columns, ("HASC_1",)), "parent_code": None, "parent_name": None, "kind": None}
    else:
        found = {"code": _find(columns, _ADM2_CODE), "name": _find(columns, _ADM2_NAME), "hasc": None,
                 "parent_code": _find(columns, _ADM2_PARENT_CODE), "parent_name": _find(columns, _ADM2_PARENT_NAME),
                 "kind": _find(columns, _KIND)}
    if found["code"] is None and found["name"] is None:
        raise BoundaryFileError(f"no code or name column among {columns}")
    return found


def _value(row: pd.Series, column: str | None) -> str | None:
    if column is None:
        return None
    value = row[column]
    if value is None or (isinstance(value, float) and value != value) or str(value).strip() in ("", "<Null>"):
        return None
    return str(value).strip()


def _province_of(code: str | None, name: str | None, hasc: str | None) -> tuple[str | None, str]:
    """P-code of one ADM1 unit: its code (P-code, ISO, GADM GID), its HASC column, then its name."""
    for value, matcher in ((code, match_province), (hasc, match_hasc)):
        if value:
            found = matcher(value)
            if found.pcode and found.method == "code":
                return found.pcode, "code"
    if code and str(code).upper().startswith("CD.") and not hasc:
        found = match_hasc(code)  # a HASC code sitting in the code column (HASC_1 chosen as code)
        if found.pcode:
            return found.pcode, "code"
    if name:
        found = match_province(name)
        if found.pcode:
            return found.pcode, found.method
    return None, "unmatched"


def _parent_of(code: str | None, parent_code: str | None, parent_name: str | None) -> tuple[str | None, str]:
    """Province of one ADM2 unit: its parent code column, the prefix of its own P-code, then the parent name."""
    if parent_code:
        found = match_province(parent_code) if not parent_code.upper().startswith("CD.") else match_hasc(parent_code)
        if found.pcode:
            return found.pcode, "code"
    if code and _PCODE2.match(code.upper()) and code.upper()[:4] in PROVINCE_PCODES:
        return code.upper()[:4], "code"
    if parent_name:
        found = match_province(parent_name)
        if found.pcode:
            return found.pcode, found.method
    return None, "unmatched"


def _read(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not path.exists():
        raise BoundaryFileError(f"{path}: no such file")
    try:
        frame = gpd.read_file(path)  # pyogrio reads .zip (shapefile inside) through GDAL's /vsizip/
    except Exception as exc:
        raise BoundaryFileError(f"{path}: not a readable vector file ({type(exc).__name__}: {exc})") from None
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame or frame.empty:
        raise BoundaryFileError(f"{path}: no features")
    polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if not polygonal.any():
        raise BoundaryFileError(f"{path}: no polygons")
    return frame[polygonal].reset_index(drop=True)


def _to_wgs84(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, str]:
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            return frame.set_crs(4326), "unknown (lon/lat assumed)"
        raise BoundaryFileError("no coordinate reference system and the coordinates are not lon/lat")
    crs = frame.crs
    authority = crs.to_authority()
    crs_in = f"{authority[0]}:{authority[1]}" if authority else crs.name
    if crs_in in ("OGC:CRS84", "EPSG:4326"):
        return frame.set_crs(4326, allow_override=True), crs_in
    return frame.to_crs(4326), crs_in


def read_boundaries(path: str | Path, level: int | None = None) -> Boundaries:
    """Read, reproject to EPSG:4326 and match every unit; raises BoundaryFileError when unreadable."""
    import geopandas as gpd
    import shapely

    path = Path(path)
    frame = _read(path)
    level = level or detect_level(frame)
    if level not in (1, 2):
        raise BoundaryFileError(f"level must be 1 or 2, not {level}")
    columns = detect_columns(frame, level)
    frame, crs_in = _to_wgs84(frame)
    rows = []
    for _, row in frame.iterrows():
        code, name = _value(row, columns["code"]), _value(row, columns["name"])
        if level == 1:
            pcode, method = _province_of(code, name, _value(row, columns["hasc"]))
            # An ADM1 unit's key is its province P-code once matched: the join is on P-codes.
            rows.append((pcode or code or name, province_name(pcode) if pcode else (name or code), pcode, "province",
                         method))
        else:
            pcode, method = _parent_of(code, _value(row, columns["parent_code"]), _value(row, columns["parent_name"]))
            rows.append((code or name, name or code, pcode, _value(row, columns["kind"]), method))
    units = gpd.GeoDataFrame(pd.DataFrame.from_records(rows, columns=list(UNIT_COLUMNS)),
                             geometry=frame.geometry.to_numpy(), crs=4326)
    units["geometry"] = shapely.make_valid(units.geometry.to_numpy())
    if level == 1:
        # Several parts of one province (MultiPolygon split over rows) become one unit.
        matched = units[units["pcode"].notna()]
        if matched["pcode"].duplicated().any():
            merged = matched.dissolve(by="code", as_index=False, aggfunc="first")[list(UNIT_COLUMNS) + ["geometry"]]
            units = pd.concat([merged, units[units["pcode"].isna()]], ignore_index=True)
    return Boundaries(str(path), level, crs_in, units.reset_index(drop=True), columns)
