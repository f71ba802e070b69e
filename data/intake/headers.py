"""Find a sheet's header row (not always row 1) and normalise its cells; pure: rows in, a HeaderRow out.

API for readers and mapping profiles: `find_header(rows, source)` takes the raw rows of one sheet (lists of
cells as read: str, numbers, dates or None) and returns the header's index in `rows`, one normalised name per
column, and a warning per non-blank row skipped above it (titles, notes, merged banners) or blank header cell over
data; or None when no row looks like a header (the sheet is not a table). `clean_header_cell(cell)` is the cell
normalisation alone.

The header is the first row that is mostly text and nearly as wide as the rows under it: a title, a note or a
merged banner fills one or two cells of a table many columns wide. A sheet one or two columns wide has no room
for that distinction, so its first non-blank row is the header.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from data.schema import Problem

LOOKAHEAD = 20  # rows under a candidate that tell how wide the table is
MAX_HEADER_ROW = 50  # a header further down than this is not looked for: the sheet is not a table
MIN_FILL = 0.6  # share of the table's width a header row fills (a blank header cell or two is fine)
SHOWN = 60  # characters of a skipped row quoted in its warning

# Words that make a parenthesised part of a header an instruction to whoever fills the sheet, not a name.
_INSTRUCTION = re.compile(r"\b(?:choisi\w*|s[eé]lectionn\w*|select\w*|choose|indiqu\w*|indicate|enter|saisi\w*|"
                          r"remplir|fill|voir|see|liste d[eé]roulante|drop[- ]?down|obligatoire|optionnel|"
                          r"facultati\w*|required|optional|format|ex|e\.g|exemple|example)\b", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
# A digit or two glued to a word of four letters or more ("PROJET2"): an export's de-duplication mark.
# Shorter words keep theirs: adm1, admin2 and P-code levels are names, not marks.
_TRAILING_MARK = re.compile(r"(?<=[^\W\d_]{4})\d{1,2}$")
_KEEP_DIGITS = re.compile(r"(?:admin|level|niveau|phase|pcode)\d{1,2}$", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?[\d\s.,\u00a0]*\d[%]?", re.ASCII)


@dataclass(frozen=True)
class HeaderRow:
    """Where the header is and what it says.

    index: position of the header row in the rows given (0-based; the spreadsheet row is index + 1);
    names: one unique normalised name per column, blank header cells named 'column N' (1-based);
    notes: one warning per non-blank row skipped above the header (quoting it) and per blank header cell with
    data under it."""

    index: int
    names: list[str]
    notes: list[Problem] = field(default_factory=list)


def clean_header_cell(cell: object) -> str:
    """One header cell as a name: line breaks joined, an instruction in parentheses dropped, a trailing
    de-duplication digit dropped ('ETAT PROJET\\n(Choisir dans la liste déroulante)' → 'ETAT PROJET',
    'NOM ACTIVITE / PROJET2' → 'NOM ACTIVITE / PROJET'); '' for a blank cell."""
    if cell is None:
        return ""
    text = cell_text(cell).replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    # What follows a line that opens with '(' is help text written under the name ("(Choisir…)\nPour…").
    for number, line in enumerate(lines[1:], start=1):
        if line.startswith("("):
            lines = lines[:number]
            break
    text = " ".join(" ".join(lines).split())
    while (m := _TRAILING_PAREN.search(text)) and _INSTRUCTION.search(m[1]) and m.start() > 0:
        text = text[:m.start()].rstrip()
    if _TRAILING_MARK.search(text) and not _KEEP_DIGITS.search(text):
        text = _TRAILING_MARK.sub("", text).rstrip()
    return text


def unique_names(names: Sequence[str]) -> list[str]:
    """A repeated name keeps its cells under 'name (2)', so the report names it instead of one value vanishing."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def find_header(rows: Sequence[Sequence[object]], source: str) -> HeaderRow | None:
    """The header row of one sheet's raw rows, its normalised names and the rows skipped above it; None when no
    row in the first MAX_HEADER_ROW looks like a header (the sheet is not a table)."""
    filled = [_filled(row) for row in rows[:MAX_HEADER_ROW + LOOKAHEAD]]
    for index in range(min(len(filled), MAX_HEADER_ROW)):
        if not filled[index]:
            continue
        width = max(len(f) for f in filled[index:index + LOOKAHEAD + 1])
        cells = [rows[index][i] for i in filled[index]]
        if len(cells) >= max(1, math.ceil(MIN_FILL * width)) and _mostly_text(cells) and \
                (width <= 2 or len(cells) >= 2):
            names = _names(rows[index], rows[index + 1:index + 1 + LOOKAHEAD * 50])
            blank = [Problem(source, index + 1, name, f"{name} has data but no header cell: kept under that name",
                             "warning") for name, cell in zip(names, [*rows[index], *[None] * len(names)])
                     if not clean_header_cell(cell)]
            return HeaderRow(index, names, _skipped(rows[:index], source) + blank)
    return None


def _filled(row: Sequence[object]) -> list[int]:
    return [i for i, cell in enumerate(row) if cell is not None and cell_text(cell).strip()]


def _mostly_text(cells: list[object]) -> bool:
    """Header cells are words: at least half are neither numbers nor dates."""
    text = [c for c in cells if isinstance(c, str) and not _NUMBER.fullmatch(c.strip())]
    return len(text) * 2 >= len(cells)


def _names(header: Sequence[object], below: Sequence[Sequence[object]]) -> list[str]:
    """Cleaned names, trailing blank columns dropped unless data sits under them, blank ones named by position."""
    names = [clean_header_cell(c) for c in header]
    width = max([len(names)] + [max(_filled(row), default=-1) + 1 for row in below])
    names += [""] * (width - len(names))
    while names and not names[-1] and not any(len(r) >= len(names) and _filled(r[len(names) - 1:len(names)])
                                               for r in below):
        names.pop()
    return unique_names([name or f"column {number}" for number, name in enumerate(names, start=1)])


def _skipped(rows: Sequence[Sequence[object]], source: str) -> list[Problem]:
    problems = []
    for number, row in enumerate(rows, start=1):
        cells = [cell_text(row[i]).strip() for i in _filled(row)]
        if cells:
            shown = " | ".join(cells)
            shown = shown if len(shown) <= SHOWN else shown[:SHOWN - 1] + "…"
            problems.append(Problem(source, number, None, f"row {number} is above the header row, not data: "
                                                          f"skipped ('{shown}')", "warning"))
    return problems


def cell_text(value: object) -> str:
    """Spreadsheet cell → text as a person would type it (no '12500000.0' artefacts)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
