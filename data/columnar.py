"""Parsed versions kept as Arrow files (Feather v2, LZ4) beside the original bytes, so a restart (or another replica)
reads columns instead of re-parsing and re-validating every cell.

The Arrow files are a cache, never the record: the original files stay the truth, and the folder is keyed on a
fingerprint of the code that parsed them (any change to data/ or the province reference re-parses)."""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from data.portfolio import FileReport, Portfolio
from data.prepared_store import is_current_file, prepared_file
from data.schema import SOURCE_COLUMN, Problem
from data.storage import StorageError, columnar_dir, scan_versions
from files import atomic_write, data_dir

if TYPE_CHECKING:
    from data.intake.pipeline import Intake

TABLES = ("projects", "funding", "locations", "sources", "documents")
REPORTS = "reports.json"
# Arrow IPC, not parquet: a 100,000-project version reads in ~0.3 s instead of ~1 s (no page decoding), for about
# the same size on disk (LZ4 against parquet's snappy and dictionary pages: ~30 MB at 100k).
SUFFIX = ".arrow"
DATES = ".dates.arrow"  # beside <table>.arrow: its date columns typed (data.schema.compute_date_bounds)
ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 (first 16 hex digits) of the code that turns files into a portfolio: data/, cells/ and
    geo/provinces.py."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "data").rglob("*.py"), *(ROOT / "data").rglob("*.toml"),
                        *(ROOT / "cells").rglob("*.py"), ROOT / "geo" / "provinces.py"]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def parse_fingerprint() -> str:
    """The code's fingerprint, combined with the mapping profiles saved in the data directory when there are any:
    a profile saved, edited or deleted changes how the stored files read, so their Arrow copy is not reused."""
    from data.intake.mapping import profiles_dir

    saved = sorted(profiles_dir(data_dir()).glob("*.toml"))
    if not saved:
        return code_fingerprint()
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in saved:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _report_dict(report: FileReport) -> dict:
    rows = None if report.rejected_rows is None else json.loads(
        report.rejected_rows.to_json(orient="split", index=False, date_format="iso", default_handler=str))
    return {**report.as_dict(), "rejected_rows": rows}


def _arrow_bytes(frame: pd.DataFrame, texts: Sequence[str] = ()) -> bytes:
    """`frame` as a Feather (Arrow IPC) file, those of the `texts` columns that hold text and repeat (_repeats)
    dictionary-encoded: read back by distinct value (_text_values)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name in texts:
        at = table.schema.get_field_index(name)
        if at >= 0 and (pa.types.is_string(table.schema.field(at).type)
                        or pa.types.is_large_string(table.schema.field(at).type)) and _repeats(table.column(at)):
            table = table.set_column(at, name, table.column(at).dictionary_encode())
    sink = pa.BufferOutputStream()
    feather.write_feather(table, sink, compression="lz4")
    return sink.getvalue().to_pybytes()


def save_columnar(folder: Path, portfolio: Portfolio) -> None:
    """Write the five tables as Arrow files and the reports as JSON; the reports file last (it marks completion)."""
    folder.mkdir(parents=True, exist_ok=True)
    objects = {name: [c for c in portfolio.table(name).columns if portfolio.table(name)[c].dtype == object]
               for name in TABLES}
    for name in TABLES:
        frame = portfolio.table(name)
        atomic_write(folder / f"{name}{SUFFIX}", _arrow_bytes(frame, objects[name]))
        dates = portfolio.date_bounds(name)
        if len(dates.columns):  # the typed dates (datetime64): a restart reads them instead of parsing the text
            atomic_write(folder / f"{name}{DATES}", _arrow_bytes(dates))
    payload = {"reports": [_report_dict(r) for r in portfolio.reports], "unreadable": list(portfolio.unreadable),
               "object_columns": objects}
    atomic_write(folder / REPORTS, json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"))


def _repeats(column: pa.ChunkedArray) -> bool:
    """Whether a text column holds each of its values ten times or more on average (donors, currencies, province
    codes, file names): read back by distinct value, one text object per value instead of one per row. Counted by
    Arrow (empty cells apart, as pandas' nunique counts them), first in the first tenth of the rows: when that
    already holds more than a tenth as many values, the column does not repeat (ids, titles: counting all of them
    is the slow part)."""
    rows = len(column)
    if 10 * _distinct(column.slice(0, rows // 10 + 1)) > rows:
        return False
    return rows >= 10 * max(_distinct(column), 1)


def _distinct(column: pa.ChunkedArray) -> int:
    return pc.count_distinct(column, mode="only_valid").as_py()


def _text_values(column: pa.ChunkedArray) -> np.ndarray:
    """A text column as an object array (str, None for empty); a dictionary-encoded one makes each distinct text
    once and takes it by the codes (a third of the time of one text per row for a donor column of 450,000 flows)."""
    if not pa.types.is_dictionary(column.type):
        return column.to_numpy(zero_copy_only=False)
    parts = []
    for chunk in column.chunks:
        distinct = np.empty(len(chunk.dictionary) + 1, dtype=object)  # the last slot: None, for an empty cell
        distinct[:-1] = chunk.dictionary.to_numpy(zero_copy_only=False)
        parts.append(distinct[chunk.indices.fill_null(len(chunk.dictionary)).to_numpy()])
    return np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else np.empty(0, dtype=object)


def _restore_types(frame: pd.DataFrame, object_columns: list[str]) -> pd.DataFrame:
    """Text columns back to what the parser gives: object dtype with None for empty (pandas reads them as str)."""
    for column in object_columns:
        if column in frame and frame[column].dtype != object:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _read_table(path: Path, object_columns: list[str]) -> pd.DataFrame:
    """One table as the parser gives it: text columns read by pyarrow straight into object arrays (str, None for
    empty; the dictionary-encoded ones by distinct value), the others through pandas."""
    table = feather.read_table(path)
    types = dict(zip(table.column_names, table.schema.types))
    text = [c for c in object_columns if c in types and (
        pa.types.is_string(types[c]) or pa.types.is_large_string(types[c]) or pa.types.is_null(types[c])
        or pa.types.is_dictionary(types[c]))]
    frame = table.drop_columns(text).to_pandas()
    for column in text:
        frame[column] = pd.Series(_text_values(table.column(column)), index=frame.index, dtype=object, copy=False)
    return _restore_types(frame[table.column_names], object_columns)


def _read_dates(path: Path, index: pd.Index) -> pd.DataFrame:
    """A table's typed dates: the bounds as datetime64, each *_precision column as compute_date_bounds gives it
    (object, None for empty) read by pyarrow straight into an object array (through pandas' str dtype and
    astype(object) it was ~0.15 s of a 100,000-project restart)."""
    table = feather.read_table(path)
    precision = [c for c in table.column_names if c.endswith("_precision")]
    frame = table.drop_columns(precision).to_pandas().set_axis(index)
    for column in precision:
        frame[column] = pd.Series(_text_values(table.column(column)), index=index, dtype=object, copy=False)
    return frame[table.column_names]


def load_columnar(folder: Path) -> Portfolio | None:
    """The portfolio saved by save_columnar, or None when it is absent or incomplete."""
    if not (folder / REPORTS).is_file():
        return None
    payload = json.loads((folder / REPORTS).read_text(encoding="utf-8"))
    tables = {name: _read_table(folder / f"{name}{SUFFIX}", payload["object_columns"][name]) for name in TABLES}
    typed = {name: _read_dates(folder / f"{name}{DATES}", tables[name].index)
             for name in TABLES if (folder / f"{name}{DATES}").is_file()}
    reports = []
    for item in payload["reports"]:
        rows = item.pop("rejected_rows")
        frame = None if rows is None else pd.DataFrame(rows["data"], columns=rows["columns"])
        findings = {kind: [Problem(item["path"], p["row"], p["column"], p["reason"], severity) for p in item.pop(kind)]
                    for kind, severity in (("rejected", "error"), ("warnings", "warning"))}
        reports.append(FileReport(**item, **findings, rejected_rows=frame))
    pa.default_memory_pool().release_unused()  # the read buffers: ~30 MB at 10,000 projects kept by the pool
    return Portfolio(**tables, reports=reports, unreadable=list(payload["unreadable"]), typed_dates=typed)


def save_parsed(version_id: str, paths: Sequence[Path], portfolio: Portfolio, fingerprint: str) -> None:
    """Keep the parse an editor just checked (parse_uploads of the version's files) as the version's Arrow copy,
    with file names turned into the stored paths load_intake would give, so the first render after a confirm reads
    columns instead of parsing the whole upload a second time. `fingerprint`: parse_fingerprint() when the files
    were parsed; a profile saved since then means the parse is stale, and the copy is left to the first load."""
    if fingerprint != parse_fingerprint():
        return
    stored = {path.name: str(path) for path in paths}

    def stored_path(name: object) -> object:
        file, hash_, sheet = str(name).partition("#")  # a workbook's sheet keeps its '#sheet'
        return stored[file] + hash_ + sheet if file in stored else name

    tables = {}
    for name in TABLES:
        frame = portfolio.table(name)
        if SOURCE_COLUMN in frame:
            frame = frame.assign(**{SOURCE_COLUMN: frame[SOURCE_COLUMN].replace(
                {value: stored_path(value) for value in frame[SOURCE_COLUMN].dropna().unique()})})
        tables[name] = frame
    reports = [replace(report, path=stored_path(report.path)) for report in portfolio.reports]
    save_columnar(columnar_dir(version_id, fingerprint),
                  replace(portfolio, **tables, reports=reports))


def prepared_path(version_id: str) -> Path | None:
    """Where the prepared model's pieces of a stored version are kept (data.prepared_store), beside its Arrow
    copy; None when the version id is not one the store makes."""
    try:
        return prepared_file(columnar_dir(version_id, parse_fingerprint()))
    except StorageError:
        return None


def collect_stale_copies() -> list[str]:
    """Remove the Arrow copies and prepared files of stored versions that this code no longer reads (made by
    other code, library versions or rates: each code change to data/ makes new ones, ~100 MB per 100,000-project
    version). They are derived from the original files, so a replica still running older code parses those again
    rather than failing. Returns the removed paths."""
    current, removed = parse_fingerprint(), []
    versions, _ = scan_versions()
    for version in versions:
        folder = columnar_dir(version.id, current)
        for child in sorted(folder.parent.iterdir()) if folder.parent.is_dir() else []:
            if child == folder:
                continue
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
            removed.append(str(child))
        for child in sorted(folder.glob("prepared-*")) if folder.is_dir() else []:
            if not is_current_file(child.name):
                child.unlink(missing_ok=True)
                removed.append(str(child))
    if removed:
        log.info("columnar copies: removed %d made by other code or rates", len(removed))
    return removed


def load_intake(paths: Sequence[Path]) -> Intake:
    """data.intake.load_intake, imported on first use: a restart that reads the Arrow copy never parses (the
    parsers' imports are ~0.25 s of it)."""
    from data.intake import load_intake as parse

    return parse(paths)


def load_version_portfolio(version_id: str, paths: Sequence[Path]) -> Portfolio:
    """A stored version's portfolio: from its Arrow copy when this code already parsed it, else parsed from the
    files (then saved as Arrow for the next start; a failure to save is logged, never fatal)."""
    try:
        folder = columnar_dir(version_id, parse_fingerprint())
    except StorageError:
        return load_intake(paths).portfolio
    try:
        cached = load_columnar(folder)
    except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged cache: parse the originals again
        log.warning("columnar copy of %s unreadable (%s): parsing the files", version_id, exc)
        cached = None
    if cached is not None:
        return cached
    portfolio = load_intake(paths).portfolio
    try:
        save_columnar(folder, portfolio)
    except (OSError, ValueError, TypeError) as exc:  # pyarrow raises ArrowException subclasses of these
        log.warning("columnar copy of %s not written (%s)", version_id, exc)
    return portfolio
