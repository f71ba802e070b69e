"""Briefing page (AppTest): the headline slide shows the Overview's numbers, the slide number and the chosen
projects live in the URL, stepping stays inside the deck, and the pack is offered in both formats."""
from __future__ import annotations

import pytest

from briefing.slides import make_kpi_tiles
from components.i18n import t
from data.intake import load_portfolio
from data.metrics import compute_kpis
from tests.pages.apptest import run_page
from tests.pages.test_pages_apptest import metrics

PAGE = "app_pages/briefing.py"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_headline_slide_shows_the_overview_tiles(lang):
    app = run_page(PAGE, {"lang": lang})
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == t("briefing.slide.headline", lang)
    expected = dict(make_kpi_tiles(compute_kpis(load_portfolio(), "USD"), lang))
    assert metrics(app) == expected
    labels = [b.label for b in app.get("download_button")]
    assert t("briefing.download.pptx", lang) in labels and t("briefing.download.pdf", lang) in labels


def test_slide_number_comes_from_the_url_and_is_clamped_to_the_deck():
    app = run_page(PAGE, {"lang": "en", "slide": "3"})
    assert app.header[0].value == t("briefing.slide.donors", "en")
    app = run_page(PAGE, {"lang": "en", "slide": "99"})
    assert app.header[0].value == t("briefing.slide.sources", "en")  # the last slide
    assert app.query_params.get("slide") in (["99"], "99")  # a prepared link is not rewritten


def test_next_steps_forward_and_writes_the_url():
    app = run_page(PAGE, {"lang": "fr", "slide": "1"})
    app.button(key="briefing_next").click().run()
    assert app.header[0].value == t("briefing.slide.map", "fr")
    assert app.query_params["slide"] in (["2"], "2")
    assert app.button(key="briefing_previous").disabled is False


def test_a_project_in_the_url_gets_its_own_slide():
    app = run_page(PAGE, {"lang": "en", "project": "NL-CISPE", "slide": "6"})
    assert app.header[0].value.startswith("NL-CISPE — ")  # escaped (components/escape.py): "-" needs none here
    assert app.multiselect(key="briefing_projects").value == ["NL-CISPE"]


def test_without_chromium_the_pack_is_still_offered_with_a_note(monkeypatch):
    monkeypatch.setenv("BRIEFING_BROWSER", "/nonexistent/chromium")
    app = run_page(PAGE, {"lang": "fr"})
    labels = [b.label for b in app.get("download_button")]
    assert t("briefing.download.pptx", "fr") in labels and t("briefing.download.pdf", "fr") in labels
    note = t("briefing.no_image", "fr", reason=t("briefing.renderer.no_browser", "fr"))
    assert note in [c.value for c in app.caption]


def test_a_chart_slide_offers_its_chart_as_png():
    app = run_page(PAGE, {"lang": "fr", "slide": "3"})
    assert t("chart.png", "fr") in [b.label for b in app.get("download_button")]
    app = run_page(PAGE, {"lang": "fr", "slide": "1"})  # tiles, no chart
    assert t("chart.png", "fr") not in [b.label for b in app.get("download_button")]
