"""The Data page's pieces: the data in use, upload → validation report → explicit confirm, versions, templates.

Pure `make_*` helpers build frames, labels and file lists; `render_*` draw them. The upload flow keeps its state
in st.session_state so that each step can be driven (and tested) on its own:

    UPLOADS_KEY   [(name, bytes)] of the files uploaded and not yet confirmed (the uploader's on_change writes it)
    MODE_KEY      "replace" | "add" (add: the new version = the files in use + the uploads)
    PENDING_KEY   (signature, Pending): the report of the files the new version would hold, parsed once
    FLASH_KEY     the outcome of the last confirm/restore, shown once
    CONFLICT_KEY  the version now in use when a confirm found the data changed since its upload was prepared

Every action re-checks the editor role (components/auth.py) and states the version it was prepared against: when
the data in use changed meanwhile, nothing is activated and the editor chooses (confirm on top, or cancel).

Nothing changes on disk or in the dashboard until the confirm button is pressed."""
from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.auth import current_user
from components.escape import escape_text, hide_paths, short_name
from components.i18n import format_number, t
from components.state import clear_cache, get_portfolio
from components.tables import render_table
from data.columnar import parse_fingerprint, save_parsed
from data.export import to_csv_bytes
from data.intake import FileSummary, Intake, max_upload_bytes, parse_uploads
from data.intake.headers import unique_names
from data.portfolio import REFUSED_COLUMN, REFUSED_REASON, ROW_COLUMN, Portfolio, compute_refused_rows
from data.storage import (
    SAMPLE_ID,
    ConflictError,
    StorageError,
    Version,
    activate,
    activate_sample,
    active_since,
    active_version,
    sanitise_name,
    save_version,
    scan_versions,
    version_files,
    version_paths,
)
from data.template import TEMPLATE_TABLES, make_template_csv, make_template_xlsx

logger = logging.getLogger(__name__)

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xml"]
MODES = ("replace", "add")
UPLOADS_KEY, MODE_KEY, PENDING_KEY, FLASH_KEY = "data_uploads", "data_mode", "_data_pending", "_data_flash"
UPLOADER_COUNTER, RESTORE_KEY, CONFIRM_KEY = "_data_uploader_n", "data_restore", "data_confirm"
CONFLICT_KEY, CANCEL_KEY = "_data_conflict", "data_cancel"
PREVIEW_ROWS = 5
COUNT_TABLES = ("projects", "funding", "locations", "sources", "documents")
FORMATS = ("csv", "xlsx", "iati", "hxl", "flat", "unreadable")


@dataclass
class Pending:
    """What confirming would store: the files of the new version and their intake report."""

    mode: str
    files: list[tuple[str, bytes]]  # the new version's files (add: the files in use + the uploads)
    uploaded: list[str]  # names of the files the user uploaded
    intake: Intake
    summary: dict
    base: str = SAMPLE_ID  # the version in use when this was prepared (optimistic concurrency)
    fingerprint: str = ""  # data.columnar.parse_fingerprint() when parsed: the parse is kept as parquet on confirm


# ------------------------------------------------------------------ pure helpers

def reason_text(summary: FileSummary) -> str:
    """An unreadable file's reason without the file name it starts with (the table already names the file)."""
    return (summary.reason or "").removeprefix(f"{summary.path}: ")


def make_version_files(previous: Sequence[tuple[str, bytes]], uploads: Sequence[tuple[str, bytes]],
                       mode: str) -> list[tuple[str, bytes]]:
    """replace: the uploads alone; add: the files in use, where an upload of the same (sanitised, case-blind)
    name replaces the earlier file, then the other uploads."""
    uploads = [(sanitise_name(name), bytes(data)) for name, data in uploads]
    if mode != "add":
        return uploads
    replaced = {name.lower() for name, _ in uploads}
    return [(name, data) for name, data in previous if sanitise_name(name).lower() not in replaced] + uploads


def make_summary(intake: Intake) -> dict:
    """The counts kept in a version's manifest."""
    portfolio = intake.portfolio
    files = intake.files
    return {
        **{table: int(len(portfolio.table(table))) for table in COUNT_TABLES},
        "files": len(files), "rows_in": sum(f.rows_in for f in files), "accepted": sum(f.accepted for f in files),
        "rejected": sum(f.rejected for f in files), "warnings": sum(f.warnings for f in files),
        "unreadable": sum(f.format == "unreadable" for f in files),
    }


def make_pending(uploads: Sequence[tuple[str, bytes]], mode: str, active: Version | None,
                 max_bytes: int | None = None) -> Pending:
    """Parse the files the new version would hold (the report covers exactly those)."""
    previous = version_files(active) if mode == "add" else []
    files = make_version_files(previous, uploads, mode)
    fingerprint = parse_fingerprint()  # before parsing: a profile saved meanwhile makes this parse stale
    intake = parse_uploads(files, max_bytes)
    return Pending(mode, files, [sanitise_name(name) for name, _ in uploads], intake, make_summary(intake),
                   active.id if active else SAMPLE_ID, fingerprint)


def upload_signature(uploads: Sequence[tuple[str, bytes]], mode: str, active_id: str) -> str:
    digest = hashlib.sha256(f"{mode}|{active_id}".encode())
    for name, data in uploads:
        digest.update(name.encode("utf-8", "replace") + b"\x00" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def make_files_table(files: Sequence[FileSummary], lang: str) -> pd.DataFrame:
    """One row per file: format and what became of its records (unreadable files with their reason)."""
    return pd.DataFrame([{
        t("data.col.file", lang): short_name(f.path),
        t("data.col.format", lang): t(f"data.format.{f.format}", lang) if f.format in FORMATS else f.format,
        t("data.col.rows_in", lang): f.rows_in,
        t("data.col.accepted", lang): f.accepted,
        t("data.col.rejected", lang): f.rejected,
        t("data.col.warnings", lang): f.warnings,
        t("data.col.reason", lang): reason_text(f),
    } for f in files], columns=[t(f"data.col.{c}", lang) for c in ("file", "format", "rows_in", "accepted",
                                                                     "rejected", "warnings", "reason")])


def make_iati_table(files: Sequence[FileSummary], portfolio: Portfolio, currency: str, lang: str) -> pd.DataFrame:
    """One row per IATI file: what a user reconciles with d-portal (scope, kept, held back, totals)."""
    from data.intake.iati import compute_iati_summary

    def money(value: float | None) -> str:
        return t("not_published", lang) if value is None else f"{format_number(round(value), lang)} {currency}"

    rows = []
    for f in files:
        if f.format != "iati" or f.details is None:
            continue
        s = compute_iati_summary(f.details, portfolio.projects, portfolio.funding, currency)
        held = ", ".join(f"{n} {t(f'iati.held.{reason}', lang)}" for reason, n in s["held_back"].items())
        rows.append({"file": short_name(f.path), "activities": s["activities"], "in_scope": s["in_scope"],
                     "kept": s["kept"], "held_back": f"{s['held_back_total']} ({held})" if held
                     else t("iati.held.none", lang), "multi_country": s["multi_country"],
                     "drc_share": s["drc_share"], "committed": money(s["committed"]),
                     "disbursed": money(s["disbursed"])})
    # The totals come right after the counts they cover; the long held-back text goes last.
    keys = ("file", "activities", "in_scope", "kept", "committed", "disbursed", "multi_country", "drc_share",
            "held_back")
    return pd.DataFrame(rows, columns=list(keys)).rename(columns={k: t(f"iati.col.{k}", lang) for k in keys})


def make_problems_table(portfolio: Portfolio, lang: str) -> pd.DataFrame:
    """Every finding: file, row (spreadsheet numbering), column, reason, and whether the row was left out."""
    rows = []
    for report in portfolio.reports:  # the report's file: a note found on another sheet is shown with its table
        rows += [{
            t("data.col.file", lang): short_name(report.path),
            t("data.col.row", lang): "" if p.row is None else str(p.row),
            t("data.col.column", lang): p.column or "",
            t("data.col.reason", lang): p.reason or "",
            t("data.col.severity", lang): t(f"data.severity.{p.severity}", lang),
        } for p in [*report.rejected, *report.warnings]]
    return pd.DataFrame(rows, columns=[t(f"data.col.{c}", lang) for c in ("file", "row", "column", "reason",
                                                                          "severity")])


def make_rejected_rows(portfolio: Portfolio, lang: str) -> pd.DataFrame:
    """The rejected rows as they were read, each after its file, row, column(s) and reason(s)."""
    lead = [t(f"data.col.{c}", lang) for c in ("file", "row", "column", "reason")]
    frames = []
    for report in portfolio.reports:
        raw = report.rejected_rows
        if raw is None or raw.empty:
            continue
        raw = compute_refused_rows(raw, report.rejected)
        raw.columns = unique_names([str(c) for c in raw.columns])  # a repeated header must not break the table
        frame = pd.DataFrame({
            lead[0]: short_name(report.path),
            lead[1]: raw[ROW_COLUMN].map(lambda v: "" if v is None or v != v else str(int(v)))
            if ROW_COLUMN in raw else "",
            lead[2]: raw[REFUSED_COLUMN],
            lead[3]: raw[REFUSED_REASON],
        }, index=raw.index)
        original = raw.loc[:, [not str(c).startswith("_") and c not in lead for c in raw.columns]]
        frames.append(pd.concat([frame, original], axis=1).reset_index(drop=True))
    if not frames:
        return pd.DataFrame(columns=lead)
    out = pd.concat(frames, ignore_index=True).astype(object)
    out = out.map(_scalar)
    return out.where(out.notna(), "")


def _scalar(value: object) -> object:
    """A cell as one value (a frame read with repeated headers can hold several)."""
    if pd.api.types.is_scalar(value):
        return value
    return "; ".join(map(str, value.tolist() if hasattr(value, "tolist") else value))


def make_previews(portfolio: Portfolio, rows: int = PREVIEW_ROWS) -> dict[str, pd.DataFrame]:
    """The first accepted rows of every table that received some."""
    out = {}
    for table in COUNT_TABLES:
        frame = portfolio.table(table)
        if len(frame):
            out[table] = frame[[c for c in frame.columns if not str(c).startswith("_")]].head(rows)
    return out


def make_confirm_label(rejected: int, lang: str) -> str:
    return t("data.confirm.rejected", lang, n=rejected) if rejected else t("data.confirm", lang)


def format_time(iso: str) -> str:
    """'2026-11-25T10:32:00Z' → '2026-11-25 10:32 UTC'."""
    return iso.replace("T", " ")[:16] + " UTC" if len(iso) >= 16 else iso


def make_version_label(version: Version | None, lang: str) -> str:
    if version is None:
        return t("data.sample", lang)
    return t("data.version.label", lang, id=version.id.split("-")[0], time=format_time(version.time))


def make_by_text(version: Version, lang: str) -> str:
    """Who saved and who last confirmed or restored a version, with when ('' when never recorded)."""
    events = [e for e in version.events if e.get("by")]
    if events:
        return t("data.by", lang, by=events[-1]["by"], time=format_time(events[-1]["time"]))
    return t("data.by", lang, by=version.by, time=format_time(version.time)) if version.by else ""


def make_versions_table(versions: Sequence[Version], active_id: str, lang: str, show_by: bool = False) -> pd.DataFrame:
    """One row per version; `show_by` adds who confirmed or restored it (names are shown to editors only)."""
    keys = ("active", "version", "time", "files", "projects", "funding", "locations", "rejected", "mode")
    columns = [t(f"data.col.{c}", lang) for c in keys + (("by",) if show_by else ())]
    rows = []
    for v in versions:
        counts = v.counts
        rows.append(dict(zip(columns, [
            "✓" if v.id == active_id else "", v.id, format_time(v.time), ", ".join(f.name for f in v.files),
            *(format_number(counts.get(k), lang) if counts.get(k) is not None else "—"
              for k in ("projects", "funding", "locations", "rejected")),
            t(f"data.mode.{v.note}", lang) if v.note in MODES else v.note, make_by_text(v, lang)])))
    return pd.DataFrame(rows, columns=columns)


def make_counts_text(portfolio: Portfolio, lang: str) -> str:
    return t("data.in_use.counts", lang, projects=format_number(len(portfolio.projects), lang),
             funding=format_number(len(portfolio.funding), lang),
             locations=format_number(len(portfolio.locations), lang))


# ------------------------------------------------------------------ actions (callbacks)

def _flash(kind: str, message: str) -> None:
    st.session_state[FLASH_KEY] = (kind, message)


def _on_upload(key: str) -> None:
    files = st.session_state.get(key) or []
    st.session_state[UPLOADS_KEY] = [(f.name, f.getvalue()) for f in files] or None


def _reset_upload() -> None:
    st.session_state[UPLOADS_KEY] = None
    st.session_state.pop(PENDING_KEY, None)
    st.session_state.pop(CONFLICT_KEY, None)
    st.session_state[UPLOADER_COUNTER] = st.session_state.get(UPLOADER_COUNTER, 0) + 1  # a fresh, empty uploader


def _editor_or_flash(lang: str) -> str | None:
    """The editor's name, or None (with a message) when this session may not change the data."""
    user = current_user()
    if not user.is_editor:
        _flash("error", t("auth.editors_only", lang))
        return None
    return user.name


def _active_id() -> str:
    version = active_version()
    return version.id if version else SAMPLE_ID


def _on_confirm(signature: str, lang: str) -> None:
    by = _editor_or_flash(lang)
    if by is None:
        return
    held = st.session_state.get(PENDING_KEY)
    if not held or held[0] != signature:
        _flash("warning", t("data.confirm.stale", lang))
        return
    pending: Pending = held[1]
    current = _active_id()
    if current != pending.base:  # someone changed the data in use since this was prepared: the editor decides
        st.session_state[CONFLICT_KEY] = current
        st.session_state.pop(PENDING_KEY, None)  # prepared again on top of the data now in use
        return
    try:
        version = save_version(pending.files, pending.summary, note=pending.mode, by=by)
        activate(version.id, by=by, expected=pending.base, action="confirm")
    except ConflictError as exc:  # lost the race between the check above and the save: stored, not in use
        st.session_state.pop(PENDING_KEY, None)
        _flash("warning", t("data.conflict.saved", lang, current=exc.current, id=version.id))
        clear_cache()
        return
    except (OSError, StorageError) as exc:
        _flash("error", t("data.confirm.failed", lang, reason=escape_text(hide_paths(exc))))
        return
    _keep_parse(version, pending)
    clear_cache()
    _reset_upload()
    _flash("success", t("data.confirm.done", lang, id=version.id, n=pending.summary.get("projects", 0)))


def _keep_parse(version: Version, pending: Pending) -> None:
    """The parse the editor checked becomes the version's parquet copy: the next render reads it instead of
    parsing the upload again. Only an optimisation: a failure is logged and the first load parses the files."""
    if pending.intake.portfolio.unreadable:  # the files a restart would read differ from what was parsed
        return
    try:
        save_parsed(version.id, version_paths(version), pending.intake.portfolio, pending.fingerprint)
    except (OSError, ValueError, TypeError, StorageError) as exc:  # pyarrow's errors subclass these
        logger.warning("parquet copy of %s not written at confirm (%s)", version.id, exc)


def _on_cancel() -> None:
    _reset_upload()


def _on_restore(lang: str, expected: str = SAMPLE_ID) -> None:
    by = _editor_or_flash(lang)
    if by is None:
        return
    choice = st.session_state.get(RESTORE_KEY)
    try:
        if choice == SAMPLE_ID:
            activate_sample(by=by, expected=expected)
        else:
            activate(choice, by=by, expected=expected)
    except ConflictError as exc:
        _flash("warning", t("data.restore.conflict", lang, current=exc.current))
        return
    except (OSError, StorageError) as exc:
        _flash("error", t("data.restore.failed", lang, reason=escape_text(hide_paths(exc))))
        return
    clear_cache()
    label = t("data.sample", lang) if choice == SAMPLE_ID else choice
    _flash("success", t("data.restore.done", lang, version=label))


# ------------------------------------------------------------------ rendering

def render_flash() -> None:
    held = st.session_state.pop(FLASH_KEY, None)
    if held:
        kind, message = held
        getattr(st, kind)(message)


def render_in_use(lang: str, show_by: bool = False) -> Version | None:
    """Which data the dashboard shows now, and how much of it (`show_by`: and who set it, when; for editors)."""
    version = active_version()
    st.subheader(t("data.in_use", lang))
    portfolio = get_portfolio()
    if version is None:
        st.info(t("data.in_use.sample", lang))
    else:
        st.info(t("data.in_use.version", lang, version=make_version_label(version, lang),
                  files=escape_text(", ".join(f.name for f in version.files))))
    st.caption(make_counts_text(portfolio, lang))
    since = active_since()
    if show_by and since["by"]:
        st.caption(t("data.in_use.since", lang, time=escape_text(format_time(since["time"])),
                     by=escape_text(since["by"])))
    problems = sum(len(r.rejected) for r in portfolio.reports)
    if problems or portfolio.unreadable:
        st.caption(t("data.in_use.problems", lang, n=problems, unreadable=len(portfolio.unreadable)))
    return version


def render_upload(active: Version | None, lang: str, currency: str = "USD") -> None:
    """File uploader, replace/add choice, report of the files the new version would hold, confirm button."""
    st.subheader(t("data.upload", lang))
    limit_mb = max_upload_bytes() / (1024 * 1024)
    st.caption(t("data.upload.help", lang, mb=format_number(round(limit_mb, 1), lang)))
    key = f"data_uploader_{st.session_state.get(UPLOADER_COUNTER, 0)}"
    st.file_uploader(t("data.upload.label", lang), type=UPLOAD_TYPES, accept_multiple_files=True, key=key,
                     on_change=_on_upload, args=(key,), max_upload_size=max(1, math.ceil(limit_mb)))
    st.radio(t("data.mode", lang), MODES, format_func=lambda m: t(f"data.mode.{m}", lang), key=MODE_KEY,
             horizontal=True)
    uploads = st.session_state.get(UPLOADS_KEY)
    if not uploads:
        st.caption(t("data.upload.none", lang))
        return
    mode = st.session_state.get(MODE_KEY) or "replace"
    signature = upload_signature(uploads, mode, active.id if active else SAMPLE_ID)
    held = st.session_state.get(PENDING_KEY)
    if not held or held[0] != signature:
        try:
            with st.spinner(t("data.upload.checking", lang)):
                held = (signature, make_pending(uploads, mode, active))
        except Exception as exc:  # the readers refuse bad files themselves: reaching here is a bug
            logger.exception("preparing an upload failed")
            st.error(t("data.upload.failed", lang, reason=escape_text(hide_paths(f"{type(exc).__name__}: {exc}"))))
            return
        st.session_state[PENDING_KEY] = held
    pending: Pending = held[1]
    render_report(pending, lang, currency)
    render_confirm(pending, signature, lang)


def render_report(pending: Pending, lang: str, currency: str = "USD") -> None:
    """Per file: format and counts; the problems; unreadable files; previews; the rejected rows to download."""
    intake = pending.intake
    st.markdown(f"**{t('data.report', lang)}**")
    if pending.mode == "add":
        st.caption(t("data.report.add", lang, files=escape_text(", ".join(name for name, _ in pending.files))))
    render_table(make_files_table(intake.files, lang))
    iati = make_iati_table(intake.files, intake.portfolio, currency, lang)
    if not iati.empty:
        st.markdown(f"**{t('iati.report.title', lang)}**")
        st.caption(t("iati.report.caption", lang, currency=currency))
        render_table(iati)
    for f in intake.files:
        if f.format == "unreadable":
            st.error(t("data.report.unreadable", lang, file=escape_text(short_name(f.path)),
                       reason=escape_text(hide_paths(reason_text(f)))))
    problems = make_problems_table(intake.portfolio, lang)
    if not problems.empty:
        with st.expander(t("data.report.problems", lang, n=len(problems))):
            render_table(problems)
    rejected = make_rejected_rows(intake.portfolio, lang)
    if not rejected.empty:
        with st.expander(t("data.report.rejected_rows", lang, n=len(rejected))):
            render_table(rejected)
        st.download_button(t("data.report.download", lang), data=to_csv_bytes(rejected),
                           file_name="rejected_rows.csv", mime="text/csv", key="data_rejected_download")
    previews = make_previews(intake.portfolio)
    for table, frame in previews.items():
        with st.expander(t("data.report.preview", lang, table=table, n=len(intake.portfolio.table(table)))):
            render_table(frame)


def render_confirm(pending: Pending, signature: str, lang: str) -> None:
    summary = pending.summary
    if not summary["projects"]:
        st.warning(t("data.confirm.no_projects", lang))
    if summary["rejected"]:
        st.warning(t("data.confirm.rejected_notice", lang, n=summary["rejected"]))
    st.caption(t("data.confirm.help", lang))
    conflict = st.session_state.get(CONFLICT_KEY)
    if conflict:
        st.warning(t("data.conflict", lang, current=escape_text(conflict)))
    left, right = st.columns([3, 1])
    left.button(make_confirm_label(summary["rejected"], lang), type="primary", key=CONFIRM_KEY,
                disabled=not any(summary[table] for table in COUNT_TABLES), on_click=_on_confirm,
                args=(signature, lang))
    right.button(t("data.cancel", lang), key=CANCEL_KEY, on_click=_on_cancel)


def render_versions(active: Version | None, lang: str, editor: bool = True) -> None:
    """Stored versions (newest first) and, for editors, who set them and the restore choice (the sample included)."""
    st.subheader(t("data.versions", lang))
    versions, problems = scan_versions()
    active_id = active.id if active else SAMPLE_ID
    if versions:
        render_table(make_versions_table(versions, active_id, lang, show_by=editor))
    else:
        st.caption(t("data.versions.none", lang))
    for problem in problems:
        st.warning(t("data.versions.corrupt", lang, problem=escape_text(hide_paths(problem))))
    if not editor:
        return
    choices = [SAMPLE_ID, *(v.id for v in versions)]
    if st.session_state.get(RESTORE_KEY) not in choices:
        st.session_state[RESTORE_KEY] = active_id
    by_id = {v.id: v for v in versions}
    choice = st.selectbox(t("data.restore", lang), choices, key=RESTORE_KEY,
                          format_func=lambda c: make_version_label(by_id.get(c), lang) if c != SAMPLE_ID
                          else t("data.sample", lang))
    st.button(t("data.restore.button", lang), key="data_restore_button", disabled=choice == active_id,
              on_click=_on_restore, args=(lang, active_id))


def render_templates(lang: str) -> None:
    st.subheader(t("data.templates", lang))
    st.caption(t("data.templates.help", lang))
    columns = st.columns(len(TEMPLATE_TABLES) + 1)
    for column, table in zip(columns, TEMPLATE_TABLES):
        column.download_button(t("data.templates.csv", lang, table=table), data=make_template_csv(table),
                               file_name=f"{table}_template.csv", mime="text/csv", key=f"data_template_{table}")
    columns[-1].download_button(t("data.templates.xlsx", lang), data=make_template_xlsx,
                                file_name="portfolio_template.xlsx", key="data_template_xlsx",
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
