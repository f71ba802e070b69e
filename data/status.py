"""Programme status (pure): IATI status against the dates, timeline bars, burn, ending soon, households, data quality.

Every function takes `today` explicitly. Dates may be partial (YYYY, YYYY-MM, YYYY-MM-DD): a check only fires when
the whole published period supports it (an end of '2024' has passed only once 31 Dec 2024 is over)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from data.metrics import compute_committed, compute_conflicts
from data.portfolio import Portfolio
from data.schema import PartialDate, is_missing, parse_partial_date
from geo.provinces import match_province

ACTIVE = frozenset({1, 2})  # pipeline, implementation: the project says it is not over
DATE_COLUMNS = ("planned_start", "actual_start", "planned_end", "actual_end")
SEVERITIES = ("conflict", "gap", "info")


def _date(value: object) -> PartialDate | None:
    try:
        return parse_partial_date(value)
    except ValueError:
        return None


def _status(row: pd.Series) -> int | None:
    value = row.get("activity_status")
    return None if is_missing(value) else int(value)


def derived_end(row: pd.Series) -> PartialDate | None:
    """Planned end computed from the start and duration_months, when no end is published (flag it as derived)."""
    start = _date(row.get("planned_start")) or _date(row.get("actual_start"))
    months = row.get("duration_months")
    if start is None or is_missing(months):
        return None
    first = (pd.Timestamp(start.first) + pd.DateOffset(months=int(months))).date()
    last = (pd.Timestamp(start.last) + pd.DateOffset(months=int(months))).date()
    return PartialDate(f"{start.text}+{int(months)}m", first, last, start.precision)


@dataclass(frozen=True)
class ProjectDates:
    planned_start: PartialDate | None
    actual_start: PartialDate | None
    planned_end: PartialDate | None
    actual_end: PartialDate | None
    derived_end: PartialDate | None  # planned end from start + duration_months, when no planned end is published

    @property
    def start(self) -> PartialDate | None:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> PartialDate | None:
        """Best-known end: actual, else planned, else derived from the duration."""
        return self.actual_end or self.planned_end or self.derived_end


def project_dates(row: pd.Series) -> ProjectDates:
    planned_end = _date(row.get("planned_end"))
    actual_end = _date(row.get("actual_end"))
    derived = derived_end(row) if planned_end is None else None  # the planned end, even when an actual end exists
    return ProjectDates(_date(row.get("planned_start")), _date(row.get("actual_start")), planned_end, actual_end,
                        derived)


# --- status checks: a registry; each check returns a finding (or None) for one project ----------------

@dataclass(frozen=True)
class StatusCheck:
    key: str
    severity: str  # conflict | gap | info
    test: Callable[[int | None, ProjectDates, dt.date], bool]


def _ended(d: ProjectDates, today: dt.date) -> bool:
    return d.end is not None and d.end.last < today


STATUS_CHECKS: dict[str, StatusCheck] = {c.key: c for c in (
    StatusCheck("status_not_published", "gap", lambda s, d, today: s is None),
    StatusCheck("end_passed_still_active", "conflict",
                lambda s, d, today: s in ACTIVE and _ended(d, today)),
    StatusCheck("actual_end_still_active", "conflict",
                lambda s, d, today: s in ACTIVE and d.actual_end is not None and d.actual_end.last < today),
    StatusCheck("closed_before_end", "conflict",
                lambda s, d, today: s in (3, 4) and d.actual_end is None and d.end is not None
                and d.end.first > today),
    StatusCheck("implementation_before_start", "conflict",
                lambda s, d, today: s == 2 and d.start is not None and d.start.first > today),
    StatusCheck("pipeline_but_started", "conflict",
                lambda s, d, today: s == 1 and d.actual_start is not None and d.actual_start.last < today),
    StatusCheck("closed_without_actual_end", "gap",
                lambda s, d, today: s == 4 and d.actual_end is None),
    StatusCheck("actual_start_before_planned", "conflict",
                lambda s, d, today: d.actual_start is not None and d.planned_start is not None
                and d.actual_start.last < d.planned_start.first),
    StatusCheck("end_before_start", "conflict",
                lambda s, d, today: d.start is not None and d.end is not None and d.end.last < d.start.first),
    StatusCheck("no_start_date", "gap", lambda s, d, today: d.start is None),
    StatusCheck("no_end_date", "gap", lambda s, d, today: d.end is None),
    StatusCheck("end_derived", "info", lambda s, d, today: d.derived_end is not None),
)}


def check_project(row: pd.Series, today: dt.date) -> list[str]:
    """Keys of the STATUS_CHECKS a project triggers ('end passed' is not repeated when the actual end says so)."""
    status, dates = _status(row), project_dates(row)
    found = [key for key, check in STATUS_CHECKS.items() if check.test(status, dates, today)]
    if "actual_end_still_active" in found and "end_passed_still_active" in found:
        found.remove("end_passed_still_active")
    return found


CHECK_COLUMNS = ["project_id", "check", "severity", "status", "start", "end", "end_derived"]


def compute_status_checks(projects: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """One row per (project, finding): project_id, check, severity, status, and the dates compared (start and end
    as published, end_derived when the end comes from the duration)."""
    rows = []
    for _, row in projects.iterrows():
        dates = project_dates(row)
        for key in check_project(row, today):
            rows.append({"project_id": row["project_id"], "check": key, "severity": STATUS_CHECKS[key].severity,
                         "status": _status(row), "start": dates.start.text if dates.start else None,
                         "end": dates.end.first.isoformat() if dates.end is dates.derived_end and dates.end
                         else (dates.end.text if dates.end else None),
                         "end_derived": dates.end is not None and dates.end is dates.derived_end})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --- timeline ---------------------------------------------------------------------------------------

def compute_timeline(projects: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, list[str]]:
    """Bars (project_id, kind planned|actual, start, end, start_text, end_text, derived, open_end, status) and
    the ids of projects with no published date at all (left out of the chart).

    A bar needs a start; its end is the published end, else (planned) the end derived from the duration.
    A bar with a start but no end is open (open_end=True, drawn up to today and said so)."""
    rows, left_out = [], []
    for _, row in projects.iterrows():
        d = project_dates(row)
        status = _status(row)
        drew = False
        for kind, start, end, derived in (
                ("planned", d.planned_start, d.planned_end or d.derived_end, d.planned_end is None
                 and d.derived_end is not None),
                ("actual", d.actual_start, d.actual_end, False)):
            if start is None and end is None:
                continue
            drew = True
            open_end = end is None
            bar_start = start.first if start else None
            bar_end = end.last if end else max(today, start.first)
            rows.append({"project_id": row["project_id"], "kind": kind, "start": bar_start, "end": bar_end,
                         "start_text": start.text if start else None,
                         "end_text": None if end is None or derived else end.text,
                         "derived": bool(derived), "open_end": open_end, "status": status})
        if not drew:
            left_out.append(row["project_id"])
    columns = ["project_id", "kind", "start", "end", "start_text", "end_text", "derived", "open_end", "status"]
    return pd.DataFrame(rows, columns=columns), left_out


# --- ending soon ------------------------------------------------------------------------------------

def count_without_end(projects: pd.DataFrame) -> int:
    """Projects with no end date, published or derived: 'ending soon' cannot be checked for them."""
    return sum(project_dates(row).end is None for _, row in projects.iterrows())


def compute_ending_soon(projects: pd.DataFrame, today: dt.date, days: int = 180) -> pd.DataFrame:
    """Projects whose best-known end falls between today and today + days (days_left, end_text, derived)."""
    horizon = today + dt.timedelta(days=days)
    rows = []
    for _, row in projects.iterrows():
        d = project_dates(row)
        if d.end is None or _status(row) in (4, 5):
            continue
        if today <= d.end.last <= horizon:
            rows.append({"project_id": row["project_id"], "end": d.end.last, "days_left": (d.end.last - today).days,
                         "end_text": d.end.text, "derived": d.end is d.derived_end, "status": _status(row)})
    frame = pd.DataFrame(rows, columns=["project_id", "end", "days_left", "end_text", "derived", "status"])
    return frame.sort_values("days_left").reset_index(drop=True)


# --- burn: time elapsed against money disbursed or spent ---------------------------------------------

def compute_burn(projects: pd.DataFrame, converted: pd.DataFrame, today: dt.date,
                 gap: float = 0.25) -> tuple[pd.DataFrame, dict[str, str]]:
    """Per project: elapsed (share of the planned period gone), burn (disbursed or spent / committed), far
    (|burn - elapsed| > gap). Returns the frame and {project_id: reason} for the projects left out."""
    committed = compute_committed(converted).groupby("project_id")["amount_reporting"].sum(min_count=1)
    used_flows = converted[converted["transaction_type"].isin([3, 4])]
    used = used_flows.groupby(["project_id", "transaction_type"])["amount_reporting"].sum(min_count=1)
    rows, left_out = [], {}
    for _, row in projects.iterrows():
        pid = row["project_id"]
        d = project_dates(row)
        if d.start is None or d.end is None:
            left_out[pid] = "dates"
            continue
        if pd.isna(committed.get(pid, float("nan"))) or committed.get(pid) <= 0:
            left_out[pid] = "committed"
            continue
        spent = used.get((pid, 4), float("nan"))
        money = spent if pd.notna(spent) else used.get((pid, 3), float("nan"))
        if pd.isna(money):
            left_out[pid] = "disbursed"
            continue
        span = (d.end.last - d.start.first).days
        elapsed = min(max((today - d.start.first).days / span, 0.0), 1.0) if span > 0 else 1.0
        burn = float(money) / float(committed[pid])
        rows.append({"project_id": pid, "elapsed": elapsed, "burn": burn, "far": abs(burn - elapsed) > gap,
                     "basis": "spent" if pd.notna(spent) else "disbursed"})
    return pd.DataFrame(rows, columns=["project_id", "elapsed", "burn", "far", "basis"]), left_out


# --- households ---------------------------------------------------------------------------------------

def compute_households(projects: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Projects with both households targeted and reached published; {project_id: missing fact} for the rest."""
    rows, left_out = [], {}
    for _, row in projects.iterrows():
        targeted, reached = row.get("households_targeted"), row.get("households_reached")
        if is_missing(targeted) and is_missing(reached):
            left_out[row["project_id"]] = "both"
        elif is_missing(reached):
            left_out[row["project_id"]] = "reached"
        elif is_missing(targeted):
            left_out[row["project_id"]] = "targeted"
        else:
            rows.append({"project_id": row["project_id"], "targeted": int(targeted), "reached": int(reached),
                         "minimum": row.get("households_targeted_is_minimum") is True})
    return pd.DataFrame(rows, columns=["project_id", "targeted", "reached", "minimum"]), left_out


# --- data quality -------------------------------------------------------------------------------------

NOT_PUBLISHED_FACTS = ("activity_status", "planned_start", "actual_start", "planned_end", "actual_end",
                       "households_targeted", "households_reached", "coverage", "theme")


def compute_not_published(portfolio: Portfolio) -> pd.DataFrame:
    """Per fact: how many projects (or flows) do not publish it."""
    rows = [{"table": "projects", "fact": c, "missing": int(portfolio.projects[c].isna().sum()),
             "total": len(portfolio.projects)} for c in NOT_PUBLISHED_FACTS]
    rows += [{"table": "funding", "fact": c, "missing": int(portfolio.funding[c].isna().sum()),
              "total": len(portfolio.funding)} for c in ("donor", "amount", "value_date")]
    return pd.DataFrame(rows, columns=["table", "fact", "missing", "total"])


def compute_unmatched_provinces(portfolio: Portfolio) -> pd.DataFrame:
    """Locations whose province name does not resolve to their P-code, and provincial projects with no place."""
    rows = []
    for _, loc in portfolio.locations.iterrows():
        name = loc.get("province_name")
        if is_missing(name):
            continue
        match = match_province(name)
        if match.pcode != loc["province_pcode"]:
            rows.append({"project_id": loc["project_id"], "province": str(name), "reason": "name_mismatch"})
    placed = set(portfolio.locations["project_id"])
    for _, p in portfolio.projects.iterrows():
        if p["project_id"] not in placed and p.get("coverage") != "national":
            rows.append({"project_id": p["project_id"], "province": None, "reason": "no_province"})
    return pd.DataFrame(rows, columns=["project_id", "province", "reason"])


def compute_data_quality(portfolio: Portfolio) -> dict[str, pd.DataFrame]:
    return {"not_published": compute_not_published(portfolio),
            "unmatched": compute_unmatched_provinces(portfolio),
            "conflicts": compute_conflicts(portfolio.sources, portfolio.documents)}
