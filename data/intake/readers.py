"""Read table files (CSV in common encodings and delimiters, XLSX) into raw string frames."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.schema import FILE_COLUMN, ROW_COLUMN, Problem

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")  # utf-8-sig also reads plain UTF-8
DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"
MAX_BYTES_DEFAULT = 50 * 1024 * 1024


class UnreadableFileError(Exception):
    """The file cannot be read at all (as opposed to rows that fail validation)."""


@dataclass(frozen=True)
class RawTable:
    """Cells exactly as read (strings, blanks as ''), with the spreadsheet row number of each row."""

    source: str  # file name, plus "#sheet" for workbooks
    frame: pd.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    table: str | None = None  # the canonical table when already known (derived from IATI, HXL or a flat sheet)


@dataclass
class Derived:
    """Canonical raw tables derived from one source (an IATI file, an HXL 3W sheet, a flat sheet).

    Every derived row carries `_row`, the number of the source record it came from (spreadsheet row, or the
    n-th activity of an IATI file), so that counts are per source record: rows_in = accepted + rejected.
    Source records refused while deriving (out of scope, facts that disagree…) appear in no table: they are in
    `rejected_rows` (as read, with `_row`, `_column`, `_reason`) and each has an error in `problems`."""

    source: str
    format: str  # iati | hxl | flat
    rows_in: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # canonical name → canonical columns + _row
    problems: list[Problem] = field(default_factory=list)  # errors (row refused) and warnings (row kept)
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict | None = None  # format-specific counts for the report (IATI: scope and held-back reasons)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes trying UTF-8 (with or without BOM), UTF-16 (with BOM) then cp1252."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise UnreadableFileError(f"{name}: binary content, not a text table")
        return text, ("utf-8" if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf")
                      else encoding)
    raise UnreadableFileError(f"{name}: not readable as UTF-8, UTF-16 or cp1252 text")


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the header line into the most columns."""
    header = text.splitlines()[0] if text else ""
    return max(DELIMITERS, key=lambda d: (len(next(csv.reader([header], delimiter=d))), d == ","))


def parse_csv_text(text: str, name: str, delimiter: str | None = None) -> pd.DataFrame:
    """Parse CSV text into a frame of strings with a `_row` column (header = row 1)."""
    if not text.strip():
        raise UnreadableFileError(f"{name}: the file is empty")
    delimiter = delimiter or sniff_delimiter(text)
    try:  # newline="": the csv module handles \r, \n and \r\n itself, including inside quoted cells
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFileError(f"{name}: not a readable CSV table ({exc})") from None
    return rows_to_frame(rows, name)


def rows_to_frame(rows: list[list[object]], name: str) -> pd.DataFrame:
    """Turn a header row plus data rows into strings; skip fully blank rows but keep numbering."""
    if not rows or not any(str(c).strip() for c in rows[0] if c is not None):
        raise UnreadableFileError(f"{name}: no header row")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if "" in header:
        raise UnreadableFileError(f"{name}: a header cell is empty (column {header.index('') + 1})")
    header = _unique_header(header)
    records = []
    for number, row in enumerate(rows[1:], start=2):
        cells = ["" if c is None else (c if isinstance(c, str) else _cell_text(c)) for c in row]
        if not any(c.strip() for c in cells):
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        records.append(dict(zip(header, cells), **{ROW_COLUMN: number}))
    frame = pd.DataFrame(records, columns=header + [ROW_COLUMN])
    return frame.astype({c: object for c in header})


def _unique_header(header: list[str]) -> list[str]:
    """A repeated header keeps its cells under 'name (2)', so the schema reports it instead of one value vanishing."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _cell_text(value: object) -> str:
    """Spreadsheet cell → text as a person would type it (no '12500000.0' artefacts)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_xlsx_bytes(data: bytes, name: str) -> list[RawTable]:
    """Read every non-empty sheet of a workbook (values, not formulas)."""
    import openpyxl  # imported lazily: only workbook users pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFileError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    tables = []
    try:
        for sheet in book.worksheets:
            try:  # read-only mode parses each sheet lazily: damage shows up here, not at load
                rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            except Exception as exc:
                raise UnreadableFileError(f"{name}: sheet '{sheet.title}' is damaged ({type(exc).__name__})") \
                    from None
            if not rows or not any(c not in (None, "") for r in rows for c in r):
                continue
            tables.append(RawTable(f"{name}#{sheet.title}", rows_to_frame(rows, f"{name}#{sheet.title}")))
    finally:
        book.close()
    if not tables:
        raise UnreadableFileError(f"{name}: the workbook has no data")
    return tables


def parse_table_bytes(data: bytes, name: str) -> list[RawTable]:
    """Bytes of a CSV or XLSX file → raw tables (one per CSV, one per sheet)."""
    if not data:
        raise UnreadableFileError(f"{name}: the file is empty")
    if data.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        if not data.startswith(XLSX_MAGIC):
            raise UnreadableFileError(f"{name}: named .xlsx but is not a workbook")
        return parse_xlsx_bytes(data, name)
    text, encoding = decode_text(data, name)
    delimiter = sniff_delimiter(text)
    return [RawTable(name, parse_csv_text(text, name, delimiter), encoding, delimiter)]


def read_table_file(path: Path | str, max_bytes: int = MAX_BYTES_DEFAULT) -> list[RawTable]:
    """Read a CSV or XLSX file from disk; UnreadableFileError with a one-line reason otherwise."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(f"{path}: {size:,} bytes is above the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except IsADirectoryError:
        raise UnreadableFileError(f"{path}: is a directory, not a file") from None
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: no such file") from None
    except PermissionError:
        raise UnreadableFileError(f"{path}: permission denied") from None
    tables = parse_table_bytes(data, str(path))
    for table in tables:
        table.frame[FILE_COLUMN] = table.source
    return tables
