"""Readers: encodings, delimiters, workbooks and unreadable files."""

import pytest

from data.intake.readers import SHARE_JUDGED, UnreadableFileError, parse_csv_table, parse_table_bytes
from tests.catalogue.build import workbook

CSV = "project_id;title_fr\nP1;Projet à Kalemie\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_are_decoded(encoding):
    table = parse_table_bytes(CSV.encode(encoding), "p.csv")[0]
    assert table.frame.loc[0, "title_fr"] == "Projet à Kalemie"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter):
    text = CSV.replace(";", delimiter)
    assert list(parse_table_bytes(text.encode(), "p.csv")[0].frame.columns[:2]) == ["project_id", "title_fr"]


def test_row_numbers_follow_the_spreadsheet_with_blank_lines_skipped():
    frame = parse_table_bytes(b"project_id\nA\n\nB\n", "p.csv")[0].frame
    assert list(frame["_row"]) == [2, 4]


def test_xlsx_sheets_are_read_with_typed_cells_as_text():
    data = workbook({"funding": [["flow_id", "amount"], ["F1", 12500000.0]]})
    table = parse_table_bytes(data, "book.xlsx")[0]
    assert table.source == "book.xlsx#funding" and table.frame.loc[0, "amount"] == "12500000"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"\x00\x01\x02binary\x00", "binary"), (b"PK\x03\x04junk", "XLSX"), (b"\n\n", "empty"),
])
def test_unreadable_bytes_raise_with_a_reason(data, reason):
    with pytest.raises(UnreadableFileError, match=reason):
        parse_table_bytes(data, "x.csv")


def test_a_repeated_header_keeps_both_columns():
    frame = parse_csv_table("project_id,notes,notes\nP,a,b\n", "dup.csv")[0]
    assert list(frame.columns) == ["project_id", "notes", "notes (2)", "_row"]
    assert frame.iloc[0][["notes", "notes (2)"]].tolist() == ["a", "b"]


@pytest.mark.parametrize("text", ["project_id,notes\r\nP,a\r\n", "project_id,notes\rP,a\r", "project_id,notes\nP,a\n"])
def test_every_line_ending_reads_the_same_rows(text):
    assert parse_csv_table(text, "x.csv")[0][["project_id", "notes"]].values.tolist() == [["P", "a"]]


def test_a_quoted_cell_keeps_its_line_break():
    frame = parse_csv_table('project_id,notes\nP,"two\r\nlines"\n', "x.csv")[0]
    assert frame.loc[0, "notes"] == "two\r\nlines"


def test_repeated_cells_stay_shared_past_the_rows_where_distinct_columns_stop_being_shared():
    rows = SHARE_JUDGED * 2
    text = "project_id,donor,amount\n" + "".join(f"P-{i},{'UK' if i % 2 else 'Sweden'},{i}.5\n" for i in range(rows))
    frame, _ = parse_csv_table(text, "f.csv")
    assert frame["project_id"].tolist() == [f"P-{i}" for i in range(rows)]
    assert frame["donor"].tolist() == ["Sweden", "UK"] * SHARE_JUDGED
    assert frame["amount"].tolist() == [f"{i}.5" for i in range(rows)]
    assert frame["_row"].tolist() == list(range(2, rows + 2))
    assert len({id(cell) for cell in frame["donor"]}) == 2  # one string object per donor
