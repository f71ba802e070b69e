"""Printing from a real browser (print media, page.pdf, pdftotext): the print view (?print=1) puts every row of a
table on paper, not only the rows a scrolling grid shows; the sidebar, the buttons and the screen banner are not
printed; without the print view, the paper says how to get whole tables."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from components.i18n import t
from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e

# The sample's projects (data/sample/projects.csv): the first and the last of its 13 rows. A grid 10 rows high
# prints only the first ten; the print view prints all thirteen.
FIRST_PROJECT, LAST_PROJECT = "SE-IOM-TGK-2021", "IOM-MINING"
# The last row of the sources table, behind the Overview's table switch on screen: the evidence of the last line of
# data/sample/sources.csv (IOM-MINING's theme).
LAST_SOURCE_EVIDENCE = "exploitation illégale des ressources naturelles"


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


def squeeze(text: str) -> str:
    """Text without spaces, line breaks or hyphens: a narrow cell wraps 'IOM-MINING' as 'IOM-' / 'MINING', and
    pdftotext joins a word broken at a hyphen without it."""
    return re.sub(r"[\s\-‐]", "", text)


def printed(browser, url: str, tmp_path, name: str) -> tuple[str, object]:
    """The page at `url` printed to A4 in print media, as text (pdftotext), and the page (for style checks)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
    # the export menu: the page's last element (state attached: the print view hides it)
    page.wait_for_selector('[data-testid="stPopover"]', state="attached", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(1500)  # the last layout pass (charts, fonts)
    page.emulate_media(media="print")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(page.pdf(format="A4"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text, page


def test_the_print_view_prints_every_row_of_every_table_without_the_sidebar(browser, server, tmp_path):
    text, page = printed(browser, f"{server}/?lang=en&print=1", tmp_path, "print-view")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stDownloadButton"]').first.is_visible()
    assert page.locator('[data-testid="stTable"]').count() >= 3  # projects, flows, sources: static tables
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # no scrolling grid is left to cut a table
    page.close()
    # The projects table, between its heading and the next one, has its first and its last row.
    start, end = text.index(t("table.projects", "en")), text.index(t("table.flows", "en"))
    projects = squeeze(text[start:end])
    assert squeeze(FIRST_PROJECT) in projects and squeeze(LAST_PROJECT) in projects
    # The sources table, one choice of a switch on screen, is printed too, down to its last row.
    assert squeeze(LAST_SOURCE_EVIDENCE) in squeeze(text[text.index(t("table.sources", "en")):])
    # Nothing of the sidebar or the screen banner is on paper.
    for absent in (t("sidebar.currency", "en"), t("filters.title", "en"), t("filters.reset", "en"),
                   t("print.on", "en", rows="1,000")[:40]):
        assert absent not in text, absent


def test_without_the_print_view_the_paper_says_how_to_print_whole_tables(browser, server, tmp_path):
    text, page = printed(browser, f"{server}/?lang=fr", tmp_path, "screen-view")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.emulate_media(media="screen")
    assert not page.locator(".st-key-print_hint").is_visible()  # on paper only
    page.close()
    assert squeeze(t("print.hint", "fr")[:60]) in squeeze(text)
    assert t("sidebar.currency", "fr") not in text
