"""Portfolio filters shared by every page: a FilterState, its URL form, and how it narrows a portfolio (pure)."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from cells import is_missing
from data.currency import REPORTING_CURRENCIES
from data.metrics import list_donors
from data.portfolio import Portfolio
from data.schema import ACTIVITY_STATUS, LIST_SEPARATOR, THEMES
from data.status import dates_of

LANG_CODES = ("en", "fr")
ROLES = ("any", "funding", "implementing")
STATUS_NOT_PUBLISHED = "none"  # the URL value of "status not published"
YEAR_MIN, YEAR_MAX = 1990, 2100

# Registry of filters: name -> URL parameter. Multi-valued filters repeat the parameter (?donor=A&donor=B).
MULTI_PARAMS: dict[str, str] = {"donors": "donor", "orgs": "org", "themes": "theme", "statuses": "status",
                                "provinces": "province", "territories": "territory"}
SINGLE_PARAMS: dict[str, str] = {"role": "role", "year_from": "from", "year_to": "to", "lang": "lang",
                                 "currency": "cur"}


@dataclass(frozen=True)
class FilterState:
    """What the user filters on; empty tuples and None mean 'no filter'."""

    donors: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    role: str = "any"
    themes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # "1".."6" or "none"
    provinces: tuple[str, ...] = ()  # P-codes
    territories: tuple[str, ...] = ()  # ADM2 P-codes
    year_from: int | None = None
    year_to: int | None = None
    lang: str = "en"
    currency: str = "USD"

    @property
    def narrows(self) -> bool:
        """True when some filter other than language and currency is set."""
        return self != replace(FilterState(), lang=self.lang, currency=self.currency)


@dataclass(frozen=True)
class FilterOptions:
    """The values a filter may take for one portfolio (stale values are the ones not in here)."""

    donors: tuple[str, ...]
    orgs: tuple[str, ...]
    themes: tuple[str, ...]
    statuses: tuple[str, ...]
    provinces: tuple[str, ...]
    territories: tuple[str, ...]
    years: tuple[int, int] | None
    roles: tuple[str, ...] = ROLES
    langs: tuple[str, ...] = LANG_CODES
    currencies: tuple[str, ...] = REPORTING_CURRENCIES


@dataclass(frozen=True)
class FilterResult:
    """The narrowed portfolio and the projects a filter had to leave out because a value is not published."""

    portfolio: Portfolio
    undated_left_out: tuple[str, ...] = ()
    unlocated_left_out: tuple[str, ...] = ()

    @property
    def project_count(self) -> int:
        """len(portfolio.projects), counted on the filter's mask while the projects are not sliced yet."""
        frames = self.portfolio.__dict__.get("_frames")
        if frames is not None and "projects" not in self.portfolio.__dict__:
            return int(frames.masks.keep.sum())
        return len(self.portfolio.projects)


def split_list(value: object) -> list[str]:
    if is_missing(value):
        return []
    return [p.strip() for p in str(value).split(LIST_SEPARATOR) if p.strip()]


def compute_project_years(projects: pd.DataFrame, dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """project_years for every project at once: columns first, last (float years, NaN when not published), read
    from the projects' typed dates (compute_project_dates; `dates`: the prepared model's, or a superset's)."""
    d = dates_of(projects, dates)
    start = d["start_first"]
    end = d["actual_end_last"].where(d["actual_end_last"].notna(), d["planned_end_last"])
    months = pd.to_numeric(projects["duration_months"], errors="coerce")
    # start + months lands in year + (month - 1 + months) // 12 (the day never changes the year)
    derived = start.dt.year + (start.dt.month - 1 + months) // 12
    last = end.dt.year.astype("float64")
    return pd.DataFrame({"first": start.dt.year.astype("float64"),
                         "last": last.where(last.notna(), derived.astype("float64"))}, index=projects.index)


def compute_org_members(projects: pd.DataFrame) -> pd.DataFrame:
    """(project_id, org) for every implementing organisation listed in a project (lists split once)."""
    # plain str methods over the list: pandas' split, explode and strip took 0.6 s at 100,000 projects
    positions, orgs = [], []
    for at, value in enumerate(projects["implementing_orgs"].tolist()):
        if is_missing(value):
            continue
        for part in str(value).split(LIST_SEPARATOR):
            if part := part.strip():
                positions.append(at)
                orgs.append(part)
    return pd.DataFrame({"project_id": projects["project_id"].iloc[positions].reset_index(drop=True),
                         "org": pd.Series(orgs, dtype=object)})


def filter_options(portfolio: Portfolio, years: pd.DataFrame | None = None,
                   members: pd.DataFrame | None = None) -> FilterOptions:
    """The values each filter may take; `years` and `members` (compute_project_years, compute_org_members) are
    passed when a prepared model holds them."""
    projects, funding, locations = portfolio.projects, portfolio.funding, portfolio.locations
    years = compute_project_years(projects) if years is None else years
    members = compute_org_members(projects) if members is None else members
    donors = list_donors(funding)
    implementing = set(members["org"])
    recipients = {str(r) for r in funding["recipient"].dropna().unique()}
    bounds = pd.concat([years["first"], years["last"]]).dropna()
    territories = sorted({str(t) for t in locations["territory_pcode"].dropna().unique()})
    themes = set(projects["theme"].dropna())
    return FilterOptions(
        donors=tuple(donors),
        orgs=tuple(sorted(set(donors) | implementing | recipients, key=str.casefold)),
        themes=tuple(t for t in THEMES if t in themes),
        statuses=tuple(str(c) for c in ACTIVITY_STATUS) + (STATUS_NOT_PUBLISHED,),
        provinces=tuple(sorted({str(p) for p in locations["province_pcode"].dropna().unique()})),
        territories=tuple(territories),
        years=(int(bounds.min()), int(bounds.max())) if not bounds.empty else None,
    )


def parse_query_params(params: Mapping[str, Sequence[str]], options: FilterOptions,
                       fallback: FilterState = FilterState()) -> tuple[FilterState, list[str]]:
    """FilterState from URL parameters (each a list of strings); returns it and the dropped 'key=value' items.

    Unknown, malformed or stale values (a donor not in this dataset) are dropped, never raised.
    Parameters absent from the URL keep the `fallback` value."""
    dropped: list[str] = []
    values: dict[str, object] = {}
    allowed = {"donors": options.donors, "orgs": options.orgs, "themes": options.themes,
               "statuses": options.statuses, "provinces": options.provinces, "territories": options.territories}
    for name, key in MULTI_PARAMS.items():
        if key not in params:
            continue
        kept = []
        for raw in params[key]:
            if raw in allowed[name] and raw not in kept:
                kept.append(raw)
            else:
                dropped.append(f"{key}={raw}")
        values[name] = tuple(kept)
    choices = {"role": options.roles, "lang": options.langs, "currency": options.currencies}
    for name, key in SINGLE_PARAMS.items():
        if key not in params or not params[key]:
            continue
        raw = params[key][-1]
        if name in choices:
            if raw in choices[name]:
                values[name] = raw
            else:
                dropped.append(f"{key}={raw}")
            continue
        try:
            year = int(raw)
        except ValueError:
            year = None
        if year is None or not YEAR_MIN <= year <= YEAR_MAX:
            dropped.append(f"{key}={raw}")
        else:
            values[name] = year
    state = replace(fallback, **values)
    if state.year_from is not None and state.year_to is not None and state.year_from > state.year_to:
        dropped += [f"from={state.year_from}", f"to={state.year_to}"]
        state = replace(state, year_from=None, year_to=None)
    return state, dropped


def to_query_params(state: FilterState) -> dict[str, list[str]]:
    """The URL form of a FilterState: only what differs from the defaults, plus language and currency."""
    params: dict[str, list[str]] = {}
    for name, key in MULTI_PARAMS.items():
        if getattr(state, name):
            params[key] = list(getattr(state, name))
    for name, key in SINGLE_PARAMS.items():
        value = getattr(state, name)
        if value is not None and (name in ("lang", "currency") or value != getattr(FilterState(), name)):
            params[key] = [str(value)]
    return params


def _org_match(projects: pd.DataFrame, funding: pd.DataFrame, orgs: set[str], role: str,
               members: pd.DataFrame) -> set[str]:
    funders = set(funding.loc[funding["donor"].isin(orgs), "project_id"])
    implementers = set(members.loc[members["org"].isin(orgs), "project_id"])
    implementers |= set(funding.loc[funding["recipient"].isin(orgs) | (funding["donor"].isin(orgs)
                                                                         & (funding["org_role"] == 4)), "project_id"])
    return {"funding": funders, "implementing": implementers}.get(role, funders | implementers)


def apply_filters(portfolio: Portfolio, state: FilterState, years: pd.DataFrame | None = None,
                  members: pd.DataFrame | None = None, index: FilterIndex | None = None) -> FilterResult:
    """The portfolio narrowed to the projects (and their flows, places and sources) that match `state`.

    `years` and `members` (compute_project_years, compute_org_members of these projects or of a superset, e.g. the
    whole dataset held by the prepared model) save recomputing them; `index` (compute_filter_index of this very
    portfolio) narrows on integer codes instead (same result)."""
    if index is not None:
        return NarrowedFrames(portfolio, compute_filter_masks(state, index, len(portfolio.locations))).result()
    projects, funding, locations = portfolio.projects, portfolio.funding, portfolio.locations
    keep = pd.Series(True, index=projects.index)
    if state.donors:
        keep &= projects["project_id"].isin(set(funding.loc[funding["donor"].isin(state.donors), "project_id"]))
    if state.orgs:
        members = compute_org_members(projects) if members is None else members
        keep &= projects["project_id"].isin(_org_match(projects, funding, set(state.orgs), state.role, members))
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
        spans = compute_project_years(projects) if years is None else years.loc[projects.index]
        first, last = spans["first"], spans["last"]
        undated_mask = first.isna() & last.isna()
        undated = list(projects.loc[keep & undated_mask, "project_id"])
        # A bound that is not published does not exclude: only the published ones are compared.
        in_range = ~undated_mask & (first.isna() | (first <= high)) & (last.isna() | (last >= low))
        keep &= in_range.astype(bool)
    # Masks that keep every row keep the frame itself (no copy): with no filter, the view is the dataset. Every
    # flow and place of a validated portfolio belongs to one of its projects (orphans are refused at intake).
    every = bool(keep.all())
    kept = projects if every else projects[keep]
    ids = set(kept["project_id"])
    flows = funding if every else _rows_where(funding, funding["project_id"].isin(ids))
    if state.donors:
        flows = flows[flows["donor"].isin(state.donors)]
    places = place[place["project_id"].isin(ids)] if (state.provinces or state.territories) else \
        locations if every else _rows_where(locations, locations["project_id"].isin(ids))
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


def _rows_where(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    return frame if mask.all() else frame[mask]


def filter_flows(converted: pd.DataFrame, portfolio: Portfolio) -> pd.DataFrame:
    """Converted flows (see data.metrics.compute_funding) restricted to a narrowed portfolio's flows; that
    portfolio is a narrowing of the flows converted (apply_filters of the same data), so all of them when as many."""
    if len(portfolio.funding) == len(converted):  # a subset as long as the whole: every flow
        return converted
    return converted[converted["flow_id"].isin(set(portfolio.funding["flow_id"]))]


@dataclass(frozen=True, eq=False)
class FilterIndex:
    """One portfolio's rows linked by integer codes, computed once per dataset (compute_filter_index): a filter
    state is then a few numpy masks over these arrays instead of pandas isin on strings (most of a new filter
    state's cost at 10,000 projects). Ids, names and P-codes are coded by value (pd.factorize), so a mask over
    the codes matches exactly the rows isin would."""

    project_id: np.ndarray  # per project: its id code (−1 when missing)
    ids: np.ndarray  # per project: its id (object), for the lists of projects left out
    flow_project: np.ndarray  # per flow: its project's id code
    flow_id: np.ndarray  # per flow: its flow_id code (flow-id space)
    flow_count: int  # codes in the flow-id space
    place_project: np.ndarray  # per location row: its project's id code
    id_count: int  # codes in the project-id space
    names: dict  # organisation name → code (donors, recipients, implementing organisations)
    donor: np.ndarray  # per flow: donor name code
    recipient: np.ndarray  # per flow: recipient name code
    donor_implements: np.ndarray  # per flow: org_role == 4
    member_project: np.ndarray  # per (project, org) membership: project id code
    member_org: np.ndarray  # per membership: org name code
    themes: dict
    theme: np.ndarray  # per project: theme code
    status: np.ndarray  # per project: activity_status as float (NaN when not published)
    first: np.ndarray  # per project: compute_project_years' first / last
    last: np.ndarray
    provinces: dict
    province: np.ndarray  # per location row
    territories: dict
    territory: np.ndarray  # per location row
    source_project: np.ndarray  # per source row: the project id code it cites (projects, locations), else −1
    source_flow: np.ndarray  # per source row: the flow id code it cites (funding), else −1
    source_always: np.ndarray  # per source row: of another table (always kept)


def _factorize(*columns: pd.Series) -> tuple[list[np.ndarray], dict]:
    """Codes of several columns in one value space, and value → code."""
    values = [np.asarray(c.to_numpy(dtype=object, na_value=None), dtype=object) for c in columns]
    codes, uniques = pd.factorize(np.concatenate(values) if values else np.array([], dtype=object))
    bounds = np.cumsum([0, *(len(v) for v in values)])
    return ([codes[a:b].astype(np.int64) for a, b in zip(bounds[:-1], bounds[1:])],
            dict(zip(list(uniques), range(len(uniques)))))


def _lookup(values: pd.Series, codes: dict) -> np.ndarray:
    return np.fromiter((codes.get(v, -1) for v in values.tolist()), dtype=np.int64, count=len(values))


def compute_filter_index(portfolio: Portfolio, years: pd.DataFrame, members: pd.DataFrame) -> FilterIndex:
    """The integer codes apply_filters(…, index=…) narrows on (see FilterIndex); `years` and `members`:
    compute_project_years and compute_org_members of these projects (or of a superset)."""
    projects, funding, locations, src = portfolio.projects, portfolio.funding, portfolio.locations, portfolio.sources
    (project_id, flow_project, place_project, member_project), ids = _factorize(
        projects["project_id"], funding["project_id"], locations["project_id"], members["project_id"])
    (flow_id,), flow_ids = _factorize(funding["flow_id"])
    (donor, recipient, member_org), names = _factorize(funding["donor"], funding["recipient"], members["org"])
    (theme,), themes = _factorize(projects["theme"])
    (province,), provinces = _factorize(locations["province_pcode"])
    (territory,), territories = _factorize(locations["territory_pcode"])
    spans = years.loc[projects.index]
    table = src["table"].to_numpy(dtype=object)
    record = src["record_id"]
    of_projects, of_flows, of_places = table == "projects", table == "funding", table == "locations"
    source_project = np.where(of_projects, _lookup(record, ids), -1)
    source_project = np.where(of_places, _lookup(record.astype(str).str.split("|").str[0], ids), source_project)
    return FilterIndex(
        project_id, projects["project_id"].to_numpy(dtype=object), flow_project, flow_id, len(flow_ids),
        place_project, len(ids), names, donor, recipient,
        (pd.to_numeric(funding["org_role"], errors="coerce") == 4).to_numpy(dtype=bool, na_value=False),
        member_project, member_org, themes, theme,
        pd.to_numeric(projects["activity_status"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
        spans["first"].to_numpy(dtype="float64"), spans["last"].to_numpy(dtype="float64"),
        provinces, province, territories, territory, source_project,
        np.where(of_flows, _lookup(record, flow_ids), -1), ~(of_projects | of_flows | of_places))


def _present(codes: np.ndarray, count: int) -> np.ndarray:
    """A mask over a code space (one slot more, always False, that code −1 reads): the codes given."""
    mask = np.zeros(count + 1, dtype=bool)
    mask[codes] = True
    mask[-1] = False
    return mask


def _among(codes: np.ndarray, lookup: dict, wanted: tuple[str, ...] | set[str]) -> np.ndarray:
    return np.isin(codes, [lookup[w] for w in wanted if w in lookup])


@dataclass(frozen=True, eq=False)
class FilterMasks:
    """A filter state decided on the index's codes, before any frame is sliced: which rows of the dataset's
    projects, flows, places and sources it keeps, by position (a few ms of numpy at 10,000 projects; the pandas
    slices of every column of those rows cost ~20 ms more, so NarrowedFrames makes each only when it is read)."""

    keep: np.ndarray  # projects kept, by position
    flows: np.ndarray  # flow rows kept
    places: np.ndarray  # location rows kept
    sources: np.ndarray  # source rows kept
    flow_ids: np.ndarray  # the kept flows' id codes, as a mask over the flow-id space (one slot more: code −1)
    every: bool  # every project kept
    places_filtered: bool  # a place filter chose the location rows (they are then sliced even when all kept)
    undated: tuple[str, ...]
    unlocated: tuple[str, ...]


def compute_filter_masks(state: FilterState, ix: FilterIndex, places: int) -> FilterMasks:
    """apply_filters' decisions on the index's codes (see FilterMasks); `places`: how many location rows."""
    keep = np.ones(len(ix.project_id), dtype=bool)
    donor_flows = None
    if state.donors:
        donor_flows = _among(ix.donor, ix.names, state.donors)
        keep &= _present(ix.flow_project[donor_flows], ix.id_count)[ix.project_id]
    if state.orgs:
        donor_in = _among(ix.donor, ix.names, set(state.orgs))
        funders = _present(ix.flow_project[donor_in], ix.id_count)
        implementers = _present(ix.member_project[_among(ix.member_org, ix.names, set(state.orgs))], ix.id_count)
        implementers |= _present(ix.flow_project[_among(ix.recipient, ix.names, set(state.orgs))
                                                  | (donor_in & ix.donor_implements)], ix.id_count)
        match = {"funding": funders, "implementing": implementers}.get(state.role, funders | implementers)
        keep &= match[ix.project_id]
    if state.themes:
        keep &= _among(ix.theme, ix.themes, state.themes)
    if state.statuses:
        codes = [int(s) for s in state.statuses if s != STATUS_NOT_PUBLISHED]
        status = np.isin(ix.status, codes)
        if STATUS_NOT_PUBLISHED in state.statuses:
            status |= np.isnan(ix.status)
        keep &= status
    unlocated: list[str] = []
    place = None
    if state.provinces or state.territories:
        place = np.ones(places, dtype=bool)
        if state.provinces:
            place &= _among(ix.province, ix.provinces, state.provinces)
        if state.territories:
            place &= _among(ix.territory, ix.territories, state.territories)
        located = _present(ix.place_project[place], ix.id_count)[ix.project_id]
        unlocated = ix.ids[keep & ~_present(ix.place_project, ix.id_count)[ix.project_id]].tolist()
        keep &= located
    undated: list[str] = []
    if state.year_from is not None or state.year_to is not None:
        low = state.year_from if state.year_from is not None else YEAR_MIN
        high = state.year_to if state.year_to is not None else YEAR_MAX
        no_first, no_last = np.isnan(ix.first), np.isnan(ix.last)
        undated_mask = no_first & no_last
        undated = ix.ids[keep & undated_mask].tolist()
        with np.errstate(invalid="ignore"):
            keep &= ~undated_mask & (no_first | (ix.first <= high)) & (no_last | (ix.last >= low))
    every = bool(keep.all())
    kept_ids = _present(ix.project_id[keep], ix.id_count)
    flows_kept = np.ones(len(ix.flow_project), dtype=bool) if every else kept_ids[ix.flow_project]
    if donor_flows is not None:
        flows_kept &= donor_flows
    places_kept = kept_ids[ix.place_project] if place is None else place & kept_ids[ix.place_project]
    flow_ids = _present(ix.flow_id[flows_kept], ix.flow_count)
    mine = kept_ids[ix.source_project] | flow_ids[ix.source_flow] | ix.source_always
    return FilterMasks(keep, flows_kept, places_kept, mine, flow_ids, every, place is not None, tuple(undated),
                       tuple(unlocated))


class NarrowedFrames:
    """The frames of one FilterMasks, each sliced from the dataset's on its first read and then kept (a page that
    never reads a view's sources or places never pays for them). Shared by every session on the state: the slices
    are made under a lock, once."""

    def __init__(self, portfolio: Portfolio, masks: FilterMasks, converted: pd.DataFrame | None = None,
                 converted_rows: np.ndarray | None = None, wide: bool = False) -> None:
        """`converted`: compute_funding of the portfolio's flows (row for row), `converted_rows`: its rows kept;
        `wide`: those rows are the flows kept and carry the flows' columns (compute_funding only adds columns), so
        the narrowed flows are its flow columns (one slice of the flows, not two)."""
        self.portfolio, self.masks, self.converted = portfolio, masks, converted
        self._rows, self._wide = converted_rows, wide
        self._made: dict[str, pd.DataFrame] = {}
        self._result: FilterResult | None = None
        self._lock = threading.RLock()  # the flows are sliced while the converted flows' slice is made

    def frame(self, name: str) -> pd.DataFrame:
        """The narrowed `name`: projects, funding, locations, sources, or converted (the kept flows' conversions)."""
        with self._lock:
            if name not in self._made:
                self._made[name] = self._make(name)
            return self._made[name]

    def _make(self, name: str) -> pd.DataFrame:
        portfolio, masks = self.portfolio, self.masks
        if name == "projects":
            return portfolio.projects if masks.every else portfolio.projects[masks.keep]
        if name == "converted":
            return _rows_where(self.converted, self._rows)
        if name == "funding":
            if self._wide:
                wide = self.frame("converted")
                return portfolio.funding if wide is self.converted else wide[list(portfolio.funding.columns)]
            return _rows_where(portfolio.funding, masks.flows)
        if name == "locations":
            if masks.places_filtered:
                return portfolio.locations[masks.places]
            return portfolio.locations if masks.every else _rows_where(portfolio.locations, masks.places)
        if name == "sources":
            return portfolio.sources[masks.sources]
        raise KeyError(name)

    def converted_rows(self, converted: pd.DataFrame) -> np.ndarray | None:
        """The positions among `converted` of the flows frame("converted") keeps, without slicing them; None when
        `converted` is not the frame these were decided on."""
        return np.flatnonzero(self._rows) if converted is self.converted and self._rows is not None else None

    def result(self) -> FilterResult:
        """The FilterResult of the masks (one per NarrowedFrames), its tables sliced when first read."""
        with self._lock:
            if self._result is None:
                self._result = FilterResult(NarrowedPortfolio(self), self.masks.undated, self.masks.unlocated)
            return self._result


class NarrowedPortfolio(Portfolio):
    """A Portfolio whose projects, funding, locations and sources are NarrowedFrames' slices, made when first
    read (the other tables are the dataset's)."""

    def __init__(self, frames: NarrowedFrames | None = None, **tables: object) -> None:
        if frames is None:  # dataclasses.replace of one: every table given, as to a Portfolio
            Portfolio.__init__(self, **tables)
            return
        whole = frames.portfolio
        self.__dict__.update(_frames=frames, documents=whole.documents, reports=whole.reports,
                             unreadable=whole.unreadable, typed_dates={})

    def __reduce__(self) -> tuple:
        """Pickled and copied as the plain Portfolio it reads as (its tables made)."""
        return Portfolio, tuple(getattr(self, f.name) for f in fields(Portfolio))

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in _NARROWED:
            frame = self.__dict__["_frames"].frame(name)
            self.__dict__[name] = frame
            return frame
        raise AttributeError(name)

    def rows_in(self, name: str, index: pd.Index) -> np.ndarray | None:
        """The positions of the `name` rows kept (projects, funding, locations) among the rows of the dataset's
        table whose labels are `index` (that very Index object, as FlowFacts and ProjectFacts hold it), read from
        the masks without a slice; None for any other index (then find the rows by their labels)."""
        frames = self.__dict__.get("_frames")
        if frames is None or index is not frames.portfolio.table(name).index:
            return None
        masks = frames.masks
        return np.flatnonzero({"projects": masks.keep, "funding": masks.flows, "locations": masks.places}[name])


_NARROWED = ("projects", "funding", "locations", "sources")


def narrow_indexed(converted: pd.DataFrame, portfolio: Portfolio, state: FilterState, index: FilterIndex,
                   carries_flows: bool = False) -> NarrowedFrames:
    """apply_filters(portfolio, state, index=index) and filter_flows of `converted` (compute_funding of this
    portfolio's flows: row for row the same flows) to it, decided at once (compute_filter_masks) and sliced when
    read (NarrowedFrames). `carries_flows`: converted[funding's columns] equals the funding."""
    masks = compute_filter_masks(state, index, len(portfolio.locations))
    unique = index.flow_count == len(portfolio.funding)  # then a flow kept by id is a row kept
    rows = masks.flows if unique else masks.flow_ids[index.flow_id]
    return NarrowedFrames(portfolio, masks, converted, rows, carries_flows and unique)


def apply_filters_indexed(converted: pd.DataFrame, portfolio: Portfolio, state: FilterState, index: FilterIndex,
                          carries_flows: bool = False) -> tuple[FilterResult, pd.DataFrame, np.ndarray]:
    """narrow_indexed's result, its converted flows and the mask of the projects kept (by position)."""
    frames = narrow_indexed(converted, portfolio, state, index, carries_flows)
    return frames.result(), frames.frame("converted"), frames.masks.keep


def today_utc() -> dt.date:
    """Today's date; call it at run time (pages), never at import."""
    return dt.datetime.now(dt.UTC).date()
