"""Intake: files of any supported format (CSV, XLSX, IATI XML, HXL 3W, flat sheets) → a validated portfolio.

Read → sniff → find the header → derive → rename headers → normalise cells → validate → reconcile. Nothing is
lost: every source record is either accepted (in the portfolio) or rejected with file, row, column and reason, and
`FileSummary` counts hold rows_in = accepted + rejected for every readable file (data.intake.reconcile).
Unreadable files, and files past the batch limit, get a one-line reason.
"""
from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from data.intake.aliases import rename_headers
from data.intake.assemble import parse_portfolio
from data.intake.flat import is_flat, split_flat
from data.intake.hxl import find_hxl_row, parse_hxl_frame
from data.intake.mapping import ProfileSet, apply_profile, foreign_country_reason, refuse_whole
from data.intake.normalise import normalise_table
from data.intake.privacy import find_contact_details
from data.intake.readers import XLSX_MAGIC, Derived, RawTable, UnreadableFileError, decode_text, parse_table_bytes
from data.intake.reconcile import recount_tables, refuse_incomplete_projects
from data.portfolio import SAMPLE_FILES, FileReport, Portfolio
from data.schema import ROW_COLUMN, TABLES, Problem, detect_table
from files import data_dir

MAX_UPLOAD_MB_DEFAULT = 50
MAX_BATCH_MB_DEFAULT = 150  # all files read at once (an upload, or a version with the files added to it)
MAX_UNCOMPRESSED_RATIO = 100  # a real workbook compresses ~5–20×; far more means a zip bomb
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xml": "xml"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy .xls are OLE compound files
REFUSED_MAGIC = {b"%PDF": "a PDF document", b"\x1f\x8b": "a gzip archive", b"\x89PNG": "a PNG image",
                 b"\xff\xd8\xff": "a JPEG image", b"7z\xbc\xaf": "a 7-Zip archive", b"Rar!": "a RAR archive"}


def max_upload_bytes() -> int:
    """The size limit per file: env DASHBOARD_MAX_UPLOAD_MB (default 50 MB)."""
    try:
        megabytes = float(os.environ.get("DASHBOARD_MAX_UPLOAD_MB", MAX_UPLOAD_MB_DEFAULT))
    except ValueError:
        megabytes = MAX_UPLOAD_MB_DEFAULT
    return int(max(megabytes, 0.001) * 1024 * 1024)


def max_batch_bytes() -> int:
    """The size limit of all files read together: env DASHBOARD_MAX_BATCH_MB (default 150 MB)."""
    try:
        megabytes = float(os.environ.get("DASHBOARD_MAX_BATCH_MB", MAX_BATCH_MB_DEFAULT))
    except ValueError:
        megabytes = MAX_BATCH_MB_DEFAULT
    return int(max(megabytes, 0.001) * 1024 * 1024)


def _batch_reason(name: str, total: int, limit: int) -> str:
    return (f"{name}: not read: with it the files come to {total:,} bytes, above the {limit:,}-byte limit for "
            "files read together (DASHBOARD_MAX_BATCH_MB)")


@dataclass
class FileSummary:
    """One file as the user gave it: its format and what became of its records."""

    path: str
    format: str  # csv | xlsx | iati | hxl | flat | unreadable (xlsx/csv sheets may be hxl or flat inside)
    rows_in: int = 0
    accepted: int = 0
    rejected: int = 0
    warnings: int = 0
    reason: str | None = None
    details: dict | None = None  # what the format's reader counted (IATI: scope, held back by reason)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Intake:
    """The validated portfolio plus one summary per file."""

    portfolio: Portfolio
    files: list[FileSummary] = field(default_factory=list)


@dataclass
class _Prepared:
    """A canonical raw table ready for validation, with what happened to it on the way."""

    raw: RawTable
    file: str  # the file it came from (sources of workbook sheets are "file#sheet")
    problems: list[Problem] = field(default_factory=list)
    refused: list[pd.DataFrame] = field(default_factory=list)


# --- sniffing and safety -----------------------------------------------------------------------------------

def sniff_format(name: str, data: bytes) -> str:
    """'csv', 'xlsx' or 'xml' from the content (the extension only has to be one we read)."""
    if not data:
        raise UnreadableFileError(f"{name}: the file is empty")
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        allowed = ", ".join(sorted(EXTENSIONS))
        raise UnreadableFileError(f"{name}: unsupported file type '{suffix or 'no extension'}' (expected {allowed})")
    if data.startswith(OLE_MAGIC):
        raise UnreadableFileError(f"{name}: a password-protected workbook or an old .xls file: save it as .xlsx "
                                  "without a password")
    for magic, what in REFUSED_MAGIC.items():
        if data.startswith(magic):
            raise UnreadableFileError(f"{name}: this is {what}, not a table (expected CSV, XLSX or IATI XML)")
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if suffix in (".xlsx", ".xlsm"):
        raise UnreadableFileError(f"{name}: named {suffix} but is not a workbook (damaged or another format)")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or head.startswith(b"\xff\xfe<") or head.startswith(b"\xfe\xff\x00<"):
        return "xml"
    return "csv"


def check_workbook_safety(name: str, data: bytes, max_bytes: int) -> None:
    """Refuse truncated zips and zip bombs before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise UnreadableFileError(f"{name}: truncated or damaged workbook (not a complete XLSX zip)") from None
    if "[Content_Types].xml" not in names:
        raise UnreadableFileError(f"{name}: a zip archive but not an XLSX workbook")
    if any(m.flag_bits & 0x1 for m in members):
        raise UnreadableFileError(f"{name}: an encrypted (password-protected) archive")
    declared = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    limit = min(MAX_UNCOMPRESSED_BYTES, max(max_bytes * MAX_UNCOMPRESSED_RATIO, 1))
    if declared > limit or (declared > 10 * 1024 * 1024 and declared / packed > 2 * MAX_UNCOMPRESSED_RATIO):
        raise UnreadableFileError(f"{name}: the workbook declares {declared:,} bytes once uncompressed "
                                  f"(limit {limit:,}): refused as a possible zip bomb")


# --- reading one file ----------------------------------------------------------------------------------------

Item = Derived | tuple[RawTable, list[Problem]]  # a derived source, or a canonical table + its header findings


def read_source(name: str, data: bytes, max_bytes: int | None = None,
                profiles: ProfileSet | None = None) -> tuple[str, list[Item]]:
    """One file's bytes → (format, derived sources or canonical tables); UnreadableFileError with a reason."""
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    profiles = ProfileSet.load(data_dir()) if profiles is None else profiles
    if len(data) > max_bytes:
        raise UnreadableFileError(f"{name}: {len(data):,} bytes is above the {max_bytes:,}-byte limit "
                                  "(DASHBOARD_MAX_UPLOAD_MB)")
    kind = sniff_format(name, data)
    if kind == "xml":
        from data.intake.iati import is_iati, parse_iati_bytes

        if not is_iati(data):
            # parse anyway so unsafe XML (entities, DTD) gets its specific reason
            parse_iati_bytes(data, name)
            raise UnreadableFileError(f"{name}: XML but not an IATI activity file (<iati-activities>)")
        return "iati", [parse_iati_bytes(data, name)]
    if kind == "xlsx":
        check_workbook_safety(name, data, max_bytes)
        tables = parse_table_bytes(data, name)
    else:
        text, _ = decode_text(data, name)
        if text.lstrip().startswith("<"):
            raise UnreadableFileError(f"{name}: XML or HTML content in a table file")
        tables = parse_table_bytes(data, name)
    from data.template import is_template_info_sheet

    # A filled-in template comes back with its notes and codes sheets: explanations, not data.
    notes = [note for table in tables if is_template_info_sheet(table.frame.columns) for note in table.notes]
    items = [_derive(table, profiles) for table in tables if not is_template_info_sheet(table.frame.columns)]
    if kind == "xlsx" and any(_is_table(item) for item in items):
        # Beside sheets that are tables, a sheet that is none (a README, a list of codes) is skipped with a note.
        for item in [i for i in items if not _is_table(i)]:
            raw, problems = item
            shown = ", ".join(str(c) for c in raw.frame.columns if not str(c).startswith("_"))
            notes += [p for p in problems if p.severity == "warning"]
            notes.append(Problem(raw.source, None, None, f"sheet skipped: its headers ({_shorten(shown)}) match no "
                                                         "table (projects, funding, locations, sources, documents)",
                                 "warning"))
            items.remove(item)
    if notes and items:
        _problems_of(items[0])[:0] = notes
    return kind, items


def _is_table(item: Item) -> bool:
    return isinstance(item, Derived) or item[0].table is not None


def _problems_of(item: Item) -> list[Problem]:
    return item.problems if isinstance(item, Derived) else item[1]


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _derive(table: RawTable, profiles: ProfileSet) -> Item:
    """A sheet a mapping profile knows, an HXL 3W sheet or a flat sheet becomes a Derived source; a canonical table
    stays a RawTable. A sheet about another country than the DRC is refused whole."""
    frame = table.frame
    profile = profiles.choose(frame)
    if profile is not None:
        derived = apply_profile(frame, profile, table.source)
        derived.problems[:0] = table.notes
        return derived
    foreign = foreign_country_reason(frame, table.source)
    tag_row = find_hxl_row(frame)
    if foreign:  # an HXL tag row under the header is not a record
        records = frame.iloc[1:] if tag_row is not None and tag_row > 1 else frame
        return refuse_whole(records, table.source, foreign, "hxl" if tag_row is not None else "csv")
    if tag_row is not None:
        derived = parse_hxl_frame(frame, table.source)
        derived.problems[:0] = table.notes
        return derived
    renamed, mapping = rename_headers(frame)
    problems = [*table.notes]
    problems += [Problem(table.source, None, original, f"header '{original}' also means {canonical}: ignored",
                         "warning") for canonical, originals in mapping.clashes for original in originals]
    columns = [c for c in renamed.columns if not str(c).startswith("_")]
    if "province_name" in columns and "province_pcode" not in columns:
        columns.append("province_pcode")  # the normaliser fills it from the name through the matcher
    if is_flat(columns):  # before detect_table: a flat sheet also holds some table's required columns
        derived = split_flat(renamed, table.source)
        derived.problems[:0] = problems
        return derived
    if renamed.empty:
        problems.append(Problem(table.source, None, None, "only a header row: no data rows", "warning"))
    return RawTable(table.source, renamed, table.encoding, table.delimiter,
                    table=detect_table(columns)), problems


# --- the whole intake ------------------------------------------------------------------------------------------

def _prepare(file: str, item: Item) -> list[_Prepared]:
    """Normalise each canonical table; rows the normaliser refuses are set aside with their reasons."""
    if isinstance(item, tuple):  # (RawTable, header problems)
        raw, problems = item
        tables = [(raw.table, raw.frame, raw.source)]
    else:
        problems = []
        tables = [(name, frame, item.source) for name, frame in item.tables.items()]
    out = []
    for table, frame, source in tables:
        if table is None:
            out.append(_Prepared(RawTable(source, frame), file, list(problems)))
            continue
        result = normalise_table(table, frame, source)
        result.problems.extend(find_contact_details(table, result.frame, source))
        errors = [p for p in result.problems if p.severity == "error" and p.row is not None]
        bad_rows = {p.row for p in errors}
        kept = result.frame[~result.frame[ROW_COLUMN].isin(bad_rows)] if bad_rows else result.frame
        refused = [frame[frame[ROW_COLUMN].isin(bad_rows)]] if bad_rows else []  # as read; why: their errors
        out.append(_Prepared(RawTable(source, kept.reset_index(drop=True), table=table), file,
                             list(problems) + list(result.problems), refused))
        problems = []  # header problems are reported once per source
    return out


def parse_uploads(uploads: Sequence[tuple[str, bytes]], max_bytes: int | None = None,
                  max_batch: int | None = None, profiles: ProfileSet | None = None) -> Intake:
    """Files as (name, bytes) → validated portfolio and per-file summaries (unreadable files included). Files
    past the batch limit (max_batch, default max_batch_bytes()) are refused unread. `profiles`: the mapping
    profiles to recognise sheets with (default: shipped + saved in the data directory)."""
    limit = max_batch_bytes() if max_batch is None else max_batch
    total = 0
    profiles = ProfileSet.load(data_dir()) if profiles is None else profiles

    prepared: list[_Prepared] = []
    derived_reports: list[FileReport] = []
    derived: list[Derived] = []
    summaries: dict[str, FileSummary] = {}
    unreadable: list[str] = []
    sources_of: dict[str, str] = {}  # report path → file
    for name, data in uploads:
        try:
            if len(data) <= (max_upload_bytes() if max_bytes is None else max_bytes):
                total += len(data)
                if total > limit:
                    raise UnreadableFileError(_batch_reason(name, total, limit))
            kind, items = read_source(name, data, max_bytes, profiles)
        except UnreadableFileError as exc:
            unreadable.append(str(exc))
            summaries[name] = FileSummary(name, "unreadable", reason=str(exc))
            continue
        summary = summaries[name] = FileSummary(name, kind)
        for item in items:
            if isinstance(item, Derived):
                summary.format = item.format if kind != "iati" else "iati"
                summary.details = item.summary if item.summary is not None else summary.details
                derived_reports.append(_derived_report(item))
                derived.append(item)
            source = item.source if isinstance(item, Derived) else item[0].source
            sources_of[source] = name
            prepared += _prepare(name, item)
        items = item = None  # the tables as read: only what was prepared is kept (else a large upload is held twice)

    portfolio = parse_portfolio([p.raw for p in prepared], unreadable)
    extra = {(p.raw.source, p.raw.table): p for p in prepared}
    for report in portfolio.reports:
        p = extra.get((report.path, report.table))
        if p is not None:
            _merge_prepared(report, p)
    record_counts = refuse_incomplete_projects(portfolio, derived)
    recount_tables(portfolio)
    for report, counts in zip(derived_reports, record_counts):
        report.accepted = counts.kept
        listed = {p.row for p in report.rejected}  # every refused record says why, in its source's report
        report.rejected += [p for row, p in sorted(counts.refused.items()) if row not in listed]
    portfolio.reports[:0] = derived_reports
    derived_sources = {item.source for item in derived}
    for report in portfolio.reports:
        summary = summaries.get(sources_of.get(report.path, report.path))
        if summary is None:
            continue
        summary.warnings += len(report.warnings)
        # A file's records: a derived source's own (its report has the format as table), else table rows.
        if report.path in derived_sources and report.table in TABLES:
            continue
        summary.rows_in += report.rows
        summary.accepted += report.accepted
    for summary in summaries.values():
        if summary.format != "unreadable":
            summary.rejected = summary.rows_in - summary.accepted
    return Intake(portfolio, [summaries[name] for name, _ in uploads if name in summaries])


def _derived_report(item: Derived) -> FileReport:
    errors = [p for p in item.problems if p.severity == "error"]
    warnings = [p for p in item.problems if p.severity == "warning"]
    refused_rows = {p.row for p in errors if p.row is not None}
    refused_whole = not item.tables and any(p.row is None for p in errors)  # e.g. a file about another country
    return FileReport(
        path=item.source, table=item.format, rows=item.rows_in,
        accepted=0 if refused_whole else item.rows_in - len(refused_rows),
        rejected=errors, warnings=warnings,
        rejected_rows=item.rejected_rows if not item.rejected_rows.empty else None)


def _merge_prepared(report, prepared: _Prepared) -> None:
    """Add the header and normalisation findings (and the rows refused there) to a table's report."""
    errors = [p for p in prepared.problems if p.severity == "error"]
    warnings = [p for p in prepared.problems if p.severity == "warning"]
    report.rejected[:0] = errors
    report.warnings[:0] = warnings
    refused = [r for r in prepared.refused if not r.empty]
    if refused:
        report.rows += sum(len(r) for r in refused)
        frames = refused + ([report.rejected_rows] if report.rejected_rows is not None else [])
        report.rejected_rows = pd.concat(frames, ignore_index=True)


def load_intake(paths: Sequence[Path | str], max_bytes: int | None = None,
                profiles: ProfileSet | None = None) -> Intake:
    """The same intake from files on disk (stored versions, the CLI, the sample)."""
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    limit, total = max_batch_bytes(), 0
    uploads, unreadable = [], []
    for path in paths:
        path = Path(path)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise IsADirectoryError
            if size > max_bytes:
                raise UnreadableFileError(f"{path}: {size:,} bytes is above the {max_bytes:,}-byte limit "
                                          "(DASHBOARD_MAX_UPLOAD_MB)")
            total += size
            if total > limit:  # checked before reading: the bytes never enter memory
                raise UnreadableFileError(_batch_reason(str(path), total, limit))
            uploads.append((str(path), path.read_bytes()))
        except IsADirectoryError:
            unreadable.append(f"{path}: is a directory, not a file")
        except FileNotFoundError:
            unreadable.append(f"{path}: no such file")
        except PermissionError:
            unreadable.append(f"{path}: permission denied")
        except UnreadableFileError as exc:
            unreadable.append(str(exc))
    intake = parse_uploads(uploads, max_bytes, max_batch=limit, profiles=profiles)
    for reason in unreadable:
        intake.portfolio.unreadable.append(reason)
        intake.files.append(FileSummary(reason.split(": ")[0], "unreadable", reason=reason))
    return intake


def load_portfolio(paths: Sequence[Path | str] = SAMPLE_FILES) -> Portfolio:
    """Read and validate files of any supported format; unreadable files are listed in `unreadable`."""
    return load_intake(paths).portfolio
