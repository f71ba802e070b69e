"""Every page renders with the two real d-portal downloads as the version in use (../shared/data/real, skipped
when absent): 28 DRC activities of the Ebola download and IOM's 5 DRC + 2 global (listed) activities."""
from pathlib import Path

import pytest

from data import storage
from tests.pages.apptest import run_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))
REAL = ROOT / ".." / "shared" / "data" / "real"
FILES = [REAL / "dportal_ebola_mixed_100acts_19drc.xml", REAL / "iom_2021_dportal_100acts_5drc.xml"]


@pytest.fixture
def real_iati(tmp_path, monkeypatch):
    if not all(p.exists() for p in FILES):
        pytest.skip("../shared/data/real is absent")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    files = [(p.name, p.read_bytes()) for p in FILES]
    storage.activate(storage.save_version(files, {}).id)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_the_real_iati_downloads(page, real_iati):
    app = run_page(page, timeout=120)
    if page == "app_pages/overview.py":
        # 28 activities naming CD in the Ebola download (19 by activity, 9 USAID by transaction) + IOM's 7
        assert {m.label: m.value for m in app.metric}["Projects"] == "35"
