"""Personal contact details in text cells are found; figures, dates and identifiers are not mistaken for them."""
import pandas as pd
import pytest

from data.intake.privacy import find_contact_details


def frame(notes: str) -> pd.DataFrame:
    return pd.DataFrame([{"project_id": "P-1", "title_en": "One", "notes": notes, "_row": 7}])


@pytest.mark.parametrize("notes, found", [
    ("contact: jean.dupont@example.org", "e-mail"),
    ("Focal point +243 81 234 5678", "phone"),
    ("tel. +32 2 555 12 34", "phone"),
    ("call 0812345678", "phone"),
    ("call 081 234 56 78", "phone"),
])
def test_contact_details_are_refused_with_row_and_column(notes, found):
    [problem] = find_contact_details("projects", frame(notes), "p.csv")
    assert (problem.file, problem.row, problem.column, problem.severity) == ("p.csv", 7, "notes", "error")
    assert found in problem.reason


@pytest.mark.parametrize("notes", [
    "EUR 12.5 million over 42 months", "12 500 000", "2019-2020 relocations", "PRIMA CD10P0001",
    "more than 3,000 households", "CE.0276", "agreement of 14/12/2021", "+12%", "",
])
def test_ordinary_text_is_not_taken_for_contact_details(notes):
    assert find_contact_details("projects", frame(notes), "p.csv") == []


def test_numeric_columns_are_not_searched():
    funding = pd.DataFrame([{"flow_id": "F", "project_id": "P", "amount": "+243812345678", "_row": 2}])
    assert find_contact_details("funding", funding, "f.csv") == []
