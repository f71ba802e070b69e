"""The validated portfolio (projects, funding, locations, sources, documents) and what happened to each file."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.schema import ROW_COLUMN, Problem, compute_date_bounds

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
SAMPLE_FILES = tuple(SAMPLE_DIR / f"{name}.csv" for name in ("projects", "funding", "locations", "sources",
                                                             "documents"))
REFUSED_COLUMN, REFUSED_REASON = "_column", "_reason"  # beside each refused row: which column(s) and why


@dataclass
class FileReport:
    """What happened to one table read from one file (or sheet)."""

    path: str
    table: str | None
    rows: int
    accepted: int
    rejected: list[Problem] = field(default_factory=list)  # errors: their rows are not in the portfolio
    warnings: list[Problem] = field(default_factory=list)  # warnings: their rows are kept
    rejected_rows: pd.DataFrame | None = None  # the refused rows as read, with `_row`; why is in `rejected`
    kept_once: int = 0  # rows identical to a record of an earlier file: in the portfolio once, as that record

    def as_dict(self) -> dict:
        return {"path": self.path, "table": self.table, "rows": self.rows, "accepted": self.accepted,
                "rejected": [_finding(p) for p in self.rejected], "warnings": [_finding(p) for p in self.warnings]}


def _finding(problem: Problem) -> dict:
    """A problem inside its file's report (`python -m data check --json`, the stored reports): no file, no
    severity, since both are the report's."""
    found = problem.as_dict()
    return {key: found[key] for key in ("row", "column", "reason")}


@dataclass
class Portfolio:
    """The validated tables plus the per-file reports (nothing read is lost: see `reports`)."""

    projects: pd.DataFrame
    funding: pd.DataFrame
    locations: pd.DataFrame
    sources: pd.DataFrame
    documents: pd.DataFrame
    reports: list[FileReport] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    typed_dates: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # compute_date_bounds per table

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def date_bounds(self, name: str) -> pd.DataFrame:
        """The table's dates typed (data.schema.compute_date_bounds): as kept when the portfolio was assembled or
        read back from parquet, else (a narrowed copy, a table replaced) typed now."""
        frame, kept = self.table(name), self.typed_dates.get(name)
        return kept if kept is not None and kept.index.equals(frame.index) else compute_date_bounds(name, frame)


def compute_refused_rows(rows: pd.DataFrame, problems: Sequence[Problem]) -> pd.DataFrame:
    """The refused rows as read, each followed by the column(s) and reason(s) of its errors (`_column`,
    `_reason`). The one place these two columns are made: readers give rows with `_row` and Problems, and the
    page, the download and the reconciliation all read them from here. A row with no error of its own takes
    the file-wide errors (a required column missing, a file about another country)."""
    by_row: dict[int | None, list[Problem]] = {}
    for problem in problems:
        if problem.severity == "error":
            by_row.setdefault(problem.row, []).append(problem)
    whole = by_row.get(None, [])
    numbers = rows[ROW_COLUMN].tolist() if ROW_COLUMN in rows else [None] * len(rows)
    found = [by_row.get(int(n), whole) if n is not None and n == n else whole for n in numbers]
    out = rows.drop(columns=[c for c in (REFUSED_COLUMN, REFUSED_REASON) if c in rows])
    return out.assign(**{REFUSED_COLUMN: ["; ".join(p.column or "" for p in listed) for listed in found],
                         REFUSED_REASON: ["; ".join(p.reason for p in listed) for listed in found]})


__all__ = ["Portfolio", "FileReport", "SAMPLE_DIR", "SAMPLE_FILES", "compute_refused_rows", "ROW_COLUMN"]
