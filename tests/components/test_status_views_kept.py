"""A filter state's Status rows taken from the dataset's (positions, dataset orders, dates worded once) equal the
rows, picks and tables computed for that state alone: timeline cap, burn, households, checks table."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from components.status_views import (
    code_checks,
    compute_every_check,
    compute_view_burn,
    compute_view_check_counts,
    compute_view_households,
    compute_view_quality,
    compute_view_timeline,
    limit_households,
    limit_kept_households,
    make_check_counts_table,
    make_check_dates,
    make_checks_table,
    make_coded_counts_table,
    rank_households,
)
from components.timeline import limit_kept_timeline, limit_timeline
from components.view import View
from data.filters import FilterState, today_utc
from data.metrics import compute_funding, compute_project_money
from data.prepared import prepare_portfolio
from data.status import (
    NOT_PUBLISHED_FACTS,
    compute_burn,
    compute_data_quality,
    compute_fact_gaps,
    compute_households,
    compute_status_checks,
    compute_timeline,
    compute_unmatched_provinces,
    kept_rows,
    of_kept,
    project_positions,
    rank_latest_started,
    unmatched_of,
)


@pytest.fixture(scope="module")
def prepared(parse_synthetic):
    return prepare_portfolio(parse_synthetic(400, 11))


STATES = [FilterState(), FilterState(statuses=("2",)), FilterState(statuses=("3", "none")),
          FilterState(year_from=2021, year_to=2023), FilterState(themes=("nothing",)),
          FilterState(statuses=("1", "4"), currency="EUR")]


def _view(prepared, state: FilterState) -> View:
    v = prepared.view(state)
    return View(state, prepared.portfolio, v.result, v.funding, today_utc(), prepared.converted(state.currency),
                prepared.shares, prepared.dates, prepared)


def _bars(rows: list[tuple[str, dt.date | None]]) -> pd.DataFrame:
    return pd.DataFrame({"project_id": [r[0] for r in rows], "kind": "planned", "start": [r[1] for r in rows]})


# ties (P1, P3 start the same day), a project with no start (P4), one with a start on only one of its bars (P0)
TIES = [("P0", None), ("P0", dt.date(2021, 1, 1)), ("P1", dt.date(2022, 5, 1)), ("P2", dt.date(2020, 1, 1)),
        ("P3", dt.date(2022, 5, 1)), ("P4", None), ("P5", dt.date(2023, 1, 1))]


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 6, 10])
@pytest.mark.parametrize("keep", [[1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 1, 1], [1, 0, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0],
                                  [1, 0, 0, 0, 1, 0]])
def test_the_timeline_cap_from_the_dataset_order_is_limit_timeline_of_the_state(keep, limit):
    every = _bars(TIES)
    ids = np.array([f"P{i}" for i in range(6)], dtype=object)
    positions = project_positions(every, ids)
    keep = np.array(keep, dtype=bool)
    bars = of_kept(every, positions, keep)
    drawn, count = limit_kept_timeline(bars, positions[kept_rows(positions, keep)],
                                       rank_latest_started(every, positions, len(ids)), keep, limit)
    expected, expected_count = limit_timeline(bars, limit)
    assert count == expected_count
    pd.testing.assert_frame_equal(drawn, expected)


def test_the_latest_started_come_first_ties_in_dataset_order_no_start_last():
    every = _bars(TIES)
    positions = project_positions(every, np.array([f"P{i}" for i in range(7)], dtype=object))  # P6: no bar
    assert rank_latest_started(every, positions, 7).tolist() == [5, 1, 3, 0, 2, 4]


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
@pytest.mark.parametrize("keep", [[1, 1, 1, 1, 1, 1], [0, 1, 1, 0, 1, 1], [1, 0, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0]])
def test_the_households_drawn_from_the_dataset_order_are_limit_households_of_the_state(keep, limit):
    # targeted ties (30: P1, P3; by id), the largest (50) last in the dataset
    every = pd.DataFrame({"project_id": ["P3", "P1", "P0", "P2", "P5", "P4"], "targeted": [30, 30, 0, 10, 30, 50],
                          "reached": [1] * 6, "minimum": [False] * 6})
    positions = np.arange(6)
    keep = np.array(keep, dtype=bool)
    households = of_kept(every, positions, keep)
    pd.testing.assert_frame_equal(
        limit_kept_households(households, kept_rows(positions, keep), rank_households(every), limit),
        limit_households(households, limit))


@pytest.mark.parametrize("state", STATES)
def test_a_states_timeline_burn_and_households_equal_their_computation_for_its_projects(prepared, state):
    view = _view(prepared, state)
    projects = view.portfolio.projects
    bars, undated, drawn, count = compute_view_timeline(view)
    expected_bars, expected_undated = compute_timeline(projects, view.today, prepared.dates)
    pd.testing.assert_frame_equal(bars, expected_bars)
    assert undated == expected_undated
    expected_drawn, expected_count = limit_timeline(expected_bars)
    pd.testing.assert_frame_equal(drawn, expected_drawn)
    assert count == expected_count
    for small in (1, 5):  # the cap reached: the same rows picked
        ranked = rank_latest_started(*_every_bars(view), len(view.keep))
        positions = _every_bars(view)[1]
        picked = limit_kept_timeline(bars, positions[kept_rows(positions, view.keep)], ranked, view.keep, small)
        pd.testing.assert_frame_equal(picked[0], limit_timeline(bars, small)[0])
    burn, left_out = compute_view_burn(view)
    expected_burn, expected_left_out = compute_burn(projects, compute_funding(view.portfolio.funding, state.currency),
                                                    view.today)
    pd.testing.assert_frame_equal(burn, expected_burn)
    assert left_out == expected_left_out
    households, missing, shown = compute_view_households(view)
    expected_households, expected_missing = compute_households(projects)
    pd.testing.assert_frame_equal(households, expected_households)
    assert missing == expected_missing
    pd.testing.assert_frame_equal(shown, limit_households(expected_households))
    if state == FilterState():  # the caps are reached, so the picks above were exercised
        assert len(expected_households) > 40 and count > 60


def _every_bars(view: View) -> tuple[pd.DataFrame, np.ndarray]:
    every = compute_timeline(view.full.projects, view.today, view.dates)[0]
    return every, project_positions(every, view.prepared.index.ids)


def test_a_donor_filter_computes_the_burn_of_the_states_own_flows(prepared):
    donor = prepared.portfolio.funding["donor"].dropna().iloc[0]
    view = _view(prepared, FilterState(donors=(donor,)))
    burn, left_out = compute_view_burn(view)
    expected = compute_burn(view.portfolio.projects, view.funding, view.today)
    pd.testing.assert_frame_equal(burn, expected[0])
    assert left_out == expected[1]
    # the dataset's sums would count the other donors' flows: the state's own differ somewhere
    every = compute_burn(view.portfolio.projects, None, view.today,
                         sums=compute_project_money(prepared.converted("USD")))[0]
    assert not every.equals(burn)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_checks_table_with_dates_worded_once_is_the_table(prepared, lang):
    every = compute_status_checks(prepared.portfolio.projects, dt.date(2026, 12, 1), prepared.dates)
    dates = make_check_dates(every, lang)
    for part in (every.iloc[:100], every.iloc[100:250], every.iloc[::7], every.iloc[:0]):
        pd.testing.assert_frame_equal(make_checks_table(part, lang, dates), make_checks_table(part, lang))
    odd = every.iloc[:3].copy()  # dates the dataset's words do not hold: worded on the spot
    odd["start"], odd["end"] = ["2019", None, "2020-02"], ["2031-12-31", "2030", None]
    pd.testing.assert_frame_equal(make_checks_table(odd, lang, dates), make_checks_table(odd, lang))


def test_repeated_project_ids_take_the_states_own_computation(prepared):
    projects = prepared.portfolio.projects
    twice = replace(prepared.portfolio, projects=pd.concat([projects, projects.iloc[:3]], ignore_index=True))
    model = prepare_portfolio(twice)
    view = _view(model, FilterState(statuses=("2",)))
    assert view.positions(compute_timeline(twice.projects, view.today, model.dates)[0], "x") is None
    burn, _ = compute_view_burn(view)
    sums = compute_project_money(model.converted("USD"))
    pd.testing.assert_frame_equal(burn, compute_burn(view.portfolio.projects, None, view.today, sums=sums)[0])


@pytest.mark.parametrize("state", [*STATES, FilterState(provinces=("CD61",))])
@pytest.mark.parametrize("donor", [False, True])
def test_a_states_data_quality_from_the_dataset_fact_gaps_is_its_own(prepared, state, donor):
    if donor:  # a donor filter keeps only that donor's flows of its projects
        state = replace(state, donors=(prepared.portfolio.funding["donor"].dropna().iloc[0],))
    view = _view(prepared, state)
    quality, expected = compute_view_quality(view), compute_data_quality(view.portfolio)
    assert quality.keys() == expected.keys()
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(quality[name], frame)
    assert quality["not_published"]["missing"].sum() > 0 or view.portfolio.projects.empty


def test_fact_gaps_count_each_empty_fact_per_project():
    projects = pd.DataFrame({c: [None, "x", float("nan")] for c in NOT_PUBLISHED_FACTS})
    projects["theme"] = ["a", "b", "c"]
    gaps = compute_fact_gaps(projects)
    assert gaps.shape == (3, len(NOT_PUBLISHED_FACTS))
    assert gaps.sum(axis=0).tolist() == [2] * (len(NOT_PUBLISHED_FACTS) - 1) + [0]  # theme is the last fact
    assert compute_fact_gaps(projects.iloc[:0]).shape == (0, len(NOT_PUBLISHED_FACTS))


@pytest.mark.parametrize("state", STATES)
def test_a_states_check_counts_from_the_dataset_codes_are_its_own_table(prepared, state):
    for lang in ("en", "fr"):
        view = _view(prepared, replace(state, lang=lang))
        checks = view.of_view(compute_every_check(view), "all_status_checks")
        others = checks[checks["severity"] != "conflict"]
        pd.testing.assert_frame_equal(compute_view_check_counts(view), make_check_counts_table(others, lang))


@pytest.mark.parametrize("rows", [
    [("A", "no_end_date", "gap"), ("A", "end_derived", "info"), ("B", "no_end_date", "gap"), ("C", "x", None)],
    [("A", "end_derived", "info")], []])
def test_counts_of_coded_checks_taken_by_a_mask_are_the_counts_of_those_rows(rows):
    checks = pd.DataFrame(rows, columns=["project_id", "check", "severity"], dtype=object)
    projects = np.arange(len(checks)) // 2
    for mask in (np.ones(len(checks), dtype=bool), np.arange(len(checks)) % 2 == 0, np.zeros(len(checks), dtype=bool)):
        expected = make_check_counts_table(checks[mask], "en")
        taken = make_coded_counts_table(code_checks(checks), projects, 3, "en", mask)
        pd.testing.assert_frame_equal(taken.reset_index(drop=True), expected.reset_index(drop=True))


def test_a_states_projects_with_no_date_are_its_own():
    from data.intake import parse_uploads
    from data.synth import make_synthetic_files, make_synthetic_portfolio

    frames = make_synthetic_portfolio(120, seed=3)
    frames["projects"].loc[frames["projects"].index[::7], ["planned_start", "actual_start", "planned_end",
                                                           "actual_end"]] = None
    model = prepare_portfolio(parse_uploads(make_synthetic_files(frames)).portfolio)
    found = 0
    for state in STATES:
        view = _view(model, state)
        _, left_out, _, _ = compute_view_timeline(view)
        assert left_out == compute_timeline(view.portfolio.projects, view.today, model.dates)[1]
        found += len(left_out)
    assert found > 0


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("rows", [slice(None), slice(2, 3), slice(0, 0)])
def test_the_ending_table_is_the_per_row_table_in_object_text_columns(lang, rows):
    from components.i18n import format_partial_date, status_label, t
    from components.status_views import make_ending_table

    ending = pd.DataFrame({"project_id": ["A", "B&", "C"], "end": [dt.date(2026, 12, 31), dt.date(2027, 1, 5), None],
                           "days_left": [30, 35, 40], "end_text": ["2026", "2027-01-05", None],
                           "derived": [False, True, False], "status": [2, None, 1]}).iloc[rows]
    ending.loc[ending["end"].isna(), "end"] = dt.date(2027, 2, 1)
    old = pd.DataFrame({  # make_ending_table as it was: inferred column types
        t("col.project", lang): ending["project_id"],
        t("col.end", lang): [format_partial_date(e.isoformat(), lang) + (f" ({t('col.derived', lang)})" if d else "")
                             for e, d in zip(ending["end"], ending["derived"])],
        t("col.days_left", lang): ending["days_left"],
        t("col.status", lang): [status_label(s, lang) for s in ending["status"]],
    })
    text = [c for c in old.columns if c != t("col.days_left", lang)]
    pd.testing.assert_frame_equal(make_ending_table(ending, lang), old.astype(dict.fromkeys(text, object)))


@pytest.mark.parametrize("dtype", ["str", object])
def test_the_checks_section_splits_and_counts_as_value_counts_did(dtype, monkeypatch):
    from contextlib import nullcontext

    from components import status_views
    from components.i18n import t

    checks = pd.DataFrame({"project_id": ["A", "A", "B", "C", None], "check": ["no_end_date"] * 5,
                           "severity": ["conflict", "gap", "info", None, "gap"], "status": [None] * 5,
                           "start": [None] * 5, "end": [None] * 5, "end_derived": [False] * 5}).astype(
        {"project_id": dtype, "severity": dtype})
    shown = {}
    monkeypatch.setattr(status_views.st, "caption", lambda text: shown.setdefault("caption", text))
    monkeypatch.setattr(status_views, "render_paged_table", lambda rows, *a, **k: shown.setdefault(k["key"], rows))
    monkeypatch.setattr(status_views, "render_table", lambda frame, *a: None)
    monkeypatch.setattr(status_views, "render_folded", lambda *a, **k: (nullcontext(), True))  # unfolded
    status_views.render_checks(checks, "en")
    counts = checks["severity"].value_counts()  # render_checks as it was
    assert shown["caption"] == t("checks.caption", "en", conflicts=int(counts.get("conflict", 0)),
                                 gaps=int(counts.get("gap", 0)), n=checks["project_id"].nunique())
    pd.testing.assert_frame_equal(shown["checks_conflicts"], checks[checks["severity"] == "conflict"])
    pd.testing.assert_frame_equal(shown["checks_others"], checks[checks["severity"] != "conflict"])


def test_a_states_unmatched_places_taken_by_position_are_its_own():
    from data.intake import parse_uploads
    from data.synth import make_synthetic_files, make_synthetic_portfolio

    frames = make_synthetic_portfolio(150, seed=4)
    places = frames["locations"]
    unplaced = set(frames["projects"]["project_id"].iloc[::5])  # provincial projects left with no place
    places = places[~places["project_id"].isin(unplaced)].copy()
    places.loc[places.index[::4], "province_name"] = "Nowhere"  # names that match no province
    frames["locations"] = places
    model = prepare_portfolio(parse_uploads(make_synthetic_files(frames)).portfolio)
    every = compute_unmatched_provinces(model.portfolio)
    assert set(every["reason"]) == {"name_mismatch", "no_province"}
    partial = 0
    for state in STATES:
        view = _view(model, state)
        quality, expected = compute_view_quality(view), compute_data_quality(view.portfolio)["unmatched"]
        # the rows the page took by id before (unmatched_of), which are the state's own rows
        pd.testing.assert_frame_equal(quality["unmatched"], unmatched_of(every, view.portfolio.projects,
                                                                         len(model.portfolio.projects)))
        assert quality["unmatched"].astype(object).equals(expected.astype(object))
        partial += 0 < len(expected) < len(every)
    assert partial > 0
