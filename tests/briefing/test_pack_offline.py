"""The command builds both packs with the network unplugged (inside a network namespace with no interface up,
so no request can leave the machine): the PPTX has every slide, title and non-blank picture, and its sentences
state the numbers the dashboard computes; every PDF page renders to a non-blank PNG with pdftoppm."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from briefing.narrative import format_share, top_donors
from briefing.pack import load_dataset, make_deck
from components.i18n import format_money, t
from components.images import renderer_problem
from data.filters import FilterState
from data.metrics import compute_by_donor, compute_funding, compute_kpis
from data.organisations import organisation_label

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-12-01"
TITLE_KEYS = ("headline", "map", "donors", "status", "households", None, "not_published", "sources")


def offline(command: list[str]) -> list[str]:
    """`command` inside a new network namespace (only a loopback, down): the network is unplugged."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode:
        pytest.skip("cannot create a network namespace here (unshare -n needs root or user namespaces)")
    return ["unshare", "-n", *command]


@pytest.fixture(scope="module", autouse=True)
def renderer():
    if renderer_problem():
        pytest.skip(f"no chart renderer: {renderer_problem()}")


def build(tmp_path: Path, fmt: str, lang: str) -> Path:
    out = tmp_path / f"pack.{fmt}"
    done = subprocess.run(offline([sys.executable, "-m", "briefing", "build", "--format", fmt, "--lang", lang,
                                   "--out", str(out), "--project", "NL-CISPE", "--today", TODAY]),
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "note:" not in done.stderr  # charts were drawn
    return out


def is_blank(image: Image.Image, share: float = 0.002) -> bool:
    """Fewer than `share` of the pixels differ visibly from white."""
    grey = image.convert("L")
    dark = sum(count for value, count in enumerate(grey.histogram()) if value < 200)
    return dark < share * grey.width * grey.height


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_pptx_offline_has_every_slide_title_picture_and_the_datas_numbers(tmp_path):
    lang = "fr"
    presentation = Presentation(str(build(tmp_path, "pptx", lang)))
    slides = list(presentation.slides)
    assert len(slides) == len(TITLE_KEYS)
    texts = [slide_text(s) for s in slides]
    for text, key in zip(texts, TITLE_KEYS):
        assert (t(f"briefing.slide.{key}", lang) if key else "NL-CISPE — ") in text
    pictures = [(i, shape) for i, s in enumerate(slides) for shape in s.shapes
                if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    full, version = load_dataset()
    deck = make_deck(full, FilterState(lang=lang), dt.date.fromisoformat(TODAY), version, ("NL-CISPE",))
    assert [i for i, _ in pictures] == [i for i, s in enumerate(deck.slides) if s.figure is not None]
    for _, picture in pictures:
        assert not is_blank(Image.open(io.BytesIO(picture.image.blob)))
    # The numbers, from the dashboard's own functions on the sample (not from the deck).
    kpis = compute_kpis(full, "USD")
    assert format_money(kpis["funding_committed"], "USD", lang) in texts[0]
    by_donor = compute_by_donor(compute_funding(full.funding, "USD"))
    largest = by_donor.dropna(subset=["amount"]).iloc[0]
    assert organisation_label(largest["donor"], lang) in texts[2]  # as the donor chart names it
    assert format_money(largest["amount"], "USD", lang) in texts[2]
    assert format_share(largest["amount"] / kpis["funding_committed"], lang) in texts[2]
    assert list(top_donors(deck.facts)["donor"])[0] == largest["donor"]


def test_pdf_offline_pages_render_to_non_blank_pngs(tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed")
    pdf = build(tmp_path, "pdf", "en")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(TITLE_KEYS)
    for page in pages:
        with Image.open(page) as image:
            assert image.width > image.height  # 16:9 landscape
            assert not is_blank(image), page.name


def test_chart_pngs_of_a_view_are_pictures():
    from components.exports import make_chart_pngs
    from components.view import View
    from data.filters import apply_filters, filter_flows

    full, _ = load_dataset()
    state = FilterState(lang="fr")
    result = apply_filters(full, state)
    converted = compute_funding(full.funding, "USD")
    view = View(state, full, result, filter_flows(converted, result.portfolio), dt.date(2026, 12, 1), converted)
    with zipfile.ZipFile(io.BytesIO(make_chart_pngs(view))) as archive:
        names = archive.namelist()
        assert {f"{t(f'export.chart.{c}', 'fr')}.png" for c in ("donors", "map", "timeline")} <= set(names)
        for name in names:
            assert not is_blank(Image.open(io.BytesIO(archive.read(name))))
