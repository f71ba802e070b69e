"""The benchmark's naive path: the per-project, per-row implementations the vectorised ones replaced.

Kept as they were (one pandas group or Series per project, `iterrows`) so that `python -m bench.scale` reports
speed as a ratio measured in the same run, and the tests can check that every number of the fast path equals the
naive path's. Never used by the app."""
from __future__ import annotations

import pandas as pd

from geo.allocation import ALLOCATED_COLUMNS, QUANTITIES, Allocation, _project_values


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


def naive_allocate(projects: pd.DataFrame, locations: pd.DataFrame, flows: pd.DataFrame) -> Allocation:
    """Place every project's money and households (flows of one measure, converted: amount_reporting)."""
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


def naive_by_unit(allocation: Allocation, rows: pd.DataFrame | None = None, key: str = "pcode") -> pd.DataFrame:
    """One row per unit: the three quantities (NaN when nothing published there), projects, donors, split flag,
    funding per targeted household and share of the portfolio's funding (in %)."""
    rows = allocation.rows if rows is None else rows
    columns = [key, *QUANTITIES, "projects", "donors", "project_ids", "split_assumed"]
    if rows.empty:
        return pd.DataFrame(columns=[*columns, "funding_per_household", "share_of_portfolio"])
    grouped = rows.groupby(key)
    frame = pd.DataFrame({q: grouped[q].sum(min_count=1) for q in QUANTITIES})
    frame["projects"] = grouped["project_id"].nunique()
    frame["project_ids"] = grouped["project_id"].agg(lambda s: tuple(sorted(set(s))))
    frame["donors"] = frame["project_ids"].map(
        lambda ids: tuple(sorted({d for pid in ids for d in allocation.donors.get(pid, ())})))
    frame["split_assumed"] = grouped["split_assumed"].any()
    hh = frame["households_targeted"].where(frame["households_targeted"] > 0)
    frame["funding_per_household"] = frame["funding"] / hh
    total = allocation.totals["funding"]
    frame["share_of_portfolio"] = frame["funding"] / total * 100 if total else float("nan")
    return frame.reset_index()


def naive_allocate_territories(allocation: Allocation, locations: pd.DataFrame,
                               pcode: str) -> tuple[pd.DataFrame, dict]:
    """Split one province's allocated rows over its territories (explicit budget_share relative to the
    province's, else equal); rows naming no territory stay at province level. Returns (rows keyed on
    `territory`, {quantity: amount not placed in a territory})."""
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


def naive_allocate_all_territories(allocation: Allocation, locations: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """allocate_territories for every province with allocated rows; remainders summed."""
    frames, total = [], dict.fromkeys(QUANTITIES, 0.0)
    for pcode in sorted(set(allocation.rows["pcode"])):
        rows, remainder = naive_allocate_territories(allocation, locations, pcode)
        frames.append(rows)
        total = {q: total[q] + remainder[q] for q in QUANTITIES}
    columns = ["project_id", "territory", "share", "split_assumed", *QUANTITIES]
    frames = [f for f in frames if not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)), total




def extra_patches() -> list[tuple[object, str, object]]:
    """(module, name, naive function) pairs beyond the allocation's, for bench.scale's naive path."""
    return []
