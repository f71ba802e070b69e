"""Vectorised filters equal the per-row path (bench/naive.py): options, kept projects, flows, places, sources and
the projects left out, on the sample and a synthetic portfolio; precomputed years and members change nothing."""
from __future__ import annotations

from bench.naive import naive_apply_filters, naive_filter_options
from data.filters import (
    FilterState,
    apply_filters,
    apply_filters_indexed,
    compute_filter_index,
    compute_org_members,
    compute_project_years,
    filter_options,
)
from data.metrics import compute_funding

SYNTHETIC = (300, 3)  # projects, seed of the synthetic `portfolio` (tests/data/conftest.py)


def test_options_equal_the_naive_path(portfolio):
    assert filter_options(portfolio) == naive_filter_options(portfolio)


def _states(portfolio):
    options = naive_filter_options(portfolio)
    low, high = options.years
    middle = (low + high) // 2
    return [FilterState(), FilterState(year_from=middle), FilterState(year_to=middle),
            FilterState(year_from=middle, year_to=middle), FilterState(donors=options.donors[:2]),
            FilterState(orgs=options.orgs[:3]), FilterState(orgs=options.orgs[-2:], role="funding"),
            FilterState(orgs=options.orgs[:5], role="implementing"), FilterState(statuses=("2", "none")),
            FilterState(provinces=options.provinces[:2], year_from=middle),
            FilterState(themes=options.themes[:1], territories=options.territories[:3])]


def test_every_filter_equals_the_naive_path(portfolio):
    years, members = compute_project_years(portfolio.projects), compute_org_members(portfolio.projects)
    index = compute_filter_index(portfolio, years, members)
    for state in _states(portfolio):
        naive = naive_apply_filters(portfolio, state)
        for fast in (apply_filters(portfolio, state), apply_filters(portfolio, state, years, members),
                     apply_filters(portfolio, state, index=index)):
            assert fast.undated_left_out == naive.undated_left_out, state
            assert fast.unlocated_left_out == naive.unlocated_left_out, state
            for table in ("projects", "funding", "locations", "sources"):
                assert fast.portfolio.table(table).equals(naive.portfolio.table(table)), (state, table)


def test_the_indexed_path_narrows_the_converted_flows_and_marks_the_projects_kept(portfolio):
    years, members = compute_project_years(portfolio.projects), compute_org_members(portfolio.projects)
    index = compute_filter_index(portfolio, years, members)
    converted = compute_funding(portfolio.funding, "EUR")
    assert converted[list(portfolio.funding.columns)].equals(portfolio.funding)  # the prepared model checks it
    for state in _states(portfolio):
        naive = naive_apply_filters(portfolio, state)
        for carries_flows in (False, True):  # True: the narrowed flows are the converted slice's flow columns
            result, flows, keep = apply_filters_indexed(converted, portfolio, state, index, carries_flows)
            for table in ("projects", "funding", "locations", "sources"):
                assert result.portfolio.table(table).equals(naive.portfolio.table(table)), (state, table)
            assert flows.equals(converted[converted["flow_id"].isin(set(naive.portfolio.funding["flow_id"]))])
            assert portfolio.projects[keep].equals(naive.portfolio.projects), state
