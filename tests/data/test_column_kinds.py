"""The column-kind registry: a new kind is one entry in data.schema.COLUMN_KINDS, and every step follows."""
from __future__ import annotations

import dataclasses
import io

import openpyxl
import pandas as pd
import pytest

from data import schema
from data.intake import parse_uploads
from data.schema import COLUMN_KINDS, TABLES, Column, ColumnKind, check_cell, validate_table
from data.template import make_template_xlsx


def _check_year(value: object, column: Column, provinces: frozenset[str]) -> object:
    text = str(value).strip()
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(f"'{value}' is not a year")
    return int(text)


@pytest.fixture
def year_kind(monkeypatch):
    """A 'year' kind and a projects column of that kind, added through the registry and the table only."""
    kind = ColumnKind("year", _check_year, lambda column: "Int64", {"en": "year (YYYY)", "fr": "année (AAAA)"})
    monkeypatch.setitem(COLUMN_KINDS, "year", kind)
    projects = TABLES["projects"]
    with_year = dataclasses.replace(projects, columns=(*projects.columns, Column("first_year", "year", "First year")))
    monkeypatch.setitem(TABLES, "projects", with_year)
    monkeypatch.setattr(schema, "PROJECTS", with_year)
    return kind


def test_a_new_kind_is_checked_typed_and_explained_with_one_registry_entry(year_kind):
    frame = pd.DataFrame({"project_id": ["P-1", "P-2"], "title_en": ["One", "Two"], "first_year": ["2021", "21"]})
    result = validate_table("projects", frame)
    assert list(result.accepted["first_year"]) == [2021] and str(result.accepted["first_year"].dtype) == "Int64"
    assert [(p.row, p.column, p.reason) for p in result.errors] == [(3, "first_year", "'21' is not a year")]
    notes = openpyxl.load_workbook(io.BytesIO(make_template_xlsx()))["notes"]
    row = next(r for r in notes.iter_rows(values_only=True) if r[1] == "first_year")
    assert "year (YYYY)" in row and "année (AAAA)" in row


def test_a_new_kind_goes_through_the_whole_intake(year_kind):
    intake = parse_uploads([("p.csv", b"project_id,title_en,first_year\nP-1,One,2021\nP-2,Two,soon\n")])
    assert list(intake.portfolio.projects["first_year"]) == [2021]
    assert (intake.files[0].accepted, intake.files[0].rejected) == (1, 1)


@pytest.mark.parametrize("kind", sorted(COLUMN_KINDS))
def test_every_kind_has_labels_in_both_languages_and_a_check(kind):
    entry = COLUMN_KINDS[kind]
    assert entry.label["en"].strip() and entry.label["fr"].strip() and entry.name == kind
    assert check_cell(Column("c", kind, ""), "", frozenset()) == (None, None)  # empty: not published


def test_every_column_of_every_table_has_a_registered_kind():
    assert {c.kind for t in TABLES.values() for c in t.columns} <= set(COLUMN_KINDS)
