"""Portfolio loading: tables detected, references checked, nothing lost."""
import pandas as pd

from data.intake import load_portfolio
from data.intake.assemble import parse_portfolio
from data.intake.readers import RawTable


def raw(name, rows):
    frame = pd.DataFrame(rows).astype(object)
    frame["_row"] = range(2, len(frame) + 2)
    return RawTable(name, frame)


def test_sample_portfolio_loads_every_table_without_rejections():
    portfolio = load_portfolio()
    assert all(not r.rejected for r in portfolio.reports) and portfolio.unreadable == []
    assert len(portfolio.projects) >= 6 and len(portfolio.documents) == 5


def test_funding_for_an_unknown_project_is_rejected_not_dropped():
    portfolio = parse_portfolio([
        raw("p.csv", [{"project_id": "P1", "title_en": "One"}]),
        raw("f.csv", [{"flow_id": "F1", "project_id": "P2", "transaction_type": "3"},
                      {"flow_id": "F2", "project_id": "P1", "transaction_type": "3"}]),
    ])
    report = next(r for r in portfolio.reports if r.table == "funding")
    assert (report.rows, report.accepted) == (2, 1)
    assert report.rejected[0].column == "project_id" and report.rejected_rows["flow_id"].tolist() == ["F1"]


def test_unknown_table_is_reported():
    portfolio = parse_portfolio([raw("x.csv", [{"foo": "1"}])])
    assert portfolio.reports[0].table is None and "not a known table" in portfolio.reports[0].rejected[0].reason


def test_rows_in_equal_accepted_plus_rejected():
    portfolio = parse_portfolio([raw("p.csv", [{"project_id": "P1", "title_en": "x"}, {"project_id": ""},
                                               {"project_id": "P1", "title_en": "dup"}])])
    report = portfolio.reports[0]
    rejected_rows = {r.row for r in report.rejected}
    assert report.rows == report.accepted + len(rejected_rows) == 3
