"""Status checks compare the IATI status with the dates; timeline, ending soon, burn, households, data quality."""
import datetime as dt

import pandas as pd
import pytest

from data.metrics import compute_funding
from data.portfolio import Portfolio
from data.schema import TABLES
from data.status import (
    STATUS_CHECKS,
    compute_burn,
    compute_ending_soon,
    compute_households,
    compute_project_dates,
    compute_status_checks,
    compute_timeline,
    compute_unmatched_provinces,
    count_without_end,
)

TODAY = dt.date(2026, 6, 15)


def row(**values):
    base = {c: None for c in TABLES["projects"].column_names}
    return pd.Series({**base, "project_id": "P", **values})


def check_project(row: pd.Series, today: dt.date) -> list[str]:
    """Keys of the STATUS_CHECKS one project triggers."""
    return list(compute_status_checks(pd.DataFrame([row]), today)["check"])


def frame(*rows):
    out = pd.DataFrame(list(rows))
    for column in ("activity_status", "duration_months", "households_targeted", "households_reached"):
        out[column] = out[column].astype("Int64")
    return out


@pytest.mark.parametrize("values, check", [
    ({"activity_status": 2, "planned_start": "2020", "planned_end": "2025-12-31"}, "end_passed_still_active"),
    ({"activity_status": 1, "planned_start": "2020", "planned_end": "2025"}, "end_passed_still_active"),
    ({"activity_status": 2, "planned_start": "2020-01", "duration_months": 24}, "end_passed_still_active"),
    ({"activity_status": 2, "actual_start": "2020", "actual_end": "2025-03"}, "actual_end_still_active"),
    ({"activity_status": 4, "actual_start": "2024", "planned_end": "2027"}, "closed_before_end"),
    ({"activity_status": 2, "planned_start": "2027-01"}, "implementation_before_start"),
    ({"activity_status": 1, "actual_start": "2025-02-01"}, "pipeline_but_started"),
    ({"activity_status": 4, "planned_end": "2024"}, "closed_without_actual_end"),
    ({"planned_start": "2022-06-01", "actual_start": "2022-05-31"}, "actual_start_before_planned"),
    ({"actual_start": "2022-06-01", "actual_end": "2021"}, "end_before_start"),
    ({"activity_status": 2, "planned_end": "2027"}, "no_start_date"),
    ({"activity_status": 2, "planned_start": "2024"}, "no_end_date"),
    ({"activity_status": 2, "planned_start": "2024-01", "duration_months": 36}, "end_derived"),
    ({"planned_start": "2024", "planned_end": "2027"}, "status_not_published"),
])
def test_check_fires_on_its_crafted_project(values, check):
    assert check in check_project(row(**values), TODAY)


@pytest.mark.parametrize("values, check", [
    # an end of "2026" is not over on 15 June 2026
    ({"activity_status": 2, "planned_start": "2020", "planned_end": "2026"}, "end_passed_still_active"),
    ({"activity_status": 4, "actual_start": "2020", "actual_end": "2025"}, "closed_before_end"),
    ({"planned_start": "2022-06", "actual_start": "2022-06-10"}, "actual_start_before_planned"),  # same month
    ({"activity_status": 2, "planned_start": "2024", "planned_end": "2027"}, "no_end_date"),
])
def test_check_stays_quiet_when_the_dates_agree(values, check):
    assert check not in check_project(row(**values), TODAY)


def test_missing_status_is_a_gap_of_its_own_and_never_a_conflict():
    found = check_project(row(planned_start="2018", planned_end="2019"), TODAY)
    assert found == ["status_not_published"]
    assert STATUS_CHECKS["status_not_published"].severity == "gap"


def test_actual_end_conflict_is_not_reported_twice():
    found = check_project(row(activity_status=2, actual_start="2020", actual_end="2021"), TODAY)
    assert "actual_end_still_active" in found and "end_passed_still_active" not in found


def test_every_check_has_a_known_severity():
    assert {c.severity for c in STATUS_CHECKS.values()} <= {"conflict", "gap", "info"}


def test_status_checks_frame_has_one_row_per_finding():
    checks = compute_status_checks(frame(row(project_id="A", activity_status=2, planned_start="2020",
                                             planned_end="2021"), row(project_id="B")), TODAY)
    assert set(checks.columns) == {"project_id", "check", "severity", "status", "start", "end", "end_derived"}
    assert sorted(checks.loc[checks["project_id"] == "B", "check"]) == ["no_end_date", "no_start_date",
                                                                          "status_not_published"]


@pytest.mark.parametrize("start, months, first, last", [
    ("2021-12-14", 36, "2024-12-14", "2024-12-14"),
    ("2023-01-31", 1, "2023-02-28", "2023-02-28"),  # the day is clipped to the shorter month (pd.DateOffset)
    ("2023-11", 3, "2024-02-01", "2024-02-29"),  # a month's last day + 3 months: 30 Nov → 29 Feb (leap year)
    ("2020", 6, "2020-07-01", "2021-06-30"),  # a year: its first and last day each moved
])
def test_derived_end_adds_the_duration_to_the_start(start, months, first, last):
    dates = compute_project_dates(frame(row(planned_start=start, duration_months=months))).iloc[0]
    assert (dates["derived_first"], dates["derived_last"]) == (pd.Timestamp(first), pd.Timestamp(last))
    assert dates["end_derived"] and dates["derived_text"] == f"{start}+{months}m"


def test_timeline_has_planned_and_actual_bars_and_lists_undated_projects():
    bars, left_out = compute_timeline(frame(
        row(project_id="A", planned_start="2020-01", planned_end="2022", actual_start="2020-03-02",
            actual_end="2022-06-30", activity_status=4),
        row(project_id="B", planned_start="2024-01-01", duration_months=12),
        row(project_id="C", actual_start="2025"),
        row(project_id="D")), TODAY)
    a = bars[bars["project_id"] == "A"].set_index("kind")
    assert list(a.index) == ["planned", "actual"]
    assert a.loc["planned", "start"] == dt.date(2020, 1, 1) and a.loc["planned", "end"] == dt.date(2022, 12, 31)
    b = bars[bars["project_id"] == "B"].iloc[0]
    assert b["derived"] and b["end"] == dt.date(2025, 1, 1)
    c = bars[bars["project_id"] == "C"].iloc[0]
    assert c["open_end"] and c["end"] == TODAY
    assert left_out == ["D"]


@pytest.mark.parametrize("end, days, expected", [
    ("2026-08-01", 90, ["P"]),
    ("2026-11-01", 90, []),
    ("2026-11-01", 180, ["P"]),
    ("2026-06-01", 180, []),  # already over
    ("2026", 180, []),  # a year ends on its last day, 31 Dec 2026: beyond 12 Dec
    ("2026", 200, ["P"]),
])
def test_ending_soon_uses_the_published_end(end, days, expected):
    ending = compute_ending_soon(frame(row(planned_start="2024", planned_end=end)), TODAY, days)
    assert list(ending["project_id"]) == expected


def test_ending_soon_skips_closed_projects():
    assert compute_ending_soon(frame(row(activity_status=4, planned_end="2026-07")), TODAY).empty


def flows(rows):
    base = {"donor": "D", "org_role": 1, "recipient": "IOM", "currency": "USD", "value_date": None}
    out = pd.DataFrame([{**base, **r} for r in rows])
    out["transaction_type"] = out["transaction_type"].astype("Int64")
    return compute_funding(out, "USD")


def test_burn_flags_projects_far_from_the_diagonal_and_says_why_others_are_left_out():
    projects = frame(row(project_id="A", actual_start="2025-06-15", planned_end="2027-06-15"),
                     row(project_id="B", actual_start="2025-06-15", planned_end="2027-06-15"),
                     row(project_id="C"), row(project_id="E", actual_start="2025", planned_end="2027"))
    converted = flows([
        {"flow_id": "a1", "project_id": "A", "transaction_type": 11, "amount": 100.0},
        {"flow_id": "a2", "project_id": "A", "transaction_type": 3, "amount": 95.0},
        {"flow_id": "b1", "project_id": "B", "transaction_type": 11, "amount": 100.0},
        {"flow_id": "b2", "project_id": "B", "transaction_type": 4, "amount": 50.0},
        {"flow_id": "e1", "project_id": "E", "transaction_type": 11, "amount": 100.0},
    ])
    burn, left_out = compute_burn(projects, converted, TODAY)
    burn = burn.set_index("project_id")
    assert burn.loc["A", "far"] and not burn.loc["B", "far"]
    assert burn.loc["B", "basis"] == "spent"
    assert left_out == {"C": "dates", "E": "disbursed"}


def test_households_never_turn_missing_into_zero():
    shown, left_out = compute_households(frame(row(project_id="A", households_targeted=100, households_reached=40),
                                               row(project_id="B", households_targeted=10), row(project_id="C")))
    assert list(shown["project_id"]) == ["A"]
    assert left_out == {"B": "reached", "C": "both"}


def test_unmatched_provinces_flag_name_mismatch_and_unplaced_provincial_projects():
    locations = pd.DataFrame([{"project_id": "A", "province_pcode": "CD74", "province_name": "Ituri"}])
    projects = frame(row(project_id="A", coverage="provincial"), row(project_id="B", coverage="provincial"),
                     row(project_id="N", coverage="national"))
    empty = pd.DataFrame()
    found = compute_unmatched_provinces(Portfolio(projects, empty, locations, empty, empty))
    assert list(zip(found["project_id"], found["reason"])) == [("A", "name_mismatch"), ("B", "no_province")]


@pytest.mark.parametrize("name, pcode, flagged", [
    ("Ituri", "CD54", False), (" Ituri ", "CD54", False), ("Ituri", None, True), ("Nowhere", None, True),
    ("Nowhere", "CD54", True), ("  ", "CD54", False), (None, None, False)])
def test_a_place_is_flagged_when_its_name_does_not_resolve_to_its_pcode(name, pcode, flagged):
    # CD54 is Ituri's P-code (static/topojson, geo.provinces); a blank or absent name is not compared at all
    locations = pd.DataFrame([{"project_id": "A", "province_pcode": pcode, "province_name": name}])
    empty = pd.DataFrame()
    found = compute_unmatched_provinces(Portfolio(frame(row(project_id="A", coverage="provincial")), empty,
                                                  locations, empty, empty))
    assert list(found["reason"]) == (["name_mismatch"] if flagged else [])


def test_status_checks_show_the_dates_compared_and_flag_a_derived_end():
    checks = compute_status_checks(frame(row(activity_status=2, planned_start="2021-12-14", duration_months=36)),
                                   TODAY)
    conflict = checks[checks["check"] == "end_passed_still_active"].iloc[0]
    assert (conflict["start"], conflict["end"], conflict["end_derived"]) == ("2021-12-14", "2024-12-14", True)


def test_planned_bar_ends_at_the_derived_end_even_when_an_actual_end_exists():
    bars, _ = compute_timeline(frame(row(planned_start="2019-01-01", duration_months=30, actual_start="2019-03",
                                         actual_end="2021-12")), TODAY)
    planned = bars[bars["kind"] == "planned"].iloc[0]
    assert planned["derived"] and planned["end"] == dt.date(2021, 7, 1) and not planned["open_end"]


def test_projects_without_any_end_date_are_counted_once_derived_ends_included():
    projects = pd.DataFrame([
        {"project_id": "A", "planned_start": "2021-12-14", "planned_end": None, "actual_end": None,
         "actual_start": None, "duration_months": 36, "activity_status": 2},
        {"project_id": "B", "planned_start": "2021", "planned_end": None, "actual_end": None,
         "actual_start": None, "duration_months": None, "activity_status": 2},
        {"project_id": "C", "planned_start": None, "planned_end": "2024-06", "actual_end": None,
         "actual_start": None, "duration_months": None, "activity_status": None},
    ])
    assert count_without_end(projects) == 1
