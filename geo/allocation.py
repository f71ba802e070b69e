"""The allocation join: each project's funding and households placed on provinces (and territories).

Rules, per project and quantity (funding in the reporting currency, households targeted, households reached):
- coverage "national" → the national amount, shown beside the map, never spread over provinces;
- no location row → unallocated (also shown beside the map);
- otherwise, per province: its explicit budget_share; provinces without one share the rest equally and the
  project is flagged "split assumed" (only when it has more than one province). Shares that leave a remainder
  put it in unallocated; shares above 1 are scaled down to 1 (and flagged).
- households: explicit per-province households_targeted, when every province of the project has one, set
  the households split (and stand for the project's total when the project publishes none).
A value that is not published stays missing: it adds nothing anywhere and is counted as "not published".
Hence, for every quantity: sum over provinces + national + unallocated == portfolio total."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ALLOCATED_COLUMNS", "QUANTITIES", "MAP_METRICS", "Allocation", "MapMetric", "allocate",
           "allocate_all_territories", "allocate_territories", "by_unit", "project_locations"]

QUANTITIES = ("funding", "households_targeted", "households_reached")
ALLOCATED_COLUMNS = ("project_id", "pcode", "share", "split_assumed", *QUANTITIES)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


@dataclass
class Allocation:
    """Allocated rows (project × province), the national and unallocated remainders, and the portfolio totals."""

    rows: pd.DataFrame  # ALLOCATED_COLUMNS
    national: dict[str, float]
    unallocated: dict[str, float]
    totals: dict[str, float]
    national_projects: tuple[str, ...] = ()
    unallocated_projects: tuple[str, ...] = ()
    not_published: dict[str, int] = field(default_factory=dict)  # projects with no value, per quantity
    donors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # project_id → donors
    published: dict[str, frozenset[str]] = field(default_factory=dict)  # quantity → projects that publish it

    def bucket_published(self, quantity: str, bucket: str) -> bool | None:
        """Whether any project of a bucket (mapped / national / unallocated / total) publishes the quantity;
        None when the bucket has no project. A sum over projects that publish nothing is not a zero."""
        projects = {"mapped": set(self.rows["project_id"]) if not self.rows.empty else set(),
                    "national": set(self.national_projects), "unallocated": set(self.unallocated_projects)}
        projects["total"] = set().union(*projects.values())
        if not projects[bucket]:
            return None
        return bool(projects[bucket] & self.published.get(quantity, frozenset()))

    def mapped(self, quantity: str) -> float:
        return float(self.rows[quantity].sum()) if not self.rows.empty else 0.0

    def reconciles(self, quantity: str, tolerance: float = 1e-6) -> bool:
        total = self.totals[quantity]
        return abs(self.mapped(quantity) + self.national[quantity] + self.unallocated[quantity] - total) \
            <= tolerance * max(1.0, abs(total))


def _project_values(projects: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    money = (flows.groupby("project_id")["amount_reporting"].sum(min_count=1) if not flows.empty
             else pd.Series(dtype="float64"))
    values = projects[["project_id", "coverage", "households_targeted", "households_reached"]].copy()
    values["funding"] = values["project_id"].map(money).astype("float64")
    for column in ("households_targeted", "households_reached"):
        values[column] = pd.to_numeric(values[column], errors="coerce").astype("float64")
    return values.set_index("project_id")


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


def allocate(projects: pd.DataFrame, locations: pd.DataFrame, flows: pd.DataFrame) -> Allocation:
    """Place every project's money and households. `flows` are the flows of one measure, already selected
    (data.metrics.FLOW_MEASURES[m].select) and converted (amount_reporting): geo knows places, not IATI measures."""
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


def project_locations(all_locations: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Every location row of the given projects, whatever place filter narrowed the view: a filter selects
    projects, and a project's money is split over all its provinces (so the map still adds up)."""
    return all_locations[all_locations["project_id"].isin(set(projects["project_id"]))]


def by_unit(allocation: Allocation, rows: pd.DataFrame | None = None, key: str = "pcode") -> pd.DataFrame:
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


def allocate_territories(allocation: Allocation, locations: pd.DataFrame, pcode: str) -> tuple[pd.DataFrame, dict]:
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


def allocate_all_territories(allocation: Allocation, locations: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """allocate_territories for every province with allocated rows; remainders summed."""
    frames, total = [], dict.fromkeys(QUANTITIES, 0.0)
    for pcode in sorted(set(allocation.rows["pcode"])):
        rows, remainder = allocate_territories(allocation, locations, pcode)
        frames.append(rows)
        total = {q: total[q] + remainder[q] for q in QUANTITIES}
    columns = ["project_id", "territory", "share", "split_assumed", *QUANTITIES]
    frames = [f for f in frames if not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)), total


@dataclass(frozen=True)
class MapMetric:
    """A value the funding map can show: its column in by_unit(), how it is drawn and its unit."""

    key: str
    column: str
    kind: str  # "symbol" (absolute values: proportional symbols) or "choropleth" (normalised values)
    unit: str  # "currency", "households", "projects", "currency_per_household", "percent"
    quantity: str | None  # the allocated quantity it totals (for the reconciliation panel), if any
    value: Callable[[pd.DataFrame], pd.Series] | None = None

    def values(self, units: pd.DataFrame) -> pd.Series:
        return self.value(units) if self.value else units[self.column]


# Registry: the metric selector lists these keys.
MAP_METRICS: dict[str, MapMetric] = {
    "funding": MapMetric("funding", "funding", "symbol", "currency", "funding"),
    "households_targeted": MapMetric("households_targeted", "households_targeted", "symbol", "households",
                                     "households_targeted"),
    "households_reached": MapMetric("households_reached", "households_reached", "symbol", "households",
                                    "households_reached"),
    "projects": MapMetric("projects", "projects", "symbol", "projects", None),
    "funding_per_household": MapMetric("funding_per_household", "funding_per_household", "choropleth",
                                       "currency_per_household", "funding"),
    "share_of_portfolio": MapMetric("share_of_portfolio", "share_of_portfolio", "choropleth", "percent", "funding"),
}
