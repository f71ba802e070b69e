"""What every page starts with: filters (from the URL) → cached load → the filtered portfolio and its flows."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from components.filters import render_filters
from components.state import get_prepared
from data.filters import FilterResult, FilterState, today_utc
from data.metrics import compute_project_donors
from data.portfolio import Portfolio
from data.prepared import PreparedPortfolio, PreparedView
from data.profiles import compute_donor_flow_columns, donor_flows
from data.schema import compute_project_titles
from data.status import of_kept, of_projects, project_positions
from geo.allocation import Allocation, ShareTable

PLOT_CONFIG = {"displaylogo": False}
T = TypeVar("T")


@dataclass(frozen=True)
class View:
    state: FilterState
    full: Portfolio  # the whole dataset (for "n of total")
    result: FilterResult
    given_funding: pd.DataFrame | None  # converted flows of the filtered portfolio; None: the prepared view's (funding)
    today: dt.date
    all_funding: pd.DataFrame  # every converted flow (a project page shows all of a project's flows)
    shares: ShareTable | None = None  # the dataset's province split (geo.allocation.compute_shares), once per version
    dates: pd.DataFrame | None = None  # every project's parsed dates (data.status.compute_project_dates), once
    prepared: PreparedPortfolio | None = None
    narrowed: PreparedView | None = None  # the prepared view `result` is of (load_view): its flows, sliced when read

    def _narrowed(self) -> PreparedView:
        # the view this one was built on, so a flow slice made later is of the same masks even when the prepared
        # model's memo has let that view go since
        return self.narrowed if self.narrowed is not None else self.prepared.view(self.state)

    @property
    def funding(self) -> pd.DataFrame:
        """The converted flows of the filtered portfolio: given, or the prepared view's, sliced when first read (a
        page that only sums them reads the dataset's by position: FlowFacts)."""
        if self.given_funding is not None:
            return self.given_funding
        return self._narrowed().funding

    def allocation(self, measure: str) -> Allocation:
        """The view's projects and flows of `measure` placed on provinces (memoised per dataset and filters)."""
        return self.prepared.allocation(self.state, measure)

    def memo(self, name: str, compute: Callable[[], T], *key: object) -> T:
        """compute() once per dataset version, filter state (language and currency included), day, `name` and
        `key` (anything else it depends on), shared by every session: a rerun with nothing changed, or another
        session on the same filters, reuses the frames and figures instead of formatting them again."""
        if self.prepared is None:
            return compute()
        return self.prepared.derived((name, self.state, self.today, *key), compute)

    def kept(self, name: str, compute: Callable[[], T], *key: object) -> T:
        """memo() of a result the first render of a restart needs at once: with no filter set (language and
        currency aside), read from the version's kept results (PreparedPortfolio.kept) when a start before this one
        computed it. Only for data/ computations whose result does not depend on the language."""
        if self.prepared is None or self.state.narrows:
            return self.memo(name, compute, *key)
        return self.prepared.kept(name, (self.currency, self.today.isoformat(), *key), compute)

    def dataset_kept(self, name: str, compute: Callable[[], T], *key: object) -> T:
        """dataset_memo() of a result over every row of the dataset, kept for the next start as kept() keeps the
        unfiltered view's (data/ and geo.allocation computations only); not keyed on the day."""
        if self.prepared is None:
            return compute()
        return self.prepared.kept(name, key, compute)

    def dataset_memo(self, name: str, compute: Callable[[], T], *key: object) -> T:
        """memo() for what depends on the whole dataset (and the day), not on the filters: found once for every
        filter state and session."""
        if self.prepared is None:
            return compute()
        return self.prepared.derived((name, "whole dataset", self.today, *key), compute)

    def rows_made(self, table: str, *key: object) -> dict:
        """components.tables.make_page's store of `table`'s formatted rows for the dataset, the language and `key`
        (what else a row's text depends on): a row is formatted once, whichever filter states show it."""
        return self.dataset_memo(f"rows:{table}", dict, self.lang, *key)

    def of_donor(self, donor: str) -> tuple[Portfolio, pd.DataFrame, Allocation | None]:
        """The view narrowed to one donor (apply_filters with the donor added, on the dataset's integer codes: no
        filter on the rows' text; PreparedPortfolio.narrow, the flows sliced once), its converted flows (filter_flows
        of the view's) and their committed allocation (by masks over the donor's allocation index:
        PreparedPortfolio.donor_allocation; None: allocate() them)."""
        frames = self.prepared.narrow(replace(self.state, donors=(donor,)))
        return (frames.result().portfolio, frames.frame("converted"),
                self.prepared.donor_allocation(self.currency, "committed", donor, frames.masks.keep))

    def donor_flows(self, donor: str, funding: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
        """data.profiles.donor_flows of of_donor(donor)'s flows and projects: their year, theme and partner taken from
        the donor's flows over the whole dataset, made once per donor and currency (compute_donor_flow_columns), not
        looked up again on every filter state."""
        made = None if self.prepared is None else self.dataset_memo("donor_flow_columns", lambda: (
            compute_donor_flow_columns(self.prepared.narrow(FilterState(donors=(donor,), currency=self.currency))
                                       .frame("converted"), self.full.projects, donor, self.dates,
                                       self.prepared.value_dates)), self.currency, donor)
        return donor_flows(funding, projects, donor, self.dates,
                           None if self.prepared is None else self.prepared.value_dates, made)

    def of_project(self, project_id: str) -> tuple[pd.DataFrame, pd.DataFrame, Allocation | None]:
        """All of one project's converted flows and its places, whatever the filters (a project page shows them
        all), found on the dataset's integer codes (each flow's and place's id text compared before), and their
        committed allocation (a mask over the dataset's: PreparedPortfolio.allocation_of; None: allocate() them)."""
        ix = self.prepared.index
        code = ix.project_id[np.flatnonzero(ix.ids == project_id)[0]]
        return (self.all_funding[ix.flow_project == code], self.full.locations[ix.place_project == code],
                self.prepared.allocation_of(self.currency, "committed", ix.project_id == code))

    def project_donors(self, donor: str | None = None) -> pd.DataFrame:
        """compute_project_donors of the view's flows (of_donor(donor)'s), as components.maps.map_units reads it: the
        rows of the view's projects, and of others (never read). A view keeps whole projects and, of each, every flow
        of the filtered donors, so its projects' rows are the dataset's (of those donors): computed once per currency
        and donors, not per filter state. With repeated flow ids (a flow then kept by its id) the view's own."""
        donors = (donor,) if donor else self.state.donors
        if self.prepared is None or self.prepared.index.flow_count != len(self.full.funding):
            return self.memo("project_donors", lambda: compute_project_donors(
                self.of_donor(donor)[1] if donor else self.funding), donor)
        every = self.every_project_donors()
        if not donors:
            return every
        return self.dataset_memo("project_donors", lambda: every[every["donor"].isin(set(donors))], self.currency,
                                 donors)

    def projects_by_id(self) -> pd.DataFrame:
        """Every project of the dataset indexed by its id (a project page's rows: whatever the filters), once."""
        return self.dataset_memo("projects_by_id", lambda: self.full.projects.set_index("project_id", drop=False))

    def project_titles(self) -> dict[str, str]:
        """Every project's title in the view's language by id, once per dataset and language: a new filter state
        neither slices the view's projects nor titles them again (a choice list's labels are dict lookups)."""
        projects = self.projects_by_id()
        return self.dataset_memo("titles", lambda: dict(zip(projects.index.tolist(),
                                                            compute_project_titles(projects, self.lang).tolist())),
                                 self.lang)

    def every_project_donors(self) -> pd.DataFrame:
        """compute_project_donors of every converted flow: each project's rows are those of its own flows (a project
        page's map reads its project's), computed once per currency."""
        # kept for the next start (PreparedPortfolio.kept: ~0.3 s of a restart's first map at 100k)
        return self.dataset_kept("project_donors", lambda: compute_project_donors(self.all_funding), self.currency)

    def of_view(self, frame: pd.DataFrame, name: str, *key: object) -> pd.DataFrame:
        """data.status.of_projects(frame, the view's projects) on positions: `frame` is what dataset_memo(name,
        …, *key) holds (found for every project), its rows' project positions found once with it."""
        positions = self.positions(frame, name, *key)
        if positions is None:
            return of_projects(frame, self.portfolio.projects)
        return of_kept(frame, positions, self.keep)

    def positions(self, frame: pd.DataFrame, name: str, *key: object) -> np.ndarray | None:
        """Each row's project position (data.status.project_positions) of what dataset_memo(name, …, *key) holds,
        found once with it; None without a prepared model or when project ids repeat (then take rows by id)."""
        return None if self.prepared is None else self.dataset_memo(
            f"positions:{name}", lambda: project_positions(frame, self.prepared.index.ids), *key)

    def page_portfolio(self, portfolio: Portfolio, projects: pd.DataFrame) -> Portfolio:
        """What components.tables.make_projects_table reads of `portfolio` (the view's, or of_donor's) for these of
        its projects, without slicing its other tables (replace() of a narrowed portfolio slices every one): the
        rows, their places (the dataset's, the portfolio's own when a place filter chose them) and the dataset's
        sources (a view keeps every source about its projects)."""
        placed = self.state.provinces or self.state.territories
        full = self.full
        locations, sources = portfolio.locations if placed else full.locations, full.sources
        codes = self._project_codes(projects)
        if codes is not None:  # only these projects' places and sources (rows of the dataset's, in its order): a
            # page's table then reads ~25 rows, not every place and source of the dataset (~10 ms at 10k projects)
            ix = self.prepared.index
            if not placed:
                locations = full.locations[np.isin(ix.place_project, codes)]
            sources = full.sources[np.isin(ix.source_project, codes)]
        return replace(full, projects=projects, locations=locations, sources=sources)

    def _project_codes(self, projects: pd.DataFrame) -> np.ndarray | None:
        """The dataset's id codes (FilterIndex.project_id) of these of its projects; None without a prepared index
        of these very tables, or when a project publishes no id (then its rows are found by id text)."""
        ix = None if self.prepared is None else self.prepared.index
        full = self.full
        if ix is None or projects.empty or (len(ix.project_id), len(ix.place_project), len(ix.source_project)) != (
                len(full.projects), len(full.locations), len(full.sources)):
            return None
        if not full.projects.index.is_unique:
            return None
        at = full.projects.index.get_indexer(projects.index)
        if (at < 0).any() or ix.ids[at].tolist() != projects["project_id"].tolist():  # not rows of the dataset's
            return None
        codes = ix.project_id[at]
        return codes if (codes >= 0).all() else None

    def flows_at(self) -> tuple[pd.DataFrame, np.ndarray | None]:
        """(frame, positions): the view's converted flows as positions among all_funding (read from its filter's
        masks, no slice of them: e.g. data.profiles.rank_donors' `rows`), or (funding, None) for a view given its
        flows."""
        if self.given_funding is None and self.prepared is not None:
            rows = self._narrowed().frames.converted_rows(self.all_funding)
            if rows is not None:
                return self.all_funding, rows
        return self.funding, None

    def rows(self, table: str) -> np.ndarray | None:
        """The positions of the view's `table` rows (projects, funding, locations) among the dataset's, read from
        its filter's masks without slicing the rows (data.filters.NarrowedPortfolio.rows_in); None: not a prepared
        view's (find them by label)."""
        rows_in = getattr(self.portfolio, "rows_in", None)
        return None if rows_in is None else rows_in(table, self.full.table(table).index)

    @property
    def keep(self) -> np.ndarray:
        """The view's projects as a mask over the dataset's (by position); only with a prepared model."""
        return self._narrowed().keep

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def currency(self) -> str:
        return self.state.currency

    @property
    def portfolio(self) -> Portfolio:
        return self.result.portfolio


def load_view() -> View:
    """Sidebar filters synchronised with the URL, then the filtered portfolio; `today` is taken at run time."""
    prepared = get_prepared()
    state = render_filters(prepared.portfolio, prepared.options)
    view = prepared.view(state)
    return View(state, prepared.portfolio, view.result, None, today_utc(), prepared.converted(state.currency),
                prepared.shares, prepared.dates, prepared, view)

