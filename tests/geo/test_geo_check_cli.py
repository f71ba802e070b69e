"""`python -m geo check FILE [--level 1|2] [--json]`: the report and the exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_GEO = ROOT / ".." / "shared" / "geo"
KEYS = {"features", "level", "crs_in", "matched", "unmatched", "vertices_in", "vertices_out", "bytes_out"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", "check", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("name, level, features", [("cod_adm1_ocha_20170407.geojson", 1, 26),
                                                   ("cod_adm2_ocha_rgc_20170711.geojson", 2, 240)])
def test_json_report_of_the_cod_ab_files(name, level, features):
    if not (SHARED_GEO / name).exists():
        pytest.skip("../shared/geo is absent")
    done = run(str(SHARED_GEO / name), "--json")
    report = json.loads(done.stdout)
    assert (done.returncode, set(report), report["level"], report["features"]) == (0, KEYS, level, features)
    assert (len(report["matched"]), report["unmatched"]) == (features, [])
    assert report["vertices_out"] < report["vertices_in"]


def test_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("nope")
    done = run(str(bad), "--json")
    assert (done.returncode, done.stdout, "unreadable" in done.stderr) == (2, "", True)


def test_human_readable_report_names_the_unmatched(tmp_path):
    path = tmp_path / "units.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NOM": "Atlantis"},
         "geometry": {"type": "Polygon", "coordinates": [[[20, 0], [21, 0], [21, 1], [20, 1], [20, 0]]]}}]}))
    done = run(str(path), "--level", "1")
    assert done.returncode == 0 and "Atlantis" in done.stdout
