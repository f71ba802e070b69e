"""A filter state's frames made lazily (data.filters.NarrowedFrames) equal the eager per-row path (bench/naive.py),
whichever table is read first and alone, with repeated row labels and flow ids too; its positions and counts,
read without a slice, are those of the frames; it pickles and replaces as a Portfolio."""
from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from bench.naive import naive_apply_filters, naive_filter_options
from data.filters import (
    FilterState,
    NarrowedPortfolio,
    compute_filter_index,
    compute_org_members,
    compute_project_years,
    narrow_indexed,
)
from data.metrics import compute_funding, compute_kpis
from data.portfolio import Portfolio
from data.prepared import prepare_portfolio
from data.profiles import rank_donors
from data.status import FLOW_FACTS, compute_fact_gaps, compute_not_published

SYNTHETIC = (200, 5)  # projects, seed of the synthetic `portfolio` (tests/data/conftest.py)
TABLES = ("projects", "funding", "locations", "sources")


def _states(portfolio):
    options = naive_filter_options(portfolio)
    low, high = options.years
    return [FilterState(), FilterState(statuses=("2", "none")), FilterState(donors=options.donors[:1]),
            FilterState(donors=("nobody funds this",)),  # keeps nothing
            FilterState(provinces=options.provinces[:1], year_from=(low + high) // 2),
            FilterState(orgs=options.orgs[:3], role="implementing")]


def _repeated(portfolio: Portfolio) -> Portfolio:
    """Flows with a repeated flow id (a row given twice), the flows' and places' row labels repeated in pairs."""
    funding = pd.concat([portfolio.funding, portfolio.funding.head(3)])
    return replace(portfolio, funding=funding.set_axis(np.arange(len(funding)) // 2),
                   locations=portfolio.locations.set_axis(np.arange(len(portfolio.locations)) // 2))


@pytest.mark.parametrize("labels", ["unique", "repeated"])
@pytest.mark.parametrize("carries", [False, True])
def test_each_lazy_frame_equals_the_eager_path(portfolio, labels, carries):
    portfolio = portfolio if labels == "unique" else _repeated(portfolio)
    index = compute_filter_index(portfolio, compute_project_years(portfolio.projects),
                                 compute_org_members(portfolio.projects))
    converted = compute_funding(portfolio.funding, "EUR")
    for at, state in enumerate(_states(portfolio)):
        naive = naive_apply_filters(portfolio, state)
        frames = narrow_indexed(converted, portfolio, state, index, carries)
        result = frames.result()
        first = (*TABLES, "converted")[at % 5]  # each table read alone, before any other, in some state
        made = frames.frame(first)
        for table in TABLES:
            assert result.portfolio.table(table).equals(naive.portfolio.table(table)), (state, table)
        expected = converted[converted["flow_id"].isin(set(naive.portfolio.funding["flow_id"]))]
        assert frames.frame("converted").equals(expected), state
        assert frames.frame(first) is made  # made once
        assert (result.undated_left_out, result.unlocated_left_out) == (naive.undated_left_out,
                                                                      naive.unlocated_left_out)
        assert result.project_count == len(naive.portfolio.projects)


@pytest.mark.parametrize("table", ["projects", "funding", "locations"])
def test_positions_read_from_the_masks_are_the_rows_kept(portfolio, table):
    index = compute_filter_index(portfolio, compute_project_years(portfolio.projects),
                                 compute_org_members(portfolio.projects))
    converted = compute_funding(portfolio.funding, "USD")
    whole = portfolio.table(table)
    for state in _states(portfolio):
        narrowed = narrow_indexed(converted, portfolio, state, index, True).result().portfolio
        at = narrowed.rows_in(table, whole.index)  # before any slice
        assert "projects" not in vars(narrowed) or table == "projects"
        assert whole.iloc[at].equals(narrowed.table(table)), (state, table)
        assert narrowed.rows_in(table, whole.index.copy()) is None  # another dataset's labels: not answered


def test_a_narrowed_portfolio_pickles_and_replaces_as_a_portfolio(portfolio):
    index = compute_filter_index(portfolio, compute_project_years(portfolio.projects),
                                 compute_org_members(portfolio.projects))
    state = FilterState(statuses=("2",))
    narrowed = narrow_indexed(compute_funding(portfolio.funding, "USD"), portfolio, state, index).result().portfolio
    assert isinstance(narrowed, NarrowedPortfolio)
    naive = naive_apply_filters(portfolio, state).portfolio
    for copy in (pickle.loads(pickle.dumps(narrowed)), replace(narrowed, projects=naive.projects.head(2))):
        assert type(copy) in (Portfolio, NarrowedPortfolio)
        assert copy.funding.equals(naive.funding) and copy.sources.equals(naive.sources)
    assert replace(narrowed, projects=naive.projects.head(2)).projects.equals(naive.projects.head(2))


def test_counts_read_from_the_masks_equal_the_eager_ones(portfolio):
    """compute_kpis and compute_not_published of a prepared view read its rows' positions from the masks (the
    places and flows never sliced): the numbers of the eager per-row portfolio."""
    prepared = prepare_portfolio(portfolio)
    every = prepared.portfolio.funding.index
    for state in _states(portfolio):
        view = prepared.view(state)
        narrowed = view.result.portfolio
        naive = naive_apply_filters(portfolio, state).portfolio
        kpis = compute_kpis(narrowed, "USD", view.funding, prepared.missing_facts, prepared.flow_facts(),
                            prepared.project_facts())
        assert "locations" not in vars(narrowed) and "funding" not in vars(narrowed), state
        assert kpis == compute_kpis(naive, "USD"), state
        flow_gaps = compute_fact_gaps(prepared.portfolio.funding, FLOW_FACTS)[narrowed.rows_in("funding", every)]
        quality = compute_not_published(narrowed, compute_fact_gaps(prepared.portfolio.projects)[view.keep], flow_gaps)
        assert quality.equals(compute_not_published(naive)), state


@pytest.mark.parametrize("labels", ["unique", "repeated"])
def test_donors_ranked_by_position_equal_the_sliced_flows(portfolio, labels):
    """rank_donors of a view's flows as positions among the dataset's converted flows (no slice; with repeated
    flow ids the rows a flow id keeps, and no FlowFacts) equals rank_donors of the sliced frame, by its text."""
    prepared = prepare_portfolio(portfolio if labels == "unique" else _repeated(portfolio))
    converted = prepared.converted("USD")
    for state in _states(portfolio):
        frames = prepared.view(state).frames
        rows = frames.converted_rows(converted)
        assert frames.converted_rows(converted.copy()) is None  # other flows: not answered
        assert rank_donors(converted, rows, flow_facts=prepared.flow_facts()) == rank_donors(
            frames.frame("converted")), state
