"""Read table files (CSV in common encodings and delimiters, XLSX) into raw string frames."""
from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from data.intake.headers import LOOKAHEAD, MAX_HEADER_ROW, cell_text, find_header
from data.schema import ROW_COLUMN, Problem

DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"
MAX_CELL_CHARS = 32_767  # the longest cell Excel writes
MAX_COLUMNS = 16_384  # the widest sheet Excel writes
HEAD_ROWS = MAX_HEADER_ROW + LOOKAHEAD * 50 + 2  # all the rows data.intake.headers.find_header looks at
SHARED_CELLS = 200_000  # distinct shared cells at most, all columns together (checked per chunk); past that, only
# those seen are shared
CHUNK_ROWS = 128  # CSV rows read, checked and added to the columns at a time (more is slower: the cache)
# Rows after which a column holding more than half as many distinct cells as rows is no longer shared: ids, amounts
# and titles gain nothing from it, and a dictionary lookup of each of their cells was a third of a CSV's reading.
SHARE_JUDGED = 4096


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
    notes: tuple[Problem, ...] = ()  # what reading found: rows skipped above the header, sheets that hold no table


@dataclass
class Derived:
    """Canonical raw tables derived from one source (an IATI file, an HXL 3W sheet, a flat sheet).

    Every derived row carries `_row`, the number of the source record it came from (spreadsheet row, or the
    n-th activity of an IATI file), so that counts are per source record: rows_in = accepted + rejected.
    Source records refused while deriving (out of scope, facts that disagree…) appear in no table: they are in
    `rejected_rows` (as read, with `_row`) and each has an error in `problems` (data.portfolio.compute_refused_rows
    puts them side by side)."""

    source: str
    format: str  # iati | hxl | flat
    rows_in: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # canonical name → canonical columns + _row
    problems: list[Problem] = field(default_factory=list)  # errors (row refused) and warnings (row kept)
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict | None = None  # format-specific counts for the report (IATI: scope and held-back reasons)
    records: dict[int, str] = field(default_factory=dict)  # source record → its project id, where tables don't say


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
    """Pick the delimiter that splits the first line into the most columns."""
    header = text[:MAX_CELL_CHARS].splitlines()[0] if text else ""
    try:
        return max(DELIMITERS, key=lambda d: (len(next(csv.reader([header], delimiter=d))), d == ","))
    except csv.Error:
        return ","  # the reader itself then says what is wrong with the line


def check_bounds(rows: Iterable[list[str]], name: str, start: int = 1) -> None:
    """Refuse a line or a cell no spreadsheet would write: reading them would take the memory of the app."""
    for number, row in enumerate(rows, start=start):
        if len(row) > MAX_COLUMNS:
            raise UnreadableFileError(f"{name}: record {number} has {len(row):,} cells (limit {MAX_COLUMNS:,}, "
                                      "Excel's own): not a table")
        longest = max(map(len, row), default=0)
        if longest > MAX_CELL_CHARS:
            raise UnreadableFileError(f"{name}: record {number} has a cell of {longest:,} characters (limit "
                                      f"{MAX_CELL_CHARS:,}, Excel's own): not a table")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their endings (\\n, \\r or \\r\\n, as open(newline="") splits them), one at a
    time: io.StringIO would first copy the whole text at four bytes a character."""
    return map(re.Match.group, _LINE.finditer(text))


def _bounded(rows: Iterator[list[str]], name: str, start: int) -> Iterator[list[str]]:
    """The rows, each checked by check_bounds as it is read."""
    for number, row in enumerate(rows, start=start):
        if len(row) > MAX_COLUMNS or max(map(len, row), default=0) > MAX_CELL_CHARS:
            check_bounds([row], name, number)
        yield row


def _check_chunk(rows: list[list[str]], name: str, start: int) -> None:
    """check_bounds on a chunk of rows, the widths and lengths first taken at C speed."""
    if rows and (max(map(len, rows)) > MAX_COLUMNS
                 or max(map(len, itertools.chain.from_iterable(rows)), default=0) > MAX_CELL_CHARS):
        check_bounds(rows, name, start)


def _bounded_chunks(rows: Iterator[list[str]], name: str, start: int) -> Iterator[list[list[str]]]:
    """The rows in chunks of CHUNK_ROWS, each chunk checked by check_bounds before it is used (and before a CSV
    error further on is raised, so that the first record at fault is the one named)."""
    while True:
        chunk: list[list[str]] = []
        try:
            chunk.extend(itertools.islice(rows, CHUNK_ROWS))
        except csv.Error:
            _check_chunk(chunk, name, start)
            raise
        if not chunk:
            return
        _check_chunk(chunk, name, start)
        yield chunk
        start += len(chunk)


def parse_csv_table(text: str, name: str, delimiter: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """CSV text → (frame of strings with `_row`, warnings about the rows skipped above the header). The rows are
    read one at a time into the frame's columns, never held as a list of lists."""
    if not text.strip():
        raise UnreadableFileError(f"{name}: the file is empty")
    delimiter = delimiter or sniff_delimiter(text)
    # newline="" semantics: the csv module handles \r, \n and \r\n itself, including inside quoted cells
    reader = csv.reader(_lines(text), delimiter=delimiter)
    try:
        head = list(_bounded(itertools.islice(reader, HEAD_ROWS), name, 1))
        return rows_to_frame(head, name, more=_bounded_chunks(reader, name, len(head) + 1), text_cells=True)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFileError(f"{name}: a cell of more than {csv.field_size_limit():,} characters (limit "
                                      f"{MAX_CELL_CHARS:,}, Excel's own): not a table") from None
        raise UnreadableFileError(f"{name}: not a readable CSV table ({exc})") from None


def rows_to_frame(rows: list[list[object]], name: str, more: Iterable[list[list[object]]] = (),
                  text_cells: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """The header row (found by data.intake.headers in `rows`) plus the data rows under it and those of `more`
    (chunks of rows), as strings (text_cells: every cell already is one, as in a CSV); fully blank rows are
    skipped but keep their numbers. UnreadableFileError when no row looks like a header. Equal cells become one
    string object (an upload repeats donors, dates, codes and notes on every row)."""
    found = find_header(rows, name)
    if found is None:
        for _ in more:  # every row is still checked: a huge line says so rather than "no header"
            pass
        raise UnreadableFileError(f"{name}: no header row (no row in the first {MAX_HEADER_ROW} looks like "
                                  "column names)")
    header = found.names
    width = len(header)
    columns: list[list[object]] = [[] for _ in range(width)]
    numbers: list[int] = []
    shared: list[dict[str, str] | None] = [{} for _ in range(width)]  # None: a column not shared (see SHARE_JUDGED)
    start = found.index + 2
    for chunk in itertools.chain([rows[found.index + 1:]], more):
        if not text_cells:
            chunk = [["" if c is None else (c if isinstance(c, str) else cell_text(c)) for c in row[:width]]
                     for row in chunk]
        kept = [position for position, row in enumerate(chunk) if "".join(row[:width]).strip()]
        padded = [row if len(row) >= width else row + [""] * (width - len(row)) for row in map(chunk.__getitem__, kept)]
        more_shared = sum(len(same) for same in shared if same is not None) < SHARED_CELLS
        for column, cells, same in zip(columns, zip(*padded), shared):
            if same is None:
                column.extend(cells)
            else:
                column.extend(map(same.setdefault if more_shared else same.get, cells, cells))
        if len(numbers) < SHARE_JUDGED <= len(numbers) + len(kept):
            shared = [None if same is None or 2 * len(same) > len(column) else same
                      for column, same in zip(columns, shared)]
        numbers += [start + position for position in kept]
        start += len(chunk)
    frame = pd.DataFrame({name: pd.Series(column, dtype=object) for name, column in zip(header, columns)}
                         | {ROW_COLUMN: pd.Series(numbers, dtype="int64")}, columns=[*header, ROW_COLUMN])
    return frame, found.notes


def parse_xlsx_bytes(data: bytes, name: str) -> list[RawTable]:
    """Read every sheet of a workbook that holds a table (values, not formulas); a sheet that does not is
    skipped with a note, carried by the first table read."""
    import openpyxl  # imported lazily: only workbook users pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFileError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    tables: list[RawTable] = []
    notes: list[Problem] = []
    try:
        for sheet in book.worksheets:
            source = f"{name}#{sheet.title}"
            try:  # read-only mode parses each sheet lazily: damage shows up here, not at load
                rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            except Exception as exc:
                raise UnreadableFileError(f"{name}: sheet '{sheet.title}' is damaged ({type(exc).__name__})") \
                    from None
            if not rows or not any(c not in (None, "") for r in rows for c in r):
                continue
            try:
                frame, skipped = rows_to_frame(rows, source)
            except UnreadableFileError as exc:
                reason = str(exc).split(": ", 1)[-1]
                notes.append(Problem(source, None, None, f"sheet '{sheet.title}' skipped: {reason}", "warning"))
                continue
            tables.append(RawTable(source, frame, notes=tuple(skipped)))
    finally:
        book.close()
    if not tables:
        detail = "; ".join(p.reason for p in notes)
        raise UnreadableFileError(f"{name}: the workbook has no data" + (f" ({detail})" if detail else ""))
    tables[0] = RawTable(tables[0].source, tables[0].frame, notes=(*notes, *tables[0].notes))
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
    frame, skipped = parse_csv_table(text, name, delimiter)
    return [RawTable(name, frame, encoding, delimiter, notes=tuple(skipped))]
