"""Real browser, two sessions: both prepare an "add to the data in use" against the same version; the first
confirms; the second confirm warns that the data changed (nothing activated), the report is prepared again on top,
and confirming again applies both. No version is lost."""
from __future__ import annotations

import os

import pytest

from data import storage
from data.portfolio import SAMPLE_DIR
from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e

HEADER, *ROWS = (SAMPLE_DIR / "projects.csv").read_bytes().splitlines(keepends=True)


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def prepare(browser, base: str, path) -> object:
    page = browser.new_context().new_page()
    page.goto(f"{base}/data", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=60_000)
    settled(page)
    page.get_by_text("Add to the data in use").click()
    settled(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    page.get_by_role("button", name="Use this data").wait_for(timeout=60_000)
    settled(page)
    return page


def test_the_second_confirm_warns_and_nothing_is_lost(browser, tmp_path, monkeypatch):
    data_dir = tmp_path / "var"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(HEADER + b"".join(ROWS[:2]))
    second.write_bytes(HEADER + b"".join(ROWS[2:4]))
    with streamlit_server({**os.environ, "DASHBOARD_DATA_DIR": str(data_dir)}) as base:
        page_a, page_b = prepare(browser, base, first), prepare(browser, base, second)  # both against the sample
        page_a.get_by_role("button", name="Use this data").click()
        page_a.get_by_text("stored and in use").wait_for(timeout=60_000)

        page_b.get_by_role("button", name="Use this data").click()
        page_b.get_by_text("The data in use changed since you prepared this upload").wait_for(timeout=60_000)
        page_b.get_by_text("second.csv").first.wait_for(timeout=60_000)  # the report streams in after the warning
        settled(page_b)
        body = page_b.inner_text("body")
        assert "first.csv" in body and "second.csv" in body  # the report now covers the files in use + B's
        monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
        [only] = storage.scan_versions()[0]  # B's confirm activated nothing
        assert storage.active_version().id == only.id and [f.name for f in only.files][-1] == "first.csv"

        page_b.get_by_role("button", name="Use this data").click()  # B chooses: apply on top
        page_b.get_by_text("stored and in use").wait_for(timeout=60_000)
        versions = storage.scan_versions()[0]
        assert len(versions) == 2
        assert {"first.csv", "second.csv"} <= {f.name for f in storage.active_version().files}
        page_a.context.close()
        page_b.context.close()
