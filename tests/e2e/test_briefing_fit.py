"""Real browser at projector sizes (1280×720, 1920×1080) and zooms (100 %, 125 %): no KPI value or label, no
slide text and no previous/next label is cut — on every briefing slide and on the Overview. Cut means wider than
its box (scrollWidth > clientWidth) or ending in an ellipsis. 125 % zoom is a viewport of 1/1.25 the size at a
device scale of 1.25, which is what the browser's zoom does to the layout."""
from __future__ import annotations

import re

import pytest

from components.i18n import t
from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e

SCREENS = [(1280, 720, 1.0), (1280, 720, 1.25), (1920, 1080, 1.0), (1920, 1080, 1.25)]
SLIDES = 8  # the sample's deck with one project slide (?project=NL-CISPE)
CHECKED = ('[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] *, '
           '.st-key-briefing_slide h2, .st-key-briefing_slide p, .st-key-briefing_slide li, '
           '.st-key-briefing_previous p, .st-key-briefing_next p')  # and the navigation's labels
OVERVIEW_READY = '[data-testid="stMetric"]:nth-of-type(1) >> nth=6'  # the seventh tile
CUT = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e instanceof HTMLElement && e.offsetParent !== null && e.innerText.trim())
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.innerText.trim().endsWith('…'))
  .map(e => `${e.tagName} "${e.innerText.trim()}" ${e.scrollWidth}>${e.clientWidth}`)"""


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


def open_page(browser, url: str, width: int, height: int, zoom: float, ready: str):
    """The page once `ready` (a selector of the last element the test needs) is drawn and the run is over."""
    page = browser.new_page(viewport={"width": round(width / zoom), "height": round(height / zoom)},
                            device_scale_factor=zoom)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)  # fonts and the last layout pass
    return page


@pytest.mark.parametrize(("width", "height", "zoom"), SCREENS, ids=lambda v: str(v))
def test_no_briefing_slide_text_or_tile_is_cut(browser, server, width, height, zoom):
    cut = {}
    for number in range(1, SLIDES + 1):
        footer = f'.st-key-briefing_slide [data-testid="stCaptionContainer"]:has-text("{number}/{SLIDES}")'
        page = open_page(browser, f"{server}/briefing?lang=fr&project=NL-CISPE&slide={number}", width, height, zoom,
                         footer)
        assert page.locator(".st-key-briefing_slide h2").count() == 1
        if number == 1:
            tiles = '.st-key-briefing_slide [data-testid="stMetricValue"] p'
            page.wait_for_function(f"() => document.querySelectorAll('{tiles}').length === 6", timeout=30_000)
            sizes = page.evaluate(f"() => [...document.querySelectorAll('{tiles}')]"
                                  ".map(e => parseFloat(getComputedStyle(e).fontSize))")
            assert min(sizes) >= 48
        found = page.evaluate(CUT, CHECKED)
        if found:
            cut[number] = found
        page.close()
    assert not cut, cut


@pytest.mark.parametrize(("width", "height", "zoom"), SCREENS, ids=lambda v: str(v))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_overview_tile_is_cut(browser, server, width, height, zoom, lang):
    page = open_page(browser, f"{server}/?lang={lang}", width, height, zoom, OVERVIEW_READY)
    assert page.locator('[data-testid="stMetricLabel"]').filter(has_text=t("kpi.funding", lang)).count() == 1
    found = page.evaluate(CUT, CHECKED)
    page.close()
    assert not found, found


def test_the_check_sees_a_cut_tile(browser, server):
    """The measure itself: a tile squeezed to 60 px is reported."""
    page = open_page(browser, f"{server}/?lang=fr", 1280, 720, 1.0, OVERVIEW_READY)
    page.add_style_tag(content='[data-testid="stMetric"] { width: 60px !important; container-type: normal; }'
                               '[data-testid="stMetricValue"] p { font-size: 36px !important; }')
    found = page.evaluate(CUT, CHECKED)
    page.close()
    assert found


def test_printing_a_page_gives_the_content_full_width_without_the_sidebar(browser, server, tmp_path):
    page = open_page(browser, f"{server}/?lang=en", 1280, 720, 1.0, OVERVIEW_READY)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stDownloadButton"], [data-testid="stButton"]').first.is_visible()
    main = page.locator('[data-testid="stMain"]').bounding_box()
    assert main["x"] < 5 and main["width"] > 1200  # the whole width, not beside an empty sidebar
    keep_whole = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
                               ".map(e => getComputedStyle(e).breakInside)")
    assert keep_whole and set(keep_whole) == {"avoid"}
    pdf = page.pdf(format="A4", landscape=True)
    page.close()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 1
    (tmp_path / "overview.pdf").write_bytes(pdf)


def test_arrow_keys_step_through_the_slides_and_the_url_follows(browser, server):
    footer = '.st-key-briefing_slide [data-testid="stCaptionContainer"]'
    page = open_page(browser, f"{server}/briefing?lang=en&slide=1", 1280, 720, 1.0, footer)
    page.locator(".st-key-briefing_slide h2").click()  # focus on the page, not on a widget
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"slide=2"), timeout=30_000)
    page.wait_for_selector(f'.st-key-briefing_slide h2:has-text("{t("briefing.slide.map", "en")}")', timeout=30_000)
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(r"slide=1"), timeout=30_000)
    page.wait_for_selector(f'.st-key-briefing_slide h2:has-text("{t("briefing.slide.headline", "en")}")',
                           timeout=30_000)
    page.close()
