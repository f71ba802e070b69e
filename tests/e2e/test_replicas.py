"""Two replicas (two `streamlit run` processes, as behind a load balancer with sticky sessions) sharing one
DASHBOARD_DATA_DIR: a version confirmed on one is in use on the other at its next rerun, in a session already
open there as well as in a new one; a restore on the second is seen by the first."""
from __future__ import annotations

import os

import pytest

from tests.e2e.serving import streamlit_server
from tests.e2e.test_upload import TEN_PROJECTS, choose, open_data_page, projects_kpi, settled, tile_value

pytestmark = pytest.mark.e2e


def test_a_version_confirmed_on_one_replica_is_in_use_on_the_other(browser, tmp_path):
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(tmp_path / "var")}
    upload = tmp_path / "projects.csv"
    upload.write_bytes(TEN_PROJECTS)
    with streamlit_server(env) as first, streamlit_server(env) as second:
        open_on_second = browser.new_context().new_page()
        open_on_second.goto(f"{second}/", wait_until="domcontentloaded")
        open_on_second.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        settled(open_on_second)
        assert tile_value(open_on_second) == "13"

        page = open_data_page(browser, first)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload))
        page.get_by_role("button", name="Use this data").wait_for(timeout=60_000)
        settled(page)
        page.get_by_role("button", name="Use this data").click()
        page.get_by_text("stored and in use: 10 projects").wait_for(timeout=60_000)
        page.context.close()

        assert projects_kpi(browser, second) == "10"  # a new session on the other replica
        open_on_second.locator("body").press("r")  # Streamlit's rerun shortcut: the session already open
        open_on_second.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')].some(e => e.innerText === '10')",
            timeout=60_000)
        open_on_second.context.close()

        page = open_data_page(browser, second)  # and back: a restore on the second replica
        choose(page, "Version to use", "Sample portfolio (embedded)")
        page.get_by_role("button", name="Restore this version").click()
        page.get_by_text("Now in use: Sample portfolio (embedded).").wait_for(timeout=60_000)
        page.context.close()
        assert projects_kpi(browser, first) == "13"
