"""The prepared model answers what the plain functions answer, computes each derived frame once, and memoises
a bounded number of filtered views."""
from __future__ import annotations

import pytest

from data import prepared as prepared_module
from data.filters import FilterState, apply_filters, filter_flows, filter_options
from data.intake import load_portfolio
from data.metrics import compute_funding
from data.prepared import prepare_portfolio
from geo.allocation import compute_shares


@pytest.fixture(scope="module")
def sample():
    return load_portfolio()


def test_options_and_shares_are_the_plain_functions(sample):
    model = prepare_portfolio(sample)
    assert model.options == filter_options(sample)
    assert model.shares.rows.equals(compute_shares(sample.locations).rows)


@pytest.mark.parametrize("state", [FilterState(), FilterState(currency="EUR", year_from=2022),
                                   FilterState(statuses=("none",)), FilterState(provinces=("CD61",))])
def test_a_view_is_apply_filters_and_its_converted_flows(sample, state):
    view = prepare_portfolio(sample).view(state)
    plain = apply_filters(sample, state)
    assert view.result.portfolio.projects.equals(plain.portfolio.projects)
    assert view.result.undated_left_out == plain.undated_left_out
    assert view.funding.equals(filter_flows(compute_funding(sample.funding, state.currency), plain.portfolio))


def test_each_currency_is_converted_once_and_views_are_memoised_per_state(sample, monkeypatch):
    model = prepare_portfolio(sample)
    calls = []
    real = prepared_module.compute_funding
    monkeypatch.setattr(prepared_module, "compute_funding", lambda f, c, d: calls.append(c) or real(f, c, d))
    assert model.converted("EUR") is model.converted("EUR")
    first = model.view(FilterState(currency="EUR"))
    assert model.view(FilterState(currency="EUR", lang="fr")) is first  # language changes no number
    assert model.view(FilterState(currency="EUR", themes=("cccm",))) is not first
    assert calls == ["EUR"]


def test_the_memo_is_bounded(sample):
    model = prepare_portfolio(sample)
    for year in range(2000, 2000 + prepared_module.VIEW_MEMO + 5):
        model.view(FilterState(year_from=year))
    assert len(model._views) == prepared_module.VIEW_MEMO


@pytest.mark.parametrize("measure", ["committed", "disbursed"])
def test_an_allocation_is_allocate_of_the_view_and_is_memoised(sample, measure):
    from data.metrics import FLOW_MEASURES
    from geo.allocation import allocate, project_locations

    model = prepare_portfolio(sample)
    state = FilterState(currency="EUR", statuses=("2", "none"))
    memo = model.allocation(state, measure)
    view = model.view(state)
    projects = view.result.portfolio.projects
    flows = FLOW_MEASURES[measure].select(view.funding)
    plain = allocate(projects, project_locations(sample.locations, projects), flows)
    assert memo.rows.equals(plain.rows) and memo.totals == plain.totals and memo.unallocated == plain.unallocated
    assert model.allocation(state, measure) is memo


def test_sessions_asking_for_the_same_result_at_once_wait_for_one_computation(sample):
    import threading
    import time

    model = prepare_portfolio(sample)
    calls, started = [], threading.Event()

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return object()

    results = []
    first = threading.Thread(target=lambda: results.append(model.derived(("k",), slow)))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: results.append(model.derived(("k",), slow))) for _ in range(4)]
    for thread in [*others]:
        thread.start()
    for thread in [first, *others]:
        thread.join(5)
    assert len(calls) == 1 and len(results) == 5 and len({id(r) for r in results}) == 1


def test_a_failed_computation_is_not_kept_and_the_next_caller_computes_it(sample):
    model = prepare_portfolio(sample)

    def fail():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        model.derived(("k",), fail)
    assert model.derived(("k",), lambda: 42) == 42 and not model._pending


def test_a_slow_conversion_holds_up_only_the_sessions_waiting_for_its_currency(sample, monkeypatch):
    import threading

    model = prepare_portfolio(sample)
    real, started, release = prepared_module.compute_funding, threading.Event(), threading.Event()

    def slow_for_eur(funding, currency, dates):
        if currency == "EUR":
            started.set()
            assert release.wait(10)
        return real(funding, currency, dates)

    monkeypatch.setattr(prepared_module, "compute_funding", slow_for_eur)
    eur = threading.Thread(target=model.converted, args=("EUR",))
    eur.start()
    assert started.wait(10)
    usd = model.converted("USD")  # returns while EUR is still converting (it waited on the model's lock before)
    assert eur.is_alive() and usd["amount_reporting"].notna().any()
    release.set()
    eur.join(10)
    assert model.converted("EUR") is model.converted("EUR")


@pytest.fixture(scope="module")
def synthetic(parse_synthetic):
    return parse_synthetic(250, 11)


DONOR_STATES = [FilterState(), FilterState(currency="EUR", statuses=("2", "none")), FilterState(provinces=("CD61",)),
                FilterState(year_from=2023), FilterState(themes=("no such theme",))]


@pytest.mark.parametrize("state", DONOR_STATES, ids=range(len(DONOR_STATES)))
@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_a_donor_allocation_is_allocate_of_the_view_narrowed_to_the_donor(request, which, state):
    from dataclasses import replace

    from data.metrics import FLOW_MEASURES
    from geo.allocation import allocate, by_unit, project_locations

    portfolio = request.getfixturevalue(which)
    model = prepare_portfolio(portfolio)
    donors = portfolio.funding["donor"].dropna().value_counts()
    for donor in [donors.index[0], donors.index[-1]]:  # the largest and the smallest
        view = model.view(replace(state, donors=(donor,)))
        projects = view.result.portfolio.projects
        plain = allocate(projects, project_locations(portfolio.locations, projects),
                         FLOW_MEASURES["committed"].select(view.funding), shares=model.shares)
        indexed = model.donor_allocation(state.currency, "committed", donor, view.keep)
        assert indexed.rows.equals(plain.rows) and indexed.donor_pairs.equals(plain.donor_pairs)
        for attribute in ("national", "unallocated", "totals", "national_projects", "unallocated_projects",
                          "not_published", "donors", "published"):
            assert getattr(indexed, attribute) == getattr(plain, attribute), (donor, attribute)
        assert list(indexed.donors) == list(plain.donors)  # the same order, too
        for with_donors in (True, False):
            assert by_unit(indexed, with_donors=with_donors).equals(by_unit(plain, with_donors=with_donors))
    assert len(model._donor_indexes) == 2  # one index per donor, whatever the filters


def test_a_donor_allocation_is_left_to_allocate_when_flow_ids_repeat(sample):
    from dataclasses import replace

    funding = sample.funding.copy()
    funding.loc[funding.index[1], "flow_id"] = funding["flow_id"].iloc[0]
    model = prepare_portfolio(replace(sample, funding=funding))
    donor = funding["donor"].dropna().iloc[0]
    keep = model.view(FilterState(donors=(donor,))).keep
    assert model.donor_allocation("USD", "committed", donor, keep) is None


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_one_projects_allocation_is_allocate_of_it_and_all_its_flows(sample, currency):
    from data.metrics import FLOW_MEASURES
    from geo.allocation import allocate, by_unit, project_locations

    model = prepare_portfolio(sample)
    converted = model.converted(currency)
    projects = sample.projects
    for project_id in projects["project_id"]:  # the Project page's map, whatever the filters
        one = projects[projects["project_id"] == project_id]
        plain = allocate(one, project_locations(sample.locations, one), FLOW_MEASURES["committed"].select(
            converted[converted["project_id"] == project_id]), shares=model.shares)
        keep = (projects["project_id"] == project_id).to_numpy()
        indexed = model.allocation_of(currency, "committed", keep)
        assert indexed.rows.equals(plain.rows) and indexed.donor_pairs.equals(plain.donor_pairs), project_id
        for attribute in ("national", "unallocated", "totals", "national_projects", "unallocated_projects",
                          "not_published", "donors", "published"):
            assert getattr(indexed, attribute) == getattr(plain, attribute), (project_id, attribute)
        assert by_unit(indexed, with_donors=False).equals(by_unit(plain, with_donors=False)), project_id
