"""Real browser: upload a file on /data, read the report, see that nothing changes before confirming, confirm,
see the new count on the Overview (/), restart the server (the version in use survives), restore the sample."""
from __future__ import annotations

import hashlib
import os
import re

import pytest

from data import storage
from data.portfolio import SAMPLE_DIR
from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e

SAMPLE_PROJECTS = (SAMPLE_DIR / "projects.csv").read_bytes()
TEN_PROJECTS = b"".join(SAMPLE_PROJECTS.splitlines(keepends=True)[:11])  # header + the first 10 of 13


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def tile_value(page, label: str = "Projects") -> str:
    """The value of one KPI tile, once that tile is drawn: the tiles stream in one by one, so a read right after
    the first tile can miss the one asked for (CI once read the Overview before its Projects tile was there)."""
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$")))
    tile.first.locator('[data-testid="stMetricValue"]').wait_for(timeout=60_000)
    settled(page)
    return tile.first.locator('[data-testid="stMetricValue"]').inner_text()


def projects_kpi(browser, base: str) -> str:
    """The Projects tile of the Overview (the root URL) in a fresh session."""
    page = browser.new_context().new_page()
    page.goto(f"{base}/", wait_until="domcontentloaded")
    value = tile_value(page)
    page.context.close()
    return value


def open_data_page(browser, base: str):
    page = browser.new_context().new_page()
    page.goto(f"{base}/data", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=60_000)
    settled(page)
    return page


def choose(page, label: str, option: str) -> None:
    """Pick an option of a selectbox (the dropdown is opened again if a rerun closed it)."""
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    for _ in range(5):
        settled(page)
        select.locator("input").click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    else:
        pytest.fail(f"option {option!r} of {label!r} never showed")
    settled(page)


def test_upload_confirm_restart_restore(browser, tmp_path, monkeypatch):
    data_dir = tmp_path / "var"
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir)}
    upload = tmp_path / "projects.csv"
    upload.write_bytes(TEN_PROJECTS)

    with streamlit_server(env) as base:
        assert projects_kpi(browser, base) == "13"
        page = open_data_page(browser, base)
        page.get_by_text("Sample portfolio (embedded)").first.wait_for(timeout=60_000)  # the page streams in
        # the first uploader is the data's; editors also get the boundary-file uploaders below it
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload))
        confirm = page.get_by_role("button", name="Use this data")
        confirm.wait_for(timeout=60_000)
        page.get_by_text("Preview: projects (10 accepted rows)").wait_for(timeout=60_000)
        settled(page)
        body = page.inner_text("body")
        assert "Validation report" in body and "Preview: projects (10 accepted rows)" in body
        # nothing is stored or shown before the confirmation
        assert not (data_dir / "datasets").exists()
        assert projects_kpi(browser, base) == "13"

        confirm.click()
        page.get_by_text("stored and in use: 10 projects").wait_for(timeout=60_000)
        assert projects_kpi(browser, base) == "10"
        page.context.close()

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    [version] = storage.scan_versions()[0]
    assert storage.active_version() == version
    [stored] = version.files
    assert stored.name == "projects.csv" and stored.sha256 == hashlib.sha256(TEN_PROJECTS).hexdigest()
    assert (data_dir / "datasets" / "blobs" / stored.sha256).read_bytes() == TEN_PROJECTS

    with streamlit_server(env) as base:  # a restart: the version in use is on disk
        assert projects_kpi(browser, base) == "10"
        page = open_data_page(browser, base)
        page.get_by_text(f"Version {version.id.split('-')[0]}, uploaded").first.wait_for(timeout=60_000)
        choose(page, "Version to use", "Sample portfolio (embedded)")
        settled(page)
        page.get_by_role("button", name="Restore this version").click()
        page.get_by_text("Now in use: Sample portfolio (embedded).").wait_for(timeout=60_000)
        assert projects_kpi(browser, base) == "13"
        page.context.close()
    assert storage.active_version() is None
