"""The benchmark's naive path: the per-project, per-row implementations the vectorised ones replaced.

Kept as they were (one pandas group or Series per project, `iterrows`) so that `python -m bench.scale` reports
speed as a ratio measured in the same run, and the tests can check that every number of the fast path equals the
naive path's. Never used by the app."""
from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cells import is_missing
from components.escape import escape_text
from components.i18n import t
from components.maps import (
    CHOROPLETH_SCALE,
    DRC_LAT,
    DRC_LON,
    LAND_FILL,
    MAX_SYMBOL_PX,
    MISSING_DOT,
    MISSING_FILL,
    NO_PROJECT_FILL,
    SYMBOL_COLOUR,
    TOPOJSON_RESOLUTION,
    TOPOJSON_SCOPE,
    MapUnits,
    _colorbar,
    _default_title,
    _features,
    _hover,
    label_fits,
    qualified_value,
)
from data.currency import _check_code, _common_dates, _load_rates, to_value_date
from data.filters import (
    STATUS_NOT_PUBLISHED,
    YEAR_MAX,
    YEAR_MIN,
    FilterOptions,
    FilterResult,
    FilterState,
    split_list,
)
from data.metrics import KEY_FACTS, PAYMENT_OF, list_donors, project_end, project_start
from data.portfolio import Portfolio
from data.schema import ACTIVITY_STATUS, THEMES, PartialDate, parse_partial_date
from data.status import ACTIVE, CHECK_COLUMNS
from geo.allocation import ALLOCATED_COLUMNS, QUANTITIES, Allocation, MapMetric, _project_values
from geo.provinces import match_province


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _shares(rows: pd.DataFrame) -> tuple[dict[str, float], bool]:
    """Budget share per province of one project, and whether the split was assumed."""
    per_province: dict[str, float | None] = {}
    for pcode, group in rows.groupby("province_pcode", sort=True):
        known = pd.to_numeric(group["budget_share"], errors="coerce")
        per_province[pcode] = float(known.sum()) if known.notna().any() else None
    known_total = sum(v for v in per_province.values() if v is not None)
    unknown = [p for p, v in per_province.items() if v is None]
    assumed = bool(unknown) and len(per_province) > 1
    if unknown:
        rest = max(0.0, 1.0 - known_total) / len(unknown)
        per_province.update({p: rest for p in unknown})
    elif known_total > 1.0:
        per_province = {p: v / known_total for p, v in per_province.items()}
        assumed = True
    return {p: float(v) for p, v in per_province.items()}, assumed


def _household_shares(rows: pd.DataFrame) -> dict[str, float] | None:
    hh = pd.to_numeric(rows["households_targeted"], errors="coerce")
    if hh.isna().any() or hh.sum() <= 0:
        return None
    per = hh.groupby(rows["province_pcode"]).sum()
    return {p: float(v) / float(hh.sum()) for p, v in per.items()}


def naive_allocate(projects: pd.DataFrame, locations: pd.DataFrame, flows: pd.DataFrame,
                   shares: object = None) -> Allocation:
    """Place every project's money and households (flows of one measure, converted: amount_reporting). `shares`
    is accepted and ignored: the naive path splits each project from its rows every time."""
    values = _project_values(projects, flows)
    by_project = {pid: group for pid, group in locations.groupby("project_id")} if not locations.empty else {}
    national = dict.fromkeys(QUANTITIES, 0.0)
    unallocated = dict.fromkeys(QUANTITIES, 0.0)
    totals = dict.fromkeys(QUANTITIES, 0.0)
    not_published = dict.fromkeys(QUANTITIES, 0)
    published: dict[str, set[str]] = {q: set() for q in QUANTITIES}
    national_projects, unallocated_projects, out = [], [], []
    for pid, row in values.iterrows():
        rows = by_project.get(pid)
        explicit_hh = _household_shares(rows) if rows is not None else None
        amounts = {q: row[q] for q in QUANTITIES}
        if explicit_hh is not None and _missing(amounts["households_targeted"]):
            amounts["households_targeted"] = float(pd.to_numeric(rows["households_targeted"]).sum())
        for q, v in amounts.items():
            if _missing(v):
                not_published[q] += 1
            else:
                totals[q] += float(v)
                published[q].add(pid)
        if row["coverage"] == "national":
            national_projects.append(pid)
            for q, v in amounts.items():
                national[q] += 0.0 if _missing(v) else float(v)
            continue
        if rows is None or rows.empty:
            unallocated_projects.append(pid)
            for q, v in amounts.items():
                unallocated[q] += 0.0 if _missing(v) else float(v)
            continue
        shares, assumed = _shares(rows)
        for q, v in amounts.items():
            if _missing(v):
                continue
            use = explicit_hh if (q == "households_targeted" and explicit_hh) else shares
            unallocated[q] += float(v) * (1.0 - sum(use.values()))
        for pcode, share in shares.items():
            hh_share = explicit_hh.get(pcode, 0.0) if explicit_hh else share
            out.append((pid, pcode, share, assumed,
                        *[None if _missing(amounts[q]) else float(amounts[q]) * (hh_share if (
                            q == "households_targeted") else share) for q in QUANTITIES]))
    frame = pd.DataFrame.from_records(out, columns=list(ALLOCATED_COLUMNS))
    for q in QUANTITIES:
        frame[q] = frame[q].astype("float64")
    donors = {}
    if not flows.empty and "donor" in flows:
        donors = {pid: tuple(sorted(g.dropna().unique())) for pid, g in flows.groupby("project_id")["donor"]}
    return Allocation(frame, national, unallocated, totals, tuple(national_projects), tuple(unallocated_projects),
                      not_published, donors, {q: frozenset(ids) for q, ids in published.items()})


def naive_by_unit(allocation: Allocation, rows: pd.DataFrame | None = None, key: str = "pcode",
                  with_donors: bool = True) -> pd.DataFrame:
    """One row per unit: the three quantities (NaN when nothing published there), projects, donors (empty when not
    `with_donors`), split flag, funding per targeted household and share of the portfolio's funding (in %)."""
    rows = allocation.rows if rows is None else rows
    columns = [key, *QUANTITIES, "projects", "donors", "project_ids", "split_assumed"]
    if rows.empty:
        return pd.DataFrame(columns=[*columns, "funding_per_household", "share_of_portfolio"])
    grouped = rows.groupby(key)
    frame = pd.DataFrame({q: grouped[q].sum(min_count=1) for q in QUANTITIES})
    frame["projects"] = grouped["project_id"].nunique()
    frame["project_ids"] = grouped["project_id"].agg(lambda s: tuple(sorted(set(s))))
    frame["donors"] = frame["project_ids"].map(
        lambda ids: tuple(sorted({d for pid in ids for d in allocation.donors.get(pid, ())})) if with_donors else ())
    frame["split_assumed"] = grouped["split_assumed"].any()
    def per_household(unit_rows: pd.DataFrame) -> float:
        pairs = [(f, h) for f, h in zip(unit_rows["funding"], unit_rows["households_targeted"])
                 if f == f and h == h and h > 0]  # NaN != NaN: both published
        return sum(f for f, _ in pairs) / sum(h for _, h in pairs) if pairs else float("nan")

    frame["funding_per_household"] = grouped[["funding", "households_targeted"]].apply(per_household)
    total = allocation.totals["funding"]
    frame["share_of_portfolio"] = frame["funding"] / total * 100 if total else float("nan")
    return frame.reset_index()


def naive_allocate_territories(allocation: Allocation, locations: pd.DataFrame, pcode: str,
                               _places: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Split one province's allocated rows over its territories (explicit budget_share relative to the
    province's, else equal); rows naming no territory stay at province level. Returns (rows keyed on
    `territory`, {quantity: amount not placed in a territory}). `_places` is ignored: the naive path rederives it."""
    in_province = allocation.rows[allocation.rows["pcode"] == pcode]
    remainder = dict.fromkeys(QUANTITIES, 0.0)
    out = []
    for _, alloc in in_province.iterrows():
        places = locations[(locations["project_id"] == alloc["project_id"]) & (locations["province_pcode"] == pcode)]
        places = places[places["territory_pcode"].notna() & (places["territory_pcode"].astype(str) != "")]
        if places.empty:
            for q in QUANTITIES:
                remainder[q] += 0.0 if _missing(alloc[q]) else float(alloc[q])
            continue
        known = pd.to_numeric(places["budget_share"], errors="coerce")
        if known.notna().all() and alloc["share"] > 0:
            shares = (known / known.sum()).tolist()
            assumed = bool(alloc["split_assumed"])
        else:
            shares = [1.0 / len(places)] * len(places)
            assumed = bool(alloc["split_assumed"]) or len(places) > 1
        for territory, share in zip(places["territory_pcode"].astype(str), shares):
            out.append((alloc["project_id"], territory, share, assumed,
                        *[None if _missing(alloc[q]) else float(alloc[q]) * share for q in QUANTITIES]))
    frame = pd.DataFrame.from_records(out, columns=["project_id", "territory", "share", "split_assumed", *QUANTITIES])
    for q in QUANTITIES:
        frame[q] = frame[q].astype("float64")
    return frame, remainder


def naive_allocate_all_territories(allocation: Allocation, locations: pd.DataFrame,
                                   _places: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """allocate_territories for every province with allocated rows; remainders summed."""
    frames, total = [], dict.fromkeys(QUANTITIES, 0.0)
    for pcode in sorted(set(allocation.rows["pcode"])):
        rows, remainder = naive_allocate_territories(allocation, locations, pcode)
        frames.append(rows)
        total = {q: total[q] + remainder[q] for q in QUANTITIES}
    columns = ["project_id", "territory", "share", "split_assumed", *QUANTITIES]
    frames = [f for f in frames if not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)), total





# --- one project's dates, parsed from its text row by row (what data.status did before the typed bounds) ------

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
class NaiveCheck:
    key: str
    severity: str  # conflict | gap | info
    test: Callable[[int | None, ProjectDates, dt.date], bool]


def _ended(d: ProjectDates, today: dt.date) -> bool:
    return d.end is not None and d.end.last < today


NAIVE_CHECKS: dict[str, NaiveCheck] = {c.key: c for c in (
    NaiveCheck("status_not_published", "gap", lambda s, d, today: s is None),
    NaiveCheck("end_passed_still_active", "conflict",
                lambda s, d, today: s in ACTIVE and _ended(d, today)),
    NaiveCheck("actual_end_still_active", "conflict",
                lambda s, d, today: s in ACTIVE and d.actual_end is not None and d.actual_end.last < today),
    NaiveCheck("closed_before_end", "conflict",
                lambda s, d, today: s in (3, 4) and d.actual_end is None and d.end is not None
                and d.end.first > today),
    NaiveCheck("implementation_before_start", "conflict",
                lambda s, d, today: s == 2 and d.start is not None and d.start.first > today),
    NaiveCheck("pipeline_but_started", "conflict",
                lambda s, d, today: s == 1 and d.actual_start is not None and d.actual_start.last < today),
    NaiveCheck("closed_without_actual_end", "gap",
                lambda s, d, today: s == 4 and d.actual_end is None),
    NaiveCheck("actual_start_before_planned", "conflict",
                lambda s, d, today: d.actual_start is not None and d.planned_start is not None
                and d.actual_start.last < d.planned_start.first),
    NaiveCheck("end_before_start", "conflict",
                lambda s, d, today: d.start is not None and d.end is not None and d.end.last < d.start.first),
    NaiveCheck("no_start_date", "gap", lambda s, d, today: d.start is None),
    NaiveCheck("no_end_date", "gap", lambda s, d, today: d.end is None),
    NaiveCheck("end_derived", "info", lambda s, d, today: d.derived_end is not None),
)}


def naive_check_project(row: pd.Series, today: dt.date) -> list[str]:
    """Keys of the NAIVE_CHECKS a project triggers ('end passed' is not repeated when the actual end says so)."""
    status, dates = _status(row), project_dates(row)
    found = [key for key, check in NAIVE_CHECKS.items() if check.test(status, dates, today)]
    if "actual_end_still_active" in found and "end_passed_still_active" in found:
        found.remove("end_passed_still_active")
    return found




def naive_compute_status_checks(projects: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """One row per (project, finding): project_id, check, severity, status, and the dates compared (start and end
    as published, end_derived when the end comes from the duration)."""
    rows = []
    for _, row in projects.iterrows():
        dates = project_dates(row)
        for key in naive_check_project(row, today):
            rows.append({"project_id": row["project_id"], "check": key, "severity": NAIVE_CHECKS[key].severity,
                         "status": _status(row), "start": dates.start.text if dates.start else None,
                         "end": dates.end.first.isoformat() if dates.end is dates.derived_end and dates.end
                         else (dates.end.text if dates.end else None),
                         "end_derived": dates.end is not None and dates.end is dates.derived_end})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --- timeline ---------------------------------------------------------------------------------------

def naive_compute_timeline(projects: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, list[str]]:
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

def naive_compute_ending_soon(projects: pd.DataFrame, today: dt.date, days: int = 180) -> pd.DataFrame:
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

def naive_compute_burn(projects: pd.DataFrame, converted: pd.DataFrame, today: dt.date,
                 gap: float = 0.25) -> tuple[pd.DataFrame, dict[str, str]]:
    """Per project: elapsed (share of the planned period gone), burn (disbursed or spent / committed), far
    (|burn - elapsed| > gap). Returns the frame and {project_id: reason} for the projects left out."""
    committed = naive_compute_committed(converted).groupby("project_id")["amount_reporting"].sum(min_count=1)
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

def naive_compute_households(projects: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
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


def naive_compute_unmatched_provinces(portfolio: Portfolio) -> pd.DataFrame:
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




def naive_count_without_end(projects: pd.DataFrame) -> int:
    return sum(project_dates(row).end is None for _, row in projects.iterrows())


# --- filters -------------------------------------------------------------------------------------------

def _safe_date(value: object):
    try:
        return parse_partial_date(value)
    except ValueError:
        return None


def project_years(row: Mapping) -> tuple[int | None, int | None]:
    """First and last year a project runs, from its published dates (an end derived from the duration counts)."""
    starts = [d for d in (_safe_date(row.get("actual_start")), _safe_date(row.get("planned_start"))) if d]
    ends = [d for d in (_safe_date(row.get("actual_end")), _safe_date(row.get("planned_end"))) if d]
    first = starts[0].first.year if starts else None
    last = ends[0].last.year if ends else None
    months = row.get("duration_months")
    if last is None and starts and not is_missing(months):
        last = (pd.Timestamp(starts[0].first) + pd.DateOffset(months=int(months))).year
    return first, last


def naive_filter_options(portfolio: Portfolio) -> FilterOptions:
    projects, funding, locations = portfolio.projects, portfolio.funding, portfolio.locations
    donors = list_donors(funding)
    implementing = {o for v in projects["implementing_orgs"] for o in split_list(v)}
    recipients = {str(r) for r in funding["recipient"].dropna()}
    years = [y for _, row in projects.iterrows() for y in project_years(row) if y is not None]
    territories = sorted({str(t) for t in locations["territory_pcode"].dropna()})
    return FilterOptions(
        donors=tuple(donors),
        orgs=tuple(sorted(set(donors) | implementing | recipients, key=str.casefold)),
        themes=tuple(t for t in THEMES if t in set(projects["theme"].dropna())),
        statuses=tuple(str(c) for c in ACTIVITY_STATUS) + (STATUS_NOT_PUBLISHED,),
        provinces=tuple(sorted({str(p) for p in locations["province_pcode"].dropna()})),
        territories=tuple(territories),
        years=(min(years), max(years)) if years else None,
    )


def _naive_org_match(projects: pd.DataFrame, funding: pd.DataFrame, orgs: set[str], role: str) -> set[str]:
    funders = set(funding.loc[funding["donor"].isin(orgs), "project_id"])
    implementers = {pid for pid, v in zip(projects["project_id"], projects["implementing_orgs"])
                    if orgs & set(split_list(v))}
    implementers |= set(funding.loc[funding["recipient"].isin(orgs) | (funding["donor"].isin(orgs)
                                                                         & (funding["org_role"] == 4)), "project_id"])
    return {"funding": funders, "implementing": implementers}.get(role, funders | implementers)


def naive_apply_filters(portfolio: Portfolio, state: FilterState) -> FilterResult:
    """The portfolio narrowed to the projects (and their flows, places and sources) that match `state`."""
    projects, funding, locations = portfolio.projects, portfolio.funding, portfolio.locations
    keep = pd.Series(True, index=projects.index)
    if state.donors:
        keep &= projects["project_id"].isin(set(funding.loc[funding["donor"].isin(state.donors), "project_id"]))
    if state.orgs:
        keep &= projects["project_id"].isin(_naive_org_match(projects, funding, set(state.orgs), state.role))
    if state.themes:
        keep &= projects["theme"].isin(state.themes)
    if state.statuses:
        codes = {int(s) for s in state.statuses if s != STATUS_NOT_PUBLISHED}
        status = projects["activity_status"]
        keep &= status.isin(codes).fillna(False).astype(bool) | (
            status.isna() if STATUS_NOT_PUBLISHED in state.statuses else False)
    unlocated: list[str] = []
    place = locations
    if state.provinces:
        place = place[place["province_pcode"].isin(state.provinces)]
    if state.territories:
        place = place[place["territory_pcode"].isin(state.territories)]
    if state.provinces or state.territories:
        located = projects["project_id"].isin(set(place["project_id"]))
        unlocated = list(projects.loc[keep & ~projects["project_id"].isin(set(locations["project_id"])),
                                      "project_id"])
        keep &= located
    undated: list[str] = []
    if state.year_from is not None or state.year_to is not None:
        low = state.year_from if state.year_from is not None else YEAR_MIN
        high = state.year_to if state.year_to is not None else YEAR_MAX
        in_range = []
        for index, row in projects.iterrows():
            first, last = project_years(row)
            if first is None and last is None:
                in_range.append(False)
                if keep[index]:
                    undated.append(row["project_id"])
                continue
            # A bound that is not published does not exclude: only the published ones are compared.
            in_range.append((first is None or first <= high) and (last is None or last >= low))
        keep &= pd.Series(in_range, index=projects.index, dtype=bool)
    kept = projects[keep]
    ids = set(kept["project_id"])
    flows = funding[funding["project_id"].isin(ids)]
    if state.donors:
        flows = flows[flows["donor"].isin(state.donors)]
    places = place[place["project_id"].isin(ids)] if (state.provinces or state.territories) else \
        locations[locations["project_id"].isin(ids)]
    flow_ids = set(flows["flow_id"])
    src = portfolio.sources
    record_project = src["record_id"].astype(str).str.split("|").str[0]
    mine = ((src["table"] == "projects") & src["record_id"].isin(ids)) \
        | ((src["table"] == "funding") & src["record_id"].isin(flow_ids)) \
        | ((src["table"] == "locations") & record_project.isin(ids)) \
        | ~src["table"].isin(["projects", "funding", "locations"])
    narrowed = Portfolio(projects=kept, funding=flows, locations=places, sources=src[mine],
                         documents=portfolio.documents, reports=portfolio.reports,
                         unreadable=portfolio.unreadable)
    return FilterResult(narrowed, tuple(undated), tuple(unlocated))




# --- metrics -----------------------------------------------------------------------------------------

def naive_count_not_published(portfolio: Portfolio) -> dict[str, int]:
    """How many key facts are empty, per table (start/end count once whichever of planned/actual is given)."""
    projects = portfolio.projects
    missing = 0
    for _, row in projects.iterrows():
        for fact in KEY_FACTS["projects"]:
            if fact == "start":
                missing += project_start(row) is None
            elif fact == "end":
                missing += project_end(row) is None and is_missing(row["duration_months"])
            else:
                missing += is_missing(row[fact])
    funding_missing = sum(int(portfolio.funding[c].isna().sum()) for c in KEY_FACTS["funding"])
    return {"projects": int(missing), "funding": funding_missing}


# ------------------------------------------------------------------ currency: one ECB lookup per flow


@dataclass(frozen=True)
class Rate:
    """`rate` target units per source unit, taken from the ECB rates of `rate_date` (None for identity)."""

    source: str
    target: str
    rate: float
    rate_date: dt.date | None
    basis: str


def naive_get_rate(source: str, target: str, value_date: dt.date | None) -> Rate:
    """One flow's rate, looked up on its own (data.currency.convert_frame's rule, a bisect per flow): both legs
    from the nearest ECB date <= value_date on which both currencies are published; outside the pair's series
    its first/last rate; no value date: the latest rate."""
    source, target = _check_code(source), _check_code(target)
    if source == target:
        return Rate(source, target, 1.0, None, "identity")
    dates = _common_dates(source, target)
    if not dates:
        raise ValueError(f"the ECB never published {source} and {target} on the same day")
    day = to_value_date(value_date)
    if day is None:
        rate_date, basis = dates[-1], "latest"
    elif day < dates[0]:
        rate_date, basis = dates[0], "before-first"
    elif day > dates[-1]:
        rate_date, basis = dates[-1], "after-last"
    else:
        rate_date = dates[bisect_right(dates, day) - 1]
        basis = "value-date" if rate_date == day else "earlier-business-day"
    rates = _load_rates()
    return Rate(source, target, rates[target].rates[rate_date] / rates[source].rates[rate_date], rate_date, basis)


def naive_convert_frame(df: pd.DataFrame, target: str, amount_col: str = "amount", currency_col: str = "currency",
                        date_col: str = "value_date", value_dates: pd.Series | None = None) -> pd.DataFrame:
    """data.currency.convert_frame a flow at a time (naive_get_rate per distinct currency and day)."""
    target = _check_code(target)
    out = df.copy()
    cache: dict[tuple[str, dt.date | None], Rate] = {}
    amounts, rates, rate_dates, bases = [], [], [], []
    days = df[date_col] if value_dates is None else value_dates
    for amount, code, value_date in zip(df[amount_col], df[currency_col], days):
        key = (_check_code(code), to_value_date(value_date))
        if key not in cache:
            cache[key] = naive_get_rate(key[0], target, key[1])
        rate = cache[key]
        amounts.append(math.nan if is_missing(amount) else float(amount) * rate.rate)
        rates.append(rate.rate)
        rate_dates.append(rate.rate_date)
        bases.append(rate.basis)
    out["amount_reporting"] = pd.Series(amounts, index=df.index, dtype="float64")
    out["reporting_currency"] = pd.Series([target] * len(df), index=df.index, dtype=object)
    out["rate"] = pd.Series(rates, index=df.index, dtype="float64")
    out["rate_date"] = pd.Series(rate_dates, index=df.index, dtype=object)
    out["rate_basis"] = pd.Series(bases, index=df.index, dtype=object)
    return out


def naive_compute_left_to_disburse(converted: pd.DataFrame) -> dict:
    """data.metrics.compute_left_to_disburse with a pandas groupby on the project ids for each question (the fast path
    asks them with bincounts on integer codes). Committed, disbursed and left to disburse, over the projects that
    publish both: every
    commitment counted for the project (compute_committed) with an amount, and at least one payment answering it
    (PAYMENT_OF) with every such payment's amount. A project without a payment flow is left out, never read as 0.
    `payments`: how many payment flows answer a commitment at all (none: the page says 'no flow')."""
    if {"project_id", "transaction_type", "amount_reporting"} <= set(converted.columns):
        # the three columns used: every selection below then copies 3 columns, not the flows' 18
        converted = converted[["project_id", "transaction_type", "amount_reporting"]]
    committed = naive_compute_committed(converted)
    counted_projects = int(committed["project_id"].nunique()) if "project_id" in committed else 0
    if committed.empty:
        return {"committed": None, "disbursed": None, "left": None, "projects": 0, "projects_committed": 0,
                "payments": 0}
    types = committed.groupby("project_id")["transaction_type"].first().map(PAYMENT_OF)
    payments = converted[converted["project_id"].isin(types.index)]
    # (a project mixing 11 and 2 keeps an 11 without amount: its commitment is unknown and it is left out below)
    payments = payments[payments["transaction_type"].astype("Int64").eq(payments["project_id"].map(types))
                        .fillna(False).astype(bool)]
    # Column-wise (no Python function per project: 4,000 groups took 1.8 s at 10,000 projects).
    commitment_known = committed["amount_reporting"].notna().groupby(committed["project_id"]).all()
    amounts = payments["amount_reporting"]
    paid = pd.DataFrame({"known": amounts.notna().groupby(payments["project_id"]).all(),
                         "amount": amounts.groupby(payments["project_id"]).sum(min_count=1)})
    keep = paid["known"] & commitment_known.reindex(paid.index, fill_value=False).astype(bool)
    both = list(paid.index[keep.to_numpy()])
    if not both:
        return {"committed": None, "disbursed": None, "left": None, "projects": 0,
                "projects_committed": counted_projects, "payments": len(payments)}
    total_committed = float(committed.loc[committed["project_id"].isin(both), "amount_reporting"].sum())
    total_paid = float(paid.loc[both, "amount"].sum())
    return {"committed": total_committed, "disbursed": total_paid, "left": total_committed - total_paid,
            "projects": len(both), "projects_committed": counted_projects, "payments": len(payments)}


def naive_unit_donors(frame: pd.DataFrame, donors: pd.DataFrame) -> pd.Series:
    """components.maps._unit_donors by exploding each unit's project tuples and grouping on the names: donors of each
    unit's projects (data.metrics.compute_project_donors), largest committed amount first."""
    pairs = frame[["code", "project_ids"]].explode("project_ids").dropna().rename(
        columns={"project_ids": "project_id"})
    merged = pairs.merge(donors[donors["project_id"].isin(set(pairs["project_id"]))], on="project_id")
    totals = merged.groupby(["code", "donor"], as_index=False)["amount"].sum(min_count=1).sort_values(
        ["code", "amount", "donor"], ascending=[True, False, True], na_position="last")
    lists = totals.groupby("code")["donor"].agg(tuple)
    return frame["code"].map(lists).map(lambda v: v if isinstance(v, tuple) else ())


def naive_apply_filters_indexed(converted: pd.DataFrame, portfolio: Portfolio, state: FilterState,
                                index: object, carries_flows: bool = False) -> tuple[FilterResult, pd.DataFrame,
                                                                                      np.ndarray]:
    """data.filters.apply_filters_indexed on the per-row path: the filter, its converted flows, the projects kept."""
    result = naive_apply_filters(portfolio, state)
    flows = converted[converted["flow_id"].isin(set(result.portfolio.funding["flow_id"]))]
    return result, flows, portfolio.projects["project_id"].isin(set(result.portfolio.projects["project_id"])).to_numpy()


def naive_patches() -> list[tuple[object, str, object]]:
    """(module, name, naive function) pairs for bench.scale's naive path: pages import from the modules at each run
    (module attributes), components hold their own references. Each naive function takes whatever the fast one
    takes (tests/bench/test_naive.py checks the signatures), ignoring what only the fast path uses."""
    import components.filters
    import components.maps
    import components.small_map
    import components.view
    import data.filters
    import data.metrics
    import data.prepared
    import data.profiles
    import data.status
    import geo.allocation

    # The fast functions also take the prepared model's dates; the naive ones parse every row again instead.
    status = {"compute_status_checks": lambda projects, today, dates=None: naive_compute_status_checks(projects, today),
              "compute_timeline": lambda projects, today, dates=None: naive_compute_timeline(projects, today),
              "compute_ending_soon": lambda projects, today, days=180, dates=None: naive_compute_ending_soon(
                  projects, today, days),
              "compute_burn": lambda projects, converted, today, gap=0.25, dates=None, sums=None: naive_compute_burn(
                  projects, converted, today, gap),
              "compute_households": naive_compute_households,
              "count_without_end": lambda projects, dates=None: naive_count_without_end(projects),
              "compute_unmatched_provinces": naive_compute_unmatched_provinces}
    patches: list[tuple[object, str, object]] = [
        (geo.allocation, "allocate", naive_allocate), (geo.allocation, "by_unit", naive_by_unit),
        (data.prepared, "allocate", naive_allocate),
        (geo.allocation, "allocate_territories", naive_allocate_territories),
        (geo.allocation, "allocate_all_territories", naive_allocate_all_territories),
        (components.small_map, "allocate", naive_allocate), (components.small_map, "by_unit", naive_by_unit)]
    patches += [(data.status, name, f) for name, f in status.items()]
    patches.append((data.metrics, "count_not_published",
                    lambda portfolio, missing_facts=None: naive_count_not_published(portfolio)))
    patches.append((data.metrics, "convert_frame", naive_convert_frame))
    patches.append((data.metrics, "compute_left_to_disburse",
                    lambda converted, flows=None: naive_compute_left_to_disburse(converted)))
    def by_donor(converted, measure="committed", flow_facts=None, donor_flows_only=False, rows=None):
        converted = converted if rows is None else converted.iloc[rows]
        return naive_compute_by_donor(converted[data.metrics.is_donor_flow(converted)] if donor_flows_only
                                      else converted, measure)

    patches += [(data.metrics, "compute_by_donor", by_donor),
                (data.metrics, "compute_project_donors", naive_compute_project_donors),
                (components.small_map, "compute_project_donors", naive_compute_project_donors)]
    patches.append((components.view.View, "project_donors", lambda view, donor=None: naive_compute_project_donors(
        view.of_donor(donor)[1] if donor else view.funding)))  # the view's own flows, not the dataset's rows
    patches.append((components.view.View, "every_project_donors",
                    lambda view: naive_compute_project_donors(view.all_funding)))
    patches.append((data.profiles, "compute_donor_breakdown", naive_compute_donor_breakdown))
    patches.append((data.profiles, "compute_donor_provinces", naive_compute_donor_provinces))
    patches.append((components.maps, "_unit_donors", naive_unit_donors))
    patches += [(components.maps, "make_funding_map_figure", naive_make_funding_map_figure),
                (components.small_map, "make_funding_map_figure", naive_make_funding_map_figure)]
    def apply_filters(portfolio, state, years=None, members=None, index=None):
        return naive_apply_filters(portfolio, state)

    def options(portfolio, years=None, members=None):
        return naive_filter_options(portfolio)

    patches += [(data.filters, "apply_filters", apply_filters),
                (data.prepared, "apply_filters_indexed", naive_apply_filters_indexed),
                (data.prepared, "compute_allocation_index", lambda *_: None),  # the prepared model then allocate()s
                (data.prepared, "flow_facts_of", lambda *_: None),  # compute_kpis then reads the flows' text
                (data.prepared, "project_facts_of", lambda *_: None),  # … and the projects' columns
                (data.filters, "filter_options", options), (data.prepared, "filter_options", options),
                (components.filters, "filter_options", options)]
    # No kept copies either: the prepared pieces, allocation indexes and converted flows a stored version keeps
    # beside its parquet copy (data.prepared_store) are computed again, per row, and nothing is written.
    patches += [(data.prepared, name, lambda *_args, **_kwargs: None)
                for name in ("load_prepared", "load_converted", "load_allocation_index")]
    patches += [(data.prepared, name, lambda *_args, **_kwargs: False)
                for name in ("save_prepared", "save_converted", "save_allocation_index")]
    return patches


# --- metrics as they were: pandas on the ids and names (the fast path asks with integer codes and numpy) --------

def naive_compute_committed(converted: pd.DataFrame) -> pd.DataFrame:
    """data.metrics.compute_committed with a set of project ids: a project's incoming commitments (11) when it
    publishes an amount for any, else its outgoing commitments (2)."""
    if "transaction_type" not in converted:
        return converted
    flows = converted[converted["transaction_type"].isin({2, 11})]
    published_incoming = (flows["transaction_type"] == 11) & flows["amount_reporting"].notna()
    has_incoming = set(flows.loc[published_incoming, "project_id"])
    keep = (flows["transaction_type"] == 11) | ~flows["project_id"].isin(has_incoming)
    return flows[keep]


def naive_compute_by_donor(converted: pd.DataFrame, measure: str = "committed") -> pd.DataFrame:
    """data.metrics.compute_by_donor as a groupby with a Python function per donor."""
    from data.metrics import FLOW_MEASURES

    flows = naive_compute_committed(converted) if measure == "committed" else FLOW_MEASURES[measure].select(converted)
    donors = flows.assign(donor=flows["donor"].fillna("—"))
    grouped = donors.groupby("donor", dropna=False).agg(
        amount=("amount_reporting", lambda s: s.sum(min_count=1)),
        flows=("flow_id", "count"),
        not_published=("amount_reporting", lambda s: int(s.isna().sum())),
        projects=("project_id", "nunique"),
    ).reset_index()
    return grouped.sort_values("amount", ascending=False, na_position="last").reset_index(drop=True)


def naive_compute_project_donors(converted: pd.DataFrame) -> pd.DataFrame:
    """data.metrics.compute_project_donors as a groupby on (project id, donor name)."""
    from data.metrics import is_donor_flow

    columns = ["project_id", "donor", "amount"]
    if converted.empty:
        return pd.DataFrame(columns=columns)
    flows = converted[is_donor_flow(converted)]
    committed = flows["amount_reporting"].where(flows["transaction_type"].isin({2, 11}))
    frame = flows.assign(amount=committed).groupby(["project_id", "donor"], as_index=False)["amount"].sum(
        min_count=1)
    return frame.sort_values(["amount", "donor"], ascending=[False, True], na_position="last")[columns]


def naive_compute_donor_breakdown(flows: pd.DataFrame, by: str) -> tuple[pd.DataFrame, int]:
    """data.profiles.compute_donor_breakdown with a copy of the flows per measure, grouped on the `by` column."""
    from data.metrics import FLOW_MEASURES

    rows, left_out = [], 0
    for key in FLOW_MEASURES:
        chosen = naive_compute_committed(flows) if key == "committed" else FLOW_MEASURES[key].select(flows)
        usable = chosen[chosen["amount_reporting"].notna() & chosen[by].notna()]
        left_out += len(chosen) - len(usable)
        grouped = usable.groupby(by)["amount_reporting"]
        rows.append(pd.DataFrame({by: grouped.sum().index, "measure": key,
                                  "amount": grouped.sum().to_numpy(dtype="float64"),
                                  "flows": grouped.size().to_numpy(dtype="int64")}))
    rows = [part for part in rows if not part.empty]
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=[by, "measure", "amount", "flows"])
    return frame[[by, "measure", "amount", "flows"]], left_out


def naive_compute_donor_provinces(portfolio: Portfolio, donor: str) -> pd.DataFrame:
    """data.profiles.compute_donor_provinces as a groupby with a Python function per province."""
    ids = set(portfolio.funding.loc[portfolio.funding["donor"] == donor, "project_id"])
    places = portfolio.locations[portfolio.locations["project_id"].isin(ids)]
    if places.empty:
        return pd.DataFrame(columns=["province_pcode", "projects", "split_known"])
    grouped = places.groupby("province_pcode").agg(
        projects=("project_id", "nunique"),
        split_known=("split_known", lambda s: bool(s.fillna(False).all())))
    return grouped.reset_index()


# --- the funding map through plotly's validated API (the builder before it used plain dicts) ---------------------

def naive_outline_trace(geojson: dict) -> go.Scattergeo:
    """Every ring as one lon/lat line trace: boundaries without the topojson base map."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                lons += [p[0] for p in ring] + [None]
                lats += [p[1] for p in ring] + [None]
    return go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(width=0.7, color="#777777"),
                         hoverinfo="skip", showlegend=False)


def naive_geos(figure: go.Figure, base: bool, units: pd.DataFrame, fit: bool) -> None:
    geo = dict(showframe=False, showcoastlines=False, showocean=False, showsubunits=False,
               projection_type="equirectangular", bgcolor="rgba(0,0,0,0)")
    if base:  # the Natural Earth base map served by the app: neighbours, lakes and rivers
        geo.update(scope=TOPOJSON_SCOPE, resolution=TOPOJSON_RESOLUTION, showland=True, landcolor="#F4F4F2",
                   showcountries=True, countrycolor="#AAAAAA", showlakes=True, lakecolor="#CFE3F2",
                   showrivers=True, rivercolor="#CFE3F2")
    else:
        geo.update(showland=False, showcountries=False, showlakes=False, showrivers=False)
    if fit and not units.empty:
        pad = 0.6
        geo.update(lonaxis_range=[units["lon"].min() - pad * 2, units["lon"].max() + pad * 2],
                   lataxis_range=[units["lat"].min() - pad * 2, units["lat"].max() + pad * 2])
    else:
        geo.update(lonaxis_range=list(DRC_LON), lataxis_range=list(DRC_LAT))
    figure.update_geos(**geo)


def naive_legend_entry(name: str, marker: dict) -> go.Scattergeo:
    # plotly draws no legend for choropleth fills: an empty marker trace stands for them.
    return go.Scattergeo(lon=[None], lat=[None], mode="markers", hoverinfo="skip", showlegend=True, name=name,
                         marker=marker)


def naive_symbol_traces(units: pd.DataFrame, values: pd.Series, hover: list[str], metric: MapMetric,
                        currency: str, lang: str) -> list[go.Scattergeo]:
    shown = units[values.notna() & (values > 0)]
    if shown.empty:
        return []
    top = float(values.max())
    sizeref = 2.0 * top / MAX_SYMBOL_PX ** 2
    minimum = bool(units.loc[values == top, "minimum"].any()) if "minimum" in units else False
    return [go.Scattergeo(
        lon=shown["lon"], lat=shown["lat"], mode="markers", customdata=shown["code"],
        marker=dict(size=values[shown.index], sizemode="area", sizeref=sizeref, sizemin=4, color=SYMBOL_COLOUR,
                    opacity=0.75, line=dict(width=1, color="white")),
        text=[hover[i] for i in shown.index], hoverinfo="text", name=t(f"map.metric.{metric.key}", lang),
        showlegend=False),
        # Legend: plotly draws every legend marker at one size, so the entry states the scale in words.
        naive_legend_entry(t("map.legend.symbols", lang, value=qualified_value(top, metric, minimum, currency, lang)),
                           dict(size=12, color=SYMBOL_COLOUR, opacity=0.75))]


def naive_unit_states(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """Per unit: 'none' (no project), 'unpublished' (projects, but none publishes the value) or 'value'."""
    has_projects = pd.to_numeric(frame["projects"], errors="coerce").fillna(0) > 0
    return pd.Series(np.select([~has_projects, values.isna()], ["none", "unpublished"], "value"), index=frame.index)


def naive_make_funding_map_figure(units: MapUnits, metric: MapMetric, currency: str, lang: str, base: bool,
                                  height: int = 560, title: str | None = None, labels: bool = False,
                                  layout: dict | None = None) -> go.Figure:
    """components.maps.make_funding_map_figure through plotly's validated API (go.Figure, add_trace, update_layout:
    the builder before it used plain dicts); `layout` merged last with update_layout."""
    frame = units.frame.reset_index(drop=True)
    figure = go.Figure()
    values = (pd.to_numeric(metric.values(frame), errors="coerce") if not frame.empty
              else pd.Series(dtype=float))
    state = naive_unit_states(frame, values) if not frame.empty else pd.Series(dtype=object)
    hover = [_hover(r, metric, currency, lang) for r in frame.to_dict("records")]
    fill = metric.kind == "choropleth"
    known = frame[state == "value"]
    top = float(values[known.index].max()) if not known.empty else 0.0
    polygons = units.geojson is not None and base
    legend: list[go.Scattergeo] = []
    label = t(f"map.metric.{metric.key}", lang)
    names = {"none": t("map.legend.no_project", lang),
             "unpublished": t("map.legend.unpublished", lang, metric=label[:1].lower() + label[1:])}
    if polygons:
        colours = {"none": NO_PROJECT_FILL, "unpublished": MISSING_FILL, "value": None if fill else LAND_FILL}
        for kind, colour in colours.items():
            part = frame[state == kind]
            if colour is None or part.empty:
                continue
            figure.add_trace(go.Choropleth(
                geojson=units.url or _features(units.geojson, part["code"]), featureidkey="id",
                locations=part["code"],
                z=[0] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                marker_line=dict(width=0.6, color="#777777"), customdata=part["code"],
                text=[hover[i] for i in part.index], hoverinfo="text"))
            if kind in names:
                legend.append(naive_legend_entry(names[kind], dict(size=12, symbol="square", color=colour,
                                                                   line=dict(width=1, color="#777777"))))
        if fill and not known.empty:
            figure.add_trace(go.Choropleth(
                geojson=units.url or _features(units.geojson, known["code"]), featureidkey="id",
                locations=known["code"],
                z=values[known.index], zmin=0, zmax=top or 1, colorscale=CHOROPLETH_SCALE, reversescale=True,
                marker_line=dict(width=0.6, color="#555555"), customdata=known["code"],
                colorbar=_colorbar(metric, top or 1, currency, lang),
                text=[hover[i] for i in known.index], hoverinfo="text"))
    else:
        if units.geojson is not None:
            figure.add_trace(naive_outline_trace(units.geojson))
        dots = {"none": dict(size=6, color="#FFFFFF", line=dict(width=1, color="#888888")),
                "unpublished": dict(size=9, color=MISSING_DOT, line=dict(width=0))}
        if not fill:
            dots["value"] = dict(size=5, color=MISSING_DOT)  # the symbol's centre, hoverable at any size
        for kind, marker in dots.items():
            part = frame[state == kind]
            if part.empty:
                continue
            figure.add_trace(go.Scattergeo(lon=part["lon"], lat=part["lat"], mode="markers", customdata=part["code"],
                                           marker=marker, text=[hover[i] for i in part.index], hoverinfo="text",
                                           showlegend=False))
            if kind in names:
                legend.append(naive_legend_entry(names[kind], marker | dict(size=10)))
        if fill and not known.empty:
            figure.add_trace(go.Scattergeo(
                lon=known["lon"], lat=known["lat"], mode="markers", customdata=known["code"],
                marker=dict(size=18, color=values[known.index], cmin=0, cmax=top or 1, colorscale=CHOROPLETH_SCALE,
                            reversescale=True, showscale=True, line=dict(width=1, color="#333333"),
                            colorbar=_colorbar(metric, top or 1, currency, lang)),
                text=[hover[i] for i in known.index], hoverinfo="text", showlegend=False))
    if metric.kind == "symbol":
        for trace in naive_symbol_traces(frame, values, hover, metric, currency, lang):
            figure.add_trace(trace)
    if labels and not frame.empty:
        # White names on the dark end of the fill scale, dark ones elsewhere.
        dark = (state == "value") & (values > 0.55 * top) if polygons and fill else pd.Series(False, frame.index)
        named = label_fits(frame, units.geojson)
        figure.add_trace(go.Scattergeo(
            lon=frame.loc[named, "lon"], lat=frame.loc[named, "lat"], mode="text",
            text=[escape_text(n, "html") for n in frame.loc[named, "name"]],
            textposition="middle center" if polygons and fill else "bottom center",
            textfont=dict(size=11, color=["#FFFFFF" if d else "#222222" for d in dark[named]]), hoverinfo="skip",
            showlegend=False))
    for trace in legend:
        figure.add_trace(trace)
    if known.empty and not frame.empty:
        # Nothing to colour: the figure itself says why, rather than a grey country.
        message = t("map.empty.no_project" if (state == "none").all() else "map.empty.unpublished", lang,
                    metric=label)
        figure.add_annotation(text=message, x=0.5, y=0.98, xref="paper", yref="paper", showarrow=False,
                              bgcolor="rgba(255,255,255,0.85)", font=dict(size=14))
    naive_geos(figure, base, frame, fit=units.level == 2)
    figure.update_layout(
        title=dict(text=title or _default_title(units, metric, currency, lang)), height=height,
        margin=dict(l=0, r=0, t=50, b=0), showlegend=True,
        legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, title=None, font=dict(size=13)),
        separators=",." if lang == "en" else ", ", clickmode="event+select")
    if layout:
        figure.update_layout(**layout)
    return figure
