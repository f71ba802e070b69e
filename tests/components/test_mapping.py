"""Column mapping helpers: best guesses, value choices, the profile an editor's choices make."""
import pandas as pd
import pytest

from components.mapping import make_column_table, make_profile, make_sheets, make_value_choices
from data.intake.mapping import IGNORE, MappingProfile, ProfileError

FRAME = pd.DataFrame({"Code projet": ["A", "B", "A"], "Bailleur": ["Suède", "Pays-Bas", "Suède"],
                      "Etat": ["Mise en oeuvre & rapportage", "en cours", "Déboursement"],
                      "Colonne libre": ["x", "", "y"], "_row": [2, 3, 4]})


def test_columns_come_with_samples_and_a_best_guess():
    table = make_column_table(FRAME)
    assert table["column"].tolist() == ["Code projet", "Bailleur", "Etat", "Colonne libre"]
    assert table["guess"].tolist() == ["project_id", "donor", "activity_status", IGNORE]
    assert table.loc[1, "samples"] == "Suède | Pays-Bas"


def test_a_known_profile_guess_wins():
    profile = MappingProfile("p", columns={"Colonne libre": "notes", "Bailleur": IGNORE})
    assert make_column_table(FRAME, profile)["guess"].tolist() == ["project_id", IGNORE, "activity_status", "notes"]


def test_only_the_codes_the_app_cannot_read_are_asked():
    assert make_value_choices(FRAME, "Etat", "activity_status") == [("Mise en oeuvre & rapportage", ""),
                                                                    ("Déboursement", "")]
    assert make_value_choices(FRAME, "Bailleur", "donor") == []


@pytest.mark.parametrize("choices, facts, group, fragment", [
    ({"A": IGNORE}, {}, [], "map at least one column"),
    ({"A": "project_id", "B": "amount"}, {}, [], "amounts need a currency"),
    ({"A": "title_fr"}, {}, [], "project id"),
])
def test_profiles_that_cannot_work_are_refused(choices, facts, group, fragment):
    with pytest.raises(ProfileError, match=fragment):
        make_profile("p", "", choices, facts, group, {})


def test_the_editors_choices_make_a_profile():
    profile = make_profile("partner-x", "", {"Code": "project_id", "Montant": "amount", "Note": IGNORE},
                           {"currency": "EUR", "transaction_type": ""}, ["Code"],
                           {"activity_status": {"Déboursement": "2", "Autre": ""}})
    assert profile.label == "partner-x" and profile.facts == {"currency": "EUR"}
    assert profile.signature == ("Code", "Montant") and profile.group_key == ("Code",)
    assert profile.values == {"activity_status": {"deboursement": "2"}}


def test_sheets_of_table_files_only():
    sheets = make_sheets([("a.csv", b"x,y\n1,2\n"), ("b.xml", b"<iati-activities/>"), ("c.csv", b"")])
    assert list(sheets) == ["a.csv"]
