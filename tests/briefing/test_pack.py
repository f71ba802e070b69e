"""Packs without a browser: the PPTX and PDF carry every slide, title and key message; without Chromium they
are still made, with a note instead of pictures; briefing never loads Streamlit."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from briefing.pack import render_deck_images
from briefing.pdf_pack import make_pdf_bytes
from briefing.pptx_pack import make_pptx_bytes
from briefing.slides import build_deck, describe_filters
from data.filters import FilterState
from data.metrics import compute_funding

from .conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]


def png(width=40, height=20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#0072B2").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module", params=["en", "fr"])
def deck(request, portfolio):
    state = FilterState(lang=request.param)
    return build_deck(portfolio, portfolio.locations, compute_funding(portfolio.funding, "USD"), state, TODAY, "v0007",
                      ("P1",))


def texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_pptx_is_16_9_with_one_slide_per_deck_slide_each_with_title_message_and_footer(deck):
    images = [png() if s.figure is not None else None for s in deck.slides]
    presentation = Presentation(io.BytesIO(make_pptx_bytes(deck, images)))
    assert presentation.slide_width * 9 == pytest.approx(presentation.slide_height * 16, rel=1e-3)
    slides = list(presentation.slides)
    assert len(slides) == len(deck.slides) == 8  # 5 portfolio slides, 1 project, not published, sources
    for number, (slide, model) in enumerate(zip(slides, deck.slides), start=1):
        text = texts(slide)
        assert model.title in text and model.message in text
        assert "v0007" in text and f"{number}/8" in text
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == (model.figure is not None)
    keys = [s.key for s in deck.slides]
    assert keys == ["headline", "map", "donors", "status", "households", "project:P1", "not_published", "sources"]


def test_pdf_has_a_page_per_slide_and_embeds_its_font(deck):
    pdf = make_pdf_bytes(deck, [None] * len(deck.slides))
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == len(deck.slides)
    assert b"/FontFile2" in pdf  # DejaVu Sans embedded: '—' and '’' print


def test_without_chromium_the_pack_is_made_with_a_note_instead_of_pictures(deck, monkeypatch):
    monkeypatch.setenv("BRIEFING_BROWSER", "/nonexistent/chromium")
    images, note = render_deck_images(deck)
    assert images == [None] * len(deck.slides) and "Chromium" in note
    presentation = Presentation(io.BytesIO(make_pptx_bytes(deck, images, note)))
    figure_slides = [s for s, m in zip(presentation.slides, deck.slides) if m.figure is not None]
    assert figure_slides and all(note in texts(s) for s in figure_slides)
    assert not [s for slide in presentation.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


@pytest.mark.parametrize(("state", "lang", "expected"), [
    (FilterState(), "en", "No filter: the whole portfolio"),
    (FilterState(donors=("Sweden", "Japan"), provinces=("CD61",)), "en",
     "Donor: Sweden and Japan; Province: Nord-Kivu"),
    (FilterState(statuses=("2", "none"), year_from=2020), "fr",
     "Statut\u00a0: Mise en œuvre et statut non publié\u202f; Années\u00a0: 2020–…"),
])
def test_filters_are_stated_in_words(state, lang, expected):
    assert describe_filters(state, lang) == expected


def test_importing_briefing_does_not_load_streamlit():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "briefing").glob("*.py"))
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    done = subprocess.run([sys.executable, "-c", code + "print('streamlit' in sys.modules)"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(("lang", "orgs"), [("en", "IOM"), ("fr", "OIM")])  # data/organisations.toml: IOM's names
def test_a_project_slide_names_its_implementing_organisations_in_the_slides_language(portfolio, lang, orgs):
    from components.i18n import t

    deck = build_deck(portfolio, portfolio.locations, compute_funding(portfolio.funding, "USD"), FilterState(lang=lang),
                      TODAY, "v0007", ("P1",))
    slide = next(s for s in deck.slides if s.key == "project:P1")
    assert slide.bullets == (t("briefing.project.implementing", lang, orgs=orgs),)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_map_slide_says_which_listed_provinces_rest_on_an_equal_split(portfolio, lang):
    from components.i18n import t
    from geo.provinces import province_name
    from tests.components.test_exports import split_portfolio

    def split_bullets(data) -> list[str]:
        deck = build_deck(data, data.locations, compute_funding(data.funding, "USD"), FilterState(lang=lang), TODAY,
                          "v0007")
        prefix = t("briefing.map.split_assumed", lang, provinces="").rstrip(".")
        return [b for b in next(s for s in deck.slides if s.key == "map").bullets if b.startswith(prefix)]

    # P1's 6,000,000 split equally between Nord-Kivu and Ituri (no share published): said once, naming both and
    # not Tanganyika (P2's 3,000,000 there is its own)
    said = split_bullets(split_portfolio())
    assert len(said) == 1 and province_name("CD61") in said[0] and province_name("CD54") in said[0]
    assert province_name("CD74") not in said[0]
    assert split_bullets(portfolio) == []  # each project in one province: nothing to say
