"""Donor and project profiles (pure): one donor's money across years, themes, partners and provinces."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cells import is_missing
from data.filters import split_list
from data.metrics import FLOW_MEASURES, FlowFacts, compute_project_sources, list_donors, measure_masks
from data.portfolio import Portfolio
from data.schema import partial_date_bounds
from data.status import dates_of
from geo.allocation import object_array

BREAKDOWNS = ("year", "theme", "partner")
ROLE_NAMES = {1: "funding", 2: "accountable", 3: "extending", 4: "implementing"}  # IATI organisation roles


@dataclass(frozen=True)
class DonorFlowColumns:
    """donor_flows' added columns of a donor's flows, as made row by row (a flow's year, theme and partner are its
    own and its project's, whatever else is filtered): a subset of these flows takes its rows (of) instead of
    looking their projects, dates and organisations up again on every new filter state."""

    index: pd.Index  # the flows' labels (unique)
    year: np.ndarray  # object: int, or None
    year_from_start: np.ndarray
    theme: pd.api.extensions.ExtensionArray | np.ndarray | None  # as Series.map types it; None: no project
    partner: np.ndarray  # object: str, or None

    def of(self, labels: pd.Index) -> DonorFlowColumns | None:
        """The columns of the flows `labels` names, in that order; None when one is not among these."""
        at = self.index.get_indexer(labels)
        if (at < 0).any():
            return None
        return DonorFlowColumns(labels, self.year[at], self.year_from_start[at],
                                None if self.theme is None else self.theme.take(at), self.partner[at])


def compute_donor_flow_columns(converted: pd.DataFrame, projects: pd.DataFrame, donor: str,
                               dates: pd.DataFrame | None = None, value_dates: pd.Series | None = None
                               ) -> DonorFlowColumns | None:
    """DonorFlowColumns of the donor's flows among `converted` (donor_flows' arguments); None when their labels
    or the projects' ids repeat (a flow's project is then the first of its id among the projects given)."""
    chosen = (converted["donor"] == donor).to_numpy(dtype=bool, na_value=False)
    flows = converted if chosen.all() else converted[chosen]
    if not flows.index.is_unique or not projects["project_id"].is_unique:
        return None
    return _flow_columns(flows, projects, dates, value_dates)


def _flow_columns(flows: pd.DataFrame, projects: pd.DataFrame, dates: pd.DataFrame | None,
                  value_dates: pd.Series | None) -> DonorFlowColumns:
    pids = projects["project_id"].to_numpy(dtype=object)
    # Each flow's project by position, one lookup for the three columns (a copy of the projects indexed by id and a
    # map per column cost more than the rest); the first of a repeated id, as the map of a deduplicated index gave.
    ids = pd.Index(pids, dtype=object)
    first = ~ids.duplicated()
    at = ids[first].get_indexer(flows["project_id"].to_numpy(dtype=object))
    at = np.where(at >= 0, np.flatnonzero(first)[np.where(at >= 0, at, 0)] if len(pids) else -1, -1)
    found = at >= 0
    starts = (dates_of(projects, None, ("start_first",))["start_first"] if dates is None else  # one column read
              dates["start_first"].loc[projects.index]).dt.year.to_numpy(dtype="float64", na_value=np.nan)
    start = np.where(found, starts[np.where(found, at, 0)] if len(starts) else np.nan, np.nan)
    days = partial_date_bounds(flows["value_date"])["first"] if value_dates is None else value_dates.loc[flows.index]
    dated = days.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    year = np.where(np.isnan(dated), start, dated)
    themes = pd.Series(projects["theme"].to_numpy(dtype=object)[first], index=ids[first], dtype=object)
    orgs = projects["implementing_orgs"].to_numpy(dtype=object)
    return DonorFlowColumns(
        flows.index, object_array([None if y != y else int(y) for y in year.tolist()]),
        # A flow without a value date takes its project's start year: the page says how many did.
        np.isnan(dated) & ~np.isnan(year),
        flows["project_id"].map(themes).array if len(pids) else None,
        object_array([r if not is_missing(r) else (split_list(orgs[a] if a >= 0 else None)[:1] or [None])[0]
                  for r, a in zip(flows["recipient"].tolist(), at.tolist())]))


def donor_flows(converted: pd.DataFrame, projects: pd.DataFrame, donor: str,
                dates: pd.DataFrame | None = None, value_dates: pd.Series | None = None,
                made: DonorFlowColumns | None = None) -> pd.DataFrame:
    """The donor's converted flows with year (value date, else project start), theme and partner columns; `dates`:
    the projects' typed dates (compute_project_dates, e.g. the prepared model's), `value_dates`: the flows' typed
    value dates (PreparedPortfolio.value_dates: these flows or a superset, same index), typed here if not given.
    `made`: compute_donor_flow_columns of a superset of these flows with the same `projects`' rows for theirs (e.g.
    every flow of the donor and every project: View.donor_flows), whose rows are taken instead of made."""
    chosen = (converted["donor"] == donor).to_numpy(dtype=bool, na_value=False)
    flows = converted if chosen.all() else converted[chosen]  # all (View.of_donor's): no copy, columns added below
    columns = made.of(flows.index) if made is not None and len(flows) else None
    if columns is None:
        columns = _flow_columns(flows, projects, dates, value_dates)
    # Typed as pandas types these values as lists (a year column of int without a gap is int64, a partner column
    # of text is text): the same frame whichever way its rows were made.
    added = pd.DataFrame({"year": columns.year.tolist(), "year_from_start": columns.year_from_start,
                          "theme": None if columns.theme is None else pd.Series(columns.theme, index=flows.index,
                                                                                  copy=False),
                          "partner": columns.partner.tolist()}, index=flows.index)
    return pd.concat([flows, added], axis=1)  # the columns added at once (each insert cost ~2 ms)


def rank_donors(converted: pd.DataFrame, rows: np.ndarray | None = None, flow_facts: FlowFacts | None = None
                ) -> list[str]:
    """Donors by the donor rule (list_donors), largest committed amount first; those publishing no committed
    amount after them, by name. `flow_facts`: compute_flow_facts of a dataset whose rows these flows are (labels
    kept, e.g. a view's): their types, projects and donors read by position, not factorized from the text.
    `rows`: the flows are these positions of `converted` (e.g. a view's among the dataset's: View.flows_at), so
    no frame of them is sliced."""
    if rows is not None and (flow_facts is None or "transaction_type" not in converted or not len(rows)):
        converted, rows = converted.iloc[rows], None
    if flow_facts is None or "transaction_type" not in converted or converted.empty:
        donors = list_donors(converted)
        chosen = _rows_of(converted, "committed")
        codes, names = pd.factorize(converted["donor"].to_numpy()[chosen])  # one group-sum on integer donor codes
        amounts = converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)
    else:
        at = flow_facts.positions(converted)
        amounts = converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)
        if rows is not None:
            at, amounts = at[rows], amounts[rows]
        donor = flow_facts.donor[at]
        # list_donors: each donor once (in order of first appearance, as pd.unique gives them), sorted by name
        donors = sorted({str(d) for d in flow_facts.names[pd.unique(donor[flow_facts.donor_flow[at]])]},
                        key=str.casefold)
        chosen = flow_facts.committed_at(at, amounts)
        # numbered by first appearance, as pd.factorize numbers them: pandas sums runs of rows already in group
        # order another way (np.add.reduceat), so the numbering decides the last digits
        present, first, inverse = np.unique(donor[chosen], return_index=True, return_inverse=True)
        renumber = np.empty(len(present), dtype=np.int64)
        renumber[np.argsort(first, kind="stable")] = np.arange(len(present))
        codes = np.where(present[inverse.reshape(-1)] >= 0, renumber[inverse.reshape(-1)], -1)
        names = flow_facts.names[present[np.argsort(first, kind="stable")]]
    amounts = amounts[chosen][codes >= 0]
    sums = pd.Series(amounts).groupby(codes[codes >= 0]).sum(min_count=1).dropna()
    amounts = dict(zip(names[sums.index.to_numpy()], sums.to_numpy()))
    return sorted(donors, key=lambda d: (d not in amounts, -float(amounts.get(d, 0.0)), d.casefold()))


def _rows_of(flows: pd.DataFrame, measure: str) -> np.ndarray:
    """The rows of a measure's flows (FLOW_MEASURES), as a mask."""
    if "transaction_type" not in flows:
        return np.ones(len(flows), dtype=bool)  # an empty table with no columns
    return FLOW_MEASURES[measure].mask(flows)


def compute_donor_breakdown(flows: pd.DataFrame, by: str) -> tuple[pd.DataFrame, int]:
    """Amount per (by, measure) over published amounts and their year/theme/partner; plus how many flows are left
    out because their amount or their `by` value is not published."""
    columns = [by, "measure", "amount", "flows"]
    amounts = flows["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)
    values = flows[by]
    known = ~np.isnan(amounts) & values.notna().to_numpy()
    masks = measure_masks(flows)
    left_out = sum(int((mask & ~known).sum()) for mask in masks.values())
    # The values coded once (sorted: the order a groupby gives), then one group-sum per measure on its rows' codes:
    # each measure's groups, rows and order of a groupby on the values (pandas' sums depend on them to the last
    # digit, so the measures are not summed in one groupby), without a frame per measure and their concat; the sums
    # are pandas' own arithmetic (_group_sums), without a groupby's fixed cost per measure.
    codes, keys = pd.factorize(values[known], sort=True)
    coded = np.full(len(flows), -1, dtype="int64")
    coded[known] = codes
    parts = []
    for key, mask in masks.items():
        usable = mask & known
        if usable.any():
            sizes = np.bincount(coded[usable])
            present = np.flatnonzero(sizes)
            parts.append((key, present, _group_sums(coded[usable], amounts[usable], len(sizes))[present],
                          sizes[present].astype("int64")))  # each group's size
    if not parts:
        return pd.DataFrame(columns=columns), left_out
    at = np.concatenate([part[1] for part in parts])
    return pd.DataFrame({by: keys[at], "measure": np.repeat(np.array([part[0] for part in parts], dtype=object),
                                                            [len(part[1]) for part in parts]),
                         "amount": np.concatenate([part[2] for part in parts]),
                         "flows": np.concatenate([part[3] for part in parts])}), left_out


SUMMED_IN_PYTHON = 20_000  # rows up to which one pass in Python sums groups faster than a pandas groupby (~1 ms)


def _group_sums(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """pandas' groupby sum of `values` (no NaN) by `groups` (codes 0..count-1), as pandas makes it: rows already in
    group order are summed per run by np.add.reduceat; otherwise, per group, Kahan's compensated sum in row order
    (its cython group_sum; a compensation that is NaN, after an infinity, restarts at 0), here in one pass of Python
    for a donor's few hundred flows, by a groupby itself beyond SUMMED_IN_PYTHON rows."""
    out = np.zeros(count)
    if not len(values):
        return out
    if (np.diff(groups) >= 0).all():
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        with np.errstate(invalid="ignore"):  # an infinity less an infinity: NaN, as pandas gives it
            out[groups[starts]] = np.add.reduceat(values, starts)
        return out
    if len(values) > SUMMED_IN_PYTHON:
        sums = pd.Series(values).groupby(groups).sum()
        out[sums.index.to_numpy()] = sums.to_numpy(dtype="float64")
        return out
    total, compensation = [0.0] * count, [0.0] * count
    for group, value in zip(groups.tolist(), values.tolist()):
        y = value - compensation[group]
        t = total[group] + y
        c = t - total[group] - y
        compensation[group] = 0.0 if c != c else c
        total[group] = t
    return np.array(total, dtype="float64")


def compute_donor_measures(flows: pd.DataFrame) -> pd.DataFrame:
    """Committed, received, disbursed and spent side by side: published total (NaN when nothing is published),
    flows counted and flows whose amount is not published."""
    rows = []
    amounts = flows["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)
    for key, chosen in measure_masks(flows).items():
        published = pd.Series(amounts[chosen & ~np.isnan(amounts)])
        rows.append({"measure": key, "amount": float(published.sum()) if len(published) else None,
                     "flows": int(chosen.sum()), "not_published": int(chosen.sum()) - len(published)})
    return pd.DataFrame(rows, columns=["measure", "amount", "flows", "not_published"])


def compute_donor_provinces(portfolio: Portfolio, donor: str) -> pd.DataFrame:
    """Provinces of the donor's projects: number of projects, and whether the split between provinces is known."""
    funding, locations = portfolio.funding, portfolio.locations
    ids = pd.unique(funding["project_id"].to_numpy(dtype=object)[(funding["donor"] == donor).to_numpy(dtype=bool)])
    mine = pd.Series(locations["project_id"].to_numpy(dtype=object), dtype=object).isin(ids).to_numpy()
    if not mine.any():
        return pd.DataFrame(columns=["province_pcode", "projects", "split_known"])
    # On integer province and project codes (provinces sorted as groupby sorts them): no Python per province.
    codes, pcodes = pd.factorize(locations["province_pcode"][mine], sort=True)
    projects, _ = pd.factorize(locations["project_id"].to_numpy(dtype=object)[mine])
    placed = (codes >= 0) & (projects >= 0)
    pairs = np.unique(codes[placed].astype("int64") * (projects.max() + 1) + projects[placed])
    unknown = ~locations["split_known"][mine].fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame({"province_pcode": np.asarray(pcodes, dtype=object),  # typed as groupby types its keys
                         "projects": np.bincount(pairs // (projects.max() + 1), minlength=len(pcodes)),
                         "split_known": _like(np.bincount(codes[(codes >= 0) & unknown], minlength=len(pcodes)) == 0,
                                              locations["split_known"].dtype)})


def _like(flags: np.ndarray, dtype: object) -> object:
    """Flags in a nullable boolean column's dtype, as a groupby of that column gives them back."""
    return pd.array(flags, dtype="boolean") if isinstance(dtype, pd.BooleanDtype) else flags


def compute_project_parties(portfolio: Portfolio, project_id: str, flows: pd.DataFrame | None = None
                            ) -> pd.DataFrame:
    """Organisations around a project and their roles: donors (from flows), implementers (lead first), partners.
    `flows`: the project's flows (all of them, e.g. converted), when the caller holds them."""
    projects = portfolio.projects  # its row, not the whole table indexed by id (a copy of every column)
    project = projects.iloc[np.flatnonzero((projects["project_id"] == project_id).to_numpy(dtype=bool))[0]]
    rows = []
    if flows is None:
        flows = portfolio.funding[portfolio.funding["project_id"] == project_id]
    funders = set(list_donors(flows))
    named = set(split_list(project.get("implementing_orgs"))) | set(split_list(project.get("partners")))
    for donor, role in zip(flows["donor"], flows["org_role"]):
        if is_missing(donor):
            continue
        if donor in funders:
            rows.append({"organisation": donor, "role": "funding"})
        elif donor not in named and not is_missing(role):
            # an implementer's own disbursements (role 4) add nothing the lists below do not already say
            rows.append({"organisation": donor, "role": ROLE_NAMES.get(int(role), "partner")})
    for i, org in enumerate(split_list(project.get("implementing_orgs"))):
        rows.append({"organisation": org, "role": "lead" if i == 0 else "implementing"})
    for org in split_list(project.get("partners")):
        rows.append({"organisation": org, "role": "partner"})
    return pd.DataFrame(rows, columns=["organisation", "role"]).drop_duplicates().reset_index(drop=True)


@dataclass(frozen=True)
class SourceIndex:
    """Where each project's and each flow's source rows are (positions in the sources table), found once per
    dataset so a project's sources are a lookup, not a scan of every source row (compute_project_sources)."""

    of_project: dict[str, list[int]]  # rows of table "projects" whose record is the id, and of "locations" whose
    # record starts with "<id>|" (every prefix of a record ending before a "|")
    of_flow: dict[str, list[int]]  # rows of table "funding" by their record (a flow id)
    documents: dict[str, list[int]]  # rows of the documents table by document id
    exact: bool  # every record of those tables and every document id is text: else the scan (a missing record
    # matches a missing flow id, a missing document id a document without one)


def compute_source_index(sources: pd.DataFrame, documents: pd.DataFrame) -> SourceIndex:
    """compute_project_sources' three row tests, and its join's document rows, as lookups (SourceIndex)."""
    tables = sources["table"].to_numpy(dtype=object, na_value=None).tolist()
    records = sources["record_id"].to_numpy(dtype=object, na_value=None).tolist()
    of_project: dict[str, list[int]] = {}
    of_flow: dict[str, list[int]] = {}
    exact = True
    for at, (table, record) in enumerate(zip(tables, records)):
        if table not in ("projects", "funding", "locations"):
            continue
        if type(record) is not str:
            exact = False
        elif table == "projects":
            of_project.setdefault(record, []).append(at)
        elif table == "funding":
            of_flow.setdefault(record, []).append(at)
        else:  # startswith(f"{id}|"): the record up to any of its "|"
            end = record.find("|")
            while end >= 0:
                of_project.setdefault(record[:end], []).append(at)
                end = record.find("|", end + 1)
    by_document: dict[str, list[int]] = {}
    for at, document in enumerate(documents["document_id"].to_numpy(dtype=object, na_value=None).tolist()):
        exact &= type(document) is str
        by_document.setdefault(document, []).append(at)
    exact &= all(type(d) is str for d in sources["document_id"].to_numpy(dtype=object, na_value=None).tolist())
    return SourceIndex(of_project, of_flow, by_document, exact)


def compute_project_sources_at(portfolio: Portfolio, index: SourceIndex, project_id: str,
                               flows: pd.DataFrame) -> pd.DataFrame:
    """compute_project_sources(portfolio, project_id, flows) read from `index` (compute_source_index of
    portfolio.sources): the same rows, in the same order, with the same document columns."""
    flow_ids = flows["flow_id"].to_numpy(dtype=object, na_value=None).tolist()
    if not index.exact or any(type(flow) is not str for flow in flow_ids):
        return compute_project_sources(portfolio, project_id, flows)
    rows = list(index.of_project.get(project_id, ()))
    for flow in set(flow_ids):
        rows += index.of_flow.get(flow, ())
    mine = portfolio.sources.iloc[np.unique(np.asarray(rows, dtype=np.int64))]
    # Only the documents these rows cite, in the table's order: a left join finds the same rows (not a copy of every
    # document's columns and a join against all of them)
    cited = [at for document in set(mine["document_id"].tolist()) for at in index.documents.get(document, ())]
    docs = portfolio.documents.iloc[np.unique(np.asarray(cited, dtype=np.int64))]
    return mine.merge(docs[["document_id", "publisher", "title", "published"]], on="document_id", how="left")
