"""The vectorised allocation gives exactly the naive per-project path's numbers (bench/naive.py), on the sample,
on a synthetic portfolio and on hand-made edge cases; the share table computed once serves any filter."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from bench.naive import naive_allocate, naive_allocate_all_territories, naive_allocate_territories, naive_by_unit
from data.filters import FilterState, apply_filters, filter_flows
from data.intake import load_portfolio
from data.metrics import FLOW_MEASURES, compute_funding
from geo.allocation import (
    QUANTITIES,
    allocate,
    allocate_all_territories,
    allocate_indexed,
    allocate_territories,
    by_unit,
    compute_allocation_index,
    compute_shares,
    project_locations,
    split_index_territories,
    split_territories,
)


@pytest.fixture(scope="module")
def sample():
    return load_portfolio()


@pytest.fixture(scope="module")
def synthetic(parse_synthetic):
    return parse_synthetic(250, 11)


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _same_frame(fast: pd.DataFrame, naive: pd.DataFrame, keys: list[str]) -> None:
    assert len(fast) == len(naive)
    if fast.empty:
        return
    fast = fast.sort_values(keys).reset_index(drop=True)
    naive = naive.sort_values(keys).reset_index(drop=True)
    for column in naive.columns:
        for a, b in zip(fast[column], naive[column]):
            if isinstance(b, float) or isinstance(a, float):
                assert _close(float(a), float(b)), (column, a, b)
            else:
                assert a == b, (column, a, b)


def _same_allocation(fast, naive) -> None:
    _same_frame(fast.rows, naive.rows, ["project_id", "pcode"])
    for attribute in ("national", "unallocated", "totals"):
        for q in QUANTITIES:
            assert _close(getattr(fast, attribute)[q], getattr(naive, attribute)[q]), (attribute, q)
    assert fast.national_projects == naive.national_projects
    assert fast.unallocated_projects == naive.unallocated_projects
    assert fast.not_published == naive.not_published
    assert fast.donors == naive.donors
    assert fast.published == naive.published


def _check(portfolio, state: FilterState, measure: str) -> None:
    result = apply_filters(portfolio, state)
    funding = filter_flows(compute_funding(portfolio.funding, state.currency), result.portfolio)
    locations = project_locations(portfolio.locations, result.portfolio.projects)
    flows = FLOW_MEASURES[measure].select(funding)
    fast = allocate(result.portfolio.projects, locations, flows, shares=compute_shares(portfolio.locations))
    naive = naive_allocate(result.portfolio.projects, locations, flows)
    _same_allocation(fast, naive)
    if not state.donors:  # the prepared model's path: masks over the whole dataset's allocation, the same numbers
        index = compute_allocation_index(portfolio.projects, FLOW_MEASURES[measure].select(
            compute_funding(portfolio.funding, state.currency)), compute_shares(portfolio.locations))
        indexed = allocate_indexed(index, portfolio.projects["project_id"].isin(
            set(result.portfolio.projects["project_id"])).to_numpy())
        assert indexed.rows.equals(fast.rows) and indexed.donor_pairs.equals(fast.donor_pairs)
        for attribute in ("national", "unallocated", "totals", "national_projects", "unallocated_projects",
                          "not_published", "donors", "published"):
            assert getattr(indexed, attribute) == getattr(fast, attribute), attribute
        assert list(indexed.donors) == list(fast.donors)  # the same order, too
        for with_donors in (True, False):  # units coded once per dataset: the same frame as coding the rows
            assert by_unit(indexed, with_donors=with_donors).equals(by_unit(fast, with_donors=with_donors))
        # the territories of a view taken by position from the dataset's split: the very frames of its own split
        whole = split_index_territories(indexed, portfolio.locations)
        taken, own = split_territories(indexed, locations, whole=whole), split_territories(fast, locations)
        assert taken.rows.equals(own.rows) and taken.remainders.equals(own.remainders)
        assert split_territories(fast, locations, whole=whole).rows.equals(own.rows)  # not taken by masks: joined
    _same_frame(by_unit(fast), naive_by_unit(naive), ["pcode"])
    without = by_unit(fast, with_donors=False)  # the map orders donors itself: everything else is the same
    assert all(d == () for d in without["donors"])
    _same_frame(without.drop(columns="donors"), by_unit(fast).drop(columns="donors"), ["pcode"])
    rows, remainder = allocate_all_territories(fast, locations)
    naive_rows, naive_remainder = naive_allocate_all_territories(naive, locations)
    _same_frame(rows, naive_rows, ["project_id", "territory"])
    assert all(_close(remainder[q], naive_remainder[q]) for q in QUANTITIES)
    _same_frame(by_unit(fast, rows, key="territory"), naive_by_unit(naive, naive_rows, key="territory"), ["territory"])
    split = split_territories(fast, locations)  # what a map click reads: every province split in one join
    for pcode in sorted(set(naive.rows["pcode"]))[:3] + ["CD00"]:  # CD00: no such province, nothing placed
        one, rest = allocate_territories(fast, locations, pcode)
        naive_one, naive_rest = naive_allocate_territories(naive, locations, pcode)
        _same_frame(one, naive_one, ["project_id", "territory"])
        assert all(_close(rest[q], naive_rest[q]) for q in QUANTITIES)
        from_split, split_rest = split.province(pcode)
        _same_frame(from_split, naive_one, ["project_id", "territory"])
        assert all(_close(split_rest[q], naive_rest[q]) for q in QUANTITIES)


STATES = [FilterState(), FilterState(currency="EUR"), FilterState(statuses=("2",)), FilterState(provinces=("CD61",)),
          FilterState(year_from=2022)]


@pytest.mark.parametrize("measure", list(FLOW_MEASURES))
@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_fast_equals_naive_on_the_sample(sample, state, measure):
    _check(sample, state, measure)


@pytest.mark.parametrize("measure", ["committed", "disbursed"])
@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_fast_equals_naive_on_a_synthetic_portfolio(synthetic, state, measure):
    _check(synthetic, state, measure)


def test_fast_equals_naive_with_a_donor_filter(synthetic):
    donor = synthetic.funding["donor"].dropna().iloc[0]
    _check(synthetic, FilterState(donors=(donor,)), "committed")


def _frames(locations: list[dict], coverage: str = "provincial", households: float | None = None):
    projects = pd.DataFrame({"project_id": ["P"], "coverage": [coverage], "households_targeted": [households],
                             "households_reached": [None]})
    funding = pd.DataFrame({"flow_id": ["F"], "project_id": ["P"], "donor": ["D"], "transaction_type": [11],
                            "amount_reporting": [100.0]})
    frame = pd.DataFrame(locations)
    for column in ("territory_pcode", "budget_share", "households_targeted"):
        if column not in frame:
            frame[column] = None
    return projects, frame, funding


EDGE_CASES = {
    "shares_above_one": [{"project_id": "P", "province_pcode": "CD61", "budget_share": 0.8},
                         {"project_id": "P", "province_pcode": "CD62", "budget_share": 0.7}],
    "partial_shares": [{"project_id": "P", "province_pcode": "CD61", "budget_share": 0.5},
                       {"project_id": "P", "province_pcode": "CD62"}, {"project_id": "P", "province_pcode": "CD63"}],
    "remainder_unallocated": [{"project_id": "P", "province_pcode": "CD61", "budget_share": 0.3},
                              {"project_id": "P", "province_pcode": "CD62", "budget_share": 0.3}],
    "explicit_households": [{"project_id": "P", "province_pcode": "CD61", "households_targeted": 30},
                            {"project_id": "P", "province_pcode": "CD62", "households_targeted": 10}],
    "territories": [{"project_id": "P", "province_pcode": "CD61", "territory_pcode": "CD6101", "budget_share": 0.2},
                    {"project_id": "P", "province_pcode": "CD61", "territory_pcode": "CD6102", "budget_share": 0.6},
                    {"project_id": "P", "province_pcode": "CD62", "territory_pcode": "CD6201"},
                    {"project_id": "P", "province_pcode": "CD62", "territory_pcode": "CD6202"}],
}


@pytest.mark.parametrize("coverage", ["provincial", "national"])
@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_fast_equals_naive_on_edge_cases(case, coverage):
    projects, locations, funding = _frames(EDGE_CASES[case], coverage)
    fast, naive = allocate(projects, locations, funding), naive_allocate(projects, locations, funding)
    _same_allocation(fast, naive)
    rows, remainder = allocate_all_territories(fast, locations)
    naive_rows, naive_remainder = naive_allocate_all_territories(naive, locations)
    _same_frame(rows, naive_rows, ["project_id", "territory"])
    assert remainder == pytest.approx(naive_remainder)


@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_by_unit_sums_are_a_pandas_groupby_per_column_to_the_last_digit(synthetic, state):
    result = apply_filters(synthetic, state)
    flows = FLOW_MEASURES["committed"].select(filter_flows(compute_funding(synthetic.funding, state.currency),
                                                           result.portfolio))
    rows = allocate(result.portfolio.projects, synthetic.locations, flows).rows
    units = by_unit(allocate(result.portfolio.projects, synthetic.locations, flows)).set_index("pcode")
    grouped = rows.groupby("pcode")
    for q in QUANTITIES:
        assert units[q].equals(grouped[q].sum(min_count=1)), q
    assert units["projects"].equals(grouped["project_id"].nunique())
    paired = rows[rows["funding"].notna() & (rows["households_targeted"] > 0)].groupby("pcode")
    households = paired["households_targeted"].sum().reindex(units.index)
    ratio = paired["funding"].sum().reindex(units.index) / households.where(households > 0)
    assert units["funding_per_household"].equals(ratio)


@pytest.mark.parametrize("keys", [[], [7], [3, 3], [5, -1, 5, 2, 9, 2, 2], list(range(40, 0, -3)) * 2])
def testsorted_unique_is_numpy_unique(keys):
    import numpy as np

    from geo.allocation import sorted_unique

    array = np.array(keys, dtype=np.int64)
    assert np.array_equal(sorted_unique(array), np.unique(array))


def _ragged(seed: int, rows: int, sort: bool, nan: bool) -> tuple:
    import numpy as np

    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 7, rows)
    groups = np.sort(groups) if sort else groups
    # magnitudes far apart, so a pairwise sum, a compensated sum and a plain running sum differ in the last digits
    values = rng.normal(size=(3, rows)) * 10.0 ** rng.integers(-3, 12, size=(3, rows))
    if nan:
        values[rng.random((3, rows)) < 0.3] = np.nan
    return values, groups


@pytest.mark.parametrize("min_count", [0, 1])
@pytest.mark.parametrize(("seed", "rows", "sort", "nan"), [
    (1, 500, True, False), (2, 500, True, True), (3, 500, False, False), (4, 500, False, True), (5, 3, True, False),
    (6, 1, False, True), (7, 0, True, False), (8, 9_000, True, False), (9, 9_000, False, True)])
def test_group_sums_are_the_groupby_sums_of_the_frame_to_the_last_digit(seed, rows, sort, nan, min_count):
    import numpy as np

    from geo.allocation import group_sums

    values, groups = _ragged(seed, rows, sort, nan)
    count = 9  # codes 7 and 8 have no row: NaN, as reindexing the groupby gives them
    frame = pd.DataFrame({f"c{i}": values[i] for i in range(3)}).set_axis(groups)
    expected = frame.groupby(level=0).sum(min_count=min_count).reindex(range(count)).to_numpy()
    assert np.array_equal(group_sums(np.vstack(list(values)), groups, count, min_count), expected, equal_nan=True)


def test_group_sums_keep_infinities_and_a_group_of_nan_only_as_the_groupby():
    import numpy as np

    from geo.allocation import group_sums

    values = np.array([[1.0, np.inf, -np.inf, np.nan, np.nan, 2.5, 1e308, 1e308]])
    groups = np.array([0, 0, 0, 1, 1, 2, 3, 3])
    for min_count in (0, 1):
        expected = pd.DataFrame({"v": values[0]}).set_axis(groups).groupby(level=0).sum(min_count=min_count)
        assert np.array_equal(group_sums(values, groups, 4, min_count)[:, 0], expected["v"].to_numpy(),
                              equal_nan=True)
