"""The allocation join: map + national + unallocated == portfolio total, always; splits are explicit or flagged."""
from __future__ import annotations

import pandas as pd
import pytest

from data.filters import FilterState, apply_filters, filter_flows
from data.intake import load_portfolio
from data.metrics import FLOW_MEASURES, compute_funding, compute_kpis
from geo.allocation import (
    MAP_METRICS,
    QUANTITIES,
    Allocation,
    allocate,
    allocate_all_territories,
    allocate_territories,
    by_unit,
    compute_territory_shares,
    project_locations,
)

FILTER_STATES = {
    "all": FilterState(),
    "donor": FilterState(donors=("Sweden",)),
    "donor-eur": FilterState(donors=("Netherlands",), currency="EUR"),
    "province": FilterState(provinces=("CD61",)),
    "territory": FilterState(provinces=("CD74",), territories=("CD7402",)),
    "status": FilterState(statuses=("4",)),
    "years": FilterState(year_from=2019, year_to=2022),
    "org-role": FilterState(orgs=("IOM",), role="implementing"),
    "empty": FilterState(themes=("gbv",), provinces=("CD74",)),
}


def reconciles(allocation: Allocation, quantity: str) -> bool:
    """The invariant: mapped + national + unallocated == the portfolio total."""
    total = allocation.totals[quantity]
    parts = allocation.mapped(quantity) + allocation.national[quantity] + allocation.unallocated[quantity]
    return parts == pytest.approx(total, rel=1e-6, abs=1e-6)


def projects(*rows):
    """Tiny inline projects table: (project_id, coverage, households_targeted)."""
    return pd.DataFrame([{"project_id": p, "coverage": c, "households_targeted": h, "households_reached": None}
                         for p, c, h in rows], columns=["project_id", "coverage", "households_targeted",
                                                          "households_reached"])


def locations(*rows):
    """(project_id, province_pcode, budget_share, households_targeted, territory_pcode)."""
    return pd.DataFrame([{"project_id": p, "province_pcode": pc, "budget_share": s, "households_targeted": h,
                          "territory_pcode": t, "split_known": s is not None} for p, pc, s, h, t in rows],
                        columns=["project_id", "province_pcode", "budget_share", "households_targeted",
                                 "territory_pcode", "split_known"])


def flows(*rows):
    """(project_id, amount_reporting, donor): incoming commitments."""
    return pd.DataFrame([{"flow_id": f"F{i}", "project_id": p, "amount_reporting": a, "donor": d,
                          "transaction_type": 11} for i, (p, a, d) in enumerate(rows)])


@pytest.fixture(scope="module")
def sample():
    return load_portfolio()


@pytest.mark.parametrize("measure", sorted(FLOW_MEASURES))
@pytest.mark.parametrize("state", sorted(FILTER_STATES))
def test_map_plus_national_plus_unallocated_is_the_portfolio_total(sample, state, measure):
    filters = FILTER_STATES[state]
    result = apply_filters(sample, filters)
    converted = filter_flows(compute_funding(sample.funding, filters.currency), result.portfolio)
    allocation = allocate(result.portfolio.projects, project_locations(sample.locations, result.portfolio.projects),
                          FLOW_MEASURES[measure].select(converted))
    selected = FLOW_MEASURES[measure].select(converted)["amount_reporting"].sum()
    assert allocation.totals["funding"] == pytest.approx(selected)
    assert all(reconciles(allocation, q) for q in QUANTITIES)


@pytest.mark.parametrize("state", sorted(FILTER_STATES))
def test_map_total_matches_the_committed_funding_kpi(sample, state):
    filters = FILTER_STATES[state]
    result = apply_filters(sample, filters)
    converted = filter_flows(compute_funding(sample.funding, filters.currency), result.portfolio)
    allocation = allocate(result.portfolio.projects, project_locations(sample.locations, result.portfolio.projects),
                          FLOW_MEASURES["committed"].select(converted))
    kpi = compute_kpis(result.portfolio, filters.currency)["funding_committed"]
    mapped = allocation.mapped("funding") + allocation.national["funding"] + allocation.unallocated["funding"]
    assert mapped == pytest.approx(kpi or 0.0)


def test_equal_split_is_flagged():
    found = allocate(projects(("P", "provincial", 100)), locations(("P", "CD61", None, None, None),
                                                                   ("P", "CD54", None, None, None)),
                     flows(("P", 1000.0, "Sweden")))
    assert found.rows.set_index("pcode")["funding"].to_dict() == {"CD54": 500.0, "CD61": 500.0}
    assert found.rows["split_assumed"].all()


def test_explicit_shares_are_used_and_not_flagged():
    found = allocate(projects(("P", "provincial", None)), locations(("P", "CD61", 0.75, None, None),
                                                                    ("P", "CD54", 0.25, None, None)),
                     flows(("P", 1000.0, "Sweden")))
    assert found.rows.set_index("pcode")["funding"].to_dict() == {"CD61": 750.0, "CD54": 250.0}
    assert not found.rows["split_assumed"].any()


def test_a_single_province_needs_no_assumption():
    found = allocate(projects(("P", "provincial", None)), locations(("P", "CD74", None, None, None)),
                     flows(("P", 10.0, "Sweden")))
    assert not found.rows["split_assumed"].any()


def test_shares_short_of_one_leave_the_rest_unallocated():
    found = allocate(projects(("P", "provincial", None)), locations(("P", "CD61", 0.6, None, None)),
                     flows(("P", 100.0, "Sweden")))
    assert (found.mapped("funding"), found.unallocated["funding"]) == pytest.approx((60.0, 40.0))


def test_national_projects_stay_beside_the_map():
    found = allocate(projects(("N", "national", 50)), locations(("N", "CD61", None, None, None)),
                     flows(("N", 100.0, "Sweden")))
    assert found.rows.empty and found.national["funding"] == 100.0 and found.national_projects == ("N",)


def test_projects_without_a_place_are_unallocated():
    found = allocate(projects(("U", "", 10)), locations(), flows(("U", 100.0, "Sweden")))
    assert found.unallocated == {"funding": 100.0, "households_targeted": 10.0, "households_reached": 0.0}


def test_unpublished_amounts_stay_missing_not_zero():
    found = allocate(projects(("P", "provincial", None)), locations(("P", "CD61", None, None, None)),
                     flows(("P", float("nan"), "Sweden")))
    units = by_unit(found)
    assert pd.isna(units.loc[0, "funding"]) and found.not_published["funding"] == 1


def test_explicit_households_set_the_household_split():
    found = allocate(projects(("P", "provincial", 400)), locations(("P", "CD61", None, 300, None),
                                                                   ("P", "CD54", None, 100, None)),
                     flows(("P", 1000.0, "Sweden")))
    assert found.rows.set_index("pcode")["households_targeted"].to_dict() == {"CD54": 100.0, "CD61": 300.0}


def test_territories_split_a_province_and_keep_the_rest_at_province_level():
    places = locations(("P", "CD74", None, None, "CD7402"), ("Q", "CD74", None, None, None))
    found = allocate(projects(("P", "provincial", None), ("Q", "provincial", None)), places,
                     flows(("P", 100.0, "Sweden"), ("Q", 50.0, "Norway")))
    rows, remainder = allocate_territories(found, places, "CD74")
    assert rows.set_index("territory")["funding"].to_dict() == {"CD7402": 100.0}
    assert remainder["funding"] == 50.0


def test_all_territories_reconcile_with_the_provinces():
    places = locations(("P", "CD74", None, None, "CD7402"), ("P", "CD74", None, None, "CD7401"),
                       ("P", "CD61", None, None, None))
    found = allocate(projects(("P", "provincial", None)), places, flows(("P", 100.0, "Sweden")))
    rows, remainder = allocate_all_territories(found, places)
    assert rows["funding"].sum() + remainder["funding"] == pytest.approx(found.mapped("funding"))


def test_hover_facts_are_per_unit():
    found = allocate(projects(("P", "provincial", 100), ("Q", "provincial", None)),
                     locations(("P", "CD61", None, None, None), ("Q", "CD61", None, None, None)),
                     flows(("P", 100.0, "Sweden"), ("Q", 300.0, "Norway")))
    unit = by_unit(found).iloc[0]
    # per household: P's 100 over P's 100 households; Q publishes no households, so its 300 stays out
    assert (unit["projects"], unit["donors"], unit["funding_per_household"], unit["share_of_portfolio"]) == \
        (2, ("Norway", "Sweden"), 1.0, 100.0)


@pytest.mark.parametrize("households, money, expected", [
    ((100, None), (None, 300.0), None),      # P only households, Q only money: no project publishes both
    ((100, 50), (200.0, 100.0), 2.0),        # (200 + 100) / (100 + 50)
    ((100, 0), (200.0, 100.0), 2.0),         # zero households are not a denominator: Q stays out
])
def test_funding_per_household_pairs_each_projects_money_with_its_own_households(households, money, expected):
    found = allocate(projects(("P", "provincial", households[0]), ("Q", "provincial", households[1])),
                     locations(("P", "CD61", None, None, None), ("Q", "CD61", None, None, None)),
                     flows(*[(pid, amount, "Sweden") for pid, amount in zip("PQ", money) if amount is not None]))
    value = by_unit(found).iloc[0]["funding_per_household"]
    assert (value == pytest.approx(expected)) if expected is not None else pd.isna(value)


@pytest.mark.parametrize("key", sorted(MAP_METRICS))
def test_every_map_metric_has_a_column_in_by_unit(key):
    assert MAP_METRICS[key].column in by_unit(allocate(projects(), locations(), flows())).columns


@pytest.mark.parametrize("bucket, expected", [("mapped", True), ("national", False), ("unallocated", None),
                                              ("total", True)])
def test_a_bucket_whose_projects_publish_nothing_is_not_published_rather_than_zero(bucket, expected):
    allocation = allocate(projects(("P", "provincial", 100), ("N", "national", None)),
                          locations(("P", "CD61", None, None, None)), flows())
    assert allocation.bucket_published("households_targeted", bucket) is expected


def test_each_province_row_is_split_over_its_territories_by_known_shares_else_equally():
    """Explicit budget shares relative to the province's when every territory row gives one and the province got
    money; else equal parts, marked assumed when there are several; a row's own assumed split is kept; a place in
    another province or of another project is not this row's; rows in their order, territories in the places'."""
    rows = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P4", "P5"],
                         "pcode": ["CD74", "CD74", "CD74", "CD74", "CD61"],
                         "share": [1.0, 0.5, 0.0, 1.0, 1.0], "split_assumed": [False, False, False, True, True]})
    places = pd.DataFrame({"project_id": ["P1", "P2", "P1", "P2", "P3", "P3", "P1", "P5"],
                           "pcode": ["CD74", "CD74", "CD74", "CD74", "CD74", "CD74", "CD61", "CD61"],
                           "territory": ["T1", "T1", "T2", "T2", "T1", "T3", "T9", "T8"],
                           "known": [0.3, None, 0.1, 0.2, 0.5, 0.5, 1.0, None]})
    split = compute_territory_shares(rows, pd.DataFrame(), places)
    assert split["_row"].tolist() == [0, 0, 1, 1, 2, 2, 4]  # P4 names no territory: no row
    assert split["project_id"].tolist() == ["P1", "P1", "P2", "P2", "P3", "P3", "P5"]
    assert split["territory"].tolist() == ["T1", "T2", "T1", "T2", "T1", "T3", "T8"]
    assert split["share"].tolist() == pytest.approx([0.75, 0.25, 0.5, 0.5, 0.5, 0.5, 1.0])
    assert split["split_assumed"].tolist() == [False, False, True, True, True, True, True]
