"""Column mapping on the Data page (AppTest): an unknown sheet mapped once loads next time without a question, and
the exported profile does the same on a fresh data directory; one donor per organisation in the donor filter."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.intake import MODE_KEY, UPLOADS_KEY
from components.mapping import PREFIX
from tests.pages.apptest import run_page

ROOT = Path(__file__).resolve().parents[2]
SHEET = ("Ref;Intitulé du programme;Financeur;Enveloppe;Zone\n"
         "KAL-1;Paix à Kalemie;Suède;100000;CD74\n"
         "KAL-2;Retour à Masisi;Pays-Bas;50000;CD61\n").encode()
UPLOAD = [("partenaire_kalemie.csv", SHEET)]
CHOICES = {"Ref": "project_id", "Intitulé du programme": "title_fr", "Financeur": "donor", "Enveloppe": "amount",
           "Zone": "province_pcode"}


def report_row(app: AppTest) -> dict:
    report = next(d.value for d in app.dataframe if "Rows read" in d.value.columns)
    return report.iloc[0].to_dict()


def sheet_key() -> str:
    import hashlib

    return f"{PREFIX}_{hashlib.sha1(b'partenaire_kalemie.csv').hexdigest()[:8]}"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "office"))
    return tmp_path / "office"


def test_an_unknown_sheet_mapped_once_loads_next_time_without_a_question(data_dir, tmp_path, monkeypatch):
    app = run_page("app_pages/data.py", **{UPLOADS_KEY: UPLOAD}, timeout=90)
    assert report_row(app)["Accepted"] == 0  # not understood yet
    key = sheet_key()
    headers = [s.label for s in app.selectbox if s.key and s.key.startswith(f"{key}_col_")]
    assert headers == list(CHOICES)  # every column offered, with its samples and a best guess
    assert app.selectbox(key=f"{key}_col_2").value == "donor"  # "Financeur" is a known French name
    for i, header in enumerate(headers):
        app.selectbox(key=f"{key}_col_{i}").set_value(CHOICES[header])
    app.selectbox(key=f"{key}_currency").set_value("EUR")
    app.selectbox(key=f"{key}_tt").set_value("11")
    app.text_input(key=f"{key}_name").input("partner-kalemie")
    app.button(key=f"{key}_save").click().run()
    assert not app.exception
    assert any("partner-kalemie" in s.value for s in app.success)
    assert (data_dir / "profiles" / "partner-kalemie.toml").is_file()
    assert report_row(app)["Accepted"] == 2  # read again with the profile at once

    # next time, a new session: the same file is understood without any question
    again = run_page("app_pages/data.py", **{UPLOADS_KEY: UPLOAD}, timeout=90)
    row = report_row(again)
    assert (row["Format"], row["Accepted"], row["Rejected"]) == ("profile:partner-kalemie", 2, 0)
    exported = again.text_area(key="map_text_partner-kalemie").value

    # the exported profile, imported on a fresh data directory, does the same
    from data.__main__ import main

    fresh = tmp_path / "other-office"
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(fresh))
    (tmp_path / "partner-kalemie.toml").write_text(exported, encoding="utf-8")
    assert main(["profiles", "import", str(tmp_path / "partner-kalemie.toml")]) == 0
    elsewhere = run_page("app_pages/data.py", **{UPLOADS_KEY: UPLOAD}, timeout=90)
    assert report_row(elsewhere)["Accepted"] == 2


FRENCH_PARTNER = ("Code projet;Titre du projet;Bailleur;Montant;Devise;Province;Statut\n"
                  "CD-FR-01;Cohésion sociale à Kalemie;Suède;1000000;SEK;Tanganyika;en cours\n"
                  "CD-FR-01;Cohésion sociale à Kalemie;Pays-Bas;200000;EUR;Tanganyika;en cours\n").encode()


@pytest.mark.parametrize("lang, sweden, netherlands", [("en", "Sweden", "Netherlands"), ("fr", "Suède", "Pays-Bas")])
def test_sample_plus_a_french_partner_export_list_each_donor_once(data_dir, lang, sweden, netherlands):
    app = run_page("app_pages/data.py", lang=lang, timeout=90,
                   **{UPLOADS_KEY: [("partenaire.csv", FRENCH_PARTNER)], MODE_KEY: "add"})
    app.button(key="data_confirm").click().run()
    assert not app.exception
    run_page("app_pages/overview.py", app=app)
    options = list(app.multiselect(key="f_donor").options)
    assert options.count(sweden) == 1 and options.count(netherlands) == 1


def test_a_3w_project_shows_its_people_as_people(data_dir):
    sheet = (b"ID_Projet;ID_Acteur;NOM ACTIVITE / PROJET;BAILLEUR;BUDGET;ETAT PROJET;Code Province;Code Terrtoire;"
             b"NOMBRE BENEFICIAIRES DIRECTS;Nom organization\n"
             b"Projet_4;Org_85;Abris Ituri;UNHCR;85000;En cours;CD54;CD5402;306;ADSSE\n"
             b"Projet_4;Org_85;Abris Ituri;UNHCR;0;En cours;CD54;CD5402;200;ADSSE\n")
    app = run_page("app_pages/data.py", **{UPLOADS_KEY: [("3w.csv", sheet)]}, timeout=90)
    assert report_row(app)["Format"] == "profile:ocha-drc-3w"
    app.button(key="data_confirm").click().run()
    app.query_params["project"] = "Projet_4/Org_85"
    run_page("app_pages/project.py", app=app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["People targeted (individuals)"] == "506"
    assert metrics["Households reached"] == "not published"  # never the 3W's people
