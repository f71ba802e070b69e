"""Filters: URL round trip, invalid and stale values dropped, and how each filter narrows a portfolio."""
import pandas as pd
import pytest

from data.filters import (
    FilterState,
    apply_filters,
    compute_project_years,
    filter_options,
    parse_query_params,
    to_query_params,
)
from data.portfolio import Portfolio
from data.schema import TABLES


def table(name, rows):
    frame = pd.DataFrame(rows, columns=TABLES[name].column_names)
    for column in ("activity_status", "duration_months", "org_role", "transaction_type"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


def project(pid, **values):
    base = {"project_id": pid, "title_en": pid, "theme": "stabilisation", "implementing_orgs": "IOM"}
    return {**base, **values}


@pytest.fixture
def portfolio():
    projects = table("projects", [
        project("A", planned_start="2019-03", planned_end="2021", activity_status=4, implementing_orgs="IOM; PAX"),
        project("B", actual_start="2022-01-15", duration_months=24, theme="gbv"),
        project("C", coverage="national"),  # no date, no place
    ])
    funding = table("funding", [
        {"flow_id": "fa", "project_id": "A", "donor": "Sweden", "org_role": 1, "transaction_type": 1,
         "amount": 10.0, "currency": "USD"},
        {"flow_id": "fb", "project_id": "B", "donor": "Netherlands", "org_role": 1, "recipient": "Cordaid",
         "transaction_type": 11},
    ])
    locations = table("locations", [
        {"project_id": "A", "province_pcode": "CD74", "territory_pcode": "CD7402"},
        {"project_id": "B", "province_pcode": "CD61"},
    ])
    sources = table("sources", [
        {"table": "projects", "record_id": "A", "column": "theme", "value": "x", "document_id": "d"},
        {"table": "funding", "record_id": "fb", "column": "amount", "value": "y", "document_id": "d"},
        {"table": "locations", "record_id": "B|CD61", "column": "province_pcode", "value": "CD61",
         "document_id": "d"},
    ])
    return Portfolio(projects, funding, locations, sources, table("documents", []))


def ids(result):
    return sorted(result.portfolio.projects["project_id"])


def test_options_list_donors_of_incoming_funds_and_every_organisation(portfolio):
    options = filter_options(portfolio)
    assert options.donors == ("Netherlands", "Sweden")
    assert set(options.orgs) == {"Cordaid", "IOM", "Netherlands", "PAX", "Sweden"}
    assert options.years == (2019, 2024) and options.territories == ("CD7402",)


@pytest.mark.parametrize("state", [
    FilterState(),
    FilterState(donors=("Sweden", "Netherlands"), themes=("gbv",), lang="fr", currency="EUR"),
    FilterState(orgs=("PAX",), role="implementing", statuses=("4", "none"), provinces=("CD74",),
                territories=("CD7402",), year_from=2019, year_to=2021),
])
def test_url_round_trip_reproduces_the_state(portfolio, state):
    back, dropped = parse_query_params(to_query_params(state), filter_options(portfolio))
    assert back == state and dropped == []


@pytest.mark.parametrize("params, dropped", [
    ({"donor": ["Nobody"]}, ["donor=Nobody"]),
    ({"status": ["9"]}, ["status=9"]),
    ({"from": ["abc"]}, ["from=abc"]),
    ({"to": ["99999"]}, ["to=99999"]),
    ({"lang": ["de"]}, ["lang=de"]),
    ({"cur": ["CDF"]}, ["cur=CDF"]),
    ({"role": ["boss"]}, ["role=boss"]),
    ({"province": ["CD99"]}, ["province=CD99"]),
    ({"from": ["2022"], "to": ["2020"]}, ["from=2022", "to=2020"]),
])
def test_invalid_or_stale_values_are_dropped_and_reported(portfolio, params, dropped):
    state, found = parse_query_params(params, filter_options(portfolio))
    assert found == dropped
    assert state == FilterState()


def test_valid_values_survive_beside_dropped_ones(portfolio):
    state, dropped = parse_query_params({"donor": ["Sweden", "Nobody"]}, filter_options(portfolio))
    assert state.donors == ("Sweden",) and dropped == ["donor=Nobody"]


def test_absent_parameters_keep_the_fallback(portfolio):
    fallback = FilterState(themes=("gbv",), lang="fr")
    state, _ = parse_query_params({"cur": ["EUR"]}, filter_options(portfolio), fallback)
    assert state == FilterState(themes=("gbv",), lang="fr", currency="EUR")


@pytest.mark.parametrize("state, expected", [
    (FilterState(), ["A", "B", "C"]),
    (FilterState(donors=("Sweden",)), ["A"]),  # incoming funds (type 1) count as a donor
    (FilterState(orgs=("Netherlands",), role="funding"), ["B"]),
    (FilterState(orgs=("Netherlands",), role="implementing"), []),
    (FilterState(orgs=("Cordaid",), role="implementing"), ["B"]),
    (FilterState(orgs=("PAX",)), ["A"]),
    (FilterState(themes=("gbv",)), ["B"]),
    (FilterState(statuses=("4",)), ["A"]),
    (FilterState(statuses=("none",)), ["B", "C"]),
    (FilterState(provinces=("CD61",)), ["B"]),
    (FilterState(territories=("CD7402",)), ["A"]),
    (FilterState(year_from=2022), ["B"]),  # B's end is derived from its duration: 2024
    (FilterState(year_to=2020), ["A"]),
    (FilterState(themes=("gbv",), provinces=("CD74",)), []),
])
def test_each_filter_narrows_the_projects(portfolio, state, expected):
    assert ids(apply_filters(portfolio, state)) == expected


def test_year_filter_says_which_projects_have_no_date(portfolio):
    result = apply_filters(portfolio, FilterState(year_from=2000))
    assert result.undated_left_out == ("C",)


def test_place_filter_says_which_projects_have_no_province(portfolio):
    assert apply_filters(portfolio, FilterState(provinces=("CD61",))).unlocated_left_out == ("C",)


def test_donor_filter_keeps_only_that_donors_flows_and_the_sources_of_what_is_kept(portfolio):
    narrowed = apply_filters(portfolio, FilterState(donors=("Netherlands",))).portfolio
    assert list(narrowed.funding["flow_id"]) == ["fb"]
    assert sorted(narrowed.sources["record_id"]) == ["B|CD61", "fb"]


@pytest.mark.parametrize("row, years", [
    ({"planned_start": "2019-03", "planned_end": "2021"}, (2019, 2021)),
    ({"actual_start": "2022-11-15", "duration_months": 3}, (2022, 2023)),
    ({"actual_end": "2024"}, (None, 2024)),
    ({}, (None, None)),
])
def test_project_years_from_partial_dates(row, years):
    columns = ("activity_status", "planned_start", "actual_start", "planned_end", "actual_end", "duration_months")
    frame = pd.DataFrame([{c: row.get(c) for c in columns}])
    spans = compute_project_years(frame)
    found = tuple(None if pd.isna(v) else int(v) for v in (spans["first"].iloc[0], spans["last"].iloc[0]))
    assert found == years


def test_an_empty_portfolio_has_no_options_and_filters_to_nothing_without_error():
    empty = Portfolio(*(table(name, []) for name in ("projects", "funding", "locations", "sources", "documents")))
    options = filter_options(empty)
    assert options.donors == () and options.years is None
    state, dropped = parse_query_params({"donor": ["Sweden"], "from": ["2020"]}, options)
    assert dropped == ["donor=Sweden"]
    assert apply_filters(empty, state).portfolio.projects.empty
