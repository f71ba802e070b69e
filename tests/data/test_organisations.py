"""Organisation reference: one donor per organisation across languages, acronyms and IATI refs."""
from __future__ import annotations

import pandas as pd
import pytest

from cells import fold_words
from data.intake import parse_uploads
from data.metrics import list_donors
from data.organisations import (
    AS_GIVEN_COLUMN,
    assign_donor_organisations,
    canonical_names,
    load_reference,
    organisation_label,
)
from data.portfolio import SAMPLE_FILES


@pytest.mark.parametrize("name, expected", [
    ("Sweden", "Sweden"), ("Suède", "Sweden"), ("SE-0", "Sweden"), ("se-0", "Sweden"),
    ("Sweden - Swedish International Development Cooperation Agency", "Sweden"), ("Sida", "Sweden"),
    ("Pays-Bas", "Netherlands"), ("Gouvernement du Pays-Bas", "Netherlands"), ("XM-DAC-7", "Netherlands"),
    ("Royaume-Uni", "United Kingdom"), ("Gouvernement du Royaume-Uni", "United Kingdom"),
    ("UK - Department for International Development (DFID)", "United Kingdom"), ("GB-GOV-1", "United Kingdom"),
    ("Gouvernement des États-Unis d'Amérique", "United States"), ("USAID-BHA", "United States"),
    ("BHA- USAID", "United States"), ("Commission européenne", "European Union"), ("ECHO", "European Union"),
    ("FH RDC", "DRC Humanitarian Fund"), ("Unicef", "UNICEF"), ("HCR", "UNHCR"), ("OIM", "IOM"),
    ("Allemagne", "Germany"), ("KOICA", "South Korea"),
])
def test_names_in_any_language_find_one_organisation(name, expected):
    assert load_reference().find(name).en == expected


@pytest.mark.parametrize("name", ["Autre", "DRC", "Partner fund", "", None, "ECHO/GAC combined"])
def test_unknown_or_ambiguous_names_are_not_guessed(name):
    # "DRC" is also the Danish Refugee Council's acronym: never read as the Congolese government
    assert load_reference().find(name) is None


def test_canonical_names_unify_spellings_and_keep_gaps():
    names = pd.Series(["Suède", "Sweden", "Partner fund", "PARTNER FUND", "Partner fund", None, ""])
    out = canonical_names(names)
    assert out[:5].tolist() == ["Sweden", "Sweden", "Partner fund", "Partner fund", "Partner fund"]
    assert pd.isna(out[5]) and out[6] == ""


def test_assigning_keeps_the_name_as_given():
    funding = pd.DataFrame({"flow_id": ["a", "b"], "donor": ["Pays-Bas", "SE-0"]})
    out = assign_donor_organisations(funding)
    assert out["donor"].tolist() == ["Netherlands", "Sweden"]
    assert out[AS_GIVEN_COLUMN].tolist() == ["Pays-Bas", "SE-0"]
    assert assign_donor_organisations(out) is out  # idempotent: never re-reads a canonical column as given


@pytest.mark.parametrize("lang, expected", [("fr", "Suède"), ("en", "Sweden")])
def test_labels_follow_the_language(lang, expected):
    assert organisation_label("Sweden", lang) == expected
    assert organisation_label("Partner fund", lang) == "Partner fund"


def test_fold_ignores_accents_case_and_punctuation():
    assert fold_words("  Suède ") == fold_words("SUEDE") == "suede"


FRENCH_PARTNER_EXPORT = (
    "Code projet;Titre du projet;Bailleur;Montant;Devise;Province;Statut;Date de début\n"
    "CD-FR-01;Cohésion sociale à Kalemie;Suède;1000000;SEK;Tanganyika;en cours;2022-01\n"
    "CD-FR-01;Cohésion sociale à Kalemie;Pays-Bas;200000;EUR;Tanganyika;en cours;2022-01\n"
    "CD-FR-02;Retour à Rutshuru;Royaume-Uni;300000;GBP;Nord-Kivu;en cours;2023\n"
).encode()


def test_sample_plus_french_partner_export_list_each_donor_once():
    uploads = [(str(path), path.read_bytes()) for path in SAMPLE_FILES]
    uploads.append(("partenaire.csv", FRENCH_PARTNER_EXPORT))
    intake = parse_uploads(uploads)
    funding = intake.portfolio.funding
    assert set(funding.loc[funding["project_id"].str.startswith("CD-FR"), AS_GIVEN_COLUMN]) == \
        {"Suède", "Pays-Bas", "Royaume-Uni"}
    donors = list_donors(funding)
    assert donors.count("Sweden") == 1 and donors.count("Netherlands") == 1
    assert "Suède" not in donors and "Pays-Bas" not in donors and "United Kingdom" in donors


@pytest.mark.parametrize("lang, expected", [("fr", "Fonds de l'OIM pour le développement (IDF)"),
                                            ("en", "IOM Development Fund (IDF)")])
def test_the_sample_donor_iom_development_fund_has_a_french_name(lang, expected):
    assert organisation_label("IOM Development Fund (IDF)", lang) == expected  # IOM's own name for the fund
