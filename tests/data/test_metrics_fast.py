"""The vectorised not-published count equals the per-row count (bench/naive.py); KPIs given the converted flows
equal KPIs that convert them."""
from __future__ import annotations

import numpy as np
import pytest

from bench.naive import naive_compute_left_to_disburse, naive_count_not_published
from data.metrics import compute_funding, compute_kpis, compute_left_to_disburse, count_not_published
from data.portfolio import Portfolio

SYNTHETIC = (300, 4)  # projects, seed of the synthetic `portfolio` (tests/data/conftest.py)


def test_not_published_count_equals_the_naive_path(portfolio):
    assert count_not_published(portfolio) == naive_count_not_published(portfolio)


def test_blank_text_counts_as_not_published(portfolio):
    projects = portfolio.projects.copy()
    projects.loc[projects.index[0], "theme"] = "  "
    projects.loc[projects.index[0], ["actual_start", "planned_start"]] = ["", None]
    changed = Portfolio(projects, portfolio.funding, portfolio.locations, portfolio.sources, portfolio.documents)
    assert count_not_published(changed) == naive_count_not_published(changed)


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_kpis_with_converted_flows_given_equal_kpis_converting_them(portfolio, currency):
    converted = compute_funding(portfolio.funding, currency)
    assert compute_kpis(portfolio, currency, converted) == compute_kpis(portfolio, currency)


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_left_to_disburse_equals_the_groupby_version(portfolio, currency):
    # the fast path asks each question with bincounts on project codes; bench/naive.py's with pandas groupbys on
    # the ids: the same totals to the last digit, the same counts, on the whole portfolio and on slices of it
    converted = compute_funding(portfolio.funding, currency)
    for part in (converted, converted.iloc[::2], converted.iloc[1::3], converted.iloc[:0]):
        assert compute_left_to_disburse(part) == naive_compute_left_to_disburse(part)


@pytest.mark.parametrize("rows", [
    [("A", 11, None), ("A", 2, 50.0), ("A", 3, 20.0)],          # an 11 without amount beside a 2: A is left out
    [("A", 2, 50.0), ("A", 11, 80.0), ("A", 1, 30.0)],           # a published 11 hides the 2; paid by type 1
    [("A", 2, 50.0), ("A", 3, None), ("B", 11, 10.0), ("B", 1, 4.0)],  # A's payment unknown: only B
    [("A", 3, 20.0)],                                            # a payment without commitment
])
def test_left_to_disburse_edge_cases_equal_the_groupby_version(rows):
    import pandas as pd

    converted = pd.DataFrame({"project_id": [r[0] for r in rows], "transaction_type": [r[1] for r in rows],
                              "amount_reporting": [r[2] for r in rows]})
    converted["transaction_type"] = converted["transaction_type"].astype("Int64")
    assert compute_left_to_disburse(converted) == naive_compute_left_to_disburse(converted)


def _mixed_flows():
    import pandas as pd

    rows = [("A", "D1", 1, 11, 10.0), ("A", "D1", 1, 2, 7.0), ("A", "D2", None, 11, None), ("B", "D2", 1, 2, 3.0),
            ("B", None, 1, 2, 4.0), ("C", "D3", 4, 3, 2.0), ("C", "D3", 4, 1, 1.0), ("D", "D1", 1, 11, None),
            ("D", "D1", 1, 2, 5.0), ("E", "D4", 4, 2, 1.5)]
    frame = pd.DataFrame({"flow_id": [f"f{i}" for i in range(len(rows))], "project_id": [r[0] for r in rows],
                          "donor": [r[1] for r in rows], "org_role": [r[2] for r in rows],
                          "transaction_type": [r[3] for r in rows], "amount_reporting": [r[4] for r in rows]})
    return frame.astype({"org_role": "Int64", "transaction_type": "Int64"})


def _parts(portfolio):
    converted = compute_funding(portfolio.funding, "USD")
    return [converted, converted.iloc[::2], converted.iloc[1::3], converted.iloc[:0], _mixed_flows()]


@pytest.mark.parametrize("measure", ["committed", "received", "disbursed", "spent"])
def test_by_donor_and_committed_equal_the_groupby_version(portfolio, measure):
    import pandas as pd

    from bench.naive import naive_compute_by_donor, naive_compute_committed
    from data.metrics import compute_by_donor, compute_committed

    for part in _parts(portfolio):
        pd.testing.assert_frame_equal(compute_committed(part), naive_compute_committed(part))
        fast, naive = compute_by_donor(part, measure), naive_compute_by_donor(part, measure)
        if naive.empty:
            assert fast.empty and list(fast.columns) == list(naive.columns)
        else:
            pd.testing.assert_frame_equal(fast, naive)


def test_project_donors_equal_the_groupby_version(portfolio):
    import pandas as pd

    from bench.naive import naive_compute_project_donors
    from data.metrics import compute_project_donors

    for part in _parts(portfolio):
        fast, naive = compute_project_donors(part), naive_compute_project_donors(part)
        if naive.empty:
            assert fast.empty and list(fast.columns) == list(naive.columns)
        else:
            pd.testing.assert_frame_equal(fast, naive)


def test_kpis_with_the_prepared_missing_facts_equal_kpis_counting_them(portfolio):
    from data.metrics import compute_missing_facts

    subset = Portfolio(portfolio.projects.iloc[::3], portfolio.funding, portfolio.locations, portfolio.sources,
                       portfolio.documents)
    facts = compute_missing_facts(portfolio.projects)
    assert compute_kpis(subset, "USD", missing_facts=facts) == compute_kpis(subset, "USD")
    assert count_not_published(subset, facts) == naive_count_not_published(subset)


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_kpis_and_donor_ranks_reading_the_flows_by_position_equal_those_reading_their_text(portfolio, currency):
    # a view's flows read by position in the dataset's FlowFacts (project ranks, donor codes, missing facts)
    # give the very KPIs (totals to the last digit) that sorting their ids and reading their columns give
    import pandas as pd

    from bench.naive import naive_compute_by_donor
    from data.filters import (
        FilterState,
        apply_filters_indexed,
        compute_filter_index,
        compute_org_members,
        compute_project_years,
        filter_options,
    )
    from data.metrics import FLOW_MEASURES, compute_by_donor, compute_missing_facts, is_donor_flow
    from data.prepared import flow_facts_of, project_facts_of
    from data.profiles import rank_donors

    years, members = compute_project_years(portfolio.projects), compute_org_members(portfolio.projects)
    index = compute_filter_index(portfolio, years, members)
    facts = flow_facts_of(portfolio, index)
    places = project_facts_of(portfolio, index, compute_missing_facts(portfolio.projects))
    assert places is not None  # intake types the households and the status as integers
    options = filter_options(portfolio, years, members)
    converted = compute_funding(portfolio.funding, currency)
    states = [FilterState(), FilterState(statuses=("2", "none")), FilterState(donors=options.donors[:1]),
              FilterState(donors=options.donors[1:3]), FilterState(provinces=options.provinces[:2]),
              FilterState(orgs=options.orgs[:3], role="implementing")]
    for state in states:
        result, flows, _ = apply_filters_indexed(converted, portfolio, state, index)
        expected = compute_kpis(result.portfolio, currency, flows)
        assert compute_kpis(result.portfolio, currency, flows, flow_facts=facts) == expected, state
        assert compute_kpis(result.portfolio, currency, flows, flow_facts=facts, project_facts=places) == expected
        assert compute_kpis(result.portfolio, currency, flows, project_facts=places) == expected, state
        rows = converted.index.get_indexer(flows.index)  # the view's flows as positions among the dataset's
        for given_facts in (facts, None):  # without FlowFacts the rows are sliced
            assert compute_kpis(result.portfolio, currency, converted, flow_facts=given_facts, project_facts=places,
                                rows=rows) == expected, state
        assert rank_donors(flows, flow_facts=facts) == rank_donors(flows), state
        for measure in FLOW_MEASURES:
            for only in (False, True):  # the Overview's chart: the donor flows only
                expected = naive_compute_by_donor(flows[is_donor_flow(flows)] if only else flows, measure)
                for fast in (compute_by_donor(flows, measure, facts, donor_flows_only=only),
                             compute_by_donor(converted, measure, facts, donor_flows_only=only, rows=rows),
                             compute_by_donor(converted, measure, donor_flows_only=only, rows=rows)):
                    if expected.empty:
                        assert fast.empty and list(fast.columns) == list(expected.columns)
                    else:
                        pd.testing.assert_frame_equal(fast, expected)
    shuffled = converted.iloc[::-1]  # rows in another order: positions still found by label
    assert compute_kpis(portfolio, currency, shuffled, flow_facts=facts) == compute_kpis(portfolio, currency, shuffled)
    assert rank_donors(shuffled, flow_facts=facts) == rank_donors(shuffled)
    assert rank_donors(converted.iloc[:0], flow_facts=facts) == []
    none = np.array([], dtype=np.int64)  # a view keeping no flow, read by position
    assert compute_kpis(portfolio, currency, converted, flow_facts=facts, rows=none) == compute_kpis(
        portfolio, currency, converted.iloc[:0])
    assert compute_by_donor(converted, "committed", facts, rows=none).empty


def test_flow_facts_refuse_a_flow_of_no_listed_project(portfolio):
    from data.filters import compute_filter_index, compute_org_members, compute_project_years
    from data.prepared import flow_facts_of

    orphan = Portfolio(portfolio.projects.iloc[1:], portfolio.funding, portfolio.locations, portfolio.sources,
                       portfolio.documents)
    years, members = compute_project_years(orphan.projects), compute_org_members(orphan.projects)
    assert flow_facts_of(orphan, compute_filter_index(orphan, years, members)) is None


def test_by_donor_by_position_groups_a_donor_named_like_the_placeholder_with_flows_naming_none(portfolio):
    # compute_by_donor shows flows without a donor as "—": a donor named "—" is then the same row, as before
    import pandas as pd

    from data.filters import compute_filter_index, compute_org_members, compute_project_years
    from data.metrics import compute_by_donor
    from data.prepared import flow_facts_of

    funding = portfolio.funding.copy()
    funding.loc[funding.index[0], "donor"] = "—"
    funding.loc[funding.index[1], "donor"] = None
    changed = Portfolio(portfolio.projects, funding, portfolio.locations, portfolio.sources, portfolio.documents)
    years, members = compute_project_years(changed.projects), compute_org_members(changed.projects)
    facts = flow_facts_of(changed, compute_filter_index(changed, years, members))
    converted = compute_funding(funding, "USD")
    for measure in ("committed", "disbursed"):
        pd.testing.assert_frame_equal(compute_by_donor(converted, measure, facts), compute_by_donor(converted, measure))


def test_project_facts_leave_untyped_columns_to_the_columns(portfolio):
    # households read as text (not typed by intake) could count otherwise by position: the columns answer then
    from data.filters import compute_filter_index, compute_org_members, compute_project_years
    from data.metrics import compute_missing_facts
    from data.prepared import project_facts_of

    projects = portfolio.projects.astype({"households_reached": object})
    changed = Portfolio(projects, portfolio.funding, portfolio.locations, portfolio.sources, portfolio.documents)
    years, members = compute_project_years(projects), compute_org_members(projects)
    index = compute_filter_index(changed, years, members)
    assert project_facts_of(changed, index, compute_missing_facts(projects)) is None


def test_facts_are_not_read_by_position_when_row_labels_repeat(portfolio):
    # a view's rows are found among the dataset's by their labels: repeated labels leave the columns to answer
    from data.filters import compute_filter_index, compute_org_members, compute_project_years
    from data.metrics import compute_missing_facts
    from data.prepared import flow_facts_of, project_facts_of

    funding = portfolio.funding.set_axis([0] * len(portfolio.funding))
    projects = portfolio.projects.set_axis([0] * len(portfolio.projects))
    rest = (portfolio.locations, portfolio.sources, portfolio.documents)
    for changed in (Portfolio(portfolio.projects, funding, *rest), Portfolio(projects, portfolio.funding, *rest)):
        years, members = compute_project_years(changed.projects), compute_org_members(changed.projects)
        index = compute_filter_index(changed, years, members)
        facts = (flow_facts_of(changed, index),
                 project_facts_of(changed, index, compute_missing_facts(changed.projects)))
        assert facts[0 if changed.funding is funding else 1] is None
