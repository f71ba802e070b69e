"""Header aliases: English and French column names map onto canonical columns, once each."""
from collections import defaultdict

import pandas as pd
import pytest

from data.intake.aliases import (
    HEADER_ALIASES,
    canonical_headers,
    normalise_header,
    rename_headers,
)
from data.schema import COLUMN_LABELS, PORTFOLIO_TABLES, TABLES

ALL_COLUMNS = sorted({c.name for t in TABLES.values() for c in t.columns})
# The aliases that are also another column's own name, as the docstring of aliases._build_index documents them.
SHARED_NAMES = {"title": "title_en", "value": "amount"}


@pytest.mark.parametrize("text", ["Date de début", "date_de_debut", " DATE DE DÉBUT ", "Date-de-début:",
                                  "date  de début"])
def test_headers_normalise_the_same_whatever_case_accents_or_punctuation(text):
    assert normalise_header(text) == "date de debut"


def test_the_oe_ligature_folds_like_its_letters():
    assert normalise_header("Mise en Œuvre") == normalise_header("mise en oeuvre")


@pytest.mark.parametrize("column", ALL_COLUMNS)
def test_every_canonical_column_has_aliases(column):
    assert column in HEADER_ALIASES


@pytest.mark.parametrize("column", sorted(set(ALL_COLUMNS) - set(SHARED_NAMES)))
def test_every_canonical_column_maps_to_itself(column):
    assert canonical_headers([column]).mapping == {column: column}


@pytest.mark.parametrize("column", ALL_COLUMNS)
def test_every_canonical_column_has_an_english_and_a_french_label(column):
    assert COLUMN_LABELS[column]["en"].strip() and COLUMN_LABELS[column]["fr"].strip()


def test_labels_name_only_canonical_columns():
    assert set(COLUMN_LABELS) == set(ALL_COLUMNS)


def test_no_alias_maps_to_two_canonical_columns():
    targets = defaultdict(set)
    for canonical, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            targets[normalise_header(alias)].add(canonical)
    assert {alias: names for alias, names in targets.items() if len(names) > 1} == {}


def test_aliases_shadow_other_columns_own_names_only_where_documented():
    own = {normalise_header(c): c for c in ALL_COLUMNS}
    shadowed = {normalise_header(alias): canonical for canonical, aliases in HEADER_ALIASES.items()
                for alias in aliases if own.get(normalise_header(alias), canonical) != canonical}
    assert shadowed == SHARED_NAMES


@pytest.mark.parametrize("header, canonical", [
    ("Bailleur", "donor"), ("Bailleur de fonds", "donor"), ("Donateur", "donor"), ("Funder", "donor"),
    ("Funding organisation", "donor"),
    ("Montant", "amount"), ("Budget", "amount"), ("Value", "amount"), ("Valeur", "amount"),
    ("Devise", "currency"), ("Monnaie", "currency"),
    ("Start date", "planned_start"), ("Date de début", "planned_start"), ("Début", "planned_start"),
    ("date debut prevue", "planned_start"),
    ("End date", "planned_end"), ("Date de fin", "planned_end"), ("Fin", "planned_end"),
    ("Actual start", "actual_start"), ("Date de début effective", "actual_start"),
    ("Actual end", "actual_end"), ("Date de fin effective", "actual_end"),
    ("Project ID", "project_id"), ("ID", "project_id"), ("Code projet", "project_id"),
    ("Identifiant", "project_id"), ("Project code", "project_id"),
    ("Titre", "title_fr"), ("Titre (FR)", "title_fr"), ("Intitulé", "title_fr"),
    ("Title", "title_en"), ("Project title", "title_en"), ("Intitulé anglais", "title_en"),
    ("Implementing organisation(s)", "implementing_orgs"), ("Bailleur(s)", "donor"),
    ("Implementing partner", "implementing_orgs"),
    ("Organisation de mise en œuvre", "implementing_orgs"), ("Partenaire de mise en œuvre", "implementing_orgs"),
    ("Agence", "implementing_orgs"),
    ("Partenaires", "partners"),
    ("Sector", "theme"), ("Secteur", "theme"), ("Thème", "theme"), ("theme", "theme"),
    ("Status", "activity_status"), ("Statut", "activity_status"), ("État", "activity_status"),
    ("Province", "province_name"), ("Province name", "province_name"), ("Nom de la province", "province_name"),
    ("Province pcode", "province_pcode"), ("PCODE", "province_pcode"), ("Code province", "province_pcode"),
    ("ADM1 Pcode", "province_pcode"), ("admin1Pcode", "province_pcode"),
    ("Territoire", "territory_name"), ("Territory", "territory_name"), ("Territoire/Ville", "territory_name"),
    ("Territory pcode", "territory_pcode"), ("ADM2_PCODE", "territory_pcode"),
    ("Households targeted", "households_targeted"), ("Ménages ciblés", "households_targeted"),
    ("Nombre de ménages", "households_targeted"), ("Target households", "households_targeted"),
    ("Ménages atteints", "households_reached"),
    ("Share", "budget_share"), ("Part du budget", "budget_share"), ("Pourcentage", "budget_share"),
    ("Type de transaction", "transaction_type"), ("Transaction type", "transaction_type"),
    ("Flow type", "transaction_type"),
    ("Date de valeur", "value_date"), ("Value date", "value_date"), ("Date", "value_date"),
    ("Flow ID", "flow_id"), ("ID du flux", "flow_id"),
    ("Role", "org_role"), ("Rôle", "org_role"),
    ("Bénéficiaire", "recipient"), ("Recipient", "recipient"), ("Récipiendaire", "recipient"),
    ("Couverture", "coverage"),
    ("Durée (mois)", "duration_months"), ("Duration", "duration_months"),
    ("Commentaires", "notes"),
])
def test_english_and_french_headers_map_to_canonical_columns(header, canonical):
    assert canonical_headers([header]).mapping == {header: canonical}


@pytest.mark.parametrize("headers, shared, canonical", [
    (["document_id", "publisher", "Title"], "Title", "title"),
    (["Project ID", "Title"], "Title", "title_en"),
    (["table", "record_id", "column", "value", "document_id", "paragraph", "evidence"], "value", "value"),
    (["Flow ID", "Project ID", "Value"], "Value", "amount"),
])
def test_shared_names_follow_the_table_the_header_row_is(headers, shared, canonical):
    assert canonical_headers(headers).mapping[shared] == canonical


def test_unknown_headers_are_kept_for_a_warning():
    headers = canonical_headers(["Montant", "Couleur préférée"])
    assert (headers.mapping, headers.unknown) == ({"Montant": "amount"}, ["Couleur préférée"])


def test_the_first_of_two_headers_for_one_column_wins_and_the_clash_is_reported():
    headers = canonical_headers(["Montant", "Budget", "Devise", "Valeur"])
    assert headers.mapping == {"Montant": "amount", "Devise": "currency"}
    assert headers.clashes == [("amount", ["Budget", "Valeur"])]


def test_bookkeeping_columns_are_neither_mapped_nor_unknown():
    headers = canonical_headers(["_row", "_file", "Montant"])
    assert (headers.mapping, headers.unknown) == ({"Montant": "amount"}, [])


def test_rename_headers_renames_matched_columns_and_keeps_the_rest():
    frame = pd.DataFrame({"Montant": ["5"], "Couleur": ["bleu"], "_row": [2]})
    renamed, _ = rename_headers(frame)
    assert list(renamed.columns) == ["amount", "Couleur", "_row"]


def test_rename_headers_never_makes_two_columns_of_one_name():
    frame = pd.DataFrame({"Montant": ["5"], "amount": ["6"]})
    renamed, _ = rename_headers(frame)
    assert list(renamed.columns) == ["amount", "amount (2)"]
    assert renamed["amount"].tolist() == ["5"]


@pytest.mark.parametrize("column", sorted({c.name for name in PORTFOLIO_TABLES for c in TABLES[name].columns}))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_label_the_dashboard_shows_reads_back_as_its_column(column, lang):
    label = COLUMN_LABELS[column][lang]
    assert canonical_headers([label]).mapping.get(label) == column
