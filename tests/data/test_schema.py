"""Schema: value parsers and validate_table keep bad rows with reasons."""
import datetime as dt

import pandas as pd
import pytest

from data.schema import (
    ACTIVITY_STATUS,
    ORG_ROLES,
    TRANSACTION_TYPES,
    compute_date_bounds,
    compute_project_titles,
    date_period,
    detect_table,
    parse_amount,
    parse_int,
    parse_partial_date,
    partial_date_bounds,
    validate_table,
)

PROVINCES = frozenset({"CD61", "CD54", "CD74"})


def test_iati_code_lists_are_complete():
    assert set(ACTIVITY_STATUS) == {1, 2, 3, 4, 5, 6}
    assert set(TRANSACTION_TYPES) == {1, 2, 3, 4, 11}
    assert set(ORG_ROLES) == {1, 2, 3, 4}
    assert all({"en", "fr"} <= set(labels) for labels in [*ACTIVITY_STATUS.values(), *TRANSACTION_TYPES.values()])


@pytest.mark.parametrize("text, first, last, precision", [
    ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"),
    ("2014-01", dt.date(2014, 1, 1), dt.date(2014, 1, 31), "month"),
    ("2021-12-14", dt.date(2021, 12, 14), dt.date(2021, 12, 14), "day"),
])
def test_partial_dates_keep_their_precision(text, first, last, precision):
    parsed = parse_partial_date(text)
    assert (parsed.first, parsed.last, parsed.precision) == (first, last, precision)


@pytest.mark.parametrize("text", ["14/12/2021", "2021-13-01", "2021-02-30", "soon"])
def test_bad_dates_raise_value_error_with_the_value(text):
    with pytest.raises(ValueError, match="not a"):
        parse_partial_date(text)


def test_a_date_column_is_typed_once_as_periods():
    """compute_date_bounds: each date column of a table as first, last day and precision, beside its text."""
    frame = pd.DataFrame({"flow_id": list("abcdefg"), "value_date": [
        "2024", "2024-02", "2023-02-28", None, "", "14/12/2021", dt.date(2021, 12, 14)]}, index=[5, 4, 3, 2, 1, 0, 9])
    typed = compute_date_bounds("funding", frame)
    assert list(typed.columns) == ["value_date_first", "value_date_last", "value_date_precision"]
    assert list(typed.index) == [5, 4, 3, 2, 1, 0, 9]
    day = pd.Timestamp
    assert typed["value_date_first"].tolist()[:3] == [day("2024-01-01"), day("2024-02-01"), day("2023-02-28")]
    assert typed["value_date_last"].tolist()[:3] == [day("2024-12-31"), day("2024-02-29"), day("2023-02-28")]
    assert typed["value_date_precision"].tolist() == ["year", "month", "day", None, None, None, "day"]
    assert typed["value_date_first"].iloc[3:6].isna().all()  # empty, blank, not a date: no period
    assert typed["value_date_first"].iloc[6] == day("2021-12-14")


@pytest.mark.parametrize("text", ["2024", "2000-02", "1999-02", "2021-12-14", "2024-12"])
def test_the_column_bounds_are_the_single_value_bounds(text):
    one = parse_partial_date(text)
    typed = partial_date_bounds(pd.Series([text])).iloc[0]
    assert (typed["first"].date(), typed["last"].date(), typed["precision"]) == (one.first, one.last, one.precision)
    assert date_period(text) == one


@pytest.mark.parametrize("parser, text, reason", [
    (parse_amount, "-5", "negative"), (parse_amount, "abc", "not a number"), (parse_amount, "inf", "finite"),
    (parse_int, "3.5", "whole number"), (parse_int, "many", "whole number"),
])
def test_number_parsers_reject_with_a_reason(parser, text, reason):
    with pytest.raises(ValueError, match=reason):
        parser(text)


def funding(**overrides):
    row = {"flow_id": "F1", "project_id": "P1", "donor": "Sweden", "org_role": "1", "recipient": "IOM",
           "transaction_type": "11", "amount": "100", "currency": "EUR", "value_date": "2021-12-14", "notes": ""}
    return pd.DataFrame([{**row, **overrides}])


def test_a_good_funding_row_is_accepted_and_typed():
    result = validate_table("funding", funding(), valid_provinces=PROVINCES)
    assert len(result.accepted) == 1 and result.rejected.empty
    row = result.accepted.iloc[0]
    assert (row["amount"], row["transaction_type"], row["org_role"]) == (100.0, 11, 1)


@pytest.mark.parametrize("overrides, column, reason", [
    ({"amount": "-3"}, "amount", "negative"),
    ({"transaction_type": "7"}, "transaction_type", "not one of"),
    ({"currency": "XYZ"}, "currency", "XYZ"),
    ({"currency": ""}, "currency", "needs a currency"),
    ({"value_date": "yesterday"}, "value_date", "not a date"),
    ({"flow_id": ""}, "flow_id", "required"),
])
def test_a_bad_funding_row_is_rejected_with_column_and_reason(overrides, column, reason):
    result = validate_table("funding", funding(**overrides), file="f.csv", valid_provinces=PROVINCES)
    assert result.accepted.empty and len(result.rejected) == 1
    problem = result.errors[0]
    assert (problem.file, problem.row, problem.column) == ("f.csv", 2, column)
    assert reason in problem.reason


def test_rejected_rows_keep_what_was_read():
    result = validate_table("funding", funding(amount="-3", notes="kept"), valid_provinces=PROVINCES)
    assert result.rejected.iloc[0]["notes"] == "kept"
    assert result.rejected.iloc[0]["amount"] == "-3"


def test_duplicate_keys_are_rejected_and_name_the_first_row():
    frame = pd.concat([funding(), funding()], ignore_index=True)
    result = validate_table("funding", frame, valid_provinces=PROVINCES)
    assert len(result.accepted) == 1 and "first at row 2" in result.errors[0].reason


def test_end_before_start_is_kept_with_a_warning_for_the_status_checks():
    frame = pd.DataFrame([{"project_id": "P", "title_fr": "x", "planned_start": "2022", "planned_end": "2021"}])
    result = validate_table("projects", frame, valid_provinces=PROVINCES)
    assert result.errors == [] and len(result.accepted) == 1
    [warning] = [p for p in result.problems if p.severity == "warning"]
    assert warning.column == "planned_end" and "status conflict" in warning.reason


def test_unknown_province_code_is_rejected():
    frame = pd.DataFrame([{"project_id": "P", "province_pcode": "CD99"}])
    result = validate_table("locations", frame, valid_provinces=PROVINCES)
    assert "not a province P-code" in result.errors[0].reason


def test_territory_outside_its_province_is_rejected():
    frame = pd.DataFrame([{"project_id": "P", "province_pcode": "CD61", "territory_pcode": "CD7402"}])
    result = validate_table("locations", frame, valid_provinces=PROVINCES)
    assert result.errors[0].column == "territory_pcode"


def test_missing_required_column_rejects_every_row():
    result = validate_table("funding", pd.DataFrame([{"donor": "x"}]), valid_provinces=PROVINCES)
    assert len(result.rejected) == 1 and result.errors[0].reason == "required column missing"


def test_unknown_columns_are_warnings_not_errors():
    result = validate_table("funding", funding(extra="?"), valid_provinces=PROVINCES)
    assert len(result.accepted) == 1 and result.warnings[0].column == "extra"


@pytest.mark.parametrize("columns, table", [
    (["flow_id", "project_id", "transaction_type", "amount"], "funding"),
    (["project_id", "province_pcode"], "locations"),
    (["project_id", "title_fr"], "projects"),
    (["foo", "bar"], None),
])
def test_detect_table_from_headers(columns, table):
    assert detect_table(columns) == table


@pytest.mark.parametrize(("lang", "expected"), [("en", ["Title", "Titre seul", "", "Title only"]),
                                                ("fr", ["Titre", "Titre seul", "", "Title only"])])
def test_project_titles_prefer_the_language_and_fall_back_to_the_other(lang, expected):
    projects = pd.DataFrame({"title_en": ["Title", None, "", "Title only"],
                             "title_fr": ["Titre", "Titre seul", None, "  "]})
    assert compute_project_titles(projects, lang).tolist() == expected
