"""A briefing pack: the deck's charts rendered once, then written as PPTX or PDF; and the deck of a dataset."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from briefing.layout import body_boxes
from briefing.pdf_pack import make_pdf_bytes
from briefing.pptx_pack import make_pptx_bytes
from briefing.slides import Deck, build_deck
from components.i18n import t
from components.images import base_map_available, render_pngs, renderer_problem
from data.filters import FilterState, apply_filters, filter_flows
from data.intake import load_intake
from data.metrics import compute_funding
from data.portfolio import SAMPLE_FILES, Portfolio
from data.storage import active_version, version_paths

FORMATS = {"pptx": make_pptx_bytes, "pdf": make_pdf_bytes}
MIME_TYPES = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
              "pdf": "application/pdf"}


def render_deck_images(deck: Deck) -> tuple[list[bytes | None], str | None]:
    """Each slide's chart as PNG at its size on the slide (None where a slide has none), and a note for the
    slides when pictures could not be made."""
    wanted = [(i, slide) for i, slide in enumerate(deck.slides) if slide.figure is not None]
    pngs = render_pngs([(slide.figure, *body_boxes(slide)["figure"].pixels) for _, slide in wanted])
    images: list[bytes | None] = [None] * len(deck.slides)
    for (i, _), png in zip(wanted, pngs):
        images[i] = png
    note = renderer_note(deck.lang)
    if note is None and any(png is None for png in pngs):
        note = t("briefing.image_failed", deck.lang)
    return images, note


def renderer_note(lang: str) -> str | None:
    """Why a pack made on this computer has no charts (no Chromium…), or None when it will have them."""
    problem = renderer_problem()
    return t("briefing.no_image", lang, reason=t(f"briefing.renderer.{problem}", lang)) if problem else None


def build_pack(deck: Deck, fmt: str) -> bytes:
    """The pack's bytes in `fmt` ("pptx" or "pdf")."""
    images, note = render_deck_images(deck)
    return FORMATS[fmt](deck, images, note)


def load_dataset(paths: Sequence[Path] | None = None) -> tuple[Portfolio, str | None]:
    """The given files, else the data in use (the active stored version, else the embedded sample) and its
    version id (None: the sample)."""
    if paths:
        return load_intake(list(paths)).portfolio, ", ".join(Path(p).name for p in paths)
    version = active_version()
    if version is None:
        return load_intake(list(SAMPLE_FILES)).portfolio, None
    return load_intake(version_paths(version)).portfolio, version.id


def make_deck(full: Portfolio, state: FilterState, today: dt.date, version: str | None,
              project_ids: tuple[str, ...] = ()) -> Deck:
    """The deck of a whole dataset under `state`'s filters, language and currency."""
    result = apply_filters(full, state)
    converted = filter_flows(compute_funding(full.funding, state.currency,
                                             full.date_bounds("funding")["value_date_first"]), result.portfolio)
    return build_deck(result.portfolio, full.locations, converted, replace(state), today,
                      version or t("briefing.version.sample", state.lang), project_ids, base_map_available())
