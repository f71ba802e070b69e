"""A chart's PNG button in a real browser: one per chart, labelled in the page's language, and a click downloads
a real picture of that chart, drawn on the server only then (kaleido on Debian's chromium, no network)."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from components.i18n import t
from components.images import renderer_problem
from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


def test_each_chart_downloads_as_a_png_named_in_the_pages_language(browser, server):
    if renderer_problem():
        pytest.skip(f"no renderer here: {renderer_problem()}")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{server}/?lang=fr", wait_until="domcontentloaded")
    buttons = page.locator('[data-testid="stDownloadButton"] button', has_text=t("chart.png", "fr"))
    buttons.first.wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    # Streamlit loads its plotly element lazily: on a cold browser the buttons can be there before the charts
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= 2",
                           timeout=60_000)
    assert buttons.count() == page.locator('[data-testid="stPlotlyChart"]').count() == 2  # the map, the donors
    with page.expect_download(timeout=120_000) as info:
        buttons.nth(1).click()  # the donors chart (the map comes first, in the left column)
    download = info.value
    assert download.suggested_filename == f"{t('export.chart.donors', 'fr')}.png"
    image = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert image.format == "PNG" and image.width == 1800
    grey = image.convert("L")
    assert sum(n for value, n in enumerate(grey.histogram()) if value < 200) > 0.01 * grey.width * grey.height
    page.close()
