"""Header detection: the header is the first row that looks like one; its cells are normalised names."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data.intake import parse_uploads
from data.intake.headers import clean_header_cell, find_header
from tests.catalogue.build import workbook

OCHA_3W = Path(__file__).resolve().parents[4] / "shared" / "data" / "real" / "ocha_drc_3w_extrait_mai_2025.xlsx"


@pytest.mark.parametrize("cell, name", [
    ("ETAT PROJET\n(Choisir dans la liste déroulante)", "ETAT PROJET"),
    ("CLUSTER\n(Choisir dans la liste déroulante)\nPour les projets humanitaires uniquement", "CLUSTER"),
    ("NOMBRE BENEFICIAIRES DIRECTS \n(indiquer nombre de personnes)", "NOMBRE BENEFICIAIRES DIRECTS"),
    ("NOM ACTIVITE / PROJET2", "NOM ACTIVITE / PROJET"),
    ("COMMENTAIRE\n", "COMMENTAIRE"),
    ("Ménages\r\nciblés", "Ménages ciblés"),
    ("Statut (choisir dans la liste)", "Statut"),
    ("Durée (mois)", "Durée (mois)"),  # a unit in parentheses is part of the name
    ("Budget (USD)", "Budget (USD)"),
    ("adm1", "adm1"), ("admin2", "admin2"), ("ADM1_PCODE", "ADM1_PCODE"),  # levels are names, not marks
    ("Budget 2024", "Budget 2024"),
    (None, ""), (2021, "2021"),
])
def test_clean_header_cell(cell, name):
    assert clean_header_cell(cell) == name


def test_title_rows_above_the_header_are_skipped_and_reported():
    rows = [["Portefeuille — mai 2025", None, None], [None, None, None], ["Source : partenaires", None, None],
            ["Code projet", "Titre", "Statut"], ["P-1", "Un", "en cours"], ["P-2", "Deux", 2]]
    found = find_header(rows, "f.xlsx#Data")
    assert found.index == 3 and found.names == ["Code projet", "Titre", "Statut"]
    assert [(p.row, p.severity) for p in found.notes] == [(1, "warning"), (3, "warning")]
    assert "Portefeuille — mai 2025" in found.notes[0].reason


def test_a_blank_header_cell_over_data_is_named_by_position_with_a_warning():
    found = find_header([["project_id", None, "title_en"], ["P-1", "x", "Project"]], "f.csv")
    assert found.names == ["project_id", "column 2", "title_en"]
    assert [p.column for p in found.notes] == ["column 2"]


def test_trailing_blank_header_cells_without_data_are_dropped():
    found = find_header([["a", "b", None, None], ["1", "2", None, None]], "f.csv")
    assert found.names == ["a", "b"] and found.notes == []


def test_repeated_names_are_made_unique():
    assert find_header([["notes", "notes"], ["a", "b"]], "f.csv").names == ["notes", "notes (2)"]


@pytest.mark.parametrize("rows", [
    [[1, 2, 3], [4, 5, 6]],  # numbers only: no header
    [[dt.date(2021, 1, 1), 2.5, 3], [dt.date(2021, 1, 2), 4, 5]],
])
def test_a_sheet_without_a_header_row_is_not_a_table(rows):
    assert find_header(rows, "f.csv") is None


def test_a_header_only_sheet_has_its_header():
    assert find_header([["project_id", "title_en"]], "f.csv").index == 0


def test_a_workbook_with_title_rows_and_a_readme_sheet_loads_every_data_row():
    header = ["Code projet", "Titre", "Bailleur", "Statut", "Date de début"]
    data = [[f"P-{i}", f"Projet {i}", "Suède", "en cours", dt.datetime(2021, 12, 14)] for i in range(1, 8)]
    book = workbook({
        "README": [["Comment remplir ce classeur", None, "Version"], ["Une ligne par projet", None, "2"]],
        "Projets": [["Portefeuille de stabilisation — mai 2025"], ["Extrait du 31 mai 2025"], header, *data],
    })
    intake = parse_uploads([("portefeuille.xlsx", book)])
    assert intake.files[0].format == "xlsx" and intake.files[0].reason is None
    assert sorted(intake.portfolio.projects["project_id"]) == sorted(f"P-{i}" for i in range(1, 8))
    projects = intake.portfolio.projects.set_index("project_id")
    assert projects.loc["P-3", "title_fr"] == "Projet 3" and projects.loc["P-3", "planned_start"] == "2021-12-14"
    assert intake.files[0].rows_in == 7 and intake.files[0].accepted == 7 and intake.files[0].rejected == 0
    warnings = [p.reason for r in intake.portfolio.reports for p in r.warnings]
    assert any("row 1 is above the header row" in w for w in warnings)
    assert any("sheet skipped" in w and "Comment remplir" in w for w in warnings)
    assert int(intake.portfolio.projects["_row"].min()) == 4  # spreadsheet rows: the header is row 3


@pytest.mark.skipif(not OCHA_3W.exists(), reason="../shared/data/real is absent")
def test_every_header_of_the_ocha_drc_3w_is_recognised_as_a_header():
    import openpyxl

    book = openpyxl.load_workbook(OCHA_3W, read_only=True, data_only=True)
    rows = [list(r) for r in book["Data"].iter_rows(values_only=True)]
    book.close()
    found = find_header(rows, "3w.xlsx#Data")
    assert found.index == 0 and len(found.names) == 39 and found.notes == []
    assert not [n for n in found.names if "\n" in n or "choisir" in n.casefold() or n.startswith("column ")]
    # Read in the file: these header cells carry a line break and an instruction, or a trailing '2'.
    for name in ("ETAT PROJET", "TYPE PROJET", "SECTEUR/DOMAINE", "CLUSTER", "NOM ACTIVITE / PROJET",
                 "NOMBRE BENEFICIAIRES DIRECTS", "Durée du projet", "BAILLEUR", "BUDGET", "ID_Projet",
                 "Code Province", "COMMENTAIRE"):
        assert name in found.names
