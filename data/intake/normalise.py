"""Turn the cells of one raw table (as people typed them) into the canonical text that validate_table accepts."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

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
    frame_records,
    is_missing,
    parse_bool,
)
from geo.provinces import PROVINCE_PCODES, match_province, province_name

MINIMUM_FLAG = "households_targeted_is_minimum"
CACHED_READINGS = 4096  # distinct cells remembered per lenient reader (codes, dates, currencies repeat on every row)


def _remembered(parse: Callable) -> Callable:
    """`parse` reading each distinct cell once (by type and value: 1, 1.0 and True differ); a refusal is raised
    again as a new ValueParseError with the same reason."""
    @functools.lru_cache(maxsize=CACHED_READINGS, typed=True)
    def outcome(*args: object) -> tuple[object, tuple[str, bool] | None]:
        try:
            return parse(*args), None
        except ValueParseError as exc:
            return None, (str(exc), exc.generic)

    def read(*args: object) -> object:
        try:
            value, refusal = outcome(*args)
        except TypeError:  # an unhashable cell
            return parse(*args)
        if refusal is not None:
            raise ValueParseError(*refusal)
        return value

    return read


def _same_text(raw: object, text: str) -> str:
    """The cell as read when it already is the canonical text: a large upload then holds one string, not two."""
    return raw if raw == text else text


_read_currency = _remembered(parse_currency_text)
_read_share = _remembered(parse_share_text)
_read_date = _remembered(parse_date_detail)
_read_count = _remembered(parse_count_text)
_read_code = _remembered(parse_code_label)


@dataclass
class NormalisedTable:
    """The table with canonical cell text (same rows, same `_row`), and what the reading found."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


class _Row:
    """One row's cells (by column name) and the problems found in it; cells are edited in place."""

    def __init__(self, cells: dict[str, object], number: int | None, file: str):
        self.cells = cells
        self.number = number
        self.file = file
        self.problems: list[Problem] = []
        # Reasons validate_table would give anyway: reported only if the row is refused here for another reason,
        # because a refused row never reaches validate_table and its list of reasons must be complete.
        self.pending: list[Problem] = []

    def get(self, column: str) -> object:
        return self.cells.get(column)

    def has(self, column: str) -> bool:
        return column in self.cells

    def filled(self, column: str) -> bool:
        return column in self.cells and not is_missing(self.cells[column])

    def error(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.number, column, reason, "error"))

    def warn(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.number, column, reason, "warning"))

    def all_problems(self) -> list[Problem]:
        refused = any(p.severity == "error" for p in self.problems)
        return self.problems + (self.pending if refused else [])


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


def _unreadable(row: _Row, col: Column, exc: ValueParseError) -> None:
    """Leave the cell as it was; add our reason only when it says more than validate_table will."""
    if _strict_accepts(col.kind, row.get(col.name)):
        return  # the schema reads it its own way ("12 5" → 125): its reading stands
    if exc.generic:
        row.pending.append(Problem(row.file, row.number, col.name, str(exc), "error"))
    else:
        row.error(col.name, str(exc))


def _normalise_currency(row: _Row, col: Column) -> None:
    try:
        code = _read_currency(row.get(col.name))
    except ValueParseError:
        return  # validate_table names the supported currencies
    if code is not None:
        row.cells[col.name] = code


def _normalise_amount(row: _Row, col: Column) -> None:
    raw = row.get(col.name)
    try:
        parsed = parse_amount_text(raw)
    except ValueParseError as exc:
        return _unreadable(row, col, exc)
    if parsed is None:
        return
    if parsed.currency and row.filled("currency"):
        stated = str(row.get("currency")).strip().upper()
        if stated != parsed.currency:
            # Left as typed, so validate_table rejects the row too.
            return row.error(col.name, f"amount says {parsed.currency} but currency says {stated}")
    if parsed.currency and row.has("currency") and not row.filled("currency"):
        row.cells["currency"] = parsed.currency
    row.cells[col.name] = _same_text(raw, format_amount(parsed.value))
    if parsed.note:
        row.warn(col.name, parsed.note)


def _normalise_share(row: _Row, col: Column) -> None:
    try:
        share = _read_share(row.get(col.name))
    except ValueParseError as exc:
        return _unreadable(row, col, exc)
    if share is not None:
        row.cells[col.name] = format_amount(share)


def _normalise_date(row: _Row, col: Column) -> None:
    try:
        parsed = _read_date(row.get(col.name))
    except ValueParseError as exc:
        return _unreadable(row, col, exc)
    if parsed is None:
        return
    row.cells[col.name] = parsed.date.text
    if parsed.note:
        row.warn(col.name, parsed.note)


def _normalise_count(row: _Row, col: Column) -> None:
    raw = row.get(col.name)
    try:
        parsed = _read_count(raw)
    except ValueParseError as exc:
        return _unreadable(row, col, exc)
    if parsed is None:
        return
    row.cells[col.name] = _same_text(raw, str(parsed.value))
    if not parsed.is_minimum:
        return
    if col.name == "households_targeted" and row.has(MINIMUM_FLAG):
        if not row.filled(MINIMUM_FLAG):
            row.cells[MINIMUM_FLAG] = "true"
        elif _strict_accepts("bool", row.get(MINIMUM_FLAG)) and parse_bool(row.get(MINIMUM_FLAG)) is False:
            row.warn(col.name, f"'{raw}' says 'more than' but {MINIMUM_FLAG} says false: kept false")
        return
    row.warn(col.name, f"read '{raw}' as {parsed.value}: this table cannot mark it as a minimum ('more than')")


def _normalise_code(row: _Row, col: Column) -> None:
    try:
        code = _read_code(col.name, row.get(col.name))
    except ValueParseError as exc:
        return _unreadable(row, col, exc)
    if code is not None:
        row.cells[col.name] = _same_text(row.get(col.name), str(code))


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


def _normalise_province(row: _Row, col: Column) -> None:
    """Fill or repair the P-code from a name; pre-2015 split names and unknown names are refused, never guessed."""
    code_text = row.get(col.name)
    if not is_missing(code_text):
        code = str(code_text).strip().upper()
        if code in PROVINCE_PCODES:
            row.cells[col.name] = code
            _check_name_agrees(row, code)
            return
        query, source = code_text, col.name
    elif row.filled("province_name"):
        query, source = row.get("province_name"), "province_name"
    else:
        return  # validate_table says the P-code is required
    pcode, warning, error = _province_reading(query)
    if error:
        return row.error(source, error)
    row.cells[col.name] = pcode
    if warning:
        row.warn(source, warning)


def _check_name_agrees(row: _Row, code: str) -> None:
    if not row.filled("province_name"):
        return
    match = match_province(row.get("province_name"))
    if match.pcode and match.pcode != code:
        row.warn("province_name", f"province_name '{str(row.get('province_name')).strip()}' is {match.pcode} "
                                  f"{province_name(match.pcode)} but province_pcode is {code} {province_name(code)}: "
                                  f"kept {code}")


_BY_KIND: dict[str, Callable[[_Row, Column], None]] = {
    "amount": _normalise_amount, "share": _normalise_share, "date": _normalise_date, "int": _normalise_count,
    "code": _normalise_code, "pcode": _normalise_province,
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


def normalise_table(table_name: str, frame: pd.DataFrame, file: str) -> NormalisedTable:
    """Read every cell of one raw table leniently; never raises on cell content (the problems say what happened)."""
    table = TABLES[table_name]
    out = frame.copy()
    for column in _derived_columns(table_name, out):
        out[column] = ""
    # The currency column first: an amount's symbol is compared with it.
    columns = sorted((c for c in table.columns if c.name in out.columns), key=lambda c: c.name != "currency")
    cells_out: dict[str, list[object]] = {col.name: [] for col in columns}
    problems: list[Problem] = []
    for position, cells in enumerate(frame_records(out)):  # a row's dict lives only while the row is read
        row = _Row(cells, _row_number(cells.get(ROW_COLUMN, position + 2), position), file)
        for col in columns:
            if col.name == "currency":
                _normalise_currency(row, col)
            elif col.kind == "pcode" or (col.kind in _BY_KIND and not is_missing(row.get(col.name))):
                _BY_KIND[col.kind](row, col)
        problems += row.all_problems()
        for name, values in cells_out.items():
            values.append(cells[name])
    # Only the table's columns are rebuilt (as text cells); `_row` and unknown columns keep their dtype.
    for name, values in cells_out.items():
        out[name] = pd.Series(values, index=out.index, dtype=object)
    return NormalisedTable(out, problems)
