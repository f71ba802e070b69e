"""Programme status (pure): IATI status against the dates, timeline bars, burn, ending soon, households, data quality.

Every function takes `today` explicitly. Dates may be partial (YYYY, YYYY-MM, YYYY-MM-DD): a check only fires when
the whole published period supports it (an end of '2024' has passed only once 31 Dec 2024 is over)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics import compute_conflicts, compute_project_money
from data.portfolio import Portfolio
from data.schema import compute_date_bounds
from geo.provinces import match_province

ACTIVE = frozenset({1, 2})  # pipeline, implementation: the project says it is not over
DATE_COLUMNS = ("planned_start", "actual_start", "planned_end", "actual_end")
SEVERITIES = ("conflict", "gap", "info")


# --- every project's dates at once, from the typed bounds of the date kind (data.schema) ----------------

def _add_months(days: pd.Series, months: pd.Series) -> pd.Series:
    """days + months as pd.DateOffset(months=…) does it (the day clipped to the end of a shorter month)."""
    total = days.dt.year * 12 + days.dt.month - 1 + months.astype("float64")
    ok = total.notna()
    month = (total.where(ok, 1970 * 12).to_numpy(dtype="int64") - 1970 * 12).astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[D]") - first).astype("int64")
    day = np.minimum(days.dt.day.fillna(1).to_numpy(dtype="int64"), length)
    return pd.Series((first + (day - 1)).astype("datetime64[ns]"), index=days.index).where(ok)


def compute_project_dates(projects: pd.DataFrame, bounds: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per project (same index): status (float, NaN = not published); per date column `<c>_first`,
    `<c>_last`, `<c>_text`; the derived planned end `derived_first/last/text` (start + duration_months, when no
    planned end is published); the best-known `start_*` (actual, else planned) and `end_*` (actual, else planned,
    else derived) with `end_derived`. `bounds`: the projects' dates typed (Portfolio.date_bounds("projects"),
    kept since the portfolio was assembled), typed here when not given."""
    bounds = compute_date_bounds("projects", projects) if bounds is None else bounds
    out = pd.DataFrame(index=projects.index)
    out["status"] = pd.to_numeric(projects["activity_status"], errors="coerce").astype("float64")
    for column in DATE_COLUMNS:
        first = bounds[f"{column}_first"]
        out[f"{column}_first"], out[f"{column}_last"] = first, bounds[f"{column}_last"]
        out[f"{column}_text"] = projects[column].astype("string").str.strip().where(first.notna())
    months = pd.to_numeric(projects["duration_months"], errors="coerce")
    planned = out["planned_start_first"].notna()
    base_first = out["planned_start_first"].where(planned, out["actual_start_first"])
    base_last = out["planned_start_last"].where(planned, out["actual_start_last"])
    base_text = out["planned_start_text"].where(planned, out["actual_start_text"])
    derive = out["planned_end_first"].isna() & base_first.notna() & months.notna()
    out["derived_first"] = _add_months(base_first, months).where(derive)
    out["derived_last"] = _add_months(base_last, months).where(derive)
    out["derived_text"] = (base_text + "+" + months.astype("string") + "m").where(derive)
    actual_start = out["actual_start_first"].notna()
    for part in ("first", "last", "text"):
        out[f"start_{part}"] = out[f"actual_start_{part}"].where(actual_start, out[f"planned_start_{part}"])
    actual_end, planned_end = out["actual_end_first"].notna(), out["planned_end_first"].notna()
    for part in ("first", "last", "text"):
        out[f"end_{part}"] = out[f"actual_end_{part}"].where(
            actual_end, out[f"planned_end_{part}"].where(planned_end, out[f"derived_{part}"]))
    out["end_derived"] = ~actual_end & ~planned_end & derive
    return out


def dates_of(projects: pd.DataFrame, dates: pd.DataFrame | None, columns: tuple[str, ...] | None = None
             ) -> pd.DataFrame:
    """compute_project_dates of `projects`, taken from `dates` (computed for them or a superset, e.g. the prepared
    model's) when given: a filter keeps the projects' index. `columns`: only these (taking 3 of 40 is quicker)."""
    if dates is None:
        dates = compute_project_dates(projects)
        return dates if columns is None else dates[list(columns)]
    return dates.loc[projects.index] if columns is None else dates.loc[projects.index, list(columns)]


def count_without_end(projects: pd.DataFrame, dates: pd.DataFrame | None = None) -> int:
    """Projects with no best-known end (no actual or planned end, and none derivable from the duration)."""
    ends = compute_project_dates(projects)["end_first"] if dates is None else dates["end_first"].loc[projects.index]
    return int(ends.isna().sum())


def of_projects(frame: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` about `projects`, in its order: `frame` is a result computed for a superset of them (all
    the dataset's projects, once per day) by compute_status_checks, compute_timeline or compute_ending_soon, which
    keep the projects' order (and sort stably), so these rows are what computing it for `projects` alone gives."""
    ids = pd.Series(frame["project_id"].to_numpy(dtype=object), dtype=object)  # isin on str columns: 10x slower
    return frame[ids.isin(projects["project_id"].to_numpy(dtype=object)).to_numpy()].reset_index(drop=True)


def project_positions(frame: pd.DataFrame, ids: np.ndarray) -> np.ndarray | None:
    """Each row's project as its position among `ids` (the dataset's project ids), −1 for none; None when the ids
    are not unique (then of_projects)."""
    index = pd.Index(ids)
    return index.get_indexer(frame["project_id"].to_numpy(dtype=object)) if index.is_unique else None


def of_kept(frame: pd.DataFrame, positions: np.ndarray, keep: np.ndarray) -> pd.DataFrame:
    """of_projects on positions: the rows of `frame` whose project (project_positions) is kept (`keep`: a mask
    over the dataset's projects, as the filters give it), without comparing the ids' text again."""
    return frame[kept_rows(positions, keep)].reset_index(drop=True)


def kept_rows(positions: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Which rows of a whole-dataset frame of_kept takes: those whose project position (−1: none) is kept."""
    return np.append(keep, False)[positions]


def rank_latest_started(bars: pd.DataFrame, positions: np.ndarray, count: int) -> np.ndarray:
    """The positions (among `count` projects) of the projects with bars in `bars` (compute_timeline of the dataset;
    `positions`: each bar's project, project_positions), the most recently started first, those with no start
    last, ties in position order: a stable sort, so a filter state's projects keep this order among themselves
    and its first kept ones are the ones components.timeline.limit_timeline picks for it."""
    days = np.array(bars["start"].tolist(), dtype="datetime64[D]").astype("int64")
    none = np.iinfo(np.int64).min  # NaT's integer: np.maximum passes it over whenever a project has a start
    latest = np.full(count, none, dtype="int64")
    np.maximum.at(latest, positions, days)
    dated = np.zeros(count, dtype=bool)
    dated[positions] = True
    at = np.flatnonzero(dated)
    undated = latest[at] == none
    return at[np.lexsort((np.where(undated, 0, -latest[at]), undated))]  # lexsort is stable


def _statuses(values: pd.Series, index: pd.Index | None = None) -> pd.Series:
    """Status codes as Python ints and None, held as objects: the same dtype whichever projects the rows are of (a
    list of ints alone would read as int64, with a None as float64), so rows found for the whole dataset and taken
    for some projects (of_projects) are the rows found for them."""
    return _objects([None if v != v else int(v) for v in values], index)


def _objects(values: list, index: pd.Index | None) -> pd.Series:
    return pd.Series(values, index=index, dtype=object)  # (a frame would read an array of texts as str)


# --- status checks: a registry; each check is a mask over compute_project_dates (a row per project) ---------

Mask = Callable[[pd.DataFrame, pd.Timestamp], pd.Series]


@dataclass(frozen=True)
class StatusCheck:
    key: str
    severity: str  # conflict | gap | info
    mask: Mask


def _active(d: pd.DataFrame) -> pd.Series:
    return d["status"].isin(ACTIVE)


STATUS_CHECKS: dict[str, StatusCheck] = {c.key: c for c in (
    StatusCheck("status_not_published", "gap", lambda d, today: d["status"].isna()),
    StatusCheck("end_passed_still_active", "conflict", lambda d, today: _active(d) & (d["end_last"] < today)),
    StatusCheck("actual_end_still_active", "conflict",
                lambda d, today: _active(d) & (d["actual_end_last"] < today)),
    StatusCheck("closed_before_end", "conflict",
                lambda d, today: d["status"].isin((3, 4)) & d["actual_end_first"].isna() & (d["end_first"] > today)),
    StatusCheck("implementation_before_start", "conflict",
                lambda d, today: (d["status"] == 2) & (d["start_first"] > today)),
    StatusCheck("pipeline_but_started", "conflict",
                lambda d, today: (d["status"] == 1) & (d["actual_start_last"] < today)),
    StatusCheck("closed_without_actual_end", "gap",
                lambda d, today: (d["status"] == 4) & d["actual_end_first"].isna()),
    StatusCheck("actual_start_before_planned", "conflict",
                lambda d, today: d["actual_start_last"] < d["planned_start_first"]),
    StatusCheck("end_before_start", "conflict", lambda d, today: d["end_last"] < d["start_first"]),
    StatusCheck("no_start_date", "gap", lambda d, today: d["start_first"].isna()),
    StatusCheck("no_end_date", "gap", lambda d, today: d["end_first"].isna()),
    StatusCheck("end_derived", "info", lambda d, today: d["derived_first"].notna()),
)}

CHECK_COLUMNS = ["project_id", "check", "severity", "status", "start", "end", "end_derived"]


def _masks(dates: pd.DataFrame, today: dt.date) -> dict[str, pd.Series]:
    day = pd.Timestamp(today)
    masks = {key: check.mask(dates, day).fillna(False).astype(bool) for key, check in STATUS_CHECKS.items()}
    # 'end passed' is not repeated when the actual end says so
    masks["end_passed_still_active"] &= ~masks["actual_end_still_active"]
    return masks


def compute_status_checks(projects: pd.DataFrame, today: dt.date, dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (project, finding): project_id, check, severity, status, and the dates compared (start and end
    as published, end_derived when the end comes from the duration)."""
    dates = dates_of(projects, dates)
    masks = _masks(dates, today)
    position = pd.Series(np.arange(len(projects)), index=projects.index)
    parts = []
    for order, (key, mask) in enumerate(masks.items()):
        if mask.any():
            parts.append(pd.DataFrame({"_position": position[mask], "_order": order, "check": key,
                                       "severity": STATUS_CHECKS[key].severity}, index=projects.index[mask]))
    if not parts:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    found = pd.concat(parts).sort_values(["_position", "_order"], kind="stable")
    picked = dates.loc[found.index]
    end = picked["end_text"].where(~picked["end_derived"], picked["derived_first"].dt.strftime("%Y-%m-%d"))
    frame = pd.DataFrame({
        "project_id": projects.loc[found.index, "project_id"].to_numpy(),
        "check": found["check"].to_numpy(), "severity": found["severity"].to_numpy(),
        "status": _statuses(picked["status"]),
        "start": picked["start_text"].astype(object).where(picked["start_text"].notna(), None).to_numpy(),
        "end": end.astype(object).where(end.notna(), None).to_numpy(),
        "end_derived": picked["end_derived"].to_numpy(dtype=bool)})
    return frame.reset_index(drop=True)


# --- timeline ---------------------------------------------------------------------------------------

TIMELINE_COLUMNS = ["project_id", "kind", "start", "end", "start_text", "end_text", "derived", "open_end", "status"]


def _dates_or_none(values: pd.Series, index: pd.Index | None = None) -> pd.Series:
    return _objects([None if pd.isna(v) else v.date() for v in values], index)


def _texts_or_none(values: pd.Series, index: pd.Index | None = None) -> pd.Series:
    return _objects([None if pd.isna(v) else str(v) for v in values], index)  # objects: see _statuses


def compute_timeline(projects: pd.DataFrame, today: dt.date,
                     dates: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Bars (project_id, kind planned|actual, start, end, start_text, end_text, derived, open_end, status) and
    the ids of projects with no published date at all (left out of the chart).

    A bar needs a start; its end is the published end, else (planned) the end derived from the duration.
    A bar with a start but no end is open (open_end=True, drawn up to today and said so)."""
    d = dates_of(projects, dates)
    day = pd.Timestamp(today)
    position = pd.Series(np.arange(len(projects)), index=projects.index)
    parts = []
    planned_end = d["planned_end_first"].notna()
    for order, kind, prefix, end_first, end_last, end_text, derived in (
            (0, "planned", "planned_start", d["planned_end_first"].where(planned_end, d["derived_first"]),
             d["planned_end_last"].where(planned_end, d["derived_last"]), d["planned_end_text"],
             ~planned_end & d["derived_first"].notna()),
            (1, "actual", "actual_start", d["actual_end_first"], d["actual_end_last"], d["actual_end_text"],
             pd.Series(False, index=d.index))):
        start_first = d[f"{prefix}_first"]
        drawn = start_first.notna() | end_first.notna()
        at = projects.index[drawn]
        open_end = end_first.isna()
        bar_end = end_last.where(~open_end, start_first.where(start_first > day, day))
        parts.append(pd.DataFrame({
            "_position": position[drawn], "_order": order, "project_id": projects.loc[drawn, "project_id"],
            "kind": kind, "start": _dates_or_none(start_first[drawn], at),
            "end": _dates_or_none(bar_end[drawn], at),
            "start_text": _texts_or_none(d.loc[drawn, f"{prefix}_text"], at),
            "end_text": _texts_or_none(end_text.where(~open_end & ~derived)[drawn], at),
            "derived": derived[drawn].to_numpy(dtype=bool), "open_end": open_end[drawn].to_numpy(dtype=bool),
            "status": _statuses(d.loc[drawn, "status"], at)}, index=at))
    bars = pd.concat(parts).sort_values(["_position", "_order"], kind="stable")
    dated = set(bars.index)
    left_out = [pid for index, pid in zip(projects.index, projects["project_id"]) if index not in dated]
    return bars[TIMELINE_COLUMNS].reset_index(drop=True), left_out


# --- ending soon ------------------------------------------------------------------------------------

def compute_ending_soon(projects: pd.DataFrame, today: dt.date, days: int = 180,
                        dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Projects whose best-known end falls between today and today + days (days_left, end_text, derived)."""
    d = dates_of(projects, dates)
    day = pd.Timestamp(today)
    soon = d["end_last"].between(day, day + pd.Timedelta(days=days)) & ~d["status"].isin((4, 5))
    picked = d[soon]
    frame = pd.DataFrame({"project_id": projects.loc[soon, "project_id"].to_numpy(),
                          "end": _dates_or_none(picked["end_last"]),
                          "days_left": (picked["end_last"] - day).dt.days.astype(int).to_numpy(),
                          "end_text": _texts_or_none(picked["end_text"]),
                          "derived": picked["end_derived"].to_numpy(dtype=bool),
                          "status": _statuses(picked["status"])},
                         columns=["project_id", "end", "days_left", "end_text", "derived", "status"])
    return frame.sort_values("days_left", kind="stable").reset_index(drop=True)


# --- burn: time elapsed against money disbursed or spent ---------------------------------------------

def compute_burn(projects: pd.DataFrame, converted: pd.DataFrame | None, today: dt.date, gap: float = 0.25,
                 dates: pd.DataFrame | None = None, sums: pd.DataFrame | None = None
                 ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Per project: elapsed (share of the planned period gone), burn (disbursed or spent / committed), far
    (|burn - elapsed| > gap). Returns the frame and {project_id: reason} for the projects left out. `sums`:
    compute_project_money of flows holding every flow `converted` holds for these projects (e.g. the whole
    dataset's, found once, when no donor filter splits a project's flows), given instead of `converted`."""
    sums = compute_project_money(converted) if sums is None else sums
    ids = projects["project_id"].to_numpy()
    at = sums.index.get_indexer(ids)  # each project's row of sums, -1 when it has no flow

    def per_project(column: str) -> np.ndarray:
        return np.append(sums[column].to_numpy(dtype="float64"), np.nan)[at]  # at -1: the NaN appended

    # numpy over the projects (a pandas op per step cost more than the arithmetic)
    d = dates_of(projects, dates, ("start_first", "end_first", "end_last"))
    start, end = d["start_first"].to_numpy(dtype="datetime64[ns]"), d["end_last"].to_numpy(dtype="datetime64[ns]")
    money_in, spent = per_project("committed"), per_project("spent")
    money = np.where(np.isnan(spent), per_project("disbursed"), spent)
    no_dates = np.isnat(start) | d["end_first"].isna().to_numpy()
    no_commitment = ~no_dates & ~(money_in > 0)
    no_money = ~no_dates & ~no_commitment & np.isnan(money)
    kept = ~(no_dates | no_commitment | no_money)
    day = np.datetime64(pd.Timestamp(today).to_datetime64(), "ns")
    span = _days(end[kept] - start[kept])
    elapsed = np.clip(_days(day - start[kept]) / np.where(span > 0, span, np.nan), 0.0, 1.0)
    elapsed = np.where(span > 0, elapsed, 1.0)
    burn = money[kept] / money_in[kept]
    frame = pd.DataFrame({"project_id": ids[kept], "elapsed": elapsed, "burn": burn,
                          "far": np.abs(burn - elapsed) > gap,
                          "basis": np.where(~np.isnan(spent[kept]), "spent", "disbursed")},
                         columns=["project_id", "elapsed", "burn", "far", "basis"])
    reason = np.select([no_dates, no_commitment], ["dates", "committed"], "disbursed")
    return frame, dict(zip(ids[~kept].tolist(), reason[~kept].tolist()))


def _days(spans: np.ndarray) -> np.ndarray:
    """Whole days of timedelta64 spans, as floats (Series.dt.days: floored)."""
    return np.floor_divide(spans, np.timedelta64(1, "D")).astype("float64")


# --- households ---------------------------------------------------------------------------------------

def compute_households(projects: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Projects with both households targeted and reached published; {project_id: missing fact} for the rest."""
    # numpy on the columns' arrays: no frame selection per step (a new filter state computes it once)
    targeted = pd.to_numeric(projects["households_targeted"], errors="coerce").to_numpy(dtype="float64",
                                                                                          na_value=np.nan)
    reached = pd.to_numeric(projects["households_reached"], errors="coerce").to_numpy(dtype="float64",
                                                                                      na_value=np.nan)
    no_target, no_reach = np.isnan(targeted), np.isnan(reached)
    both = ~no_target & ~no_reach
    reason = np.where(no_target & no_reach, "both", np.where(no_reach, "reached", "targeted"))
    ids = projects["project_id"].to_numpy(dtype=object)
    minimum = projects["households_targeted_is_minimum"].to_numpy(dtype=object)[both]
    frame = pd.DataFrame({"project_id": ids[both], "targeted": targeted[both].astype(int),
                          "reached": reached[both].astype(int), "minimum": [v is True for v in minimum]},
                         columns=["project_id", "targeted", "reached", "minimum"])
    return frame, dict(zip(ids[~both].tolist(), reason[~both].tolist()))


# --- data quality -------------------------------------------------------------------------------------

NOT_PUBLISHED_FACTS = ("activity_status", "planned_start", "actual_start", "planned_end", "actual_end",
                       "households_targeted", "households_reached", "coverage", "theme")


FLOW_FACTS = ("donor", "amount", "value_date")


def compute_fact_gaps(frame: pd.DataFrame, facts: tuple[str, ...] = NOT_PUBLISHED_FACTS) -> np.ndarray:
    """Per row (a project, or a flow with FLOW_FACTS) and fact (column): whether it leaves the fact empty. Found
    once for the dataset, a filter state's counts are a sum over its rows (compute_not_published's `gaps`)."""
    # on the arrays: Series.isna builds a Series per column
    return np.column_stack([frame[c].array.isna() for c in facts]) if facts else np.zeros((len(frame), 0), bool)


def compute_not_published(portfolio: Portfolio, gaps: np.ndarray | None = None,
                          flow_gaps: np.ndarray | None = None) -> pd.DataFrame:
    """Per fact: how many projects (or flows) do not publish it. `gaps`, `flow_gaps`: compute_fact_gaps of these
    projects and flows (e.g. the dataset's rows of them)."""
    counts = (compute_fact_gaps(portfolio.projects) if gaps is None else gaps).sum(axis=0).tolist()
    total = len(portfolio.projects) if gaps is None else len(gaps)
    rows = [{"table": "projects", "fact": c, "missing": n, "total": total} for c, n in zip(NOT_PUBLISHED_FACTS, counts)]
    # the flows' gaps have a row per flow: their count is the flows' (a view's flows are then never sliced here)
    flows = compute_fact_gaps(portfolio.funding, FLOW_FACTS) if flow_gaps is None else flow_gaps
    rows += [{"table": "funding", "fact": c, "missing": n, "total": len(flows)}
             for c, n in zip(FLOW_FACTS, flows.sum(axis=0).tolist())]
    return pd.DataFrame(rows, columns=["table", "fact", "missing", "total"])


def compute_unmatched_provinces(portfolio: Portfolio) -> pd.DataFrame:
    """Locations whose province name does not resolve to their P-code, and provincial projects with no place."""
    locations, projects = portfolio.locations, portfolio.projects
    # On the columns' arrays (a selection of the whole locations or projects table copied every column)
    names = locations["province_name"].to_numpy(dtype=object)
    codes, distinct = pd.factorize(names)  # each distinct name stripped and matched once
    usable = np.array([isinstance(n, str) and n.strip() != "" or not isinstance(n, str) and pd.notna(n)
                       for n in distinct], dtype=bool)
    named = (codes >= 0) & np.append(usable, False)[codes]
    matched = np.array([match_province(n).pcode if ok else None for n, ok in zip(distinct, usable)] + [None],
                       dtype=object)[codes[named]]
    pcodes = locations["province_pcode"].to_numpy(dtype=object)[named]
    # a missing P-code on either side differs from anything, as pandas compares (None != None is False in Python)
    wrong = pd.isna(matched) | pd.isna(pcodes) | (matched != pcodes)
    rows = pd.DataFrame({"project_id": locations["project_id"].to_numpy(dtype=object)[named][wrong],
                         "province": np.array([str(n) for n in names[named][wrong]], dtype=object),
                         "reason": "name_mismatch"})
    ids = projects["project_id"].to_numpy(dtype=object)
    unplaced = ~pd.Series(ids, dtype=object).isin(set(locations["project_id"])).to_numpy() & (
        projects["coverage"] != "national").fillna(True).to_numpy(dtype=bool)
    missing = pd.DataFrame({"project_id": ids[unplaced], "province": None, "reason": "no_province"})
    return pd.concat([rows, missing], ignore_index=True)[["project_id", "province", "reason"]]


def unmatched_of(every: pd.DataFrame, projects: pd.DataFrame, all_projects: int) -> pd.DataFrame:
    """compute_unmatched_provinces of a filter state whose places are every place of its projects (no province or
    territory filter), from `every` (computed for the whole dataset, of `all_projects` projects): its rows about
    these projects (a place's name is checked alone; a project is unplaced whatever the other projects are). All
    projects kept: the dataset's places, those of no project included, so `every` itself."""
    return every if len(projects) == all_projects else of_projects(every, projects)


def compute_data_quality(portfolio: Portfolio, unmatched: pd.DataFrame | None = None,
                         gaps: np.ndarray | None = None, flow_gaps: np.ndarray | None = None
                         ) -> dict[str, pd.DataFrame]:
    """`unmatched`: compute_unmatched_provinces of this portfolio, when the caller has it (unmatched_of); `gaps`,
    `flow_gaps`: compute_fact_gaps of its projects and flows (e.g. the dataset's rows of them)."""
    return {"not_published": compute_not_published(portfolio, gaps, flow_gaps),
            "unmatched": compute_unmatched_provinces(portfolio) if unmatched is None else unmatched,
            "conflicts": compute_conflicts(portfolio.sources, portfolio.documents)}
