"""Turn the cells of one raw table (as people typed them) into the canonical text that validate_table accepts."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cells import column_cells, distinct_cells, distinct_rows, positions_of
from data.intake.values import (
    ValueParseError,
    format_amount,
    parse_amount_text,
    parse_code_label,
    parse_count_text,
    parse_currency_text,
    parse_date_detail,
    parse_share_text,
)
from data.schema import (
    COLUMN_KINDS,
    ROW_COLUMN,
    TABLES,
    Column,
    Problem,
    is_missing,
    parse_bool,
)
from geo.provinces import PROVINCE_PCODES, match_province, province_name

MINIMUM_FLAG = "households_targeted_is_minimum"
_KEEP = object()  # a reading that leaves the cell as it was


def _same_text(raw: object, text: str) -> str:
    """The cell as read when it already is the canonical text: a large upload then holds one string, not two."""
    return raw if raw == text else text


@dataclass
class NormalisedTable:
    """The table with canonical cell text (same rows, same `_row`), and what the reading found."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Reading:
    """What reading one distinct cell gives every row that holds it: the canonical text (or _KEEP), the problems
    (column, reason, severity), and `pending`: reasons validate_table would give anyway, reported only if the row
    is refused here for another reason (a refused row never reaches validate_table and its list of reasons must be
    complete). `parsed`: the reading itself, where a rule also looks at the row's other cells."""

    text: object = _KEEP
    problems: tuple[tuple[str, str, str], ...] = ()
    pending: tuple[tuple[str, str], ...] = ()
    parsed: object = None


_UNCHANGED = _Reading()


class _Found:
    """The problems of each row, in the order the columns are read (rows are numbered only when one is found)."""

    def __init__(self, file: str, row_cells: list | None):
        self.file = file
        self.row_cells = row_cells
        self.problems: dict[int, list[Problem]] = {}
        self.pending: dict[int, list[Problem]] = {}

    def _problem(self, position: int, column: str, reason: str, severity: str) -> Problem:
        cell = self.row_cells[position] if self.row_cells is not None else position + 2
        return Problem(self.file, _row_number(cell, position), column, reason, severity)

    def add(self, position: int, column: str, reason: str, severity: str = "error") -> None:
        self.problems.setdefault(position, []).append(self._problem(position, column, reason, severity))

    def add_reading(self, position: int, reading: _Reading) -> None:
        for column, reason, severity in reading.problems:
            self.add(position, column, reason, severity)
        for column, reason in reading.pending:
            self.pending.setdefault(position, []).append(self._problem(position, column, reason, "error"))

    def in_row_order(self) -> list[Problem]:
        out: list[Problem] = []
        for position in sorted(self.problems):
            found = self.problems[position]
            out += found
            if any(p.severity == "error" for p in found):
                out += self.pending.get(position, [])
        return out


def _read_column(values: list, read: Callable[[object], _Reading], found: _Found,
                 skip_missing: bool = True) -> tuple[np.ndarray, list[_Reading]]:
    """Read each distinct cell of a column once and report the readings' problems on every row that holds it;
    returns (index of each cell's reading, the readings)."""
    codes, uniques = distinct_cells(values)
    readings = [_UNCHANGED if skip_missing and is_missing(value) else read(value) for value in uniques]
    _report(codes, readings, found)
    return codes, readings


def _report(codes: np.ndarray, readings: list[_Reading], found: _Found) -> None:
    """The readings' problems on every row that holds the cell read."""
    for position in positions_of(codes, [i for i, r in enumerate(readings) if r.problems or r.pending]):
        found.add_reading(position, readings[codes[position]])


def _write(values: list, codes: np.ndarray, readings: list[_Reading]) -> None:
    """The canonical texts of the readings, in place of the cells they were read from."""
    texts = np.fromiter((r.text for r in readings), dtype=object, count=len(readings))
    positions = np.asarray(positions_of(codes, [i for i, text in enumerate(texts) if text is not _KEEP]), dtype=np.intp)
    for position, text in zip(positions.tolist(), texts[codes[positions]].tolist()):  # only the cells that change
        values[position] = text


def _normalise_column(values: list, read: Callable[[object], _Reading], found: _Found,
                      skip_missing: bool = True) -> None:
    _write(values, *_read_column(values, read, found, skip_missing))


_ANY_COLUMN = Column("_", "text", "")  # kinds checked here need no code list


def _strict_accepts(kind: str, value: object) -> bool:
    """Whether the schema's own parser would take the cell as it is (then its reading stands)."""
    if kind in ("code", "pcode", "adm2"):  # checked against code lists the cell alone does not carry
        return False
    try:
        COLUMN_KINDS[kind].check(value, _ANY_COLUMN, frozenset())
    except ValueError:
        return False
    return True


def _unreadable(col: Column, value: object, exc: ValueParseError) -> _Reading:
    """Leave the cell as it was; add our reason only when it says more than validate_table will."""
    if _strict_accepts(col.kind, value):
        return _UNCHANGED  # the schema reads it its own way ("12 5" → 125): its reading stands
    if exc.generic:
        return _Reading(pending=((col.name, str(exc)),))
    return _Reading(problems=((col.name, str(exc), "error"),))


def _read_currency(col: Column, value: object) -> _Reading:
    try:
        code = parse_currency_text(value)
    except ValueParseError:
        return _UNCHANGED  # validate_table names the supported currencies
    return _UNCHANGED if code is None else _Reading(code)


# Digits, with '.' and one or two decimals or not: parse_amount_text reads them as the decimal number they spell,
# with no note (three decimals may be thousands) and no currency. Most cells of a large upload.
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?")


def _plain_amount_text(number: float) -> str:
    """format_amount(number) for a number of at most 15 digits before the point: its repr has no exponent then,
    and is what format_amount writes (the Decimal of a repr prints its digits)."""
    text = repr(number)
    return text[:-2] if text.endswith(".0") else text


def _read_amount(col: Column, value: object) -> _Reading:
    if value.__class__ is str and _PLAIN_AMOUNT.fullmatch(value):
        text = _plain_amount_text(float(value))
        return _UNCHANGED if text == value else _Reading(text)
    try:
        parsed = parse_amount_text(value)
    except ValueParseError as exc:
        return _unreadable(col, value, exc)
    if parsed is None:
        return _UNCHANGED
    note = ((col.name, parsed.note, "warning"),) if parsed.note else ()
    return _Reading(_same_text(value, format_amount(parsed.value)), note, parsed=parsed)


_PLAIN_SHARE = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # as parse_share_text reads it: the decimal number it spells


def _read_share(col: Column, value: object) -> _Reading:
    if value.__class__ is str and _PLAIN_SHARE.fullmatch(value):
        return _Reading(format_amount(float(value)))
    try:
        share = parse_share_text(value)
    except ValueParseError as exc:
        return _unreadable(col, value, exc)
    return _UNCHANGED if share is None else _Reading(format_amount(share))


def _read_date(col: Column, value: object) -> _Reading:
    try:
        parsed = parse_date_detail(value)
    except ValueParseError as exc:
        return _unreadable(col, value, exc)
    if parsed is None:
        return _UNCHANGED
    return _Reading(parsed.date.text, ((col.name, parsed.note, "warning"),) if parsed.note else ())


def _read_count(col: Column, value: object) -> _Reading:
    try:
        parsed = parse_count_text(value)
    except ValueParseError as exc:
        return _unreadable(col, value, exc)
    if parsed is None:
        return _UNCHANGED
    return _Reading(_same_text(value, str(parsed.value)), parsed=parsed)


def _read_code(col: Column, value: object) -> _Reading:
    try:
        code = parse_code_label(col.name, value)
    except ValueParseError as exc:
        return _unreadable(col, value, exc)
    return _UNCHANGED if code is None else _Reading(_same_text(value, str(code)))


def _province_reading(query: object) -> tuple[str | None, str | None, str | None]:
    """(P-code, warning, error) for one province label, through geo.provinces.match_province."""
    match = match_province(query)
    shown = str(query).strip()
    if match.pcode and match.method in ("code", "exact", "variant"):
        return match.pcode, None, None
    if match.pcode:  # fuzzy, or a pre-2015 name with a single successor (Bas-Congo → Kongo-Central)
        how = f" ({match.note.rstrip('.')})" if match.note else ""
        return match.pcode, f"read '{shown}' as {match.pcode} {province_name(match.pcode)}{how}", None
    if match.method == "legacy-split":
        successors = ", ".join(f"{province_name(p)} ({p})" for p in match.candidates)
        return None, None, f"'{shown}' is a pre-2015 province now split into {successors}: give the successor province"
    reason = f"unknown province '{shown}'"
    if match.suggestions:
        reason += f"; did you mean {' or '.join(match.suggestions)}?"
    if match.note:
        reason += f" ({match.note.rstrip('.')})"
    return None, None, reason


def _read_province(col: Column, cells: tuple[object, object]) -> _Reading:
    """Fill or repair the P-code from a name; pre-2015 split names and unknown names are refused, never guessed.
    `cells`: the row's P-code cell and its province_name cell (_KEEP when the table has no such column)."""
    code_text, name = cells
    name_filled = name is not _KEEP and not is_missing(name)
    if not is_missing(code_text):
        code = str(code_text).strip().upper()
        if code in PROVINCE_PCODES:
            return _Reading(code, _name_disagrees(name, code) if name_filled else ())
        query, source = code_text, col.name
    elif name_filled:
        query, source = name, "province_name"
    else:
        return _UNCHANGED  # validate_table says the P-code is required
    pcode, warning, error = _province_reading(query)
    if error:
        return _Reading(problems=((source, error, "error"),))
    return _Reading(pcode, ((source, warning, "warning"),) if warning else ())


def _name_disagrees(name: object, code: str) -> tuple[tuple[str, str, str], ...]:
    match = match_province(name)
    if match.pcode and match.pcode != code:
        return (("province_name", f"province_name '{str(name).strip()}' is {match.pcode} "
                                  f"{province_name(match.pcode)} but province_pcode is {code} {province_name(code)}: "
                                  f"kept {code}", "warning"),)
    return ()


_BY_KIND: dict[str, Callable[[Column, object], _Reading]] = {
    "amount": _read_amount, "share": _read_share, "date": _read_date, "int": _read_count, "code": _read_code,
}


def _row_number(value: object, position: int) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return position + 2  # header is row 1, as schema._row_numbers counts without a _row column


def _derived_columns(table_name: str, frame: pd.DataFrame) -> list[str]:
    """Empty columns to add because another column can fill them (currency of '€12.5M', the P-code of a name…)."""
    names = TABLES[table_name].column_names
    wanted = {"currency": "amount", MINIMUM_FLAG: "households_targeted", "province_pcode": "province_name"}
    return [target for target, source in wanted.items()
            if target in names and source in frame.columns and target not in frame.columns]


def _filled(cells: dict[str, list], name: str, position: int) -> bool:
    return name in cells and not is_missing(cells[name][position])


def _amount_names_currency(col: Column, cells: dict[str, list], position: int, parsed: object,
                           found: _Found) -> bool:
    """An amount whose text names a currency ('€12.5M') fills an empty currency cell; it is left as typed (so
    validate_table refuses the row too) when the currency cell names another one. False: left as typed."""
    if _filled(cells, "currency", position):
        stated = str(cells["currency"][position]).strip().upper()
        if stated != parsed.currency:
            found.add(position, col.name, f"amount says {parsed.currency} but currency says {stated}")
            return False
    elif "currency" in cells:
        cells["currency"][position] = parsed.currency
    return True


def _count_is_minimum(col: Column, cells: dict[str, list], position: int, raw: object, value: int,
                      found: _Found) -> None:
    """'plus de 3 000': households_targeted_is_minimum says so where the table has it."""
    if col.name == "households_targeted" and MINIMUM_FLAG in cells:
        flag = cells[MINIMUM_FLAG][position]
        if is_missing(flag):
            cells[MINIMUM_FLAG][position] = "true"
        elif _strict_accepts("bool", flag) and parse_bool(flag) is False:
            found.add(position, col.name, f"'{raw}' says 'more than' but {MINIMUM_FLAG} says false: kept false",
                      "warning")
        return
    found.add(position, col.name, f"read '{raw}' as {value}: this table cannot mark it as a minimum ('more than')",
              "warning")


def _normalise_amounts(col: Column, cells: dict[str, list], found: _Found) -> None:
    """Amounts column by column, except the rows whose amount names a currency: compared with their own cell."""
    values = cells[col.name]
    codes, uniques = distinct_cells(values)
    readings = _read_amounts(col, uniques)
    _report(codes, readings, found)
    for position in positions_of(codes, [i for i, r in enumerate(readings) if r.parsed is not None]):
        parsed = readings[codes[position]].parsed
        if _amount_names_currency(col, cells, position, parsed, found):
            values[position] = _same_text(values[position], format_amount(parsed.value))
            if parsed.note:
                found.add(position, col.name, parsed.note, "warning")
    _write(values, codes, readings)


def _read_amounts(col: Column, values: list) -> list[_Reading]:
    """_strip_currency(_read_amount(…)) of each cell (missing ones left as they are), the plain amounts read here:
    amounts are mostly distinct, and the calls for each were most of their reading."""
    plain = _PLAIN_AMOUNT.fullmatch
    readings = []
    for value in values:
        if value.__class__ is str and plain(value):
            text = repr(float(value))
            if text.endswith(".0"):
                text = text[:-2]
            readings.append(_UNCHANGED if text == value else _Reading(text))
        else:
            readings.append(_UNCHANGED if is_missing(value) else _strip_currency(_read_amount(col, value)))
    return readings


def _strip_currency(reading: _Reading) -> _Reading:
    """Readings of amounts naming a currency are applied row by row (parsed kept); the others at once."""
    if reading.parsed is None:
        return reading
    if reading.parsed.currency:
        return _Reading(parsed=reading.parsed)
    return _Reading(reading.text, reading.problems, reading.pending)


def _normalise_counts(col: Column, cells: dict[str, list], found: _Found) -> None:
    values = cells[col.name]
    codes, readings = _read_column(values, lambda value: _read_count(col, value), found)
    minimum = [i for i, r in enumerate(readings) if r.parsed is not None and r.parsed.is_minimum]
    for position in positions_of(codes, minimum):
        _count_is_minimum(col, cells, position, values[position], readings[codes[position]].parsed.value, found)
    _write(values, codes, readings)


def _normalise_provinces(col: Column, cells: dict[str, list], found: _Found) -> None:
    """Once per distinct pair of P-code and province_name cells."""
    values = cells[col.name]
    names = cells.get("province_name")
    codes, firsts = distinct_rows([values] if names is None else [values, names])
    readings = [_read_province(col, (values[first], _KEEP if names is None else names[first])) for first in firsts]
    for position in positions_of(codes, [i for i, r in enumerate(readings) if r.problems or r.pending]):
        found.add_reading(position, readings[codes[position]])
    _write(values, codes, readings)


def normalise_table(table_name: str, frame: pd.DataFrame, file: str) -> NormalisedTable:
    """Read every cell of one raw table leniently; never raises on cell content (the problems say what happened).
    Column by column, each distinct cell read once; the problems are listed row by row, as the columns are read."""
    table = TABLES[table_name]
    out = frame.copy()
    for column in _derived_columns(table_name, out):
        out[column] = ""
    # The currency column first: an amount's symbol is compared with it.
    columns = sorted((c for c in table.columns if c.name in out.columns), key=lambda c: c.name != "currency")
    # Cells another column's rule reads or fills, even when they are not the table's (then left as they were).
    names = {c.name for c in columns} | ({"currency", MINIMUM_FLAG, "province_name"} & set(out.columns))
    cells = {name: column_cells(out, name) for name in names}
    found = _Found(file, column_cells(out, ROW_COLUMN) if ROW_COLUMN in out.columns else None)
    for col in columns:
        if col.name == "currency":
            _normalise_column(cells[col.name], lambda value, col=col: _read_currency(col, value), found,
                              skip_missing=False)
        elif col.kind == "pcode":
            _normalise_provinces(col, cells, found)
        elif col.kind == "amount":
            _normalise_amounts(col, cells, found)
        elif col.kind == "int":
            _normalise_counts(col, cells, found)
        elif col.kind in _BY_KIND:
            _normalise_column(cells[col.name], lambda value, col=col: _BY_KIND[col.kind](col, value), found)
    # Only the table's columns are rebuilt (as text cells); `_row` and unknown columns keep their dtype.
    for col in columns:
        out[col.name] = pd.Series(cells[col.name], index=out.index, dtype=object)
    return NormalisedTable(out, found.in_row_order())
