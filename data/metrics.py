"""Portfolio metrics: funding in a reporting currency, KPIs, breakdowns and source conflicts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cells import is_missing
from data.currency import convert_frame
from data.portfolio import Portfolio
from data.schema import ACTIVITY_STATUS, COMMITMENT_TYPES, partial_date_bounds

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
    funders = funding.loc[is_donor_flow(funding), "donor"]
    return sorted({str(d) for d in pd.unique(funders.dropna())}, key=str.casefold)  # each donor once, not per flow


def is_donor_flow(funding: pd.DataFrame) -> pd.Series:
    """The flows whose provider is a donor by the rule of list_donors."""
    role = pd.to_numeric(funding["org_role"], errors="coerce") if "org_role" in funding else pd.Series(
        float("nan"), index=funding.index)
    kind = pd.to_numeric(funding["transaction_type"], errors="coerce")
    return (role.isna() | (role == 1) | kind.isin(INCOMING_TYPES)) & funding["donor"].notna()


def compute_project_donors(converted: pd.DataFrame) -> pd.DataFrame:
    """(project_id, donor, amount): each project's donors by the donor rule with their committed amount in the
    reporting currency (NaN when none is published), largest first."""
    columns = ["project_id", "donor", "amount"]
    if converted.empty:
        return pd.DataFrame(columns=columns)
    flows = converted[is_donor_flow(converted)]
    committed = flows["amount_reporting"].where(flows["transaction_type"].isin(COMMITMENT_TYPES))
    frame = flows.assign(amount=committed).groupby(["project_id", "donor"], as_index=False)["amount"].sum(
        min_count=1)
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
    converted = convert_frame(funding[known], currency, value_dates=days[known])
    unknown = funding[~known].assign(amount_reporting=float("nan"), reporting_currency=currency, rate=float("nan"),
                                     rate_date=None, rate_basis=None)
    return pd.concat([converted, unknown]).loc[funding.index]


def _flows_of(converted: pd.DataFrame, types: frozenset[int]) -> pd.DataFrame:
    if "transaction_type" not in converted:
        return converted  # an empty table with no columns: nothing to select
    return converted[converted["transaction_type"].isin(types)]


def compute_committed(converted: pd.DataFrame) -> pd.DataFrame:
    """Commitments per flow, without double counting: a project's incoming commitments (11) when it publishes
    an amount for any, else its outgoing commitments (2) — the same money often appears as both. An incoming
    commitment without an amount (a funder listed, amount not published) never hides a published one."""
    flows = _flows_of(converted, COMMITMENT_TYPES)
    published_incoming = (flows["transaction_type"] == 11) & flows["amount_reporting"].notna()
    has_incoming = set(flows.loc[published_incoming, "project_id"])
    keep = (flows["transaction_type"] == 11) | ~flows["project_id"].isin(has_incoming)
    return flows[keep]


@dataclass(frozen=True)
class FlowMeasure:
    """A money measure the UI can offer: a label and the function selecting its flows."""

    key: str
    select: Callable[[pd.DataFrame], pd.DataFrame]


# Registry: selectboxes list these keys, so the options and the computations never drift apart.
FLOW_MEASURES: dict[str, FlowMeasure] = {
    "committed": FlowMeasure("committed", compute_committed),
    "received": FlowMeasure("received", lambda f: _flows_of(f, frozenset({1}))),
    "disbursed": FlowMeasure("disbursed", lambda f: _flows_of(f, frozenset({3}))),
    "spent": FlowMeasure("spent", lambda f: _flows_of(f, frozenset({4}))),
}


# The payment that answers a commitment, as one reporter publishes both: a recipient reports an incoming commitment
# (11) then incoming funds (1); a provider reports its commitment (2) then its disbursements (3).
PAYMENT_OF = {11: 1, 2: 3}


def _committed_mask(types: np.ndarray, amounts: np.ndarray, codes: np.ndarray, count: int) -> np.ndarray:
    """compute_committed's rows as a mask, on typed arrays (transaction types as floats, amounts, project codes)."""
    commitments = np.isin(types, list(COMMITMENT_TYPES))
    incoming = commitments & (types == 11) & ~np.isnan(amounts) & (codes >= 0)
    has_incoming = np.bincount(codes[incoming], minlength=count) > 0
    return commitments & ((types == 11) | ~has_incoming[np.where(codes >= 0, codes, 0)] | (codes < 0))


def compute_left_to_disburse(converted: pd.DataFrame) -> dict:
    """Committed, disbursed and left to disburse (committed - disbursed), over the projects that publish both: every
    commitment counted for the project (compute_committed) with an amount, and at least one payment answering it
    (PAYMENT_OF) with every such payment's amount. A project without a payment flow is left out, never read as 0.
    `payments`: how many payment flows answer a commitment at all (none: the page says 'no flow').
    On integer project codes and numpy arrays (one bincount per question), not groupbys on the ids' text."""
    empty = {"committed": None, "disbursed": None, "left": None, "projects": 0, "projects_committed": 0,
             "payments": 0}
    if converted.empty or "project_id" not in converted:
        return empty
    codes, ids = pd.factorize(converted["project_id"], sort=True)  # sorted: the order groupby would give
    count = len(ids)
    types = pd.to_numeric(converted["transaction_type"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    amounts = converted["amount_reporting"].to_numpy(dtype="float64", na_value=np.nan)
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


def compute_by_donor(converted: pd.DataFrame, measure: str = "committed") -> pd.DataFrame:
    """Sum of published amounts per donor, with counts of flows whose amount is not published."""
    flows = FLOW_MEASURES[measure].select(converted)
    donors = flows.assign(donor=flows["donor"].fillna("—"))
    grouped = donors.groupby("donor", dropna=False).agg(
        amount=("amount_reporting", lambda s: s.sum(min_count=1)),
        flows=("flow_id", "count"),
        not_published=("amount_reporting", lambda s: int(s.isna().sum())),
        projects=("project_id", "nunique"),
    ).reset_index()
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


def count_not_published(portfolio: Portfolio) -> dict[str, int]:
    """How many key facts are empty, per table (start/end count once whichever of planned/actual is given)."""
    projects = portfolio.projects
    missing = 0
    for fact in KEY_FACTS["projects"]:
        if fact == "start":
            missing += int((_missing(projects["actual_start"]) & _missing(projects["planned_start"])).sum())
        elif fact == "end":
            missing += int((_missing(projects["actual_end"]) & _missing(projects["planned_end"])
                            & _missing(projects["duration_months"])).sum())
        else:
            missing += int(_missing(projects[fact]).sum())
    funding_missing = sum(int(portfolio.funding[c].isna().sum()) for c in KEY_FACTS["funding"])
    return {"projects": int(missing), "funding": funding_missing}


def compute_kpis(portfolio: Portfolio, currency: str, converted: pd.DataFrame | None = None) -> dict:
    """Headline numbers; each comes with the count it leaves out, never a zero for missing. `converted`: the
    portfolio's flows already converted to `currency` (compute_funding), when the caller holds them."""
    converted = compute_funding(portfolio.funding, currency) if converted is None else converted
    committed = compute_committed(converted)
    projects = portfolio.projects
    status = projects["activity_status"]
    by_status = {code: int((status == code).sum()) for code in ACTIVITY_STATUS}
    targeted = projects["households_targeted"]
    reached = projects["households_reached"]
    not_published = count_not_published(portfolio)
    return {
        "currency": currency,
        "funding_committed": float(committed["amount_reporting"].sum(min_count=1))
        if committed["amount_reporting"].notna().any() else None,
        "funding_flows_counted": int(committed["amount_reporting"].notna().sum()),
        "funding_flows_not_published": int(committed["amount_reporting"].isna().sum()),
        "projects": len(projects),
        "projects_by_status": by_status,
        "projects_status_not_published": int(status.isna().sum()),
        "donors": len(list_donors(converted)),
        "households_targeted": int(targeted.sum()) if targeted.notna().any() else None,
        "households_targeted_is_minimum": bool(projects["households_targeted_is_minimum"].fillna(False).any()),
        "households_targeted_projects": int(targeted.notna().sum()),
        "households_reached": int(reached.sum()) if reached.notna().any() else None,
        "households_reached_projects": int(reached.notna().sum()),
        "provinces": int(portfolio.locations["province_pcode"].nunique()),
        "national_projects": int((projects["coverage"] == "national").sum()),
        "not_published": sum(not_published.values()),
        "left_to_disburse": compute_left_to_disburse(converted),
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


def compute_project_sources(portfolio: Portfolio, project_id: str) -> pd.DataFrame:
    """Every source row about a project, its flows and its locations, with document titles."""
    src = portfolio.sources
    flows = set(portfolio.funding.loc[portfolio.funding["project_id"] == project_id, "flow_id"])
    mine = (
        ((src["table"] == "projects") & (src["record_id"] == project_id))
        | ((src["table"] == "funding") & src["record_id"].isin(flows))
        | ((src["table"] == "locations") & src["record_id"].str.startswith(f"{project_id}|"))
    )
    docs = portfolio.documents[["document_id", "publisher", "title", "published"]]
    return src[mine].merge(docs, on="document_id", how="left")
