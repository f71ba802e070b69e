"""Where things go on a 16:9 slide (inches), shared by the PPTX and PDF builders, and text fitting.

Text is measured with DejaVu Sans, which is wider than the Calibri/Carlito a PPTX viewer uses: what fits here
fits there."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefing.slides import Slide

WIDTH, HEIGHT = 13.333, 7.5  # 16:9, PowerPoint's widescreen size
MARGIN = 0.6
DPI = 96  # a 1280-px-wide projector shows a 13.333-in slide at 96 px per inch
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
INK, MUTED, ACCENT = (17, 17, 17), (85, 85, 85), (0, 114, 178)  # near-black, dark grey, Okabe–Ito blue


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width * DPI), round(self.height * DPI)


TITLE = Box(MARGIN, 0.35, WIDTH - 2 * MARGIN, 0.85)
MESSAGE = Box(MARGIN, 1.25, WIDTH - 2 * MARGIN, 1.15)
BODY = Box(MARGIN, 2.5, WIDTH - 2 * MARGIN, 4.3)
FOOTER = Box(MARGIN, 6.95, WIDTH - 2 * MARGIN, 0.4)
TITLE_PT, MESSAGE_PT, BULLET_PT, FOOTER_PT = 32, 24, 20, 11
TILE_LABEL_PT, TILE_VALUE_PT = 18, 40


def font_path(weight: str = "regular") -> Path | None:
    """DejaVu Sans from Debian's fonts-dejavu-core (the PDF embeds it: built-in PDF fonts lack '—', '’'…)."""
    for folder in FONT_DIRS:
        candidate = folder / FONT_FILES[weight]
        if candidate.is_file():
            return candidate
    return None


@cache
def _font(size_pt: int, weight: str):
    from PIL import ImageFont

    path = font_path(weight)
    return ImageFont.truetype(str(path), size=size_pt * 10) if path else None  # 10 units per point: precision


def wrap(text: str, width_in: float, size_pt: int, weight: str = "regular") -> list[str]:
    """Greedy word wrap of `text` at `size_pt` into lines no wider than `width_in`."""
    font = _font(size_pt, weight)
    limit = width_in * 72 * 10  # in the font's units (10 per point)

    def width(s: str) -> float:
        return font.getlength(s) if font else len(s) * size_pt * 0.6 * 10

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and width(candidate) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def fit_size(text: str, box: Box, max_pt: int, min_pt: int = 12, weight: str = "regular",
             leading: float = 1.2) -> int:
    """The largest size (pt) at which `text` wraps inside `box`; `min_pt` when nothing fits."""
    for size in range(max_pt, min_pt - 1, -1):
        if len(wrap(text, box.width - 0.2, size, weight)) * size * leading / 72 <= box.height - 0.1:
            return size
    return min_pt


def body_boxes(slide: Slide) -> dict[str, Box]:
    """The body split between figure, tiles and bullets (whatever the slide has)."""
    has = {"figure": slide.figure is not None, "tiles": bool(slide.tiles), "bullets": bool(slide.bullets)}
    if has["figure"] and has["bullets"]:
        # A map of the DRC is about as tall as wide: a wider picture would only add white space.
        figure_width = BODY.height * 1.2 if slide.key == "map" else BODY.width * 0.62
        return {"figure": Box(BODY.left, BODY.top, figure_width, BODY.height),
                "bullets": Box(BODY.left + figure_width + 0.2, BODY.top, BODY.width - figure_width - 0.2, BODY.height)}
    if has["tiles"] and has["bullets"]:
        return {"tiles": Box(BODY.left, BODY.top, BODY.width, 2.1),
                "bullets": Box(BODY.left, BODY.top + 2.3, BODY.width, BODY.height - 2.3)}
    return {key: BODY for key, present in has.items() if present}


def tile_boxes(count: int, box: Box, columns: int = 3) -> list[Box]:
    """A grid of equal tiles, `columns` per row."""
    columns = min(columns, count) or 1
    rows = -(-count // columns)
    gap = 0.2
    width = (box.width - gap * (columns - 1)) / columns
    height = (box.height - gap * (rows - 1)) / rows
    return [Box(box.left + (i % columns) * (width + gap), box.top + (i // columns) * (height + gap), width, height)
            for i in range(count)]
