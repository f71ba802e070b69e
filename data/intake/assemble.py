"""Validate canonical raw tables into a Portfolio: per-table checks, records across files, references."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from data.intake.readers import RawTable
from data.organisations import assign_donor_organisations
from data.portfolio import FileReport, Portfolio
from data.schema import (
    ROW_COLUMN,
    SOURCE_COLUMN,
    TABLES,
    Problem,
    ValidationResult,
    compute_date_bounds,
    detect_table,
    validate_references,
    validate_table,
)


def _empty(name: str) -> pd.DataFrame:
    return validate_table(name, pd.DataFrame(columns=TABLES[name].column_names)).accepted.assign(
        **{SOURCE_COLUMN: pd.Series(dtype=object)})


def _report(source: str, raw: pd.DataFrame, result: ValidationResult | None, reason: str | None = None) -> FileReport:
    if result is None:
        return FileReport(source, None, len(raw), 0, [Problem(source, None, None, reason)], [], raw)
    rejected_rows = sorted({p.row for p in result.errors if p.row is not None})
    return FileReport(
        path=source, table=result.table, rows=len(raw), accepted=len(result.accepted),
        rejected=result.errors, warnings=result.warnings,
        rejected_rows=result.rejected.drop(columns=[SOURCE_COLUMN], errors="ignore")
        if rejected_rows or len(result.accepted) < len(raw) else None,
    )


def parse_portfolio(raw_tables: Iterable[RawTable], unreadable: Sequence[str] = ()) -> Portfolio:
    """Validate raw tables (each detected as one canonical table) into a Portfolio, with reports."""
    results: dict[str, list[tuple[RawTable, ValidationResult]]] = {name: [] for name in TABLES}
    reports: list[FileReport] = []
    for raw in raw_tables:
        name = raw.table or detect_table(list(raw.frame.columns))
        if name is None:
            reports.append(_report(raw.source, raw.frame, None,
                                   "not a known table: headers do not match projects, funding, locations, "
                                   "sources or documents"))
            continue
        result = validate_table(name, raw.frame, file=raw.source)
        result.accepted[SOURCE_COLUMN] = raw.source  # where each kept record comes from: counts are per file
        results[name].append((raw, result))

    frames: dict[str, pd.DataFrame] = {}
    kept_once: dict[tuple[str, str], int] = {}
    for name in TABLES:
        results[name] = _merge_across_files(name, results[name], kept_once)
    for name in ("projects", "documents", "sources"):
        frames[name] = _concat([r.accepted for _, r in results[name]], name)
    for name in ("funding", "locations"):
        checked = []
        for raw, result in results[name]:
            if results["projects"]:
                result = validate_references(frames["projects"], result, file=raw.source)
            checked.append((raw, result))
        results[name] = checked
        frames[name] = _concat([r.accepted for _, r in checked], name)
    frames["funding"] = assign_donor_organisations(frames["funding"])  # one donor per organisation, any language
    for name in TABLES:
        reports += [_report(raw.source, raw.frame, result) for raw, result in results[name]]
    for report in reports:
        report.kept_once = kept_once.get((report.path, report.table), 0)
    typed = {name: compute_date_bounds(name, frame) for name, frame in frames.items()}  # dates parsed once, here
    return Portfolio(**frames, reports=reports, unreadable=list(unreadable), typed_dates=typed)


def _merge_across_files(name: str, results: list[tuple[RawTable, ValidationResult]],
                        kept_once: dict[tuple[str, str], int]):
    """The same record in several files: identical → kept once (warning; counted in `kept_once` per source and
    table); different → the later one is rejected, naming the columns that disagree and where the first one is
    (a conflict is never settled silently)."""
    if len(results) < 2:
        return results
    key = list(TABLES[name].key)
    columns = [c for c in TABLES[name].column_names if c not in key]
    seen: dict[tuple, tuple[str, int, dict, int, object]] = {}
    merged = []
    fills: list[tuple[int, object, str, object]] = []  # (result, index, column, value) given only by a later file
    for position, (raw, result) in enumerate(results):
        frame = result.accepted
        drop, problems, extra = [], list(result.problems), []
        for index, row in zip(frame.index, frame.to_dict("records")):
            record_key = tuple(None if pd.isna(row[k]) else row[k] for k in key)
            values = {c: (None if pd.isna(row[c]) else row[c]) for c in columns}
            if record_key not in seen:
                seen[record_key] = (raw.source, int(row[ROW_COLUMN]), values, position, index)
                continue
            first_file, first_row, first, first_position, first_index = seen[record_key]
            drop.append(index)
            label = "/".join(str(k) for k in record_key if k is not None)
            differing = _differing(columns, first, values)
            if not differing:
                added = [c for c in columns if first[c] is None and values[c] is not None and c != "split_known"]
                how = f"; {', '.join(added)} taken from here" if added else ""
                problems.append(Problem(raw.source, int(row[ROW_COLUMN]), key[0],
                                        f"{name} {label} also in {first_file} row {first_row}, the same where both "
                                        f"give a value: kept once{how}", "warning"))
                for column in added + (["split_known"] if added and "split_known" in columns else []):
                    first[column] = values[column]
                    fills.append((first_position, first_index, column, values[column]))
                kept_once[(raw.source, name)] = kept_once.get((raw.source, name), 0) + 1
                continue
            detail = "; ".join(f"{c} '{values[c]}' here but '{first[c]}' there" for c in differing)
            reason = f"{name} {label} conflicts with {first_file} row {first_row}: {detail}"
            problems.append(Problem(raw.source, int(row[ROW_COLUMN]), ", ".join(differing), reason))
            extra.append(row)
        if drop:
            rejected = pd.concat([result.rejected, pd.DataFrame(extra)], ignore_index=True) if extra \
                else result.rejected
            result = ValidationResult(result.table, frame.drop(index=drop).reset_index(drop=True), rejected,
                                      problems)
        merged.append((raw, result))
    for position, index, column, value in fills:
        accepted = merged[position][1].accepted
        if index in accepted.index:
            accepted.at[index, column] = value
    return merged


def _differing(columns: list[str], first: dict, later: dict) -> list[str]:
    """Columns where both records give a value and the values differ: an empty value never conflicts (a flat
    sheet names a place without a share, a locations file gives it). split_known=false with nothing split is
    empty too."""
    def unsplit(values: dict) -> bool:
        return values.get("split_known") is False and values.get("budget_share") is None \
            and values.get("households_targeted") is None

    skip = {"split_known"} if unsplit(first) or unsplit(later) else set()
    return [c for c in columns if c not in skip and first[c] is not None and later[c] is not None
            and first[c] != later[c]]


def _concat(parts: list[pd.DataFrame], name: str) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty(name)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
