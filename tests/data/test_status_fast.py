"""The vectorised status computations give exactly what the per-project path gave (bench/naive.py): checks,
timeline bars, ending soon, burn, households, unmatched provinces, on the sample and a synthetic portfolio."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from bench.naive import (
    naive_compute_burn,
    naive_compute_ending_soon,
    naive_compute_households,
    naive_compute_status_checks,
    naive_compute_timeline,
    naive_compute_unmatched_provinces,
    naive_count_without_end,
)
from data.metrics import compute_funding
from data.status import (
    compute_burn,
    compute_ending_soon,
    compute_households,
    compute_status_checks,
    compute_timeline,
    compute_unmatched_provinces,
    count_without_end,
)

SYNTHETIC = (400, 5)  # projects, seed of the synthetic `portfolio` (tests/data/conftest.py)


DAYS = [dt.date(2026, 12, 1), dt.date(2024, 2, 29), dt.date(2019, 1, 1)]


def _same(fast: pd.DataFrame, naive: pd.DataFrame) -> None:
    assert list(fast.columns) == list(naive.columns)
    assert fast.astype(object).where(fast.notna(), None).values.tolist() == \
        naive.astype(object).where(naive.notna(), None).values.tolist()


@pytest.mark.parametrize("today", DAYS)
def test_checks_and_timeline_equal_the_naive_path(portfolio, today):
    _same(compute_status_checks(portfolio.projects, today), naive_compute_status_checks(portfolio.projects, today))
    bars, left_out = compute_timeline(portfolio.projects, today)
    naive_bars, naive_left_out = naive_compute_timeline(portfolio.projects, today)
    _same(bars, naive_bars)
    assert left_out == naive_left_out


@pytest.mark.parametrize("days", [90, 180, 3650])
@pytest.mark.parametrize("today", DAYS)
def test_ending_soon_equals_the_naive_path(portfolio, today, days):
    key = ["days_left", "project_id"]
    fast = compute_ending_soon(portfolio.projects, today, days).sort_values(key).reset_index(drop=True)
    naive = naive_compute_ending_soon(portfolio.projects, today, days).sort_values(key).reset_index(drop=True)
    _same(fast, naive)
    assert count_without_end(portfolio.projects) == naive_count_without_end(portfolio.projects)


@pytest.mark.parametrize("today", DAYS)
def test_burn_equals_the_naive_path(portfolio, today):
    converted = compute_funding(portfolio.funding, "USD")
    frame, left_out = compute_burn(portfolio.projects, converted, today)
    naive_frame, naive_left_out = naive_compute_burn(portfolio.projects, converted, today)
    assert left_out == naive_left_out
    assert list(frame["project_id"]) == list(naive_frame["project_id"])
    for column in ("elapsed", "burn"):
        assert frame[column].tolist() == pytest.approx(naive_frame[column].tolist(), rel=1e-12)
    assert frame["far"].tolist() == naive_frame["far"].tolist()
    assert frame["basis"].tolist() == naive_frame["basis"].tolist()


def test_households_and_unmatched_provinces_equal_the_naive_path(portfolio):
    frame, left_out = compute_households(portfolio.projects)
    naive_frame, naive_left_out = naive_compute_households(portfolio.projects)
    _same(frame, naive_frame)
    assert left_out == naive_left_out
    _same(compute_unmatched_provinces(portfolio), naive_compute_unmatched_provinces(portfolio))


def test_dates_computed_for_the_whole_dataset_serve_any_subset(portfolio):
    from data.status import compute_project_dates

    dates = compute_project_dates(portfolio.projects)
    subset = portfolio.projects.iloc[::3]
    today = DAYS[0]
    _same(compute_status_checks(subset, today, dates), compute_status_checks(subset, today))
    _same(compute_timeline(subset, today, dates)[0], compute_timeline(subset, today)[0])
    _same(compute_ending_soon(subset, today, 365, dates), compute_ending_soon(subset, today, 365))
    assert count_without_end(subset, dates) == count_without_end(subset)


@pytest.mark.parametrize("today", DAYS)
def test_rows_found_for_the_whole_dataset_equal_rows_found_for_a_subset(portfolio, today):
    # the pages find checks, bars and ending soon once per day for every project and take a filter state's rows
    from data.status import compute_project_dates, of_projects

    projects = portfolio.projects
    dates = compute_project_dates(projects)
    every = (compute_status_checks(projects, today, dates), compute_timeline(projects, today, dates),
             compute_ending_soon(projects, today, 365, dates))
    for subset in (projects.iloc[::3], projects.iloc[1::7], projects[projects["activity_status"] == 2],
                   projects.iloc[:0]):
        _same(of_projects(every[0], subset), compute_status_checks(subset, today, dates))
        bars, left_out = compute_timeline(subset, today, dates)
        _same(of_projects(every[1][0], subset), bars)
        ids = set(subset["project_id"])
        assert [pid for pid in every[1][1] if pid in ids] == left_out
        _same(of_projects(every[2], subset), compute_ending_soon(subset, today, 365, dates))


def test_unmatched_places_found_for_the_whole_dataset_serve_a_filter_state_without_a_place_filter(portfolio):
    # the Status page takes a filter state's rows of the dataset's unmatched places (data.status.unmatched_of)
    from dataclasses import replace

    from data.filters import FilterState, apply_filters
    from data.status import unmatched_of

    places = portfolio.locations
    places = places[~places["project_id"].isin(portfolio.projects["project_id"].iloc[::4])].copy()  # unplaced ones
    places.loc[places.index[::3], "province_name"] = "Nowhere"  # names that match no province
    orphan = places.iloc[:1].assign(project_id="NOT-A-PROJECT")  # a place of no project: kept when nothing narrows
    portfolio = replace(portfolio, locations=pd.concat([places, orphan], ignore_index=True))
    every = compute_unmatched_provinces(portfolio)
    assert set(every["reason"]) == {"name_mismatch", "no_province"}
    for state in (FilterState(), FilterState(statuses=("2",)), FilterState(statuses=("3", "none")),
                  FilterState(year_from=2021, year_to=2023), FilterState(themes=("nothing",))):
        narrowed = apply_filters(portfolio, state).portfolio
        _same(unmatched_of(every, narrowed.projects, len(portfolio.projects)), compute_unmatched_provinces(narrowed))


@pytest.mark.parametrize("today", DAYS)
def test_burn_of_a_filter_state_from_the_dataset_money_equals_the_burn_of_its_own_flows(portfolio, today):
    # the Status page passes the whole dataset's project sums when no donor filter splits a project's flows
    from data.filters import FilterState, apply_filters
    from data.metrics import compute_project_money

    sums = compute_project_money(compute_funding(portfolio.funding, "USD"))
    for state in (FilterState(), FilterState(statuses=("2",)), FilterState(statuses=("3", "none")),
                  FilterState(year_from=2021, year_to=2023), FilterState(themes=("nothing",))):
        narrowed = apply_filters(portfolio, state).portfolio
        frame, left_out = compute_burn(narrowed.projects, compute_funding(narrowed.funding, "USD"), today)
        taken, taken_left_out = compute_burn(narrowed.projects, None, today, sums=sums)
        pd.testing.assert_frame_equal(taken, frame)
        assert taken_left_out == left_out


def test_rows_taken_on_positions_equal_the_rows_taken_on_ids(portfolio):
    # View.of_view: a filter state's rows of a whole-dataset frame on the projects' positions (data.status.of_kept)
    import numpy as np

    from data.status import compute_project_dates, of_kept, of_projects, project_positions

    projects, today = portfolio.projects, DAYS[0]
    dates = compute_project_dates(projects)
    ids = projects["project_id"].to_numpy(dtype=object)
    for every in (compute_status_checks(projects, today, dates), compute_timeline(projects, today, dates)[0],
                  compute_ending_soon(projects, today, 3650, dates)):
        positions = project_positions(every, ids)
        active = (pd.to_numeric(projects["activity_status"], errors="coerce") == 2).to_numpy(dtype=bool, na_value=False)
        for keep in (np.arange(len(projects)) % 3 == 0, active,
                     np.zeros(len(projects), dtype=bool), np.ones(len(projects), dtype=bool)):
            _same(of_kept(every, positions, keep), of_projects(every, projects[keep]))
    assert project_positions(every, np.append(ids, ids[:1])) is None  # an id twice: of_projects instead
