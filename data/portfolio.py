"""The validated portfolio (projects, funding, locations, sources, documents) and what happened to each file."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.schema import ROW_COLUMN, Problem

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
SAMPLE_FILES = tuple(SAMPLE_DIR / f"{name}.csv" for name in ("projects", "funding", "locations", "sources",
                                                             "documents"))


@dataclass
class FileReport:
    """What happened to one table read from one file (or sheet)."""

    path: str
    table: str | None
    rows: int
    accepted: int
    rejected: list[dict] = field(default_factory=list)  # {"row", "column", "reason"}
    warnings: list[dict] = field(default_factory=list)
    rejected_rows: pd.DataFrame | None = None
    kept_once: int = 0  # rows identical to a record of an earlier file: in the portfolio once, as that record

    def as_dict(self) -> dict:
        return {"path": self.path, "table": self.table, "rows": self.rows, "accepted": self.accepted,
                "rejected": self.rejected, "warnings": self.warnings}


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

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def all_problems(portfolio: Portfolio) -> list[Problem]:
    """Every error and warning across files, as Problem records (for one report table)."""
    out = []
    for report in portfolio.reports:
        out += [Problem(report.path, p["row"], p["column"], p["reason"]) for p in report.rejected]
        out += [Problem(report.path, p["row"], p["column"], p["reason"], "warning") for p in report.warnings]
    return out


__all__ = ["Portfolio", "FileReport", "SAMPLE_DIR", "SAMPLE_FILES", "all_problems", "ROW_COLUMN"]
