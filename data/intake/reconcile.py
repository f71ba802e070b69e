"""Counts that reconcile: per file and per table, records read = kept + refused, where kept means in the portfolio.

A source that is derived (flat sheet, HXL 3W, IATI) is refused project by project: when any value of a project's
records is refused (a flow, a place, a fact that disagrees), the project, its flows and its places are refused
with it and every record of the project says why. A project is never shown half, with a refused amount turned
into "not published"; a value that is dropped without refusing its record is a warning, never an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data.intake.readers import Derived
from data.portfolio import REFUSED_REASON, FileReport, Portfolio, compute_refused_rows
from data.schema import PORTFOLIO_TABLES, ROW_COLUMN, SOURCE_COLUMN, TABLES, Problem

PROJECT_ID = "project_id"


@dataclass
class RecordCounts:
    """Source records of one derived source: how many are in the portfolio; the refused ones with their error."""

    source: str
    read: int
    kept: int = 0
    refused: dict[int, Problem] = field(default_factory=dict)  # source record (row) → its first error


def project_of_records(item: Derived) -> dict[int, str]:
    """Source record → project id, from the reader's own map and from every derived row."""
    found = dict(item.records)
    for frame in item.tables.values():
        if PROJECT_ID in frame and ROW_COLUMN in frame:
            for row, project in zip(frame[ROW_COLUMN], frame[PROJECT_ID]):
                found.setdefault(int(row), str(project))
    return found


def refuse_incomplete_projects(portfolio: Portfolio, derived: list[Derived]) -> list[RecordCounts]:
    """Refuse, in the portfolio and the reports, each derived project one of whose values was refused; return
    the record counts of every derived source."""
    reports = {(r.path, r.table): r for r in portfolio.reports}
    counts = []
    removed_projects: dict[str, str] = {}
    for item in derived:
        project_of = project_of_records(item)
        bad = _refused_projects(item, project_of, reports)
        for table in PORTFOLIO_TABLES:
            frame = portfolio.table(table)
            if frame.empty:
                continue
            mask = (frame[SOURCE_COLUMN] == item.source) & frame[PROJECT_ID].astype(str).isin(bad)
            if mask.any():
                _refuse_rows(portfolio, table, mask, reports.get((item.source, table)), item.source,
                             lambda project, bad=bad: f"project {project} is refused: {bad[project]}")
        removed_projects.update(bad)
        counts.append(_count_records(item, project_of, bad, set(portfolio.projects[PROJECT_ID].astype(str))))
    _refuse_orphans(portfolio, reports, removed_projects)
    return counts


def _count_records(item: Derived, project_of: dict[int, str], bad: dict[str, str], known: set[str]) -> RecordCounts:
    """Kept: a record whose project is in the portfolio and which nothing refused. A file-level error refuses all;
    a record that reached no project is refused too (it is read, and it is not in the portfolio)."""
    counts = RecordCounts(item.source, item.rows_in)
    for problem in item.problems:
        if problem.severity == "error" and problem.row is not None:
            counts.refused.setdefault(problem.row, problem)
    for row, project in project_of.items():
        if project in bad:
            counts.refused.setdefault(row, Problem(item.source, row, PROJECT_ID,
                                                   f"project {project} is refused: {bad[project]}"))
        elif project not in known:
            counts.refused.setdefault(row, Problem(item.source, row, PROJECT_ID,
                                                   f"project {project} is not in the portfolio"))
    if any(p.severity == "error" and p.row is None for p in item.problems):
        return counts
    counts.kept = sum(1 for row in project_of if row not in counts.refused)
    return counts


def _refused_projects(item: Derived, project_of: dict[int, str], reports: dict) -> dict[str, str]:
    """Project id → first reason, for every project of this source with a refused value anywhere."""
    bad: dict[str, str] = {}
    for problem in item.problems:
        if problem.severity == "error" and problem.row in project_of:
            bad.setdefault(project_of[problem.row], f"row {problem.row}: {problem.reason}")
    for table in PORTFOLIO_TABLES:
        report = reports.get((item.source, table))
        refused = report.rejected_rows if report is not None else None
        if refused is None or refused.empty or PROJECT_ID not in refused:
            continue
        refused = compute_refused_rows(refused, report.rejected)
        for project, row, reason in zip(refused[PROJECT_ID], refused.get(ROW_COLUMN, [None] * len(refused)),
                                        refused[REFUSED_REASON]):
            if isinstance(project, str) and project:
                where = f"row {int(row)}: " if row == row and row is not None else ""
                bad.setdefault(project, f"{where}{table} refused ({reason})")
    return bad


def _refuse_rows(portfolio: Portfolio, table: str, mask: pd.Series, report: FileReport | None, source: str,
                 reason_of) -> None:
    """Take the masked rows out of the portfolio table and into their report's refused rows, each with its
    error."""
    frame = portfolio.table(table)
    out = frame[mask]
    setattr(portfolio, table, frame[~mask].reset_index(drop=True))
    if report is None:
        return
    reasons = [reason_of(str(p)) for p in out[PROJECT_ID]]
    report.rejected += [Problem(report.path, int(r), PROJECT_ID, reason) for r, reason in zip(out[ROW_COLUMN], reasons)]
    refused = out.drop(columns=[SOURCE_COLUMN])
    frames = [f for f in (report.rejected_rows, refused) if f is not None and not f.empty]
    report.rejected_rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _refuse_orphans(portfolio: Portfolio, reports: dict, removed: dict[str, str]) -> None:
    """Flows and places in other files that name a project refused above are refused with it."""
    if not removed:
        return
    known = set(portfolio.projects[PROJECT_ID].astype(str))
    for table in ("funding", "locations"):
        frame = portfolio.table(table)
        if frame.empty:
            continue
        orphan = frame[PROJECT_ID].astype(str).isin(set(removed) - known)
        for source in frame.loc[orphan, SOURCE_COLUMN].unique():
            mask = orphan & (portfolio.table(table)[SOURCE_COLUMN] == source)
            _refuse_rows(portfolio, table, mask, reports.get((source, table)), source,
                         lambda project: f"project {project} is refused: {removed[project]}")
            orphan = portfolio.table(table)[PROJECT_ID].astype(str).isin(set(removed) - known)


def recount_tables(portfolio: Portfolio) -> None:
    """Each canonical table report: accepted = its rows in the portfolio plus identical copies kept once."""
    kept: dict[tuple[str, str], int] = {}
    for table in TABLES:
        frame = portfolio.table(table)
        if SOURCE_COLUMN in frame and not frame.empty:
            for source, n in frame[SOURCE_COLUMN].value_counts().items():
                kept[(source, table)] = int(n)
    for report in portfolio.reports:
        if report.table in TABLES:
            report.accepted = kept.get((report.path, report.table), 0) + report.kept_once
