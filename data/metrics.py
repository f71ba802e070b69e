"""Portfolio metrics: funding in a reporting currency, KPIs, breakdowns and source conflicts."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cells import is_missing
from data.currency import compute_rate_columns, convert_frame
from data.portfolio import Portfolio
from data.schema import ACTIVITY_STATUS, COMMITMENT_TYPES, partial_date_bounds
from geo.allocation import sorted_unique

# Facts whose absence the dashboard counts as "not published".
KEY_FACTS: dict[str, tuple[str, ...]] = {
    "projects": ("implementing_orgs", "theme", "activity_status", "start", "end", "coverage",
                 "households_targeted", "households_reached"),
    "funding": ("donor", "amount", "value_date"),
}


INCOMING_TYPES = frozenset({1, 11})


def list_donors(funding: pd.DataFrame) -> list[str]:
    """Organisations that fund: the provider of a flow whose org_role is funding (1) or not given, and every
    provider of incoming funds or incoming commitments (types 1, 11). An implementer's own disbursements and
    spending (IOM's type 3/4 flows in its IATI file, role 4) do not make it a donor."""
    if funding.empty:
        return []
    funders = funding["donor"].to_numpy()[_donor_mask(funding)]
    return sorted({str(d) for d in pd.unique(funders)}, key=str.casefold)  # each donor once, not per flow


def _numbers(column: pd.Series) -> np.ndarray:
    """A numeric column (transaction types, roles, amounts; nullable ints included) as floats, NaN for missing."""
    if column.dtype == object:
        column = pd.to_numeric(column, errors="coerce")
    return column.to_numpy(dtype="float64", na_value=np.nan)


def is_donor_flow(funding: pd.DataFrame) -> pd.Series:
    """The flows whose provider is a donor by the rule of list_donors."""
    return pd.Series(_donor_mask(funding), index=funding.index)


def _donor_mask(funding: pd.DataFrame) -> np.ndarray:
    role = _numbers(funding["org_role"]) if "org_role" in funding else np.full(len(funding), np.nan)
    kind = _numbers(funding["transaction_type"])
    return (np.isnan(role) | (role == 1) | np.isin(kind, list(INCOMING_TYPES))) & funding["donor"].notna().to_numpy()


def compute_project_donors(converted: pd.DataFrame) -> pd.DataFrame:
    """(project_id, donor, amount): each project's donors by the donor rule with their committed amount in the
    reporting currency (NaN when none is published), largest first."""
    columns = ["project_id", "donor", "amount"]
    if converted.empty:
        return pd.DataFrame(columns=columns)
    donor_flow = _donor_mask(converted)
    types = _numbers(converted["transaction_type"])[donor_flow]
    amounts = np.where(np.isin(types, list(COMMITMENT_TYPES)),
                       converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)[donor_flow], np.nan)
    # One group-sum on integer (project, donor) codes, sorted as groupby sorts the pairs (ids, then names).
    projects, project_ids = pd.factorize(converted["project_id"].to_numpy()[donor_flow], sort=True)
    donors, donor_names = pd.factorize(converted["donor"].to_numpy()[donor_flow], sort=True)
    placed = projects >= 0
    pairs = projects[placed].astype("int64") * len(donor_names) + donors[placed]
    sums = pd.Series(amounts[placed]).groupby(pairs).sum(min_count=1)
    codes = sums.index.to_numpy()
    frame = pd.DataFrame({"project_id": project_ids[codes // len(donor_names)],
                          "donor": donor_names[codes % len(donor_names)], "amount": sums.to_numpy()})
    return frame.sort_values(["amount", "donor"], ascending=[False, True], na_position="last")[columns]


def compute_funding(funding: pd.DataFrame, currency: str, value_dates: pd.Series | None = None) -> pd.DataFrame:
    """Funding flows with amount_reporting, rate, rate_date and rate_basis columns added. `value_dates`: the
    flows' value dates typed (partial_date_bounds(...)["first"], e.g. the prepared model's), typed here if not."""
    if funding.empty:
        out = funding.copy()
        for column in ("amount_reporting", "reporting_currency", "rate", "rate_date", "rate_basis"):
            out[column] = pd.Series(dtype="float64" if column in ("amount_reporting", "rate") else object)
        return out
    known = funding["currency"].notna()
    days = partial_date_bounds(funding["value_date"])["first"] if value_dates is None else value_dates
    if known.all():  # the usual case: no selection, no concat and re-order of every flow
        return convert_frame(funding, currency, value_dates=days)
    # the known rows' rates placed into one copy of every flow (a concat of two copies and a re-order before)
    rows = known.to_numpy(dtype=bool)
    columns = compute_rate_columns(funding["amount"][rows], funding["currency"][rows], currency, days[rows])
    out = funding.copy()
    for name, values in columns.items():
        numeric = name in ("amount_reporting", "rate")
        full = np.full(len(funding), np.nan) if numeric else np.full(len(funding), None, dtype=object)
        full[rows] = values
        if name == "reporting_currency":
            full[~rows] = currency  # as given: the unknown rows were never checked against the ECB codes
        out[name] = pd.Series(full, index=funding.index, dtype="float64" if numeric else object)
    return out


def compute_committed(converted: pd.DataFrame) -> pd.DataFrame:
    """Commitments per flow, without double counting (the rule: _committed_mask)."""
    return FLOW_MEASURES["committed"].select(converted)


def _flow_arrays(converted: pd.DataFrame, ordered: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(transaction types as floats, amounts in the reporting currency, project codes (-1: none), how many
    projects): the flows as the numpy questions below ask them, codes in project id order (as groupby sorts);
    `ordered=False`: in order of appearance (a mask, which only tells projects apart, needs no sort of the ids)."""
    codes, ids = pd.factorize(converted["project_id"].to_numpy(dtype=object), sort=ordered)
    return (_numbers(converted["transaction_type"]), converted["amount_reporting"].to_numpy(
        dtype="float64", na_value=np.nan), codes, len(ids))


def compute_project_money(converted: pd.DataFrame) -> pd.DataFrame:
    """Per project id (sorted): the published amounts committed (the commitment rule), disbursed (3) and spent (4)
    summed, NaN when none is published; as a groupby per project gives them, on integer codes."""
    columns = ["committed", "disbursed", "spent"]
    if converted.empty or "project_id" not in converted:
        return pd.DataFrame(columns=columns, dtype="float64")
    codes, ids = pd.factorize(converted["project_id"], sort=True)  # as _flow_arrays, keeping the ids
    count = len(ids)
    types, amounts = _numbers(converted["transaction_type"]), converted["amount_reporting"].to_numpy(
        dtype="float64", na_value=np.nan)
    placed = codes >= 0
    sums = {}
    for column, chosen in zip(columns, (_committed_mask(types, amounts, codes, count), types == 3, types == 4)):
        rows = chosen & placed
        summed = pd.Series(amounts[rows]).groupby(codes[rows]).sum(min_count=1)
        sums[column] = np.full(count, np.nan)
        sums[column][summed.index.to_numpy()] = summed.to_numpy(dtype="float64")  # NaN where none: as reindex
    # the ids as objects: an index of pandas' arrow-backed text copies every id and looks them up more slowly
    return pd.DataFrame(sums, index=pd.Index(np.asarray(ids, dtype=object), dtype=object))


@dataclass(frozen=True)
class FlowMeasure:
    """A money measure the UI can offer: a key and the transaction type of its flows (None: the commitment rule,
    _committed_mask)."""

    key: str
    kind: int | None

    def mask(self, converted: pd.DataFrame) -> np.ndarray:
        """Which rows are flows of this measure."""
        if self.kind is None:
            return _committed_mask(*_flow_arrays(converted, ordered=False))
        return _numbers(converted["transaction_type"]) == self.kind

    def select(self, converted: pd.DataFrame) -> pd.DataFrame:
        """The flows of this measure."""
        if "transaction_type" not in converted:
            return converted  # an empty table with no columns: nothing to select
        return converted[self.mask(converted)]


# Registry: selectboxes list these keys, so the options and the computations never drift apart.
FLOW_MEASURES: dict[str, FlowMeasure] = {
    "committed": FlowMeasure("committed", None),
    "received": FlowMeasure("received", 1),
    "disbursed": FlowMeasure("disbursed", 3),
    "spent": FlowMeasure("spent", 4),
}


def measure_masks(converted: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every measure's mask (FlowMeasure.mask) over the same flows, their types and project codes read once (a
    breakdown asks all four); every row when there are no columns at all (an empty table)."""
    if "transaction_type" not in converted:
        return {key: np.ones(len(converted), dtype=bool) for key in FLOW_MEASURES}
    flows = _flow_arrays(converted, ordered=False)
    return {key: _committed_mask(*flows) if measure.kind is None else flows[0] == measure.kind
            for key, measure in FLOW_MEASURES.items()}


# The payment that answers a commitment, as one reporter publishes both: a recipient reports an incoming commitment
# (11) then incoming funds (1); a provider reports its commitment (2) then its disbursements (3).
PAYMENT_OF = {11: 1, 2: 3}


def _committed_mask(types: np.ndarray, amounts: np.ndarray, codes: np.ndarray, count: int) -> np.ndarray:
    """The commitments counted, without double counting: a project's incoming commitments (11) when it publishes
    an amount for any, else its outgoing commitments (2) — the same money often appears as both. An incoming
    commitment without an amount (a funder listed, amount not published) never hides a published one.
    On _flow_arrays (transaction types as floats, amounts, project codes, how many projects)."""
    commitments = np.isin(types, list(COMMITMENT_TYPES))
    incoming = commitments & (types == 11) & ~np.isnan(amounts) & (codes >= 0)
    has_incoming = np.bincount(codes[incoming], minlength=count) > 0
    return commitments & ((types == 11) | ~has_incoming[np.where(codes >= 0, codes, 0)] | (codes < 0))


def compute_left_to_disburse(converted: pd.DataFrame, flows: tuple | None = None) -> dict:
    """Committed, disbursed and left to disburse (committed - disbursed), over the projects that publish both: every
    commitment counted for the project (compute_committed) with an amount, and at least one payment answering it
    (PAYMENT_OF) with every such payment's amount. A project without a payment flow is left out, never read as 0.
    `payments`: how many payment flows answer a commitment at all (none: the page says 'no flow').
    On integer project codes and numpy arrays (one bincount per question), not groupbys on the ids' text;
    `flows`: _flow_arrays(converted), when the caller holds them."""
    empty = {"committed": None, "disbursed": None, "left": None, "projects": 0, "projects_committed": 0,
             "payments": 0}
    if converted.empty or "project_id" not in converted:
        return empty
    types, amounts, codes, count = _flow_arrays(converted) if flows is None else flows
    committed = _committed_mask(types, amounts, codes, count)
    if not committed.any():
        return empty
    placed = committed & (codes >= 0)
    with_commitment = np.bincount(codes[placed], minlength=count) > 0
    at = np.flatnonzero(placed)
    first_type = np.full(count, np.nan)
    seen, first = np.unique(codes[at], return_index=True)  # each project's first commitment, in row order
    first_type[seen] = types[at[first]]
    payment_type = np.select([first_type == 11, first_type == 2], [PAYMENT_OF[11], PAYMENT_OF[2]], np.nan)
    safe = np.where(codes >= 0, codes, 0)
    # (a project mixing 11 and 2 keeps an 11 without amount: its commitment is unknown and it is left out below)
    payments = (codes >= 0) & with_commitment[safe] & (types == payment_type[safe])
    unknown_commitment = np.bincount(codes[placed], weights=np.isnan(amounts[placed]), minlength=count) > 0
    paid_codes = codes[payments]
    has_payment = np.bincount(paid_codes, minlength=count) > 0
    unknown_payment = np.bincount(paid_codes, weights=np.isnan(amounts[payments]), minlength=count) > 0
    keep = has_payment & ~unknown_payment & with_commitment & ~unknown_commitment
    result = {"projects_committed": int(with_commitment.sum()), "payments": int(payments.sum())}
    if not keep.any():
        return {**empty, **result}
    # Sums as pandas makes them (its group sums per project, then over projects in id order), so the totals are
    # the same to the last digit as the groupby version's (bench/naive.py).
    total_committed = float(pd.Series(amounts[placed & keep[safe]]).sum())
    paid = pd.Series(amounts[payments]).groupby(paid_codes).sum(min_count=1)
    total_paid = float(paid[keep[paid.index.to_numpy()]].sum())
    return {"committed": total_committed, "disbursed": total_paid, "left": total_committed - total_paid,
            "projects": int(keep.sum()), **result}


def compute_by_donor(converted: pd.DataFrame, measure: str = "committed", flow_facts: FlowFacts | None = None,
                     donor_flows_only: bool = False, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Sum of published amounts per donor, with counts of flows whose amount is not published. `donor_flows_only`:
    of the flows whose provider is a donor (is_donor_flow) only; `flow_facts`: compute_flow_facts of a dataset whose
    rows these flows are (labels kept, e.g. a view's): types, projects and donors read by position (no copy of the
    donor flows, no factorize of their ids and names). `rows`: the flows are these positions of `converted` (a
    view's among the dataset's: View.flows_at), so no frame of them is sliced."""
    if rows is not None and (flow_facts is None or "transaction_type" not in converted):
        converted, rows = converted.iloc[rows], None
    if flow_facts is None or "transaction_type" not in converted:
        if donor_flows_only:
            converted = converted[is_donor_flow(converted)]
        chosen = FLOW_MEASURES[measure].mask(converted) if "transaction_type" in converted else slice(None)
        # On the chosen rows of 4 columns (not a copy of every column), integer donor codes (sorted: the order
        # groupby gives), one group-sum and bincounts: no Python function per donor.
        donor = converted["donor"].to_numpy()[chosen]
        codes, donors = pd.factorize(np.where(pd.isna(donor), "—", donor), sort=True)
        amounts = converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)[chosen]
        projects, _ = pd.factorize(converted["project_id"].to_numpy()[chosen])
        flow_ids = converted["flow_id"].notna().to_numpy()[chosen]
    else:
        at = flow_facts.positions(converted)
        amounts = converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)
        if rows is not None:
            at, amounts = at[rows], amounts[rows]
        donor_rows = flow_facts.donor_flow[at] if donor_flows_only else np.ones(len(at), dtype=bool)
        at, amounts = at[donor_rows], amounts[donor_rows]
        types, projects = flow_facts.types[at], flow_facts.project[at]
        kind = FLOW_MEASURES[measure].kind
        chosen = _committed_mask(types, amounts, projects, flow_facts.projects) if kind is None else types == kind
        amounts, projects, named = amounts[chosen], projects[chosen], flow_facts.donor[at][chosen]
        flow_ids = flow_facts.has_id[at][chosen]
        # the donors present, sorted by name ("—" for none) as a sorted factorize orders them, and each row's rank
        present, inverse = np.unique(named, return_inverse=True)
        labels = np.asarray([flow_facts.names[c] if c >= 0 else "—" for c in present.tolist()], dtype=object)
        order = np.argsort(labels, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        codes, donors = rank[inverse.reshape(-1)], labels[order]
        if len(set(labels.tolist())) < len(labels):  # a donor named "—" beside flows naming none: one group
            codes, donors = pd.factorize(labels[inverse.reshape(-1)], sort=True)
    count = len(donors)
    pairs = sorted_unique(codes[projects >= 0].astype("int64") * (projects.max(initial=0) + 1)
                          + projects[projects >= 0])
    grouped = pd.DataFrame({
        "donor": donors,
        "amount": pd.Series(amounts).groupby(codes).sum(min_count=1).reindex(range(count)).to_numpy(),
        "flows": np.bincount(codes[flow_ids], minlength=count),
        "not_published": np.bincount(codes[np.isnan(amounts)], minlength=count),
        "projects": np.bincount(pairs // (projects.max(initial=0) + 1), minlength=count)})
    return grouped.sort_values("amount", ascending=False, na_position="last").reset_index(drop=True)


START_COLUMNS = ("actual_start", "planned_start")  # a project's start: the first of these that is given
END_COLUMNS = ("actual_end", "planned_end")


def project_start(row: pd.Series) -> str | None:
    return next((row[c] for c in START_COLUMNS if not is_missing(row[c])), None)


def project_end(row: pd.Series) -> str | None:
    return next((row[c] for c in END_COLUMNS if not is_missing(row[c])), None)


def _missing(values: pd.Series) -> pd.Series:
    """is_missing for a whole column: None, NaN, NA and blank text (each distinct text looked at once)."""
    missing = values.isna()
    if values.dtype == object:
        blank = {v for v in pd.unique(values[~missing]) if isinstance(v, str) and not v.strip()}
        if blank:
            missing = missing | values.isin(blank)
    return missing.fillna(True).astype(bool)


def compute_missing_facts(projects: pd.DataFrame) -> pd.Series:
    """Per project (same index), how many key facts are empty (start/end count once whichever of planned/actual is
    given): count_not_published sums these, e.g. the prepared model's, over a view's projects."""
    missing = np.zeros(len(projects), dtype="int64")
    for fact in KEY_FACTS["projects"]:
        if fact == "start":
            missing += (_missing(projects["actual_start"]) & _missing(projects["planned_start"])).to_numpy()
        elif fact == "end":
            missing += (_missing(projects["actual_end"]) & _missing(projects["planned_end"])
                        & _missing(projects["duration_months"])).to_numpy()
        else:
            missing += _missing(projects[fact]).to_numpy()
    return pd.Series(missing, index=projects.index)


def count_not_published(portfolio: Portfolio, missing_facts: pd.Series | None = None) -> dict[str, int]:
    """How many key facts are empty, per table. `missing_facts`: compute_missing_facts of these projects or of a
    superset (a filter keeps the projects' index), computed here when not given."""
    projects = portfolio.projects
    missing = compute_missing_facts(projects) if missing_facts is None else missing_facts.loc[projects.index]
    funding_missing = sum(int(portfolio.funding[c].isna().sum()) for c in KEY_FACTS["funding"])
    return {"projects": int(missing.sum()), "funding": funding_missing}


@dataclass(frozen=True, eq=False)
class FlowFacts:
    """What compute_kpis asks of every flow of a dataset, by flow position, found once per dataset
    (compute_flow_facts): a view's flows, rows of the dataset's with their row labels, are then read by position
    (a sort of their project ids' text, the isna of three text columns and the donors' names cost ~15 ms a view)."""

    index: pd.Index  # the dataset's flows' row labels
    types: np.ndarray  # transaction types as floats (NaN: none)
    project: np.ndarray  # the project id's rank among the dataset's sorted ids (pd.factorize(sort=True)'s order)
    projects: int  # ranks in use (one more than the largest)
    donor: np.ndarray  # the donor's name code (−1: none)
    donor_flow: np.ndarray  # a flow whose provider is a donor by the rule of list_donors
    names: np.ndarray  # name code → name
    missing: np.ndarray  # the flow's key facts not published (KEY_FACTS["funding"])
    has_id: np.ndarray  # the flow publishes a flow_id (the isna of that text column: ~20 ms a view at 10,000 projects)

    def positions(self, frame: pd.DataFrame) -> np.ndarray:
        """The positions of `frame`'s rows (rows of the dataset's flows, labels kept) among the dataset's flows."""
        return _positions(self.index, frame.index)

    def arrays(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """_flow_arrays of `frame` (its project codes: the dataset's ranks, in the same order) read by position."""
        at = self.positions(frame)
        return (self.types[at], frame["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan),
                self.project[at], self.projects)

    def committed(self, frame: pd.DataFrame) -> np.ndarray:
        """FLOW_MEASURES["committed"].mask(frame), read by position."""
        return _committed_mask(*self.arrays(frame))

    def committed_at(self, at: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        """committed() of the flows at positions `at` with these amounts in the reporting currency."""
        return _committed_mask(self.types[at], amounts, self.project[at], self.projects)


def _distinct(codes: np.ndarray) -> int:
    """How many distinct codes ≥ 0 (len(np.unique) by a count per code: numpy's unique hashes every row)."""
    codes = codes[codes >= 0]
    return int(np.count_nonzero(np.bincount(codes))) if len(codes) else 0


def _rows_at(portfolio: Portfolio, table: str, index: pd.Index) -> np.ndarray:
    """The positions in `index` (a dataset table's labels) of the portfolio's `table` rows: a narrowed view's are
    read from its filter's masks (data.filters.NarrowedPortfolio.rows_in: its rows never sliced for a count), any
    other's found by label."""
    rows_in = getattr(portfolio, "rows_in", None)
    at = None if rows_in is None else rows_in(table, index)
    return _positions(index, portfolio.table(table).index) if at is None else at


def _positions(index: pd.Index, labels: pd.Index) -> np.ndarray:
    """The positions in `index` of `labels` (some of its labels)."""
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return labels.to_numpy(dtype=np.int64)  # the usual case: a label is a position
    return index.get_indexer(labels)


@dataclass(frozen=True, eq=False)
class ProjectFacts:
    """What compute_kpis asks of every project and location row of a dataset, by position, found once per dataset
    (compute_project_facts): a view's projects and places (rows of the dataset's, labels kept) are then counted
    with numpy on their positions instead of a dozen pandas calls on their columns."""

    index: pd.Index  # the projects' row labels
    status: np.ndarray  # activity_status as floats (NaN: not published)
    targeted: np.ndarray  # households targeted (int64; 0 where not published)
    targeted_known: np.ndarray
    reached: np.ndarray
    reached_known: np.ndarray
    minimum: np.ndarray  # households_targeted_is_minimum (not published: False)
    national: np.ndarray  # coverage == "national"
    missing: np.ndarray  # compute_missing_facts
    place_index: pd.Index  # the location rows' labels
    province: np.ndarray  # per location row: its province's code by value (−1: none)


def compute_project_facts(portfolio: Portfolio, missing_facts: pd.Series, province_codes: np.ndarray
                          ) -> ProjectFacts | None:
    """ProjectFacts of a dataset; `missing_facts`: compute_missing_facts of its projects, `province_codes`: each
    location row's province coded by value (data.filters.FilterIndex.province). None when a column is not typed as
    intake types it (integer households and status), so a count could read otherwise: then the columns answer."""
    projects = portfolio.projects
    columns = ("activity_status", "households_targeted", "households_reached")
    if not all(pd.api.types.is_integer_dtype(projects[c]) for c in columns):
        return None
    targeted, reached = projects["households_targeted"], projects["households_reached"]
    return ProjectFacts(
        projects.index, _numbers(projects["activity_status"]), targeted.to_numpy(dtype="int64", na_value=0),
        targeted.notna().to_numpy(dtype=bool), reached.to_numpy(dtype="int64", na_value=0),
        reached.notna().to_numpy(dtype=bool),
        projects["households_targeted_is_minimum"].fillna(False).to_numpy(dtype=bool, na_value=False),
        (projects["coverage"] == "national").to_numpy(dtype=bool, na_value=False),
        missing_facts.loc[projects.index].to_numpy(dtype="int64"), portfolio.locations.index,
        np.asarray(province_codes, dtype=np.int64))


def _project_counts(portfolio: Portfolio, facts: ProjectFacts) -> dict:
    """compute_kpis' project and place counts read by position in `facts`."""
    at = _rows_at(portfolio, "projects", facts.index)
    status = facts.status[at]
    targeted, reached = facts.targeted_known[at], facts.reached_known[at]
    provinces = facts.province[_rows_at(portfolio, "locations", facts.place_index)]
    return {
        "projects": len(at),
        "projects_by_status": {code: int((status == code).sum()) for code in ACTIVITY_STATUS},
        "projects_status_not_published": int(np.isnan(status).sum()),
        "households_targeted": int(facts.targeted[at].sum()) if targeted.any() else None,
        "households_targeted_is_minimum": bool(facts.minimum[at].any()),
        "households_targeted_projects": int(targeted.sum()),
        "households_reached": int(facts.reached[at].sum()) if reached.any() else None,
        "households_reached_projects": int(reached.sum()),
        "provinces": _distinct(provinces),
        "national_projects": int(facts.national[at].sum()),
        "missing": int(facts.missing[at].sum()),
    }


def compute_flow_facts(funding: pd.DataFrame, project_rank: np.ndarray, donor_codes: np.ndarray,
                       names: dict) -> FlowFacts:
    """FlowFacts of a dataset's flows; `project_rank`: each flow's project id ranked in sorted order (−1: none),
    `donor_codes`: each flow's donor coded by value, `names`: name → code (data.filters.FilterIndex holds them)."""
    missing = np.zeros(len(funding), dtype=np.int64)
    for column in KEY_FACTS["funding"]:
        missing += funding[column].isna().to_numpy(dtype=bool)
    by_code = np.empty(len(names), dtype=object)
    by_code[list(names.values())] = list(names)
    return FlowFacts(funding.index, _numbers(funding["transaction_type"]), project_rank.astype(np.int64),
                     int(project_rank.max(initial=-1)) + 1, donor_codes.astype(np.int64), _donor_mask(funding),
                     by_code, missing, funding["flow_id"].notna().to_numpy(dtype=bool))


def compute_kpis(portfolio: Portfolio, currency: str, converted: pd.DataFrame | None = None,
                 missing_facts: pd.Series | None = None, flow_facts: FlowFacts | None = None,
                 project_facts: ProjectFacts | None = None, rows: np.ndarray | None = None) -> dict:
    """Headline numbers; each comes with the count it leaves out, never a zero for missing. `converted`: the
    portfolio's flows already converted to `currency` (compute_funding), when the caller holds them;
    `missing_facts`: as for count_not_published; `flow_facts`, `project_facts`: compute_flow_facts and
    compute_project_facts of a dataset whose rows these are (labels kept, e.g. a view's), so its flows, projects
    and places are read by position (same numbers). `rows`: the portfolio's flows are these positions of
    `converted` (a view's among the dataset's: View.flows_at), read there with `flow_facts` (no frame sliced)."""
    converted = compute_funding(portfolio.funding, currency) if converted is None else converted
    if rows is not None and (flow_facts is None or "transaction_type" not in converted):
        converted, rows = converted.iloc[rows], None
    if "transaction_type" not in converted:  # no columns at all
        flows = None
    elif flow_facts is None:
        flows = _flow_arrays(converted)
    elif rows is None:
        at = flow_facts.positions(converted)
        flows = flow_facts.arrays(converted)
    else:
        at = flow_facts.positions(converted)[rows]
        flows = (flow_facts.types[at], converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)[rows],
                 flow_facts.project[at], flow_facts.projects)
    committed = pd.Series(flows[1][_committed_mask(*flows)] if flows else [], dtype="float64")
    projects = portfolio.projects
    if project_facts is not None:
        counts = _project_counts(portfolio, project_facts)
        project_missing = counts.pop("missing")
    else:
        status = projects["activity_status"]
        codes = _numbers(status)
        targeted = projects["households_targeted"]
        reached = projects["households_reached"]
        counts = {
            "projects": len(projects),
            "projects_by_status": {code: int((codes == code).sum()) for code in ACTIVITY_STATUS},
            "projects_status_not_published": int(status.isna().sum()),
            "households_targeted": int(targeted.sum()) if targeted.notna().any() else None,
            "households_targeted_is_minimum": bool(projects["households_targeted_is_minimum"].fillna(False).any()),
            "households_targeted_projects": int(targeted.notna().sum()),
            "households_reached": int(reached.sum()) if reached.notna().any() else None,
            "households_reached_projects": int(reached.notna().sum()),
            "provinces": int(portfolio.locations["province_pcode"].nunique()),
            "national_projects": int((projects["coverage"] == "national").sum())}
        project_missing = None
    if flow_facts is None or flows is None:
        not_published = count_not_published(portfolio, missing_facts)
        if project_missing is not None:  # the same count, read by position
            not_published["projects"] = project_missing
        donors = len(list_donors(converted))
    else:  # the same counts read by position: the portfolio's flows are `converted`'s rows
        if project_missing is None:
            project_missing = int((compute_missing_facts(projects) if missing_facts is None else missing_facts.loc[
                projects.index]).sum())
        not_published = {"projects": project_missing,
                         "funding": int(flow_facts.missing[_rows_at(portfolio, "funding", flow_facts.index)].sum())}
        donors = _distinct(flow_facts.donor[at][flow_facts.donor_flow[at]])
    return {
        "currency": currency,
        "funding_committed": float(committed.sum(min_count=1)) if committed.notna().any() else None,
        "funding_flows_counted": int(committed.notna().sum()),
        "funding_flows_not_published": int(committed.isna().sum()),
        "projects": counts["projects"],
        "projects_by_status": counts["projects_by_status"],
        "projects_status_not_published": counts["projects_status_not_published"],
        "donors": donors,
        **{key: counts[key] for key in ("households_targeted", "households_targeted_is_minimum",
                                        "households_targeted_projects", "households_reached",
                                        "households_reached_projects", "provinces", "national_projects")},
        "not_published": sum(not_published.values()),
        "left_to_disburse": compute_left_to_disburse(converted, flows),
    }


def compute_conflicts(sources: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Facts stated differently by different documents: one row per fact with the competing values, and for
    each value the documents (by title when `documents` is given) and paragraphs that state it."""
    columns = ["table", "record_id", "column", "values", "documents", "value_list", "citations"]
    if sources.empty:
        return pd.DataFrame(columns=columns)
    titles = {} if documents is None else dict(zip(documents["document_id"], documents["title"]))
    rows = []
    for (table, record, column), group in sources.groupby(["table", "record_id", "column"]):
        stated = group.assign(value=group["value"].astype(str).str.strip())
        values = stated["value"].unique()
        if len(values) < 2:
            continue
        cited = []
        for value in values:
            where = stated[stated["value"] == value]
            cited.append((value, "; ".join(
                f"{titles.get(doc) or doc} ¶{para}" if pd.notna(para) else str(titles.get(doc) or doc)
                for doc, para in zip(where["document_id"], where["paragraph"]))))
        # value_list and citations keep the values apart, so a page can show each one by its label.
        rows.append({"table": table, "record_id": record, "column": column,
                     "values": " | ".join(values), "documents": " | ".join(f"{v}: {d}" for v, d in cited),
                     "value_list": tuple(values), "citations": tuple(cited)})
    return pd.DataFrame(rows, columns=columns)


def compute_project_sources(portfolio: Portfolio, project_id: str, flows: pd.DataFrame | None = None
                            ) -> pd.DataFrame:
    """Every source row about a project, its flows and its locations, with document titles. `flows`: the project's
    flows (all of them, e.g. converted), when the caller holds them."""
    src = portfolio.sources
    if flows is None:
        flows = portfolio.funding[portfolio.funding["project_id"] == project_id]
    flows = set(flows["flow_id"])
    mine = (
        ((src["table"] == "projects") & (src["record_id"] == project_id))
        | ((src["table"] == "funding") & src["record_id"].isin(flows))
        | ((src["table"] == "locations") & src["record_id"].str.startswith(f"{project_id}|"))
    )
    docs = portfolio.documents[["document_id", "publisher", "title", "published"]]
    return src[mine].merge(docs, on="document_id", how="left")
