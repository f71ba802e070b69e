"""Exports for spreadsheets (CSV, XLSX) with formula injection neutralised (pure: no Streamlit).

A cell that starts with = + - @, a tab or a carriage return can run as a formula when a spreadsheet opens the
file (`=HYPERLINK(...)`, `+1+1`, `@SUM(...)`). Such text gets a leading apostrophe; plain numbers ("-12",
"+3.5") are left alone. Column names are treated like cells."""
from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)([eE][+-]?\d+)?$")
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise_formula(value: object) -> object:
    """Text that a spreadsheet could run as a formula → the same text behind a `'`; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and column name neutralised."""
    out = frame.copy()
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    text = [pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype) for dtype in out.dtypes]
    for column in out.columns[text]:
        # Series.map costs about a millisecond a column; most columns have no cell to change (map keeps the dtype,
        # so the copy is then already the answer)
        if any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in out[column].tolist()):
            out[column] = out[column].map(neutralise_formula)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel then reads accents right), comma-separated, formulas neutralised; numbers without a
    trailing '.0' (a float column of whole amounts reads 12500000, not 12500000.0)."""
    return neutralise_frame(frame).to_csv(index=False, float_format="%.15g").encode("utf-8-sig")


def _sheet_title(name: str, taken: set[str]) -> str:
    title = INVALID_SHEET_CHARS.sub("_", str(name)).strip("'")[:31] or "Sheet"
    candidate, n = title, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars → Python
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(value, (list, tuple, set, dict)):
        value = str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()  # a day (a rate's date), not a midnight timestamp
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return neutralise_formula(value)


WIDTH_MIN, WIDTH_MAX = 8, 60  # characters: a long title wraps the sheet no wider than a screen


def _format_sheet(sheet) -> None:
    """Columns as wide as their content (within limits), whole numbers with thousands separators (shown in the
    reader's own locale by the spreadsheet), days as ISO dates like the text dates beside them."""
    for column in sheet.iter_cols():
        width = max((len(str(c.value)) for c in column if c.value is not None), default=0)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, WIDTH_MIN), WIDTH_MAX)
        for cell in column[1:]:
            if isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def to_xlsx_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame (bold header row), every text cell written as text, formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, frame in frames.items():
        sheet = book.create_sheet(_sheet_title(name, taken))
        sheet.append([neutralise_formula(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula (openpyxl reads a leading '=' as one)
        sheet.freeze_panes = "A2"
        _format_sheet(sheet)
    if not frames:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def canonical_csv_bytes(table: str, frame: pd.DataFrame) -> bytes:
    """A validated table as the CSV a user can edit and upload back: the README's columns in order, numbers
    without a trailing '.0', booleans as true/false, missing values empty, formulas neutralised."""
    from data.schema import TABLES

    columns = TABLES[table].column_names
    out = frame.reindex(columns=columns).astype(object)
    out = out.map(lambda v: None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                  else ("true" if v is True else "false" if v is False
                        else format(v, ".15g") if isinstance(v, float) else v))
    return neutralise_frame(out).to_csv(index=False).encode("utf-8-sig")


def write_canonical_tables(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """`<folder>/<table>.csv` for each table, each written atomically; the paths written."""
    from files import atomic_write

    paths = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        atomic_write(path, canonical_csv_bytes(name, frame))
        paths.append(path)
    return paths
