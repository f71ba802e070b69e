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

import numpy as np
import pandas as pd
from pandas._libs import groupby as libgroupby

__all__ = ["ALLOCATED_COLUMNS", "QUANTITIES", "MAP_METRICS", "Allocation", "AllocationIndex", "MapMetric",
           "allocate", "allocate_all_territories", "allocate_indexed", "allocate_territories", "by_unit",
           "compute_allocation_index", "compute_shares", "compute_territory_places", "compute_territory_shares",
           "project_locations", "ShareTable", "sorted_unique", "TerritorySplit", "split_index_territories",
           "split_territories"]

QUANTITIES = ("funding", "households_targeted", "households_reached")
ALLOCATED_COLUMNS = ("project_id", "pcode", "share", "split_assumed", *QUANTITIES)


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
    donor_pairs: pd.DataFrame | None = None  # (project_id, donor), the same as `donors` as a frame
    # rows' province and project codes (allocate_indexed): (codes, sorted P-codes, codes, sorted project ids)
    row_codes: tuple | None = field(default=None, compare=False, repr=False)
    # allocate_indexed: the index's rows these rows were taken from, and each row's position there
    row_source: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    row_positions: np.ndarray | None = field(default=None, compare=False, repr=False)
    _mapped: dict[str, float] = field(default_factory=dict, init=False, compare=False, repr=False)  # per quantity

    def bucket_projects(self) -> dict[str, set[str]]:
        """The projects of each bucket: mapped, national, unallocated and total."""
        # tolist: a set over the Series itself read its 319,000 rows one by one (1.2 s at 100,000 projects)
        projects = {"mapped": set(self.rows["project_id"].tolist()) if not self.rows.empty else set(),
                    "national": set(self.national_projects), "unallocated": set(self.unallocated_projects)}
        projects["total"] = set().union(*projects.values())
        return projects

    def bucket_published(self, quantity: str, bucket: str, projects: dict[str, set[str]] | None = None
                         ) -> bool | None:
        """Whether any project of a bucket (mapped / national / unallocated / total) publishes the quantity;
        None when the bucket has no project. A sum over projects that publish nothing is not a zero.
        `projects`: bucket_projects(), when the caller has it already."""
        projects = self.bucket_projects() if projects is None else projects
        if not projects[bucket]:
            return None
        return bool(projects[bucket] & self.published.get(quantity, frozenset()))

    def mapped(self, quantity: str) -> float:
        if quantity not in self._mapped:  # the totals panel asks for each bucket and metric: summed once
            self._mapped[quantity] = float(self.rows[quantity].sum()) if not self.rows.empty else 0.0
        return self._mapped[quantity]


def _project_values(projects: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    money = (flows.groupby("project_id")["amount_reporting"].sum(min_count=1) if not flows.empty
             else pd.Series(dtype="float64"))
    values = projects[["project_id", "coverage", "households_targeted", "households_reached"]].copy()
    values["funding"] = values["project_id"].map(money).astype("float64")
    for column in ("households_targeted", "households_reached"):
        values[column] = pd.to_numeric(values[column], errors="coerce").astype("float64")
    return values.set_index("project_id")


@dataclass(frozen=True)
class ShareTable:
    """How each located project splits over provinces, from its location rows alone (so it is computed once per
    dataset and reused for any filter): rows (project_id, pcode, share, hh_share, split_assumed), per project the
    share of the money and of households targeted that is placed, and the households its locations list when every
    location gives them (they set the households split)."""

    rows: pd.DataFrame
    placed: pd.Series  # project_id → sum of shares (the rest is unallocated)
    hh_placed: pd.Series  # project_id → sum of the households shares
    explicit_households: pd.Series  # project_id → households over its locations (only where all give them)

    @property
    def located(self) -> pd.Index:
        return self.placed.index


def _sequential_sum(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Per group, its values added one after another in row order (numpy's own sums add pairwise)."""
    totals = np.zeros(count)
    if not len(groups):
        return totals
    rank = pd.Series(groups).groupby(groups).cumcount().to_numpy()
    for k in range(int(rank.max()) + 1):
        at = rank == k
        totals[groups[at]] += values[at]
    return totals


def compute_shares(locations: pd.DataFrame) -> ShareTable:
    """Province shares of every project with location rows: its explicit budget_share per province (summed over
    territories); provinces without one share the rest equally (split assumed when the project has more than one
    province); shares summing above 1 are scaled down to 1 (split assumed)."""
    frame = pd.DataFrame({"project_id": locations["project_id"].astype(object),
                          "pcode": locations["province_pcode"].astype(object),
                          "known": pd.to_numeric(locations["budget_share"], errors="coerce").astype("float64"),
                          "hh": pd.to_numeric(locations["households_targeted"], errors="coerce").astype("float64")})
    # Sums in row order, one addition after another, as the per-project arithmetic always did: a split that adds
    # up to 1.0000001 in another order must not flip the "scaled down" flag.
    frame = frame.sort_values(["project_id", "pcode"], kind="stable").reset_index(drop=True)
    # sorted, each project's and each province's rows are contiguous: their groups are runs, numbered in order
    # (as groupby(sort=False).ngroup() numbers them), and every later grouping is on these integers (grouping on
    # the id strings hashed every id again, six times)
    ids, pcodes = frame["project_id"].to_numpy(dtype=object), frame["pcode"].to_numpy(dtype=object)
    new_project = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, dtype=bool)
    new_province = new_project | (np.r_[True, pcodes[1:] != pcodes[:-1]] if len(ids) else new_project)
    project_code = np.cumsum(new_project) - 1
    province_of = np.cumsum(new_province) - 1
    per = frame.loc[new_province, ["project_id", "pcode"]].reset_index(drop=True)
    project_of = project_code[new_province]
    count = int(project_code[-1]) + 1 if len(ids) else 0
    known = frame["known"].to_numpy()
    per["known"] = pd.Series(_sequential_sum(province_of, np.nan_to_num(known), len(per))).where(
        np.bincount(province_of, ~np.isnan(known), minlength=len(per)) > 0)
    per["hh"] = _sequential_sum(province_of, np.nan_to_num(frame["hh"].to_numpy()), len(per))
    pid = per["project_id"]
    unknown = per["known"].isna()
    provinces = pd.Series(np.bincount(project_of, minlength=count)[project_of], index=per.index)
    n_unknown = pd.Series(np.bincount(project_of, unknown.to_numpy(), minlength=count).astype(np.int64)[project_of],
                          index=per.index)
    totals = _sequential_sum(project_of, per["known"].fillna(0.0).to_numpy(), count)
    known_total = pd.Series(totals[project_of], index=per.index)
    rest = (1.0 - known_total).clip(lower=0.0) / n_unknown.where(n_unknown > 0)
    scaled = (n_unknown == 0) & (known_total > 1.0)
    share = per["known"].where(~unknown, rest).where(~scaled, per["known"] / known_total)
    assumed = ((n_unknown > 0) & (provinces > 1)) | scaled
    project_ids = pd.Index(ids[new_project], dtype=object, name="project_id")
    hh_known = frame["hh"].notna().groupby(project_code).all().to_numpy(dtype=bool)
    hh_total = frame["hh"].groupby(project_code).sum().to_numpy(dtype="float64")
    is_explicit = hh_known & (hh_total > 0)
    explicit = pd.Series(hh_total[is_explicit], index=project_ids[is_explicit])
    mine = is_explicit[project_of]
    hh_share = pd.Series(np.where(mine, per["hh"].to_numpy() / np.where(mine, hh_total[project_of], 1.0),
                                  share.to_numpy(dtype="float64")), index=per.index)
    rows = pd.DataFrame({"project_id": pid, "pcode": per["pcode"], "share": share.astype("float64"),
                         "hh_share": hh_share.astype("float64"), "split_assumed": assumed.astype(bool)})
    return ShareTable(rows, _by_project(rows["share"], project_of, project_ids),
                      _by_project(rows["hh_share"], project_of, project_ids),
                      _object_index(explicit.astype("float64")))


def _by_project(values: pd.Series, project_of: np.ndarray, project_ids: pd.Index) -> pd.Series:
    """values summed per project code (groupby's own sum, in row order), indexed by the project ids."""
    return values.groupby(project_of).sum().set_axis(project_ids).rename(values.name)


def _object_index(series: pd.Series) -> pd.Series:
    """The series indexed by plain Python strings: pandas 3 gives group keys its arrow string dtype, and isin/map of
    the object-typed id columns against such an index converts it value by value (most of a rerun at 10k)."""
    return series.set_axis(pd.Index(series.index.to_numpy(dtype=object), dtype=object, name=series.index.name))


def _donor_pairs(funding: pd.DataFrame) -> pd.DataFrame:
    if funding.empty or "donor" not in funding:
        return pd.DataFrame({"project_id": pd.Series(dtype=object), "donor": pd.Series(dtype=object)})
    pairs = funding[["project_id", "donor"]].dropna().astype(object).drop_duplicates()
    return pairs.sort_values(["project_id", "donor"]).reset_index(drop=True)


def _group_tuples(keys: pd.Series, values: pd.Series) -> dict:
    """{key: tuple of its values} for a frame sorted on keys (one numpy split, not one pandas group per key)."""
    if keys.empty:
        return {}
    key_array, items = keys.to_numpy(), values.tolist()
    starts = np.flatnonzero(np.r_[True, key_array[1:] != key_array[:-1]])
    ends = np.r_[starts[1:], len(items)]
    # slices of one list: np.split made an array per key (most of allocate's time at 100,000 projects)
    return {key_array[start]: tuple(items[start:end]) for start, end in zip(starts.tolist(), ends.tolist())}


def allocate(projects: pd.DataFrame, locations: pd.DataFrame, flows: pd.DataFrame,
             shares: ShareTable | None = None) -> Allocation:
    """Place every project's money and households. `flows` are the flows of one measure, already selected
    (data.metrics.FLOW_MEASURES[m].select) and converted (amount_reporting): geo knows places, not IATI measures.

    `shares` (compute_shares of a superset of `locations`, e.g. the whole dataset's) saves recomputing the split:
    a project's split depends only on its own location rows."""
    values = _project_values(projects, flows)
    shares = compute_shares(locations) if shares is None else shares
    pids = pd.Series(values.index.to_numpy(dtype=object), index=values.index, dtype=object)  # see _object_index
    fill = values["households_targeted"].isna() & pids.isin(shares.explicit_households.index)
    values["households_targeted"] = values["households_targeted"].where(
        ~fill, pids.map(shares.explicit_households).astype("float64"))
    national = (values["coverage"] == "national").to_numpy()
    located = pids.isin(shares.located).to_numpy()
    mapped = ~national & located
    unplaced = ~national & ~located
    placed = pids[mapped].map(shares.placed).astype("float64")
    hh_placed = pids[mapped].map(shares.hh_placed).astype("float64")
    every = np.ones(len(values), dtype=bool)
    totals, national_sum, unallocated, not_published, published = _quantity_totals(
        {q: values[q].to_numpy(dtype="float64", na_value=np.nan) for q in QUANTITIES},
        values.index.to_numpy(dtype=object), every, national, mapped, unplaced, _placed(placed, mapped),
        _placed(hh_placed, mapped))
    mine = shares.rows[shares.rows["project_id"].isin(values.index[mapped])]
    # each row's project in `values` (project ids are unique), looked up once for the order and every quantity
    mine = mine.assign(_order=values.index.get_indexer(mine["project_id"])).sort_values(["_order", "pcode"],
                                                                                       kind="stable")
    position = mine["_order"].to_numpy()
    frame = pd.DataFrame({"project_id": mine["project_id"].to_numpy(), "pcode": mine["pcode"].to_numpy(),
                          "share": mine["share"].to_numpy(), "split_assumed": mine["split_assumed"].to_numpy()})
    for q in QUANTITIES:
        factor = mine["hh_share"] if q == "households_targeted" else mine["share"]
        frame[q] = (values[q].to_numpy(dtype="float64")[position] * factor.to_numpy(dtype="float64")).astype(
            "float64")
    pairs = _donor_pairs(flows)
    donors = _group_tuples(pairs["project_id"], pairs["donor"])
    if not flows.empty and "donor" in flows:
        donors = {pid: donors.get(pid, ()) for pid in dict.fromkeys(flows["project_id"])}
    return Allocation(frame, national_sum, unallocated, totals, tuple(values.index[national]),
                      tuple(values.index[unplaced]), not_published, donors, published, pairs)


@dataclass(frozen=True, eq=False)
class AllocationIndex:
    """allocate() of a whole dataset's projects and one measure's flows (one currency), kept as arrays by project
    position, so a view that keeps whole projects (no donor filter) is allocated by masks: a project's values,
    split and donors never depend on which other projects a filter keeps."""

    ids: np.ndarray  # per project: its id (object)
    values: dict[str, np.ndarray]  # quantity → per project (float, NaN when not published)
    national: np.ndarray  # per project: coverage national
    located: np.ndarray  # per project: has a share row
    placed: np.ndarray  # per project: sum of its shares (NaN when not located)
    hh_placed: np.ndarray
    row_project: np.ndarray  # per allocated row, sorted by (project position, pcode): its project's position
    rows: pd.DataFrame  # allocate()'s rows of every located project (ALLOCATED_COLUMNS), in that order
    row_unit: np.ndarray  # per row: its P-code's position in `units` (sorted; −1: none)
    units: np.ndarray
    row_id: np.ndarray  # per row: its project id's position in `row_ids` (sorted)
    row_ids: np.ndarray
    pairs: pd.DataFrame  # _donor_pairs of every flow
    pair_project: np.ndarray  # per pair: its project's position
    donor_order: np.ndarray  # positions of the projects with flows, in the order of their first flow
    donors: list  # per project: its donors (a tuple)
    has_donors: bool  # the flows have a donor column and some flow: allocate() lists donors per project


def compute_allocation_index(projects: pd.DataFrame, flows: pd.DataFrame, shares: ShareTable) -> AllocationIndex | None:
    """allocate(projects, …, flows, shares) as arrays (AllocationIndex); None when a flow names no project of
    `projects` (then only allocate() itself answers)."""
    position = pd.Index(projects["project_id"].to_numpy(dtype=object), dtype=object)
    if not position.is_unique:
        return None
    flow_project = position.get_indexer(flows["project_id"].to_numpy(dtype=object))
    if (flow_project < 0).any():
        return None
    values = _project_values(projects, flows)
    pids = pd.Series(values.index.to_numpy(dtype=object), index=values.index, dtype=object)
    fill = values["households_targeted"].isna() & pids.isin(shares.explicit_households.index)
    values["households_targeted"] = values["households_targeted"].where(
        ~fill, pids.map(shares.explicit_households).astype("float64"))
    # each project's slot in the share sums, found once (an isin and two maps each hashed every id again)
    at = shares.placed.index.get_indexer(position)
    located = at >= 0
    rows = shares.rows.assign(_order=position.get_indexer(shares.rows["project_id"].to_numpy(dtype=object)))
    rows = rows[(rows["_order"] >= 0) & located[rows["_order"]]].sort_values(["_order", "pcode"], kind="stable")
    row_project = rows["_order"].to_numpy()
    # a row's amounts are its project's values times its share: the same whichever projects a view keeps
    frame = pd.DataFrame({"project_id": rows["project_id"].to_numpy(), "pcode": rows["pcode"].to_numpy(),
                          "share": rows["share"].to_numpy(), "split_assumed": rows["split_assumed"].to_numpy()})
    for q in QUANTITIES:
        factor = rows["hh_share"] if q == "households_targeted" else rows["share"]
        frame[q] = (values[q].to_numpy(dtype="float64")[row_project] * factor.to_numpy(dtype="float64")).astype(
            "float64")
    pairs = _donor_pairs(flows)
    has_donors = not flows.empty and "donor" in flows
    grouped = _group_tuples(pairs["project_id"], pairs["donor"])
    ids = position.to_numpy(dtype=object)
    return AllocationIndex(
        ids, {q: values[q].to_numpy(dtype="float64") for q in QUANTITIES},
        (values["coverage"] == "national").to_numpy(dtype=bool, na_value=False), located,
        _taken(shares.placed, at), _taken(shares.hh_placed, at if shares.hh_placed.index.equals(
            shares.placed.index) else shares.hh_placed.index.get_indexer(position)),
        row_project, frame, *_sorted_codes(frame["pcode"]), *_sorted_codes(frame["project_id"]), pairs,
        position.get_indexer(pairs["project_id"].to_numpy(dtype=object)),
        pd.unique(flow_project) if has_donors else np.array([], dtype=np.int64),
        [grouped.get(pid, ()) for pid in ids], has_donors)


def _taken(series: pd.Series, at: np.ndarray) -> np.ndarray:
    """series' values at the positions `at` (−1: NaN), as floats."""
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(at >= 0, values[at] if len(values) else np.nan, np.nan)


def _nansum(values: np.ndarray) -> float:
    return float(np.where(np.isnan(values), 0.0, values).sum())


def _placed(values: pd.Series, mapped: np.ndarray) -> np.ndarray:
    """The mapped projects' placed shares (in their order) at their positions among all; NaN elsewhere."""
    out = np.full(len(mapped), np.nan)
    out[mapped] = values.to_numpy(dtype="float64", na_value=np.nan)
    return out


def _quantity_totals(values: dict[str, np.ndarray], ids: np.ndarray, keep: np.ndarray, national: np.ndarray,
                     mapped: np.ndarray, unplaced: np.ndarray, placed: np.ndarray, hh_placed: np.ndarray
                     ) -> tuple[dict, dict, dict, dict, dict]:
    """Per quantity (values: per project, NaN when not published): the total over the projects `keep` selects,
    the national projects' sum, what is not placed on a province (unplaced projects, and the share of mapped ones
    their places leave out: 1 − placed), how many projects do not publish it and which do. Masks and shares are
    over the same positions. allocate() and allocate_indexed() both total here: pandas sums a float Series as numpy
    does once NaN are zeros (pairwise), so the numbers are the ones a Series' sum gives."""
    totals, national_sum, unallocated, not_published, published = {}, {}, {}, {}, {}
    for q in QUANTITIES:
        column = values[q]
        kept = column[keep]
        totals[q] = _nansum(kept)
        not_published[q] = int(np.isnan(kept).sum())
        published[q] = frozenset(ids[keep & ~np.isnan(column)].tolist())
        national_sum[q] = _nansum(column[national])
        rest = column[mapped] * (1.0 - (hh_placed if q == "households_targeted" else placed)[mapped])
        unallocated[q] = _nansum(column[unplaced]) + _nansum(rest)
    return totals, national_sum, unallocated, not_published, published


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), sort=True)
    return codes, np.asarray(uniques, dtype=object)


def allocate_indexed(index: AllocationIndex, keep: np.ndarray) -> Allocation:
    """allocate() of the projects at the positions `keep` selects and of all their flows (AllocationIndex)."""
    national = keep & index.national
    mapped = keep & ~index.national & index.located
    unplaced = keep & ~index.national & ~index.located
    totals, national_sum, unallocated, not_published, published = _quantity_totals(
        index.values, index.ids, keep, national, mapped, unplaced, index.placed, index.hh_placed)
    chosen = mapped[index.row_project]
    codes = (index.row_unit[chosen], index.units, index.row_id[chosen], index.row_ids)
    if chosen.all():
        frame = index.rows
    elif chosen.any():
        frame = index.rows[chosen].reset_index(drop=True)
    else:  # as allocate() builds it: no row to type the columns by (object, not text)
        frame = pd.DataFrame({c: index.rows[c].to_numpy()[:0] for c in index.rows.columns})
    pairs = index.pairs[keep[index.pair_project]].reset_index(drop=True)
    if index.has_donors:
        order = index.donor_order[keep[index.donor_order]]
        donors = dict(zip(index.ids[order].tolist(), map(index.donors.__getitem__, order.tolist())))
    else:
        donors = _group_tuples(pairs["project_id"], pairs["donor"])
    return Allocation(frame, national_sum, unallocated, totals, tuple(index.ids[national].tolist()),
                      tuple(index.ids[unplaced].tolist()), not_published, donors, published, pairs, codes,
                      index.rows, np.flatnonzero(chosen))


def project_locations(all_locations: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Every location row of the given projects, whatever place filter narrowed the view: a filter selects
    projects, and a project's money is split over all its provinces (so the map still adds up)."""
    return all_locations[all_locations["project_id"].isin(set(projects["project_id"]))]


def compute_assumed_units(allocation: Allocation, key: str = "pcode") -> set[str]:
    """The units (`key`) one of whose published values (funding or households) comes from a project the sources do
    not say how to split between its provinces (split equally): an export or a briefing says so beside the number."""
    rows = allocation.rows
    if rows.empty:
        return set()
    valued = np.zeros(len(rows), dtype=bool)
    for quantity in QUANTITIES:
        values = rows[quantity].to_numpy(dtype="float64", na_value=np.nan)
        valued |= ~np.isnan(values) & (values != 0)
    assumed = rows["split_assumed"].to_numpy(dtype=bool, na_value=False) & valued
    return {str(unit) for unit in pd.unique(rows[key].to_numpy(dtype=object)[assumed]) if isinstance(unit, str)}


def by_unit(allocation: Allocation, rows: pd.DataFrame | None = None, key: str = "pcode",
            with_donors: bool = True) -> pd.DataFrame:
    """One row per unit: the three quantities (NaN when nothing published there), projects, donors, split flag,
    funding per targeted household and share of the portfolio's funding (in %). `with_donors=False` leaves the
    donors empty, for a caller that orders them itself (the map's units, components.maps.map_units)."""
    rows = allocation.rows if rows is None else rows
    columns = [key, *QUANTITIES, "projects", "donors", "project_ids", "split_assumed"]
    if rows.empty:
        return pd.DataFrame(columns=[*columns, "funding_per_household", "share_of_portfolio"])
    # On integer codes (a pandas call per column cost more than the sums at 10,000 projects): units and projects
    # coded in sorted order, as groupby and sort_values order them; one groupby sums every column with pandas'
    # own (compensated) sums, so the numbers are those of a groupby per column.
    if rows is allocation.rows and key == "pcode" and allocation.row_codes is not None:  # coded once per dataset
        unit_of, all_units, project_of, project_ids = allocation.row_codes
        present = np.bincount(unit_of[unit_of >= 0], minlength=len(all_units)) > 0
        unit_of = np.where(unit_of >= 0, (np.cumsum(present) - 1)[unit_of], -1)
        units = all_units[present]
    else:
        unit_of, units = pd.factorize(rows[key].to_numpy(dtype=object), sort=True)
        project_of, project_ids = pd.factorize(rows["project_id"].to_numpy(dtype=object), sort=True)
    valid = unit_of >= 0  # groupby leaves out rows without a unit
    funding = rows["funding"].to_numpy(dtype="float64", na_value=np.nan)
    households = rows["households_targeted"].to_numpy(dtype="float64", na_value=np.nan)
    # Only rows (project x unit) that publish both count: one project's money is never divided by another's
    # households, so a unit with a funded project and a different project's households shows no ratio.
    with np.errstate(invalid="ignore"):
        paired = ~np.isnan(funding) & (households > 0)
    reached = rows["households_reached"].to_numpy(dtype="float64", na_value=np.nan)
    # Every unit has a valid row, so the codes are groupby's own group numbers: pandas' sums without its frames.
    sums = group_sums(np.vstack([funding, households, reached])[:, valid], unit_of[valid], len(units), 1)
    paired &= valid  # summed on their own: NaN in place of the others gives other last digits
    paired_sums = group_sums(np.vstack([funding[paired], households[paired]]), unit_of[paired], len(units), 0)
    pair = sorted_unique(unit_of[valid] * (len(project_ids) + 1) + project_of[valid])  # (unit, project), sorted
    pair_unit, pair_project = pair // (len(project_ids) + 1), pair % (len(project_ids) + 1)
    names = np.append(np.asarray(project_ids, dtype=object), np.nan)[pair_project].tolist()
    starts = np.searchsorted(pair_unit, np.arange(len(units) + 1)).tolist()
    unit_names = np.asarray(units, dtype=object)
    donors: dict = {}
    if with_donors:
        members = pd.DataFrame({key: unit_names[pair_unit], "project_id": names})
        pairs = allocation.donor_pairs if allocation.donor_pairs is not None else pd.DataFrame(
            [(pid, d) for pid, ds in allocation.donors.items() for d in ds], columns=["project_id", "donor"])
        pairs = pairs[pairs["project_id"].isin(set(members["project_id"]))]  # a province's territories: its own
        unit_donors = members.merge(pairs, on="project_id")[[key, "donor"]].drop_duplicates().sort_values(
            [key, "donor"])
        donors = _group_tuples(unit_donors[key], unit_donors["donor"])
    money, paired_households = paired_sums[:, 0], paired_sums[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        per_household = money / np.where(paired_households > 0, paired_households, np.nan)
    total = allocation.totals["funding"]
    funding_sums = sums[:, 0]
    columns = {key: unit_names,
               **{q: sums[:, at] for at, q in enumerate(QUANTITIES)},
               "projects": np.bincount(pair_unit, weights=pair_project < len(project_ids),
                                       minlength=len(units)).astype(np.int64),
               "project_ids": object_array([tuple(names[a:b]) for a, b in zip(starts[:-1], starts[1:])]),
               "donors": object_array([donors.get(unit, ()) for unit in unit_names.tolist()]),
               "split_assumed": np.bincount(unit_of[valid], weights=rows["split_assumed"].to_numpy(
                   dtype=bool, na_value=False)[valid], minlength=len(units)) > 0,
               "funding_per_household": per_household,
               "share_of_portfolio": funding_sums / total * 100 if total else float("nan")}
    return pd.DataFrame(columns)  # one frame built at once: each column added to a frame cost ~1 ms


def group_sums(values: np.ndarray, groups: np.ndarray, count: int, min_count: int) -> np.ndarray:
    """pandas' DataFrame.groupby(groups).sum(min_count=min_count) of the columns `values` holds as rows (k x n, as a
    frame's float block holds them), as a count x k array, a row per group code 0..count-1 (NaN for a code no row
    has, as reindexing the groupby's result gives it), without the frame, index and groupby (~1 ms each for a few
    rows). The same arithmetic as pandas 3's: np.add.reduceat of each group's run along the block's rows when the
    codes are sorted and no value is NaN, else its cython group_sum (Kahan's compensation, in row order, NaN
    skipped); tests compare it with the groupby."""
    values = np.ascontiguousarray(values, dtype="float64")
    present = np.bincount(groups, minlength=count)
    if len(groups) and not (np.diff(groups) < 0).any() and not np.isnan(values).any():
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        out = np.zeros((values.shape[0], count), dtype="float64")
        out[:, groups[starts]] = np.add.reduceat(values, starts, axis=1)
        out = out.T
    else:
        out = np.zeros((count, values.shape[0]), dtype="float64")
        libgroupby.group_sum(out, np.zeros(count, dtype=np.int64), values.T,
                             np.ascontiguousarray(groups, dtype=np.intp), None, min_count=min_count)
    out[present < max(min_count, 1)] = np.nan  # an absent code: NaN (reindexed), as a group short of min_count
    return out


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """np.unique(keys) of integers by a sort (numpy's unique hashes every key first: ~4 ms for a view's 13,000
    allocated rows, whose (unit, project) keys are mostly unique already)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def object_array(items: list) -> np.ndarray:
    """A 1-d object array of `items` (tuples stay elements, not rows; np.array would make rows of them)."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def compute_territory_places(locations: pd.DataFrame) -> pd.DataFrame:
    """The location rows that name a territory: (project_id, pcode, territory, known budget_share). Depends on the
    locations alone, so a caller may compute it once and pass it to every split below."""
    places = locations[locations["territory_pcode"].notna() & (locations["territory_pcode"].astype(str) != "")]
    return pd.DataFrame({"project_id": places["project_id"].astype(object),
                         "pcode": places["province_pcode"].astype(object),
                         "territory": places["territory_pcode"].astype(str).astype(object),
                         "known": pd.to_numeric(places["budget_share"], errors="coerce").astype("float64")})


def compute_territory_shares(rows: pd.DataFrame, locations: pd.DataFrame,
                             places: pd.DataFrame | None = None) -> pd.DataFrame:
    """Allocated province rows (project_id, pcode, share, split_assumed, …) joined to their territories:
    (project_id, pcode, territory, tshare, split_assumed). A territory's share of its province is its explicit
    budget_share relative to the province's when every territory row gives one (and the province got money),
    else equal. `places`: compute_territory_places of these locations (or of a superset), when already known."""
    places = compute_territory_places(locations) if places is None else places
    # On integer codes: each row's (project, province) key found among the places' keys sorted once, the rows
    # repeated once per territory, the group sums and flags by position (a merge and three groupby transforms
    # took ~100-250 ms at 10,000 projects on every new filter state). Same rows in the same order as the merge.
    row_ids, row_pcodes = rows["project_id"].to_numpy(dtype=object), rows["pcode"].to_numpy(dtype=object)
    ids, _ = pd.factorize(np.concatenate([row_ids, places["project_id"].to_numpy(dtype=object)]),
                          use_na_sentinel=False)
    pcodes, pcode_names = pd.factorize(np.concatenate([row_pcodes, places["pcode"].to_numpy(dtype=object)]),
                                       use_na_sentinel=False)
    keys = ids.astype(np.int64) * max(len(pcode_names), 1) + pcodes
    row_key, place_key = keys[:len(rows)], keys[len(rows):]
    order = np.argsort(place_key, kind="stable")
    first = np.searchsorted(place_key[order], row_key, "left")
    count = np.searchsorted(place_key[order], row_key, "right") - first
    at = np.repeat(np.arange(len(rows)), count)  # each output row's allocated row
    starts = np.cumsum(count) - count
    within = np.arange(int(count.sum())) - np.repeat(starts, count)  # its place among the row's territories
    place = order[np.repeat(first, count) + within]
    known = places["known"].to_numpy(dtype="float64", na_value=np.nan)[place]
    all_known = np.bincount(at, weights=np.isnan(known), minlength=len(rows)) == 0
    share = rows["share"].to_numpy(dtype="float64", na_value=np.nan)
    use_known = (all_known & (share > 0))[at]
    total = _group_sums(at, within, np.where(np.isnan(known), 0.0, known), len(rows))[at]
    with np.errstate(divide="ignore", invalid="ignore"):
        tshare = np.where(use_known, known / total, 1.0 / count[at])
    assumed = rows["split_assumed"].to_numpy().astype(bool)[at] | (~use_known & (count[at] > 1))
    return pd.DataFrame({"_row": at, "project_id": row_ids[at],
                         "territory": places["territory"].to_numpy(dtype=object)[place], "share": tshare,
                         "split_assumed": assumed})


def _group_sums(group: np.ndarray, within: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Per group, its values summed in order with Kahan's compensation, as pandas' groupby sum does (a territory's
    share then divides by the very number the merge-and-groupby version divided by)."""
    total, compensation = np.zeros(groups), np.zeros(groups)
    for j in range(int(within.max()) + 1 if len(within) else 0):
        chosen = within == j
        label, value = group[chosen], values[chosen]
        y = value - compensation[label]
        t = total[label] + y
        compensation[label] = t - total[label] - y
        total[label] = t
    return total


TERRITORY_COLUMNS = ["project_id", "territory", "share", "split_assumed", *QUANTITIES]


def _territory_rows(rows: pd.DataFrame, locations: pd.DataFrame,
                    places: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    rows = rows.reset_index(drop=True)
    split = compute_territory_shares(rows, locations, places)
    frame = split[["project_id", "territory", "share", "split_assumed"]].reset_index(drop=True)
    for q in QUANTITIES:
        frame[q] = (rows[q].to_numpy()[split["_row"].to_numpy()] * split["share"].to_numpy()).astype("float64")
    outside = ~rows.index.isin(split["_row"])
    remainder = {q: float(rows.loc[outside, q].sum()) for q in QUANTITIES}
    return frame[TERRITORY_COLUMNS], remainder


def allocate_territories(allocation: Allocation, locations: pd.DataFrame, pcode: str,
                         places: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Split one province's allocated rows over its territories (explicit budget_share relative to the
    province's, else equal); rows naming no territory stay at province level. Returns (rows keyed on
    `territory`, {quantity: amount not placed in a territory}). `places`: compute_territory_places, if known."""
    return _territory_rows(allocation.rows[allocation.rows["pcode"] == pcode], locations, places)


@dataclass(frozen=True)
class TerritorySplit:
    """Every province's allocated rows split over its territories in one join (per view), then read a province at
    a time: a click on the map is a mask, not a new join."""

    rows: pd.DataFrame  # TERRITORY_COLUMNS and the province's `pcode`
    remainders: pd.DataFrame  # per province (index pcode), per quantity: what names no territory
    # split_index_territories: each row's position in `source` (an allocation index's rows), so a view allocated by
    # masks over them takes its split by position (TerritorySplit.of); None for a split read back from disk
    at: np.ndarray | None = field(default=None, compare=False, repr=False)
    source: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def province(self, pcode: str) -> tuple[pd.DataFrame, dict]:
        """allocate_territories(…, pcode, …) of the view, read from the split."""
        rows = self.rows[self.rows["pcode"] == pcode][TERRITORY_COLUMNS].reset_index(drop=True)
        known = pcode in self.remainders.index
        return rows, {q: float(self.remainders.at[pcode, q]) if known else 0.0 for q in QUANTITIES}

    def of(self, allocation: Allocation) -> TerritorySplit | None:
        """split_territories(allocation) when its rows were taken from this split's source (allocate_indexed): its
        rows' split rows by position (a row's split depends on that row and its project's places alone); None
        otherwise. The remainders are summed over the same rows as split_territories sums them."""
        if self.at is None or allocation.row_positions is None or allocation.row_source is not self.source:
            return None
        keep = np.zeros(len(self.source), dtype=bool)
        keep[allocation.row_positions] = True
        named = np.zeros(len(self.source), dtype=bool)
        named[self.at] = True
        allocated = allocation.rows.reset_index(drop=True)
        outside = allocated[~named[allocation.row_positions]]
        rows = self.rows[keep[self.at]].reset_index(drop=True)
        if rows.empty:  # typed as a join typed it: no text to infer a text column from (object, not str)
            rows = rows.astype({c: object for c in ("project_id", "territory", "pcode")})
        return TerritorySplit(rows, outside.groupby("pcode")[list(QUANTITIES)].sum())


def _split_rows(rows: pd.DataFrame, locations: pd.DataFrame, places: pd.DataFrame | None
                ) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """(the split rows with their `pcode`, each one's allocated row, the remainders per province) of `rows`."""
    rows = rows.reset_index(drop=True)
    split = compute_territory_shares(rows, locations, places)
    at = split["_row"].to_numpy()
    frame = split[["project_id", "territory", "share", "split_assumed"]].reset_index(drop=True)
    for q in QUANTITIES:
        frame[q] = (rows[q].to_numpy()[at] * split["share"].to_numpy()).astype("float64")
    frame["pcode"] = rows["pcode"].to_numpy()[at]
    outside = rows[~rows.index.isin(split["_row"])]
    return frame, at, outside.groupby("pcode")[list(QUANTITIES)].sum()


def split_territories(allocation: Allocation, locations: pd.DataFrame,
                      places: pd.DataFrame | None = None, whole: TerritorySplit | None = None) -> TerritorySplit:
    """allocate_territories for every province at once, kept per province (TerritorySplit.province). `whole`:
    split_index_territories of the index the allocation was taken from, when known (its rows then selected)."""
    taken = whole.of(allocation) if whole is not None else None
    if taken is not None:
        return taken
    frame, _, remainders = _split_rows(allocation.rows, locations, places)
    return TerritorySplit(frame, remainders)


def split_index_territories(allocation: Allocation, locations: pd.DataFrame,
                            places: pd.DataFrame | None = None) -> TerritorySplit | None:
    """split_territories of every row of the allocation index `allocation` was taken from (allocate_indexed; None
    when it was not), each row's position kept: once per dataset and measure, every view allocated by masks over
    that index takes its split from it (TerritorySplit.of). `places` must hold every project's places."""
    if allocation.row_source is None:
        return None
    frame, at, remainders = _split_rows(allocation.row_source, locations, places)
    return TerritorySplit(frame, remainders, at, allocation.row_source)


def allocate_all_territories(allocation: Allocation, locations: pd.DataFrame,
                             places: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """allocate_territories for every province with allocated rows (in one join); remainders summed."""
    rows = allocation.rows.sort_values("pcode", kind="stable")
    return _territory_rows(rows, locations, places)


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
