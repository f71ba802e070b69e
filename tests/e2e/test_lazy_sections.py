"""Sections drawn only when open, in a real browser: a Donor page tab shows its chart once clicked (the page reruns
for it), and the Status page's folded gaps and notes show their table once unfolded."""
from __future__ import annotations

import pytest

from components.i18n import t
from tests.e2e.serving import streamlit_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


def opened(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
    return page


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)


def chart_titles(page) -> list[str]:
    return page.eval_on_selector_all('[data-testid="stPlotlyChart"] .gtitle', "nodes => nodes.map(n => n.textContent)")


def shown_chart(page, title: str) -> None:
    script = ("title => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .gtitle')]"
              ".some(n => n.textContent === title)")
    page.wait_for_function(script, arg=title, timeout=30_000)
    settled(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_donor_tab_draws_its_chart_once_clicked(browser, server, lang):
    # the sample's Netherlands: its flows publish no year, but a theme and a partner (data/sample/funding.csv)
    page = opened(browser, f"{server}/donor?profile=Netherlands&lang={lang}")
    settled(page)
    theme, partner = t("donor.by.theme", lang), t("donor.by.partner", lang)
    empty = t("donor.by.empty", lang, by=t("donor.word.year", lang))
    assert page.locator('[role="tabpanel"]').inner_text().strip() == empty  # the open tab: year
    assert theme not in chart_titles(page) and partner not in chart_titles(page)
    page.get_by_role("tab", name=theme).click()
    shown_chart(page, theme)
    assert partner not in chart_titles(page) and empty not in page.locator('[role="tabpanel"]').inner_text()
    page.get_by_role("tab", name=partner).click()
    shown_chart(page, partner)
    assert theme not in chart_titles(page)
    assert page.get_by_role("tab", name=partner).get_attribute("aria-selected") == "true"
    page.close()


def test_the_gaps_and_notes_show_their_table_once_unfolded(browser, server):
    page = opened(browser, f"{server}/status?lang=en")
    settled(page)
    section = page.locator('[data-testid="stExpander"]').filter(has_text=t("checks.others", "en", n=0).split("(")[0])
    assert section.count() == 1 and section.locator('[data-testid="stDataFrame"]').count() == 0
    section.locator("summary").click()
    section.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
    settled(page)
    assert section.locator('[data-testid="stDataFrame"]').count() == 2  # the counts by check, then the checks
    page.close()
