"""Exports neutralise spreadsheet formulas (CSV and XLSX) and keep plain numbers as they are."""
import io

import openpyxl
import pandas as pd
import pytest

from data.export import neutralise_formula, neutralise_frame, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
    ("=1+1", "'=1+1"),
    ("+1+1", "'+1+1"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("-2+3", "'-2+3"),
    ("-12", "-12"),
    ("+3.5", "+3.5"),
    ("-0,5", "-0,5"),
    ("1e3", "1e3"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-", "'-"),
    ("+243 81 000 0000", "'+243 81 000 0000"),
    ("Kinshasa", "Kinshasa"),
    ("a=b", "a=b"),
    ("", ""),
    (12, 12),
    (-12.5, -12.5),
    (None, None),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


FRAME = pd.DataFrame({"=col": ["=HYPERLINK(\"x\")", "-12", "Été", None], "n": [1, -2, 3, 4],
                      "amount": [1.5, float("nan"), -3.0, 0.0]})


def test_csv_export_is_utf8_with_bom_and_neutralised():
    data = to_csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["'=col", "n", "amount"]
    assert list(back["'=col"]) == ["'=HYPERLINK(\"x\")", "-12", "Été", ""]
    assert list(back["n"]) == ["1", "-2", "3", "4"]


def test_xlsx_export_has_no_formula_cells():
    data = to_xlsx_bytes({"rejected rows": FRAME, "a/b[c]": FRAME.head(1)})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["rejected rows", "a_b_c_"]
    sheet = book["rejected rows"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["'=col", "n", "amount"]
    assert values[1] == ["'=HYPERLINK(\"x\")", 1, 1.5]
    assert values[2] == ["-12", -2, None]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_whole_numbers_have_no_trailing_zero_in_the_csv():
    frame = pd.DataFrame({"id": ["a", "b", "c"], "amount": [12_500_000.0, 1.1172, float("nan")]})
    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines() == ["id,amount", "a,12500000", "b,1.1172", "c,"]


def test_xlsx_columns_fit_their_text_and_numbers_and_days_are_formatted():
    import datetime as dt

    frame = pd.DataFrame({"title": ["Durable solutions for displacement-affected communities in Tanganyika"],
                          "amount": [13_965_000.0], "rate": [1.1172], "rate date": [pd.Timestamp("2026-10-30")]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"flows": frame})))["flows"]
    assert sheet.column_dimensions["A"].width > 40 and sheet.column_dimensions["B"].width < 20
    amount, rate, day = sheet["B2"], sheet["C2"], sheet["D2"]
    assert amount.value == 13_965_000 and amount.number_format == "#,##0"
    assert rate.value == 1.1172 and rate.number_format == "General"
    assert day.value.date() == dt.date(2026, 10, 30) and day.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("column", [
    pd.Series(["a", "=b", None], dtype="string"), pd.Series(["a", "b", None], dtype="string"),
    pd.Series(["a", "b", None]), pd.Series(["-1", "+x", None]), pd.Series(["a", 1, None, "@x"], dtype=object),
    pd.Series([None, None], dtype=object), pd.Series([1.5, None]), pd.Series(["=1+1", "\tx"], dtype="str")])
def test_a_column_with_nothing_to_neutralise_is_kept_as_mapping_it_would_give(column):
    # the frame is neutralised cell by cell only where a cell starts like a formula: the same values and dtype
    frame = pd.DataFrame({"=name": column, "n": range(len(column))})
    out = neutralise_frame(frame)
    expected = column.map(neutralise_formula) if column.dtype == object or isinstance(column.dtype, pd.StringDtype) \
        else column
    pd.testing.assert_series_equal(out["'=name"], expected, check_names=False)
    assert list(out.columns) == ["'=name", "n"]
