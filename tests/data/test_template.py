"""The downloadable templates: canonical headers, recognised as their tables, and valid once filled."""
import csv
import io

import openpyxl
import pytest

from data.intake.assemble import parse_portfolio
from data.intake.readers import parse_table_bytes
from data.schema import TABLES, detect_table
from data.template import (
    TEMPLATE_INFO_SHEETS,
    TEMPLATE_TABLES,
    is_template_info_sheet,
    make_template_csv,
    make_template_xlsx,
)


@pytest.mark.parametrize("table", TEMPLATE_TABLES)
def test_csv_template_is_detected_as_its_table(table):
    data = make_template_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents of filled-in rows right
    [raw] = parse_table_bytes(data, f"{table}.csv")
    assert [c for c in raw.frame.columns if not c.startswith("_")] == TABLES[table].column_names
    assert detect_table(list(raw.frame.columns)) == table


def fill_csv(table: str, row: dict) -> bytes:
    data = make_template_csv(table).decode("utf-8-sig")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=next(csv.reader([data])), lineterminator="\r\n")
    writer.writerow(row)
    return (data + out.getvalue()).encode("utf-8-sig")


def test_filled_csv_templates_validate(example_rows):
    raws = [raw for table in TEMPLATE_TABLES for raw in parse_table_bytes(fill_csv(table, example_rows[table]), table)]
    portfolio = parse_portfolio(raws)
    assert all(not report.rejected for report in portfolio.reports), [r.rejected for r in portfolio.reports]
    assert (len(portfolio.projects), len(portfolio.funding), len(portfolio.locations)) == (1, 1, 1)


def test_xlsx_template_has_the_sheets_headers_notes_and_codes():
    book = openpyxl.load_workbook(io.BytesIO(make_template_xlsx()))
    assert book.sheetnames == [*TEMPLATE_TABLES, *TEMPLATE_INFO_SHEETS]
    for table in TEMPLATE_TABLES:
        header = [c.value for c in book[table][1]]
        assert header == TABLES[table].column_names
        assert book[table].max_row == 1
        assert all(c.comment is not None and c.comment.text for c in book[table][1])
    notes = [[c.value for c in row] for row in book["notes"].iter_rows()]
    assert notes[0][:2] == ["template_sheet", "template_header"]
    assert {(r[0], r[1]) for r in notes[1:]} == {(t, c) for t in TEMPLATE_TABLES for c in TABLES[t].column_names}
    labels = {r[1]: (r[2], r[3]) for r in notes[1:]}  # the pages' labels: "Fin réelle", never "Fin effective"
    assert labels["actual_end"] == ("Actual end", "Fin réelle") and labels["actual_start"][1] == "Début réel"
    assert labels["duration_months"][1] == "Durée prévue (mois)" and labels["activity_status"][1] == "Statut IATI"
    codes = [[c.value for c in row] for row in book["codes"].iter_rows()]
    assert ["IATI activity status", "activity_status", "4", "Closed", "Clôturé"] in codes
    assert ["IATI transaction type", "transaction_type", "11", "Incoming commitment", "Engagement reçu"] in codes
    assert any(r[1] == "org_role" for r in codes) and any(r[1] == "theme" for r in codes)
    assert ["province P-code", "province_pcode", "CD61", "Nord-Kivu", "Nord-Kivu"] in codes


def test_filled_xlsx_template_validates(filled_template_xlsx):
    raws = parse_table_bytes(filled_template_xlsx, "template.xlsx")
    tables = [r for r in raws if detect_table(list(r.frame.columns))]
    info = [r.source for r in raws if is_template_info_sheet(r.frame.columns)]
    assert info == [f"template.xlsx#{s}" for s in TEMPLATE_INFO_SHEETS]
    assert not any(is_template_info_sheet(r.frame.columns) for r in tables)
    assert [r.source for r in tables] == [f"template.xlsx#{t}" for t in TEMPLATE_TABLES]
    portfolio = parse_portfolio(tables)
    assert all(not report.rejected for report in portfolio.reports), [r.rejected for r in portfolio.reports]
    assert (len(portfolio.projects), len(portfolio.funding), len(portfolio.locations)) == (1, 1, 1)
