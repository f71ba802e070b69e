"""The briefing as a 16:9 PowerPoint file (python-pptx, blank layout, every box placed by briefing.layout)."""
from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from briefing import layout
from briefing.layout import Box
from briefing.slides import Deck

BLANK = 6  # the default template's blank layout: no placeholder to fight with


def _text(slide, box: Box, lines: Sequence[str], size: int, colour=layout.INK, bold: bool = False,
          align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, bullet: bool = False) -> None:
    shape = slide.shapes.add_textbox(Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}" if bullet else line
        paragraph.alignment = align
        paragraph.space_after = Pt(size * 0.4) if bullet else Pt(0)
        font = paragraph.runs[0].font if paragraph.runs else paragraph.font
        font.size, font.bold, font.color.rgb = Pt(size), bold, RGBColor(*colour)


def make_pptx_bytes(deck: Deck, images: Sequence[bytes | None], note: str | None = None) -> bytes:
    """One slide per deck slide: title, key message, picture or tiles, bullets, footer with the slide number.
    `images[i]` is slide i's chart as PNG (None: no picture; `note` then says why)."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(layout.WIDTH), Inches(layout.HEIGHT)
    presentation.core_properties.title = deck.title
    presentation.core_properties.language = deck.lang
    total = len(deck.slides)
    for number, (model, image) in enumerate(zip(deck.slides, images), start=1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
        _text(slide, layout.TITLE, [model.title], layout.fit_size(model.title, layout.TITLE, layout.TITLE_PT,
                                                                  weight="bold"), bold=True, anchor=MSO_ANCHOR.MIDDLE)
        _text(slide, layout.MESSAGE, [model.message], layout.fit_size(model.message, layout.MESSAGE,
                                                                      layout.MESSAGE_PT), colour=layout.ACCENT)
        boxes = layout.body_boxes(model)
        if "figure" in boxes:
            box = boxes["figure"]
            if image:
                slide.shapes.add_picture(io.BytesIO(image), Inches(box.left), Inches(box.top), Inches(box.width),
                                         Inches(box.height))
            elif note:
                _text(slide, box, [note], layout.BULLET_PT, colour=layout.MUTED, anchor=MSO_ANCHOR.MIDDLE)
        if "tiles" in boxes:
            for (label, value), tile in zip(model.tiles, layout.tile_boxes(len(model.tiles), boxes["tiles"])):
                half = tile.height * 0.4
                _text(slide, Box(tile.left, tile.top, tile.width, half), [label], layout.TILE_LABEL_PT,
                      colour=layout.MUTED, anchor=MSO_ANCHOR.BOTTOM)
                value_box = Box(tile.left, tile.top + half, tile.width, tile.height - half)
                _text(slide, value_box, [value], layout.fit_size(value, value_box, layout.TILE_VALUE_PT, weight="bold"),
                      bold=True)
        if "bullets" in boxes:
            text = "\n".join(model.bullets)
            size = layout.fit_size(text, boxes["bullets"], layout.BULLET_PT, leading=1.6)
            _text(slide, boxes["bullets"], model.bullets, size, bullet=True)
        footer = f"{deck.footer} · {number}/{total}"
        _text(slide, layout.FOOTER, [footer], layout.fit_size(footer, layout.FOOTER, layout.FOOTER_PT, min_pt=8),
              colour=layout.MUTED)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()
