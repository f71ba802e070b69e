"""The Data page's pure helpers: the new version's files, the report tables, the confirm label, versions."""
import io

import pandas as pd
import pytest

from components.intake import (
    make_confirm_label,
    make_files_table,
    make_pending,
    make_previews,
    make_problems_table,
    make_rejected_rows,
    make_summary,
    make_version_files,
    make_version_label,
    make_versions_table,
    short_name,
    upload_signature,
)
from data import storage
from data.export import to_csv_bytes
from data.intake import parse_uploads
from data.portfolio import SAMPLE_FILES

PROJECTS = (b"project_id,title_en,activity_status\r\n"
            b"P1,First,2\r\n"
            b"P2,=HYPERLINK(\"http://evil.example\"),9\r\n"
            b"P3,Third,4\r\n")
FUNDING = b"flow_id,project_id,transaction_type,amount,currency\nF1,P1,11,100,USD\nF2,NOPE,11,5,USD\n"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def intake():
    return parse_uploads([("projects.csv", PROJECTS), ("funding.csv", FUNDING), ("notes.pdf", b"%PDF-1.4")])


def test_replace_keeps_only_the_uploads_with_safe_names():
    files = make_version_files([("old.csv", b"o")], [("../p.csv", b"p")], "replace")
    assert files == [("p.csv", b"p")]


def test_add_keeps_the_files_in_use_and_a_same_name_upload_replaces_its_file():
    previous = [("projects.csv", b"old"), ("funding.csv", b"f")]
    files = make_version_files(previous, [("Projects.csv", b"new"), ("more.csv", b"m")], "add")
    assert files == [("funding.csv", b"f"), ("Projects.csv", b"new"), ("more.csv", b"m")]


def test_pending_in_add_mode_on_the_sample_stores_the_sample_bytes_too():
    pending = make_pending([("extra.csv", PROJECTS)], "add", None)
    assert [name for name, _ in pending.files] == [*(p.name for p in SAMPLE_FILES), "extra.csv"]
    assert pending.files[0][1] == SAMPLE_FILES[0].read_bytes()
    assert pending.uploaded == ["extra.csv"]
    assert pending.summary["projects"] == 13 + 2  # P1 and P3 accepted, P2 rejected
    assert pending.summary["rejected"] == 1


def test_pending_in_add_mode_on_a_stored_version_uses_its_files():
    version = storage.save_version([("projects.csv", PROJECTS)], {})
    pending = make_pending([("funding.csv", FUNDING)], "add", version)
    assert [name for name, _ in pending.files] == ["projects.csv", "funding.csv"]
    assert pending.summary["funding"] == 1  # F2 refers to no known project


def test_summary_counts(intake):
    summary = make_summary(intake)
    assert summary["projects"] == 2 and summary["funding"] == 1
    assert summary["files"] == 3 and summary["unreadable"] == 1
    assert summary["rejected"] == 2 and summary["rows_in"] == 5 and summary["accepted"] == 3


@pytest.mark.parametrize("lang, header", [("en", "Rows read"), ("fr", "Lignes lues")])
def test_files_table(intake, lang, header):
    table = make_files_table(intake.files, lang)
    assert header in table.columns
    assert list(table.iloc[:, 0]) == ["projects.csv", "funding.csv", "notes.pdf"]
    unreadable = table.iloc[2]
    assert unreadable.iloc[1] == ("Unreadable" if lang == "en" else "Illisible")
    assert "pdf" in unreadable.iloc[-1]


def test_problems_table_names_file_row_column_and_reason(intake):
    problems = make_problems_table(intake.portfolio, "en")
    assert list(problems.columns) == ["File", "Row", "Column", "Reason", "Outcome"]
    status = problems[(problems["File"] == "projects.csv") & (problems["Column"] == "activity_status")]
    assert list(status["Row"]) == ["3"] and set(status["Outcome"]) == {"row rejected"}
    assert any(problems["File"] == "funding.csv")


def test_rejected_rows_can_be_downloaded_with_formulas_neutralised(intake):
    rows = make_rejected_rows(intake.portfolio, "fr")
    assert list(rows.columns[:4]) == ["Fichier", "Ligne", "Colonne", "Motif"]
    p2 = rows[rows["project_id"] == "P2"].iloc[0]
    assert p2["Ligne"] == "3" and "activity_status" in p2["Colonne"]
    data = to_csv_bytes(rows)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back[back["project_id"] == "P2"]["title_en"].iloc[0] == "'=HYPERLINK(\"http://evil.example\")"


def test_no_rejected_rows_gives_an_empty_frame_with_headers():
    clean = parse_uploads([("projects.csv", b"project_id,title_en\nP1,One\n")])
    assert make_rejected_rows(clean.portfolio, "en").empty
    assert make_problems_table(clean.portfolio, "en").empty


def test_previews_hold_the_first_accepted_rows(intake):
    previews = make_previews(intake.portfolio, rows=1)
    assert set(previews) == {"projects", "funding"}
    assert list(previews["projects"]["project_id"]) == ["P1"]
    assert not any(c.startswith("_") for c in previews["projects"].columns)


@pytest.mark.parametrize("lang, n, expected", [
    ("en", 0, "Use this data"), ("en", 3, "Use this data — 3 rejected rows will be left out"),
    ("fr", 0, "Utiliser ces données"), ("fr", 3, "Utiliser ces données — 3 lignes rejetées seront écartées"),
])
def test_confirm_label_says_how_many_rows_are_left_out(lang, n, expected):
    assert make_confirm_label(n, lang) == expected


def test_versions_table_marks_the_version_in_use():
    first = storage.save_version([("a.csv", b"a")], {"projects": 2, "rejected": 1}, note="replace")
    second = storage.save_version([("b.csv", b"b"), ("c.csv", b"c")], {"projects": 5}, note="add")
    table = make_versions_table(storage.scan_versions()[0], first.id, "en")
    assert list(table["Version"]) == [second.id, first.id]
    assert list(table["In use"]) == ["", "✓"]
    assert list(table["Files"]) == ["b.csv, c.csv", "a.csv"]
    assert list(table["Projects"]) == ["5", "2"] and list(table["Rejected"]) == ["—", "1"]
    assert list(table["Mode"]) == ["Add to the data in use", "Replace the data in use"]
    assert make_version_label(first, "fr").startswith("Version v0001, téléversée le ")
    assert make_version_label(None, "en") == "Sample portfolio (embedded)"


def test_signature_follows_bytes_mode_and_version():
    base = upload_signature([("a.csv", b"1")], "replace", "sample")
    assert base == upload_signature([("a.csv", b"1")], "replace", "sample")
    assert base != upload_signature([("a.csv", b"2")], "replace", "sample")
    assert base != upload_signature([("a.csv", b"1")], "add", "sample")
    assert base != upload_signature([("a.csv", b"1")], "replace", "v0001-20260101T000000Z")


def test_short_name_keeps_the_sheet():
    assert short_name("/x/y/versions/v1/files/book.xlsx#projects") == "book.xlsx#projects"


def test_rejected_rows_survive_a_repeated_header():
    repeated = parse_uploads([("projects.csv", b"project_id,title_en,notes,notes\nP1,,a,b\n")])
    rows = make_rejected_rows(repeated.portfolio, "en")
    assert rows.columns.is_unique and len(rows) == 1


def test_keys_built_from_registries_exist():
    from components.i18n import has_key
    from components.intake import FORMATS, MODES

    columns = ("file", "format", "rows_in", "accepted", "rejected", "warnings", "reason", "row", "column",
               "severity", "active", "version", "time", "files", "projects", "funding", "locations", "mode")
    keys = [*(f"data.col.{c}" for c in columns), *(f"data.format.{f}" for f in FORMATS),
            *(f"data.mode.{m}" for m in MODES), "data.severity.error", "data.severity.warning"]
    assert [k for k in keys if not has_key(k)] == []


def test_reason_text_drops_the_file_name_the_table_already_shows():
    from components.intake import reason_text
    from data.intake import FileSummary

    summary = FileSummary("a.xlsx", "unreadable", reason="a.xlsx: truncated or damaged workbook")
    assert reason_text(summary) == "truncated or damaged workbook"
