"""Real browser: set filters in the sidebar, copy the URL, open it in a new session, see the same KPIs."""
from __future__ import annotations

import re

import pytest

from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e

@pytest.fixture(scope="module")
def url_state_server():
    """A streamlit server of its own for this module (base URL)."""
    with streamlit_server() as base:
        yield base


def kpis(page) -> dict[str, str]:
    """The KPI tiles once the script has finished running."""
    page.wait_for_selector('[data-testid="stMetric"]', timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return dict(zip(labels, values))


def test_a_copied_url_reopens_the_same_filtered_view(browser, url_state_server):
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    first = context.new_page()
    # The first visit to a fresh server is a deep link: it still goes through dashboard.py's navigation (not the
    # bare app_pages/ folder) and finds its page.
    first.goto(f"{url_state_server}/status", wait_until="domcontentloaded")
    first.wait_for_selector('[data-testid="stSidebarNav"]:has-text("Programme status")', timeout=30_000)
    first.wait_for_selector('h1:has-text("Programme status")', timeout=30_000)
    assert "Page not found" not in first.inner_text("body") and first.url.startswith(f"{url_state_server}/status")
    first.goto(f"{url_state_server}/", wait_until="domcontentloaded")  # the Overview is the root URL
    assert kpis(first)["Projects"] == "13"
    assert "Page not found" not in first.inner_text("body")

    sidebar = first.locator('[data-testid="stSidebar"]')
    donor = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Donor")
    donor.locator("input").click()
    first.keyboard.type("Netherlands")
    first.keyboard.press("Enter")
    first.wait_for_url(re.compile(r"donor=Netherlands"), timeout=30_000)
    first.keyboard.press("Escape")
    sidebar.get_by_text("Français", exact=True).click()
    first.wait_for_url(re.compile(r"lang=fr"), timeout=30_000)
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Devise de présentation").click()
    first.get_by_role("option", name="EUR").click()
    first.wait_for_url(re.compile(r"cur=EUR"), timeout=30_000)
    first.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Projets")', timeout=30_000)
    shown = kpis(first)
    assert shown["Projets"] == "1"
    assert shown["Financements engagés"].replace("\u00a0", " ").replace("\u202f", " ") == "12,5 M €"
    copied = first.url
    assert all(part in copied for part in ("donor=Netherlands", "lang=fr", "cur=EUR"))

    second = browser.new_context().new_page()  # a new session: nothing but the URL is shared
    second.goto(copied, wait_until="domcontentloaded")
    second.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Projets")', timeout=30_000)
    # the tiles stream in one by one: wait for all of them before comparing (CI once read 3 of 9)
    second.wait_for_function(f"() => document.querySelectorAll('[data-testid=stMetricLabel]').length >= {len(shown)}",
                             timeout=30_000)
    assert kpis(second) == shown
    assert second.url == copied
    # Offline: the small map and everything else come from the server itself (no topojson, no CDN).
    outside = [u for u in requested if not u.startswith((url_state_server, "data:", "blob:"))]
    assert outside == []


def test_the_overview_address_a_reader_guesses_opens_the_overview_with_the_links_filters(browser, url_state_server):
    """/status and /donor are pages; /overview is the Overview (served at /), not "Page not found"."""
    page = browser.new_context().new_page()
    page.goto(f"{url_state_server}/overview?lang=fr&donor=Netherlands", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(r"/\?(?=.*lang=fr)(?=.*donor=Netherlands)"), timeout=30_000)
    page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Projets")', timeout=30_000)
    assert kpis(page)["Projets"] == "1"  # the sample's one Netherlands-funded project (NL-CISPE)
    assert "Page not found" not in page.inner_text("body") and "/overview" not in page.url
