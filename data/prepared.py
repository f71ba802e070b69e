"""The prepared model of one dataset version: what every view needs, computed once and then only read.

A page rerun then costs a mask and a few group-sums instead of re-deriving years, organisation membership, the
province split and currency conversions from the rows. One instance per dataset version per process (the app
holds it with st.cache_resource, shared by every session), so it must never be mutated by a caller; the only
state it grows is a small memo of converted flows and filtered views, behind a lock."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from data.filters import (
    FilterIndex,
    FilterOptions,
    FilterResult,
    FilterState,
    NarrowedFrames,
    apply_filters_indexed,
    compute_filter_index,
    compute_org_members,
    compute_project_years,
    filter_options,
    narrow_indexed,
)
from data.metrics import (
    FLOW_MEASURES,
    FlowFacts,
    ProjectFacts,
    compute_flow_facts,
    compute_funding,
    compute_missing_facts,
    compute_project_facts,
)
from data.portfolio import Portfolio
from data.prepared_store import (
    allocation_file,
    converted_file,
    load_allocation_index,
    load_converted,
    load_prepared,
    load_result,
    result_file,
    save_allocation_index,
    save_converted,
    save_prepared,
    save_result,
)
from data.status import compute_project_dates
from geo.allocation import (
    Allocation,
    AllocationIndex,
    ShareTable,
    allocate,
    allocate_indexed,
    compute_allocation_index,
    compute_shares,
    project_locations,
)

VIEW_MEMO = 8  # filtered views kept per dataset (a few users × a few filter states); each is a slice of the data
# (at 10,000 projects ~5 MB each with their allocations; the peak RSS target is 600 MB)
DERIVED_MEMO = 256  # results derived from a view (a page of a table, a figure, a total): small, many per view
# (10k, bench.scale: peak RSS 575 MB at 128, 604 at 256, 658 at 512 with 16 views; bench.load's 20 sessions on 8
# filter states and 4 pages churned through 128)
CURRENCY_MEMO = 4  # reporting currencies kept converted per dataset (USD, EUR and a couple of others in use)
DONOR_MEMO = 8  # donors' allocation indexes kept (Donor page); each holds only the rows of that donor's projects
T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PreparedView:
    """One filter state applied: the narrowed portfolio, its converted flows, its allocations per measure. The
    state is decided on masks at once; each frame is sliced when first read (data.filters.NarrowedFrames)."""

    frames: NarrowedFrames
    allocations: OrderedDict = field(default_factory=OrderedDict, repr=False)  # measure → Allocation

    @property
    def result(self) -> FilterResult:
        return self.frames.result()

    @property
    def funding(self) -> pd.DataFrame:
        """The kept flows converted to the state's currency."""
        return self.frames.frame("converted")

    @property
    def keep(self) -> np.ndarray:
        """The projects kept, by position in the dataset."""
        return self.frames.masks.keep


@dataclass(eq=False)
class PreparedPortfolio:
    """Read-only per-dataset model (see the module docstring)."""

    portfolio: Portfolio
    years: pd.DataFrame  # compute_project_years: first, last per project
    members: pd.DataFrame  # compute_org_members: (project_id, org)
    options: FilterOptions
    shares: ShareTable  # compute_shares: project × province split
    dates: pd.DataFrame  # compute_project_dates: every project's dates parsed, derived end, best-known start/end
    value_dates: pd.Series  # every flow's value date typed (first day of its period, NaT when not published)
    index: FilterIndex  # every row's links as integer codes: a filter state is a few numpy masks
    missing_facts: pd.Series  # compute_missing_facts: how many key facts each project leaves empty
    store: Path | None = None  # where a stored version's pieces are kept (data.prepared_store), None: nowhere
    # currency → (every flow converted, whether the flows' own columns came through unchanged)
    _converted: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _allocation_indexes: OrderedDict = field(default_factory=OrderedDict, repr=False)  # (currency, measure) → index
    _donor_indexes: OrderedDict = field(default_factory=OrderedDict, repr=False)  # (currency, measure, donor) → …
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _facts: OrderedDict = field(default_factory=OrderedDict, repr=False)  # the dataset's FlowFacts, ProjectFacts
    _derived: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _pending: dict = field(default_factory=dict, repr=False)  # (store, key) → Event while one session computes it
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def converted(self, currency: str) -> pd.DataFrame:
        """Every flow converted to `currency` (computed once per currency)."""
        return self._conversion(currency)[0]

    def _conversion(self, currency: str) -> tuple[pd.DataFrame, bool]:
        """(converted flows, whether they carry the flows' columns unchanged), once per currency: single flight,
        so the first conversion (~1 s at 100,000 projects) holds up only the sessions that need that currency."""

        def compute() -> tuple[pd.DataFrame, bool]:
            funding = self.portfolio.funding
            path = converted_file(self.store, currency) if self.store is not None and len(funding) else None
            added = load_converted(path, len(funding)) if path is not None else None
            if added is not None:  # compute_funding's frame: the flows (a shallow copy: copy on write) and these
                converted = funding.copy(deep=False)
                for name, values in added.items():
                    converted[name] = pd.Series(values, index=funding.index, dtype=values.dtype, copy=False)
                return converted, True
            converted = compute_funding(funding, currency, self.value_dates)
            carries = converted.index.equals(funding.index) and converted[list(funding.columns)].equals(funding)
            kept = list(funding.columns)
            if path is not None and carries and list(converted.columns[:len(kept)]) == kept:  # read on a restart
                try:
                    save_converted(path, {name: converted[name] for name in converted.columns[len(kept):]})
                except OSError as exc:
                    log.warning("converted flows not written to %s (%s)", path, exc)
            return converted, carries

        return self._once(self._converted, currency, compute, CURRENCY_MEMO)

    def flow_facts(self) -> FlowFacts | None:
        """compute_flow_facts of the dataset's flows (once): each flow's project ranked as the sorted ids order
        them and its donor's code, read from the filter index's codes (no sort of the flows' ids)."""
        return self._once(self._facts, "flows", lambda: flow_facts_of(self.portfolio, self.index), 2)

    def project_facts(self) -> ProjectFacts | None:
        """compute_project_facts of the dataset's projects and places (once)."""
        return self._once(self._facts, "projects", lambda: project_facts_of(self.portfolio, self.index,
                                                                             self.missing_facts), 2)

    def view(self, state: FilterState) -> PreparedView:
        """The portfolio narrowed to `state` and its converted flows, memoised per state (language aside)."""
        key = (state.donors, state.orgs, state.role, state.themes, state.statuses, state.provinces,
               state.territories, state.year_from, state.year_to, state.currency)
        return self._once(self._views, key, lambda: PreparedView(self.narrow(state)), VIEW_MEMO)

    def narrow(self, state: FilterState) -> NarrowedFrames:
        """narrow_indexed of `state` on the flows converted to its currency (its frames sliced when read, the flows
        once when the converted ones carry their columns), not memoised (View.of_donor's donor views are memoised
        by its page)."""
        converted, carries = self._conversion(state.currency)
        return narrow_indexed(converted, self.portfolio, state, self.index, carries)

    def _allocation_index(self, currency: str, measure: str) -> AllocationIndex | None:
        """compute_allocation_index of every project and flow of `measure` in `currency` (once per pair): a
        donor filter aside, a view keeps whole projects, and a project's flows of a measure are then its own."""
        def compute() -> AllocationIndex | None:
            path = allocation_file(self.store, currency, measure) if self.store is not None else None
            index = load_allocation_index(path, self.portfolio) if path is not None else None
            if index is None:
                index = compute_allocation_index(self.portfolio.projects,
                                                 FLOW_MEASURES[measure].select(self.converted(currency)), self.shares)
                if index is not None and path is not None:  # read back on the next start (~4 s at 100k)
                    try:
                        save_allocation_index(path, index)
                    except OSError as exc:
                        log.warning("allocation index not written to %s (%s)", path, exc)
            return index

        return self._once(self._allocation_indexes, (currency, measure), compute, CURRENCY_MEMO * len(FLOW_MEASURES))

    def allocation_of(self, currency: str, measure: str, keep: np.ndarray) -> Allocation | None:
        """allocate() of the whole projects `keep` selects (by position) and all their flows of `measure`, a mask
        over the dataset's allocation index (e.g. one project, whatever the filters); None: no index (allocate())."""
        index = self._allocation_index(currency, measure)
        return None if index is None else allocate_indexed(index, keep)

    def donor_allocation(self, currency: str, measure: str, donor: str, keep: np.ndarray) -> Allocation | None:
        """allocate() of the projects `keep` selects (by position; a filter state narrowed to `donor`, as
        View.of_donor narrows it) and of the donor's flows of `measure` among theirs, by masks over an index of every
        project the donor funds, built once per donor and currency; None when flow ids repeat (a flow is then kept by
        its id, not by its row: only allocate() of the narrowed flows answers)."""
        if self.index.flow_count != len(self.portfolio.funding):
            return None

        def compute() -> tuple[np.ndarray, AllocationIndex | None]:
            # Whatever else a state filters, it keeps a subset of these projects and, of each, all the donor's flows.
            converted, carries = self._conversion(currency)
            result, funding, funded = apply_filters_indexed(converted, self.portfolio,
                                                            FilterState(donors=(donor,), currency=currency),
                                                            self.index, carries)
            return funded, compute_allocation_index(result.portfolio.projects, FLOW_MEASURES[measure].select(funding),
                                                    self.shares)

        funded, index = self._once(self._donor_indexes, (currency, measure, donor), compute, DONOR_MEMO)
        return None if index is None else allocate_indexed(index, keep[funded])

    def derived(self, key: tuple, compute: Callable[[], T]) -> T:
        """compute() once per `key` for this dataset version (key: what the result depends on besides the data,
        e.g. the filter state, language, today). The result is shared by every session: never modify it."""
        return self._once(self._derived, key, compute, DERIVED_MEMO)

    def kept(self, name: str, key: tuple, compute: Callable[[], T]) -> T:
        """derived() of a result over the whole dataset that a restart reads back instead of computing it (the
        first render of a 100,000-project version spent ~2 s on the unfiltered view's KPIs, donor sums and map
        units): kept beside the pieces, one file per `name` holding the key it answers (any other key: computed
        and written again). The folder is keyed on data/'s code and the file on the pieces' key and the rate file,
        so `compute` must run data/ code (and geo/allocation.py) only, and key must be what it depends on besides
        the data, as text, numbers or tuples of them (its repr is compared)."""
        def compute_or_read() -> T:
            path = result_file(self.store, name) if self.store is not None else None
            text = repr(key)
            read = load_result(path, text) if path is not None else None
            if read is not None:
                return read[0]
            value = compute()
            if path is not None:
                try:
                    save_result(path, text, value)
                except OSError as exc:
                    log.warning("result %s not written to %s (%s)", name, path, exc)
            return value

        return self.derived(("kept", name, *key), compute_or_read)

    def _once(self, store: OrderedDict, key: Hashable, compute: Callable[[], T], limit: int) -> T:
        """store[key], computed by one session while the others asking for it wait (20 sessions arriving on a new
        filter state computed it 20 times over, each slowing the others: p50 15 s under load), kept up to `limit`."""
        with self._lock:
            if key in store:
                store.move_to_end(key)
                return store[key]
            waiting = self._pending.get((id(store), key))
            if waiting is None:
                self._pending[(id(store), key)] = threading.Event()
        if waiting is not None:
            waiting.wait()
            with self._lock:
                if key in store:
                    return store[key]
            return compute()  # the session computing it failed (and logged why): try once here
        try:
            value = compute()  # outside the lock: other keys go on meanwhile
            with self._lock:
                store[key] = value
                while len(store) > limit:
                    store.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._pending.pop((id(store), key)).set()

    def allocation(self, state: FilterState, measure: str) -> Allocation:
        """allocate() of the view's projects and the flows of `measure` (FLOW_MEASURES), memoised with the view."""
        view = self.view(state)

        def compute() -> Allocation:
            index = None if state.donors else self._allocation_index(state.currency, measure)
            if index is not None:  # whole projects kept: masks over the dataset's allocation
                return allocate_indexed(index, view.keep)
            projects = view.result.portfolio.projects
            return allocate(projects, project_locations(self.portfolio.locations, projects),
                            FLOW_MEASURES[measure].select(view.funding), shares=self.shares)

        return self._once(view.allocations, measure, compute, len(FLOW_MEASURES))


def flow_facts_of(portfolio: Portfolio, index: FilterIndex) -> FlowFacts | None:
    """compute_flow_facts of `portfolio`'s flows on `index` (compute_filter_index of it): ranks from a sort of the
    projects' ids, the codes ranked (a code given twice, a repeated id, keeps its last rank: still in order);
    None when a flow names no project of the portfolio (validated data never does) or row labels repeat."""
    if not portfolio.funding.index.is_unique:  # a view's rows are found by their labels
        return None
    named = np.flatnonzero(index.project_id >= 0)
    order = named[np.argsort(index.ids[named], kind="stable")]
    rank = np.full(index.id_count + 1, -1, dtype=np.int64)  # the last slot: code −1, no project
    rank[index.project_id[order]] = np.arange(len(order))
    ranked = rank[index.flow_project]
    if ((ranked < 0) & (index.flow_project >= 0)).any():  # a flow of no listed project: only the text answers
        return None
    return compute_flow_facts(portfolio.funding, ranked, index.donor, index.names)


def project_facts_of(portfolio: Portfolio, index: FilterIndex, missing_facts: pd.Series) -> ProjectFacts | None:
    """compute_project_facts of `portfolio` on `index` (compute_filter_index of it) and its missing facts; None
    when row labels repeat (a view's rows are found by their labels)."""
    if not (portfolio.projects.index.is_unique and portfolio.locations.index.is_unique):
        return None
    return compute_project_facts(portfolio, missing_facts, index.province)


def prepare_portfolio(portfolio: Portfolio, store: Path | None = None) -> PreparedPortfolio:
    """Derive everything per dataset once (vectorised); flows are converted lazily, per currency asked for.
    `store`: a file where a stored version's pieces are kept (data.prepared_store): read from it when it holds
    this portfolio's, else derived and written there for the next start (a failure to write is logged only)."""
    pieces = load_prepared(store, portfolio) if store is not None else None
    if pieces is None:
        dates = compute_project_dates(portfolio.projects, portfolio.date_bounds("projects"))
        years = compute_project_years(portfolio.projects, dates)
        members = compute_org_members(portfolio.projects)
        pieces = {"years": years, "members": members, "options": filter_options(portfolio, years, members),
                  "shares": compute_shares(portfolio.locations), "dates": dates,
                  "index": compute_filter_index(portfolio, years, members),
                  "missing_facts": compute_missing_facts(portfolio.projects)}
        if store is not None:
            try:
                save_prepared(store, pieces)
            except OSError as exc:
                log.warning("prepared pieces not written to %s (%s)", store, exc)
    return PreparedPortfolio(portfolio, value_dates=portfolio.date_bounds("funding")["value_date_first"], store=store,
                             **pieces)
