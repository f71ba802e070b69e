"""The briefing as a PDF with the same slides as the PPTX (fpdf2, DejaVu Sans embedded)."""
from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from fpdf import FPDF

from briefing import layout
from briefing.layout import Box
from briefing.slides import Deck

log = logging.getLogger(__name__)
FAMILY = "DejaVu"


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", unit="in", format=(layout.HEIGHT, layout.WIDTH))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        regular, bold = layout.font_path("regular"), layout.font_path("bold")
        self.unicode = regular is not None
        if self.unicode:
            self.add_font(FAMILY, "", str(regular))
            self.add_font(FAMILY, "B", str(bold or regular))
        else:  # the built-in fonts only know Latin-1: the pack is still made, with '?' for the rest
            log.warning("briefing: DejaVu Sans not found (Debian fonts-dejavu-core): PDF text falls back to Latin-1")

    def clean(self, text: str) -> str:
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def text_box(self, box: Box, lines: Sequence[str], size: int, colour=layout.INK, bold: bool = False,
                 valign: str = "top", bullet: bool = False, align: str = "L") -> None:
        self.set_font(FAMILY if self.unicode else "helvetica", "B" if bold else "", size)
        self.set_text_color(*colour)
        height = size * 1.2 / 72
        texts = [self.clean(f"• {line}" if bullet and self.unicode else f"- {line}" if bullet else line)
                 for line in lines]
        wrapped = sum(len(self.multi_cell(box.width, height, text, dry_run=True, output="LINES")) for text in texts)
        used = wrapped * height + (len(texts) - 1) * (size * 0.4 / 72 if bullet else 0)
        offset = {"top": 0.0, "middle": (box.height - used) / 2, "bottom": box.height - used}[valign]
        self.set_xy(box.left, box.top + max(offset, 0.0))
        for text in texts:
            self.set_x(box.left)
            self.multi_cell(box.width, height, text, align=align)
            if bullet:
                self.set_y(self.get_y() + size * 0.4 / 72)


def make_pdf_bytes(deck: Deck, images: Sequence[bytes | None], note: str | None = None) -> bytes:
    """One landscape 16:9 page per slide, laid out like the PPTX (briefing.layout)."""
    pdf = _Document()
    pdf.set_title(deck.title)
    pdf.set_lang(deck.lang)
    total = len(deck.slides)
    for number, (model, image) in enumerate(zip(deck.slides, images), start=1):
        pdf.add_page()
        pdf.text_box(layout.TITLE, [model.title], layout.fit_size(model.title, layout.TITLE, layout.TITLE_PT,
                                                                  weight="bold"), bold=True, valign="middle")
        pdf.text_box(layout.MESSAGE, [model.message], layout.fit_size(model.message, layout.MESSAGE,
                                                                      layout.MESSAGE_PT), colour=layout.ACCENT)
        boxes = layout.body_boxes(model)
        if "figure" in boxes:
            box = boxes["figure"]
            if image:
                pdf.image(io.BytesIO(image), x=box.left, y=box.top, w=box.width, h=box.height)
            elif note:
                pdf.text_box(box, [note], layout.BULLET_PT, colour=layout.MUTED, valign="middle")
        if "tiles" in boxes:
            for (label, value), tile in zip(model.tiles, layout.tile_boxes(len(model.tiles), boxes["tiles"])):
                half = tile.height * 0.4
                pdf.text_box(Box(tile.left, tile.top, tile.width, half), [label], layout.TILE_LABEL_PT,
                             colour=layout.MUTED, valign="bottom")
                value_box = Box(tile.left, tile.top + half, tile.width, tile.height - half)
                pdf.text_box(value_box, [value], layout.fit_size(value, value_box, layout.TILE_VALUE_PT, weight="bold"),
                             bold=True)
        if "bullets" in boxes:
            size = layout.fit_size("\n".join(model.bullets), boxes["bullets"], layout.BULLET_PT, leading=1.6)
            pdf.text_box(boxes["bullets"], model.bullets, size, bullet=True)
        footer = f"{deck.footer} · {number}/{total}"
        pdf.text_box(layout.FOOTER, [footer], layout.fit_size(footer, layout.FOOTER, layout.FOOTER_PT, min_pt=8),
                     colour=layout.MUTED)
    return bytes(pdf.output())
