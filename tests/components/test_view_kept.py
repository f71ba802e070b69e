"""View.kept: a result of the unfiltered view is kept for the next start (per currency and day), a filtered view's
never (it is memoised only), and a view without a prepared model computes it."""
from __future__ import annotations

import datetime as dt

import pytest

from components.view import View
from data.filters import FilterState
from data.intake import load_portfolio
from data.prepared import prepare_portfolio
from data.prepared_store import result_file


def _view(prepared, state: FilterState) -> View:
    view = prepared.view(state)
    return View(state, prepared.portfolio, view.result, view.funding, dt.date(2026, 12, 1),
                prepared.converted(state.currency), prepared=prepared)


@pytest.mark.parametrize("state, kept", [(FilterState(), True), (FilterState(lang="fr", currency="EUR"), True),
                                         (FilterState(statuses=("2",)), False),
                                         (FilterState(year_from=2024), False)])
def test_only_the_unfiltered_view_keeps_its_results(tmp_path, state, kept):
    store = tmp_path / "prepared.npz"
    view = _view(prepare_portfolio(load_portfolio(), store), state)
    assert view.kept("project_count", lambda: len(view.portfolio.projects)) == len(view.portfolio.projects)
    assert result_file(store, "project_count").is_file() is kept
    again = _view(prepare_portfolio(load_portfolio(), store), state)
    calls = []
    assert again.kept("project_count", lambda: calls.append(1) or len(again.portfolio.projects)) == len(
        view.portfolio.projects)
    assert calls == ([] if kept else [1])
    other_day = View(*[getattr(again, f) for f in ("state", "full", "result", "funding")], dt.date(2026, 12, 2),
                     again.all_funding, prepared=prepare_portfolio(load_portfolio(), store))
    assert other_day.kept("project_count", lambda: calls.append(1) or -1) == -1  # computed again the next day
    assert other_day.kept("project_count", lambda: calls.append(1) or -2) == -1  # then memoised


def test_a_view_without_a_prepared_model_computes(tmp_path):
    prepared = prepare_portfolio(load_portfolio())
    view = _view(prepared, FilterState())
    bare = View(view.state, view.full, view.result, view.funding, view.today, view.all_funding)
    assert bare.kept("anything", lambda: 7) == 7
    assert view.kept("anything", lambda: 8) == 8  # a model kept nowhere (no store) memoises it only
    assert view.kept("anything", lambda: 9) == 8


def test_a_whole_dataset_result_is_kept_whatever_the_filters(tmp_path):
    store = tmp_path / "prepared.npz"
    view = _view(prepare_portfolio(load_portfolio(), store), FilterState(statuses=("2",)))
    every = len(view.full.projects)
    assert view.dataset_kept("every_project", lambda: every, "USD") == every
    again = _view(prepare_portfolio(load_portfolio(), store), FilterState(year_from=2024))
    assert again.dataset_kept("every_project", pytest.fail, "USD") == every
    assert again.dataset_kept("every_project", lambda: -1, "EUR") == -1  # another key: computed again
