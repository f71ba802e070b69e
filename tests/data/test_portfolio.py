"""A FileReport holds Problems, from the reader to the page; one helper puts the column and reason beside each
refused row."""
import pandas as pd
import pytest

from data.intake import parse_uploads
from data.intake.assemble import parse_portfolio
from data.intake.readers import RawTable
from data.portfolio import compute_refused_rows
from data.schema import Problem


def raw(name, rows):
    frame = pd.DataFrame(rows).astype(object)
    frame["_row"] = range(2, len(frame) + 2)
    return RawTable(name, frame)


@pytest.fixture
def portfolio():
    return parse_portfolio([
        raw("p.csv", [{"project_id": "P1", "title_en": "One", "planned_start": "2024-01", "planned_end": "2023-01"}]),
        raw("f.csv", [{"flow_id": "F1", "project_id": "P2", "transaction_type": "3"},
                      {"flow_id": "F2", "project_id": "P1", "transaction_type": "3"}]),
    ])


def test_reports_hold_problems_of_their_own_file_and_severity(portfolio):
    for report in portfolio.reports:
        assert all(isinstance(p, Problem) and p.severity == "error" and p.file == report.path
                   for p in report.rejected), report.rejected
        assert all(isinstance(p, Problem) and p.severity == "warning" and p.file == report.path
                   for p in report.warnings), report.warnings
    projects, funding = (next(r for r in portfolio.reports if r.table == t) for t in ("projects", "funding"))
    # schema.validate_references and schema._row_warnings word these
    assert funding.rejected == [Problem("f.csv", 2, "project_id", "project_id 'P2' is not in the projects table")]
    assert [(p.row, p.column) for p in projects.warnings] == [(2, "planned_end")]


def test_a_report_as_dict_keeps_the_check_json_shape(portfolio):
    funding = next(r for r in portfolio.reports if r.table == "funding")
    assert funding.as_dict()["rejected"] == [{"row": 2, "column": "project_id",
                                              "reason": "project_id 'P2' is not in the projects table"}]


def test_the_refused_rows_come_as_read_and_get_their_reason_from_the_problems(portfolio):
    funding = next(r for r in portfolio.reports if r.table == "funding")
    assert "_reason" not in funding.rejected_rows and "_column" not in funding.rejected_rows
    shown = compute_refused_rows(funding.rejected_rows, funding.rejected)
    assert shown[["flow_id", "_row", "_column", "_reason"]].values.tolist() == \
        [["F1", 2, "project_id", "project_id 'P2' is not in the projects table"]]


def test_an_uploaded_file_reports_problems_too():
    data = b"project_id,province_name,split_known\nP-1,Katanga,false\n"
    report = next(r for r in parse_uploads([("loc.csv", data)]).portfolio.reports if r.table == "locations")
    assert [(type(p), p.file, p.row, p.severity) for p in report.rejected] == [(Problem, "loc.csv", 2, "error")]


def test_each_row_gets_its_own_errors_else_the_file_wide_ones():
    rows = pd.DataFrame({"a": ["x", "y", "z"], "_row": [2, 3, None], "_reason": ["stale", "stale", "stale"]})
    problems = [Problem("f", 2, "amount", "not a number"), Problem("f", 2, None, "no currency"),
                Problem("f", 3, "title_en", "kept, but long", "warning"), Problem("f", None, "project_id", "missing")]
    shown = compute_refused_rows(rows, problems)
    assert shown.columns.tolist() == ["a", "_row", "_column", "_reason"]
    assert shown["_column"].tolist() == ["amount; ", "project_id", "project_id"]
    assert shown["_reason"].tolist() == ["not a number; no currency", "missing", "missing"]


def test_rows_without_row_numbers_take_the_file_wide_errors():
    shown = compute_refused_rows(pd.DataFrame({"a": ["x"]}), [Problem("f", None, None, "not a known table")])
    assert (shown.loc[0, "_column"], shown.loc[0, "_reason"]) == ("", "not a known table")
