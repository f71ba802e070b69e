"""Prepared geometry for plotly: coverage simplification (shared borders stay shared), rounded coordinates,
rings wound the way plotly's geo traces expect, and a small on-disk cache keyed on file and mtime."""
from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import orjson
import pandas as pd

from files import atomic_write
from geo.boundaries import UNIT_COLUMNS, Boundaries, MatchReport, count_vertices, read_boundaries

if TYPE_CHECKING:  # geopandas and shapely load when a file is prepared, not when its cached result is read
    import geopandas as gpd

__all__ = ["PREPARE_VERSION", "TOLERANCE_M", "PreparedBoundaries", "prepare_boundaries", "simplify_coverage",
           "to_plotly_geojson"]

PREPARE_VERSION = 2  # bump when the prepared output changes shape
# Simplification tolerance in metres, per level (ADM2 towns are small: a finer tolerance keeps them).
TOLERANCE_M = {1: 2000.0, 2: 1000.0}
DECIMALS = 3  # ≈ 110 m at the equator, well below the 1–2 km tolerance
# Africa Albers Equal Area Conic: metres, so the tolerance means the same everywhere in the DRC.
METRIC_CRS = "ESRI:102022"
CLEAN_GAP_M = 500.0


def simplify_coverage(units: gpd.GeoDataFrame, tolerance_m: float, decimals: int = DECIMALS) -> gpd.GeoDataFrame:
    """Clean, then simplify polygons as one coverage in a metric CRS, round coordinates and orient exteriors clockwise.

    Coverage simplification moves each shared edge once, so neighbours keep an identical border (no gaps or
    slivers); rounding maps identical vertices to identical vertices, so it keeps them shared too."""
    import geopandas as gpd
    import shapely

    metric = units.to_crs(METRIC_CRS)
    geometries = metric.geometry.to_numpy()
    # Real files are rarely a clean coverage (the COD-AB ADM1 is not: shared borders are digitised twice, with
    # slivers). Cleaning first snaps shared edges together, gives overlaps to one side and closes gaps narrower
    # than CLEAN_GAP_M; simplifying an unclean coverage would open gaps and overlaps of tens of km².
    if not shapely.coverage_is_valid(geometries):
        cleaned = shapely.coverage_clean(geometries, gap_width=CLEAN_GAP_M)
        if not (shapely.is_empty(cleaned) | ~shapely.is_valid(cleaned)).any():
            geometries = cleaned
    simplified = shapely.coverage_simplify(geometries, tolerance_m)
    lost = shapely.is_empty(simplified) | ~shapely.is_valid(simplified)
    if lost.any():  # not a valid coverage (overlaps in the input): simplify those polygons one by one
        simplified[lost] = shapely.simplify(geometries[lost], tolerance_m, preserve_topology=True)
    back = gpd.GeoSeries(simplified, crs=METRIC_CRS).to_crs(4326).to_numpy()
    rounded = shapely.transform(back, lambda xy: np.round(xy, decimals))
    # plotly (d3-geo) wants exterior rings clockwise, the opposite of RFC 7946.
    oriented = shapely.orient_polygons(shapely.make_valid(rounded), exterior_cw=True)
    return units.set_geometry(gpd.GeoSeries(oriented, crs=4326, index=units.index))


def to_plotly_geojson(units: gpd.GeoDataFrame) -> dict:
    """A FeatureCollection whose feature ids are the unit codes (featureidkey "id"), geometry only."""
    import shapely

    features = []
    for code, geometry in zip(units["code"], units.geometry):
        if geometry is None or geometry.is_empty:
            continue
        features.append({"type": "Feature", "id": str(code),
                         "geometry": json.loads(shapely.to_geojson(geometry, indent=None))})
    return {"type": "FeatureCollection", "features": features}


@dataclass
class PreparedBoundaries(MatchReport):
    """What a map needs: the units (no geometry), their label points, the simplified GeoJSON and statistics."""

    path: str
    level: int
    crs_in: str
    units: pd.DataFrame  # UNIT_COLUMNS + lon, lat (a point inside each unit)
    geojson: dict
    vertices_in: int
    vertices_out: int

    @property
    def bytes_out(self) -> int:
        return len(json.dumps(self.geojson, separators=(",", ":")))

    def as_dict(self) -> dict:
        return {"path": self.path, "level": self.level, "crs_in": self.crs_in,
                "units": self.units.astype(object).where(self.units.notna(), None).to_dict("records"),
                "geojson": self.geojson, "vertices_in": self.vertices_in, "vertices_out": self.vertices_out}


def _prepare(boundaries: Boundaries, tolerance_m: float) -> PreparedBoundaries:
    import shapely

    simplified = simplify_coverage(boundaries.units, tolerance_m)
    points = shapely.point_on_surface(simplified.geometry.to_numpy())
    units = pd.DataFrame(simplified[list(UNIT_COLUMNS)]).reset_index(drop=True)
    units["lon"] = np.round(shapely.get_x(points), DECIMALS)
    units["lat"] = np.round(shapely.get_y(points), DECIMALS)
    return PreparedBoundaries(boundaries.path, boundaries.level, boundaries.crs_in, units,
                              to_plotly_geojson(simplified), count_vertices(boundaries.units.geometry),
                              count_vertices(simplified.geometry))


def _cache_file(cache_dir: Path, path: Path, level: int | None, tolerance_m: float | None) -> Path:
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}|{level}|{tolerance_m}|{PREPARE_VERSION}"
    return cache_dir / f"prepared-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def prepare_boundaries(path: str | Path, level: int | None = None, tolerance_m: float | None = None,
                       cache_dir: str | Path | None = None) -> PreparedBoundaries:
    """Read, match and simplify a boundary file; with cache_dir, reuse the result while the file is unchanged
    (keyed on path, modification time, size, level and tolerance). Raises BoundaryFileError when unreadable."""
    path = Path(path)
    cached = None
    if cache_dir is not None and path.exists():
        cached = _cache_file(Path(cache_dir), path, level, tolerance_m)
        if cached.exists():
            # The GeoJSON decodes into ~10^5 small objects: a generational GC pass in the middle costs more
            # than the decoding itself (measured 25–60 ms spikes against 4–8 ms), so it is held off meanwhile.
            collecting = gc.isenabled()
            gc.disable()
            try:
                data = orjson.loads(cached.read_bytes())
                return PreparedBoundaries(data["path"], data["level"], data["crs_in"], pd.DataFrame(data["units"]),
                                          data["geojson"], data["vertices_in"], data["vertices_out"])
            except (OSError, ValueError, KeyError, orjson.JSONDecodeError):
                pass  # a damaged cache entry is rebuilt below
            finally:
                if collecting:
                    gc.enable()
    boundaries = read_boundaries(path, level)
    prepared = _prepare(boundaries, tolerance_m or TOLERANCE_M[boundaries.level])
    if cached is not None:
        atomic_write(cached, orjson.dumps(prepared.as_dict(), option=orjson.OPT_SERIALIZE_NUMPY))
    return prepared
