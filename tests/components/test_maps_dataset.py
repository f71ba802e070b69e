"""What the maps read once per dataset instead of once per filter state gives the view's own answer: each unit's
donors from the dataset's project donors (View.project_donors), on every filter state and on the Donor page's
narrowed view; the territories split with every project's places (the Funding map page)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from bench.naive import naive_unit_donors
from components.maps import _unit_donors, map_units
from components.view import View
from data.filters import FilterState
from data.metrics import compute_project_donors
from data.prepared import prepare_portfolio
from geo.allocation import (
    allocate_all_territories,
    by_unit,
    compute_territory_places,
    project_locations,
    split_territories,
)

STATES = [FilterState(), FilterState(statuses=("2",)), FilterState(currency="EUR", statuses=("2", "none")),
          FilterState(provinces=("CD61",)), FilterState(year_from=2023), FilterState(themes=("no such theme",))]


@pytest.fixture(scope="module")
def synthetic(parse_synthetic):
    return parse_synthetic(250, 11)


def _view(model, state: FilterState) -> View:
    narrowed = model.view(state)
    return View(state, model.portfolio, narrowed.result, narrowed.funding, dt.date(2026, 12, 1),
                model.converted(state.currency), model.shares, model.dates, model)


def _donor_lists(view: View, donor: str | None) -> tuple[list, list, list]:
    """(from View.project_donors, from the view's own flows, bench.naive's) of the view's province units."""
    projects, funding, allocation = view.of_donor(donor) if donor else (view.portfolio, view.funding,
                                                                        view.allocation("committed"))
    frame = map_units(by_unit(allocation, with_donors=False), None).frame
    own = compute_project_donors(funding)
    return (list(_unit_donors(frame, view.project_donors(donor))), list(_unit_donors(frame, own)),
            list(naive_unit_donors(frame, own)))


@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_the_datasets_project_donors_give_each_unit_the_views_donors(synthetic, state):
    view = _view(prepare_portfolio(synthetic), state)
    fast, own, naive = _donor_lists(view, None)
    assert fast == own == naive
    assert any(len(d) > 1 for d in fast) or view.portfolio.projects.empty  # orders to compare


@pytest.mark.parametrize("state", STATES[:3], ids=range(3))
def test_a_donor_filter_and_the_donor_page_read_only_those_donors_rows(synthetic, state):
    model = prepare_portfolio(synthetic)
    donors = synthetic.funding["donor"].dropna().value_counts()
    two = tuple(donors.index[:2])
    fast, own, naive = _donor_lists(_view(model, replace(state, donors=two)), None)
    assert fast == own == naive and set().union(*fast) <= set(two)
    for donor in (donors.index[0], donors.index[-1]):  # the largest and the smallest
        fast, own, naive = _donor_lists(_view(model, state), donor)
        assert fast == own == naive and set().union(*fast) <= {donor}
    view = _view(model, state)
    assert view.project_donors() is view.project_donors()  # once per currency, whatever the filter state
    assert _view(model, replace(state, statuses=())).project_donors() is view.project_donors()


def test_with_repeated_flow_ids_the_views_own_flows_are_read(synthetic):
    funding = synthetic.funding.copy()
    funding.loc[funding.index[1], "flow_id"] = funding["flow_id"].iloc[0]
    view = _view(prepare_portfolio(replace(synthetic, funding=funding)), FilterState(statuses=("2",)))
    pd.testing.assert_frame_equal(view.project_donors(), compute_project_donors(view.funding))
    fast, own, naive = _donor_lists(view, None)
    assert fast == own == naive


def test_the_coded_donor_rows_are_kept_per_frame_not_per_call(synthetic):
    from components.maps import _donor_rows

    donors = compute_project_donors(prepare_portfolio(synthetic).converted("USD"))
    assert _donor_rows(donors) is _donor_rows(donors)
    assert _donor_rows(donors.copy()) is not _donor_rows(donors)
    frame = pd.DataFrame({"code": ["CD61", "CD62"], "project_ids": [("no such project",), ()]})
    assert list(_unit_donors(frame, donors)) == [(), ()]  # a project without donor rows, no project: no donor


@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_the_territories_split_with_the_datasets_places_are_the_views(synthetic, state):
    view = _view(prepare_portfolio(synthetic), state)
    allocation = view.allocation("committed")
    mine = project_locations(synthetic.locations, view.portfolio.projects)
    every = compute_territory_places(synthetic.locations)
    assert len(every) > len(compute_territory_places(mine)) or state == FilterState()
    taken = view.of_view(every, "territory_places")  # the view's rows of every project's places, by position
    pd.testing.assert_frame_equal(taken, compute_territory_places(mine).reset_index(drop=True))
    own = split_territories(allocation, mine)
    for read in (split_territories(allocation, synthetic.locations, every),
                 split_territories(allocation, synthetic.locations, taken)):
        pd.testing.assert_frame_equal(read.rows, own.rows)
        pd.testing.assert_frame_equal(read.remainders, own.remainders)
    rows, remainder = allocate_all_territories(allocation, synthetic.locations, every)
    pd.testing.assert_frame_equal(rows, allocate_all_territories(allocation, mine)[0])
    assert remainder == allocate_all_territories(allocation, mine)[1]
    assert not own.rows.empty or allocation.rows.empty  # territories to compare


def test_the_units_drawn_are_selected_once_per_geometry_and_never_changed(synthetic_allocation, adm1):
    from components.maps import _base_units

    _, allocation, donors = synthetic_allocation
    base, _ = _base_units(adm1, None)
    before = base.copy()
    units = map_units(by_unit(allocation, with_donors=False), adm1, donors=donors)
    units.frame["projects"] = 0  # a caller's change stays in its own frame
    assert _base_units(adm1, None)[0] is base
    pd.testing.assert_frame_equal(base, before)
    assert list(base["code"]) == list(adm1.units.loc[adm1.units["pcode"].notna(), "code"])
    assert set(_base_units(adm1, "CD61")[0]["pcode"]) == {"CD61"} and _base_units(None, None)[1] is None


@pytest.mark.parametrize("state", STATES[:4], ids=range(4))
def test_every_projects_minimum_households_mark_the_views_units_as_its_own_do(synthetic, state):
    from components.maps import minimum_projects

    view = _view(prepare_portfolio(synthetic), state)
    values = by_unit(view.allocation("committed"), with_donors=False)
    every, own = minimum_projects(synthetic.projects), minimum_projects(view.portfolio.projects)
    assert every > own or state == FilterState()
    assert list(map_units(values, None, minimum=every).frame["minimum"]) == list(
        map_units(values, None, minimum=own).frame["minimum"])
    projects = view.allocation("committed").bucket_projects()
    assert {b: every.isdisjoint(p) for b, p in projects.items()} == {b: own.isdisjoint(p) for b, p in projects.items()}
