"""A view built as load_view builds it (its frames sliced when read) shows what the eager view shows: its flows,
its donors' ranks and a projects table page from View.page_portfolio (no slice of the view's other tables) equal
those of the view's own frames, on filter states with and without a place filter, one keeping nothing, and with
repeated flow ids; a state's flows are not sliced for the Status page's counts (View.rows)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from bench.naive import naive_apply_filters
from components.tables import make_projects_table
from components.view import View
from data.filters import FilterState
from data.intake import load_portfolio
from data.prepared import prepare_portfolio
from data.profiles import rank_donors

STATES = [FilterState(), FilterState(statuses=("2",)), FilterState(currency="EUR", statuses=("2", "none")),
          FilterState(provinces=("CD61",)), FilterState(territories=("CD6101", "CD6102"), year_from=2023),
          FilterState(themes=("no such theme",))]


@pytest.fixture(scope="module", params=["synthetic", "repeated flow ids"])
def model(request, parse_synthetic):
    portfolio = parse_synthetic(250, 11)
    if request.param != "synthetic":
        funding = pd.concat([portfolio.funding, portfolio.funding.head(4)], ignore_index=True)
        portfolio = replace(portfolio, funding=funding)
    return prepare_portfolio(portfolio)


def _lazy(model, state: FilterState) -> View:  # as load_view builds it: no flows given
    return View(state, model.portfolio, model.view(state).result, None, dt.date(2026, 12, 1),
                model.converted(state.currency), model.shares, model.dates, model)


@pytest.mark.parametrize("state", STATES)
def test_a_lazy_view_shows_what_the_eager_one_shows(model, state):
    view = _lazy(model, state)
    naive = naive_apply_filters(model.portfolio, state).portfolio
    converted = model.converted(state.currency)
    assert view.portfolio.projects.equals(naive.projects)
    assert view.funding.equals(converted[converted["flow_id"].isin(set(naive.funding["flow_id"]))])
    assert rank_donors(*view.flows_at(), flow_facts=model.flow_facts()) == rank_donors(view.funding)
    for lang in ("en", "fr"):
        rows = view.portfolio.projects.head(7)
        page = make_projects_table(view.page_portfolio(view.portfolio, rows), lang)
        assert page.equals(make_projects_table(replace(naive, projects=naive.projects.head(7)), lang))


@pytest.fixture(scope="module")
def sample_model():
    return prepare_portfolio(load_portfolio())  # the sample cites its projects in sources


@pytest.mark.parametrize("state", STATES[:5])
@pytest.mark.parametrize("which", ["synthetic", "sample"])
def test_a_pages_table_reads_only_its_projects_places_and_sources(model, sample_model, which, state):
    # View.page_portfolio hands make_projects_table the places and sources of the page's projects alone (found on
    # the dataset's integer codes): the same table as the view's own tables give; rows that are not the
    # dataset's (labels renumbered) are read by their id text instead
    model = sample_model if which == "sample" else model
    view = _lazy(model, state)
    naive = naive_apply_filters(model.portfolio, state).portfolio
    projects = view.portfolio.projects
    for rows in (projects.iloc[1:6], projects.iloc[::-3], projects.iloc[1:6].reset_index(drop=True)):
        page = view.page_portfolio(view.portfolio, rows)
        if len(rows) and rows.index.isin(projects.index).all() and rows["project_id"].tolist() == projects.loc[
                rows.index, "project_id"].tolist():
            ids = set(rows["project_id"])
            assert page.sources["record_id"].astype(str).str.split("|").str[0].isin(ids).all()
            if not (state.provinces or state.territories):  # else the view's places, as before
                assert page.locations["project_id"].isin(ids).all()
        for lang in ("en", "fr"):
            expected = make_projects_table(replace(naive, projects=rows), lang)
            pd.testing.assert_frame_equal(make_projects_table(page, lang), expected)


@pytest.mark.parametrize("state", STATES)
def test_the_donor_pages_projects_table_needs_no_slice_either(model, state):
    view = _lazy(model, state)
    donor = model.options.donors[0]
    mine, _, _ = view.of_donor(donor)
    naive = naive_apply_filters(model.portfolio, replace(state, donors=(donor,))).portfolio
    rows = mine.projects.tail(5)
    assert make_projects_table(view.page_portfolio(mine, rows), "en").equals(
        make_projects_table(replace(naive, projects=naive.projects.tail(5)), "en"))


@pytest.mark.parametrize("state", STATES)
def test_the_views_rows_are_read_without_a_slice(model, state):
    view = _lazy(prepare_portfolio(model.portfolio), state)  # a model of its own: no view of it read before
    rows = {table: view.rows(table) for table in ("projects", "funding", "locations")}
    assert not {"projects", "funding", "locations"} & set(vars(view.portfolio))  # none sliced to answer
    for table, at in rows.items():
        assert view.full.table(table).iloc[at].equals(view.portfolio.table(table)), table


def test_a_view_given_its_flows_reads_them():
    model = prepare_portfolio(load_portfolio())
    state = FilterState(statuses=("2",))
    eager = model.view(state)
    view = View(state, model.portfolio, eager.result, eager.funding.head(1), dt.date(2026, 12, 1),
                model.converted("USD"), prepared=model)
    assert view.funding.equals(eager.funding.head(1))
    assert view.flows_at()[1] is None


def test_a_view_reads_the_flows_of_the_masks_it_was_built_on(model):
    """The prepared model's memo may let a view go before a page reads its flows: the View keeps its own."""
    fresh = prepare_portfolio(model.portfolio)
    state = FilterState(statuses=("2",))
    narrowed = fresh.view(state)
    view = View(state, fresh.portfolio, narrowed.result, None, dt.date(2026, 12, 1), fresh.converted("USD"),
                fresh.shares, fresh.dates, fresh, narrowed)
    fresh._views.clear()  # as VIEW_MEMO other states would
    assert view.funding is narrowed.funding and view.keep is narrowed.keep
    assert view.flows_at()[0] is fresh.converted("USD")


@pytest.mark.parametrize("state", STATES)
def test_the_overviews_ending_soon_by_position_is_the_views_rows_by_id(model, state):
    # the Overview takes the view's projects ending soon from the dataset's (once per day) by position, as the
    # Status page does: the rows the id text gives, in order
    from data.status import compute_ending_soon, of_projects

    view = _lazy(model, state)
    every = view.dataset_memo("all_ending_soon", lambda: compute_ending_soon(
        view.full.projects, view.today, 180, view.dates), 180)
    expected = of_projects(every, view.portfolio.projects)
    pd.testing.assert_frame_equal(view.of_view(every, "all_ending_soon", 180), expected)
    assert len(every) > 0


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("which", ["synthetic", "sample"])
def test_a_donors_flows_taken_from_its_whole_datasets_are_those_made_for_the_state(model, sample_model, which, state):
    # View.donor_flows takes each flow's year, theme and partner from the donor's flows over the whole dataset,
    # made once per donor: the same frame, to the dtype, as donor_flows made of the state's flows and projects
    # (a year column with no gap is int64, a partner column of text is text); with repeated flow ids, made here
    from data.profiles import donor_flows

    model = sample_model if which == "sample" else model
    view = _lazy(model, state)
    checked = 0
    for donor in rank_donors(model.converted(state.currency))[:8]:
        mine, funding, _ = view.of_donor(donor)
        for _ in range(2):  # the second time from the memo
            taken = view.donor_flows(donor, funding, mine.projects)
            made = donor_flows(funding, mine.projects, donor, model.dates, model.value_dates)
            pd.testing.assert_frame_equal(taken, made, check_exact=True)
        checked += len(made)
    assert checked or state.themes or which == "sample"  # the synthetic states keep flows, but the one with no
    # such theme
