"""Prepared-geometry load times: `python -m bench [FILE ...]` (default: the COD-AB files in ../shared/geo).

For each file: the first load (read, match, clean, simplify; written to a fresh disk cache), the second load in
the same process from the disk cache (what a restarted app pays), and the in-memory hit the app's
st.cache_resource gives (components.maps.get_prepared, keyed on path + mtime). Prints one JSON object per file."""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from geo.simplify import prepare_boundaries

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [ROOT / ".." / "shared" / "geo" / "cod_adm1_ocha_20170407.geojson",
                 ROOT / ".." / "shared" / "geo" / "cod_adm2_ocha_rgc_20170711.geojson"]
REPEAT = 5


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def bench_file(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        first = prepare_boundaries(path, cache_dir=cache)
        first_ms = _ms(start)
        second = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            prepare_boundaries(path, cache_dir=cache)
            second.append(_ms(start))
    memory = _memory_hit_ms(path)
    return {"file": path.name, "level": first.level, "vertices_in": first.vertices_in,
            "vertices_out": first.vertices_out, "bytes_out": first.bytes_out, "first_load_ms": first_ms,
            "second_load_ms_median": statistics.median(second), "second_load_ms_max": max(second),
            "in_memory_hit_ms": memory}


def _memory_hit_ms(path: Path) -> float | None:
    """The app's st.cache_resource path (outside a script run Streamlit warns but the cache still works)."""
    try:
        import logging

        logging.getLogger("streamlit").setLevel(logging.ERROR)
        from components.maps import get_prepared
        from geo.fetch import BoundarySource
    except ImportError:
        return None
    source = BoundarySource(1 if "adm1" in path.name else 2, "configured", path)
    get_prepared(source)
    start = time.perf_counter()
    get_prepared(source)
    return _ms(start)


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or [p for p in DEFAULT_FILES if p.exists()]
    if not files:
        print("no boundary file given and ../shared/geo is absent", file=sys.stderr)
        return 2
    for path in files:
        print(json.dumps(bench_file(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
