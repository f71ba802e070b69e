"""Tests do not depend on the shell or ./var: a stale active version and a bad boundary path change nothing."""
import os
import subprocess
import sys
from pathlib import Path

import files
from data import storage
from data.portfolio import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_each_test_gets_an_empty_data_directory_of_its_own(fresh_data_dir):
    assert files.data_dir() == Path(fresh_data_dir) != ROOT / "var"
    assert storage.active_version() is None
    assert "BOUNDARIES_ADM1" not in os.environ and "GEO_CACHE_DIR" not in os.environ


def test_a_stale_active_version_and_a_bad_boundary_path_in_the_shell_change_no_page_result(tmp_path):
    """Store and activate a 3-project version in a directory, point the shell's DASHBOARD_DATA_DIR at it and
    BOUNDARIES_ADM1 at a missing file, then run a page test in a child pytest: it must still see the sample."""
    stale = tmp_path / "stale-var"
    header, *rows = (SAMPLE_DIR / "projects.csv").read_bytes().splitlines(keepends=True)
    code = ("import sys; from pathlib import Path; from data import storage; "
            "v = storage.save_version([('projects.csv', Path(sys.argv[1]).read_bytes())], {'projects': 3}); "
            "storage.activate(v.id)")
    three = tmp_path / "projects.csv"
    three.write_bytes(header + b"".join(rows[:3]))
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(stale), "BOUNDARIES_ADM1": str(tmp_path / "missing.geojson")}
    subprocess.run([sys.executable, "-c", code, str(three)], cwd=ROOT, env=env, check=True, timeout=120)
    assert (stale / "datasets").is_dir()
    test = "tests/pages/test_pages_apptest.py::test_invalid_url_values_are_dropped_with_a_visible_notice"
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:]
    assert "1 passed" in out.stdout
