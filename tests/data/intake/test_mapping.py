"""Mapping profiles: storage, recognition from the header signature, applying them; other countries refused."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from data.intake import load_intake, parse_uploads
from data.intake.mapping import (
    MappingProfile,
    ProfileError,
    ProfileSet,
    apply_profile,
    delete_profile,
    detect_country,
    format_profile,
    header_key,
    load_profiles,
    match_profile,
    parse_profile,
    save_profile,
)
from data.metrics import list_donors

REAL = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real"
OCHA_3W = REAL / "ocha_drc_3w_extrait_mai_2025.xlsx"
EXTRA = REAL / "extra"

# A few rows in the OCHA DRC 3W layout (headers as OCHA writes them, instructions after a line break).
HEADERS_3W = ["NOM ACTIVITE / PROJET2", "DATE DEBUT", "DATE FIN", "NOMBRE BENEFICIAIRES DIRECTS \n(indiquer nombre "
              "de personnes)", "ETAT PROJET\n(Choisir dans la liste déroulante)", "SOURCE DE FINANCEMENT", "BAILLEUR",
              "BUDGET", "ID_Projet", "Province", "Code Province", "Territoire", "Code Terrtoire", "Zone de sante",
              "Nom organization", "ID_Acteur"]
ROWS_3W = [
    ["Abris Ituri", "2025-01-01", "2025-12-31", "306", "En cours", "", "UNHCR", "85000", "Projet_4", "Ituri", "CD54",
     "Irumu", "CD5402", "Bunia", "ADSSE", "Org_85"],
    ["Abris Ituri", "2025-01-01", "2025-12-31", "200", "En cours", "", "UNHCR", "0", "Projet_4", "Ituri", "CD54",
     "Irumu", "CD5402", "Rwampara", "ADSSE", "Org_85"],
    ["Abris Ituri", "2025-02-01", "2026-03-31", "50", "En cours", "", "UNHCR", "", "Projet_4", "Ituri", "CD54",
     "Djugu", "CD5404", "Fataki", "ADSSE", "Org_85"],
    ["Abris Ituri", "2025-03-19", "2025-03-21", "1800", "Sous rapportage final", "Bailleurs de fonds", "Autre", "0",
     "Projet_4", "Nord-Kivu", "CD61", "Rutshuru", "CD6111", "Rutshuru", "AIDES", "Org_139"],
    ["Nutrition Kasaï", "2024-06-01", "2025-05-31", "900", "Mise en oeuvre & rapportage", "", "Suède", "40000",
     "", "Kasaï", "CD91", "Tshikapa", "CD9101", "Kanzala", "ACF", "Org_9"],
]


def frame_of(headers, rows, start=2) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=headers, dtype=object)
    frame["_row"] = range(start, start + len(rows))
    return frame


@pytest.fixture(scope="module")
def shipped():
    return load_profiles(None)


@pytest.fixture(scope="module")
def derived_3w(shipped):
    return apply_profile(frame_of(HEADERS_3W, ROWS_3W), shipped["ocha-drc-3w"], "3w.xlsx#Data")


@pytest.mark.parametrize("header, key", [
    ("ETAT PROJET\n(Choisir dans la liste déroulante)", "etat projet"),
    ("  Durée du projet ", "duree du projet"),
    ("ID_Projet", "id projet"),
    ("destOrganization", "destorganization"),
])
def test_header_keys_fold_case_accents_punctuation_and_instructions(header, key):
    assert header_key(header) == key


def test_profiles_round_trip_through_their_text(shipped):
    for profile in shipped.values():
        assert parse_profile(format_profile(profile)) == profile


@pytest.mark.parametrize("text, fragment", [
    ('name = "x"\n[columns]\n"A" = "budget_total"\n', "unknown target column(s) budget_total"),
    ('name = "Not ok!"\n[columns]\n"A" = "amount"\n', "needs a name"),
    ('name = "x"\n', "maps no column"),
    ('name = "x"\n[columns\n', "not a readable TOML profile"),
])
def test_bad_profiles_are_refused_with_a_reason(text, fragment):
    with pytest.raises(ProfileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_profile(text, "p.toml")


def test_saved_profiles_are_listed_replace_shipped_ones_and_can_be_deleted(tmp_path):
    mine = MappingProfile("partner-x", "Partner X", columns={"Code": "project_id", "Intitulé": "title_fr"})
    path = save_profile(mine, tmp_path)
    assert path == tmp_path / "profiles" / "partner-x.toml"
    assert load_profiles(tmp_path)["partner-x"] == mine
    assert {"ocha-drc-3w", "ocha-fts-flows"} <= set(load_profiles(tmp_path))
    (tmp_path / "profiles" / "broken.toml").write_text("name = [", encoding="utf-8")
    assert "broken" not in load_profiles(tmp_path)  # a damaged file is skipped (and logged), never fatal
    assert delete_profile("partner-x", tmp_path) and "partner-x" not in load_profiles(tmp_path)


def test_the_signature_is_found_whatever_the_column_order(shipped):
    reordered = list(reversed(HEADERS_3W))
    frame = frame_of(reordered, [list(reversed(r)) for r in ROWS_3W])
    assert match_profile(frame, shipped).name == "ocha-drc-3w"


def test_the_signature_is_found_under_title_rows(shipped):
    title = ["Présence opérationnelle — mai 2025"] + [""] * (len(HEADERS_3W) - 1)
    frame = frame_of([f"column {i}" for i in range(len(HEADERS_3W))], [title, HEADERS_3W, *ROWS_3W], start=2)
    assert match_profile(frame, shipped).name == "ocha-drc-3w"
    derived = apply_profile(frame, shipped["ocha-drc-3w"], "titled.xlsx")
    assert derived.rows_in == len(ROWS_3W)
    assert set(derived.tables["projects"]["project_id"]) >= {"Projet_4/Org_85", "Projet_4/Org_139"}


def test_an_unrelated_sheet_matches_no_profile(shipped):
    assert match_profile(frame_of(["project_id", "title_en"], [["P-1", "One"]]), shipped) is None


def test_3w_projects_group_by_project_and_organisation(derived_3w):
    ids = list(derived_3w.tables["projects"]["project_id"])
    assert ids[:2] == ["Projet_4/Org_85", "Projet_4/Org_139"]
    assert ids[2].startswith("ocha-drc-3w-")  # row 6 has no ID_Projet: a stable generated id, with a warning
    assert any("without 'ID_Projet'" in p.reason for p in derived_3w.problems)


def test_3w_statuses_donors_budgets_and_people(derived_3w):
    projects = derived_3w.tables["projects"].set_index("project_id")
    assert projects.loc["Projet_4/Org_85", "activity_status"] == "2"  # En cours
    assert projects.loc["Projet_4/Org_139", "activity_status"] == "3"  # Sous rapportage final
    # people of three health zones: 306 + 200 in Irumu, 50 in Djugu; never households
    assert projects.loc["Projet_4/Org_85", "people_targeted"] == "556"
    assert projects.loc["Projet_4/Org_85", "households_targeted"] == ""
    # the widest dates over the project's rows
    assert (projects.loc["Projet_4/Org_85", "planned_start"], projects.loc["Projet_4/Org_85", "planned_end"]) == \
        ("2025-01-01", "2026-03-31")
    flows = derived_3w.tables["funding"]
    org85 = flows[flows["project_id"] == "Projet_4/Org_85"]
    assert org85[["donor", "amount", "currency", "transaction_type"]].values.tolist() == \
        [["UNHCR", "85000", "USD", "11"]]  # 85000 once; 0 and blank are "not filled"
    assert flows[flows["project_id"] == "Projet_4/Org_139"].empty  # donor "Autre" and budget 0: nothing published


def test_3w_rows_merged_into_their_place_count_as_kept(shipped):
    csv = pd.DataFrame(ROWS_3W, columns=HEADERS_3W).to_csv(index=False, sep=";").encode()
    intake = parse_uploads([("3w.csv", csv)], profiles=ProfileSet(shipped))
    summary = intake.files[0]
    # row 3 (another health zone of Irumu) says nothing more than row 2 once its people are summed: kept with it
    assert (summary.rows_in, summary.accepted, summary.rejected) == (5, 5, 0)
    assert len(intake.portfolio.projects) == 3


def test_3w_places_come_from_their_codes(derived_3w):
    places = derived_3w.tables["locations"]
    org85 = places[places["project_id"] == "Projet_4/Org_85"]
    assert sorted(zip(org85["province_pcode"], org85["territory_pcode"])) == [("CD54", "CD5402"), ("CD54", "CD5404")]


def test_3w_currency_from_the_profile_is_reported_never_silent(derived_3w):
    notes = [p.reason for p in derived_3w.problems if p.column == "currency"]
    assert len(notes) == 1 and "USD from profile 'ocha-drc-3w'" in notes[0] and "assumption" in notes[0]


FTS_HEADERS = ["date", "amountUSD", "srcOrganization", "destOrganization", "destProject", "destProjectCode",
               "destLocations", "destUsageYearStart", "destUsageYearEnd", "status", "originalAmount",
               "originalCurrency", "exchangeRate", "id"]
FTS_ROWS = [
    ["2024-03-01", "1000000", "Sweden, Government of", "World Food Programme", "", "", "COD", "2024", "2024",
     "commitment", "10000000", "SEK", "10.0", "501"],
    ["2024-04-01", "1000000", "Sweden, Government of", "World Food Programme", "", "", "COD", "2024", "2024",
     "paid", "10000000", "SEK", "10.0", "502"],
    ["2024-05-01", "250000", "Netherlands, Government of", "World Food Programme", "", "", "COD", "2024", "2024",
     "pledge", "", "", "", "503"],
]


def fts_csv(rows) -> bytes:
    frame = pd.DataFrame(rows, columns=FTS_HEADERS)
    return frame.to_csv(index=False).encode()


def test_fts_flows_are_funding_not_projects(shipped):
    intake = parse_uploads([("fts_incoming_funding_cod.csv", fts_csv(FTS_ROWS))], profiles=ProfileSet(shipped))
    summary = intake.files[0]
    assert (summary.format, summary.rows_in, summary.accepted, summary.rejected) == ("profile:ocha-fts-flows", 3, 2, 1)
    funding = intake.portfolio.funding.sort_values("flow_id")
    assert funding[["flow_id", "transaction_type", "amount", "currency"]].values.tolist() == \
        [["501", 11, 1000000.0, "USD"], ["502", 1, 1000000.0, "USD"]]
    assert list_donors(intake.portfolio.funding) == ["Sweden"]
    refused = [p for r in intake.portfolio.reports for p in r.rejected]
    assert [p.row for p in refused] == [4] and "pledge" in refused[0].reason


def test_an_fts_export_about_another_country_brings_nothing(shipped):
    rows = [[*r[:6], "AFG", *r[7:]] for r in FTS_ROWS]
    intake = parse_uploads([("fts_afg.csv", fts_csv(rows))], profiles=ProfileSet(shipped))
    assert intake.portfolio.funding.empty and intake.portfolio.projects.empty
    assert (intake.files[0].accepted, intake.files[0].rejected) == (0, 3)
    reasons = [p.reason for r in intake.portfolio.reports for p in r.rejected]
    assert len(reasons) == 1 and "Afghanistan" in reasons[0] and "nothing" in reasons[0]


HXL_LEBANON = (
    b"Sector,Admin1Code,Admin1,Admin2Code,Admin2,partner.name\n"
    b"#sector,#adm1+code,#adm1+name,#adm2+code,#adm2+name,#org+impl\n"
    b"Food Security,LB6,South,LB63,Sour,ACF\n"
    b"Food Security,LB6,South,LB62,Saida,ACF\n"
    b"Protection,LB1,Akkar,LB11,Akkar,NRC\n"
)


def test_a_3w_about_another_country_brings_nothing_and_says_which(shipped):
    intake = parse_uploads([("lbn_3w.csv", HXL_LEBANON)], profiles=ProfileSet(shipped))
    assert intake.portfolio.projects.empty
    assert (intake.files[0].accepted, intake.files[0].rejected) == (0, 3)
    reasons = [p.reason for r in intake.portfolio.reports for p in r.rejected]
    assert len(reasons) == 1 and "Lebanon (LB" in reasons[0]


@pytest.mark.parametrize("values, expected", [
    (["CD61", "CD54", "CD6103"], "CD"), (["AF01", "AF02", "AF0101"], "AF"), (["COD", "COD", "COD"], "CD"),
    (["AFG", "AFG,JOR", "AFG"], "AF"),
])
def test_the_country_of_a_sheet_comes_from_its_place_codes(values, expected):
    frame = frame_of(["Admin1 Pcode", "Name"], [[v, "x"] for v in values])
    assert detect_country(frame)[0] == expected


def test_a_column_of_pcodes_speaks_even_under_another_header():
    # OCHA Chad's 3W keeps the province P-code in a column named "Title"
    frame = frame_of(["Title", "Province"], [["TD19", "Barh El Gazel"], ["TD08", "Logone"], ["TD12", "Mayo"]])
    assert detect_country(frame) == ("TD", "Title")


@pytest.mark.parametrize("rows", [
    [["AF01", "x"], ["AF01", "y"], ["AF01", "z"]],  # one repeated code outside a place column: not enough
    [["AF01", "x"], ["hello", "y"], ["AF03", "z"]],  # not almost only codes
])
def test_codes_outside_place_columns_need_to_be_almost_all_codes(rows):
    assert detect_country(frame_of(["Reference", "Name"], rows)) is None


def test_the_drc_wins_when_one_column_points_to_it():
    frame = frame_of(["Code Province", "Reference"], [["CD61", "NL0001"], ["CD54", "NL0002"], ["CD74", "NL0003"]])
    assert detect_country(frame) == ("CD", "Code Province")


def test_a_forced_profile_must_exist(tmp_path):
    with pytest.raises(ProfileError, match="no mapping profile named 'nope'"):
        ProfileSet.load(tmp_path, forced="nope")


def test_an_unknown_sheet_mapped_once_loads_without_a_question_and_travels(tmp_path):
    sheet = b"Ref;Intitule du programme;Financeur;Enveloppe;Zone\nA-1;Paix Kalemie;Suede;100;CD74\n"
    unknown = load_intake_bytes(sheet, tmp_path / "first")
    assert unknown.files[0].accepted == 0  # nothing understood yet
    profile = MappingProfile("partner-a", "Partner A", columns={
        "Ref": "project_id", "Intitule du programme": "title_fr", "Financeur": "donor", "Enveloppe": "amount",
        "Zone": "province_pcode"}, facts={"currency": "EUR", "country": "CD"})
    save_profile(profile, tmp_path / "first")
    again = load_intake_bytes(sheet, tmp_path / "first")
    assert (again.files[0].format, again.files[0].accepted) == ("profile:partner-a", 1)
    assert list_donors(again.portfolio.funding) == ["Sweden"]
    # exported as text and imported on a fresh data directory: the same result
    imported = parse_profile(format_profile(profile))
    save_profile(imported, tmp_path / "fresh")
    fresh = load_intake_bytes(sheet, tmp_path / "fresh")
    assert fresh.portfolio.funding[["donor", "amount", "currency"]].values.tolist() == [["Sweden", 100.0, "EUR"]]


def load_intake_bytes(data: bytes, data_dir: Path):
    return parse_uploads([("partner.csv", data)], profiles=ProfileSet.load(data_dir))


def test_check_cli_takes_a_forced_profile(tmp_path, capsys):
    from data.__main__ import main

    path = tmp_path / "flows.csv"
    path.write_bytes(fts_csv(FTS_ROWS))
    assert main(["check", str(path), "--profile", "ocha-fts-flows"]) == 0
    assert "profile:ocha-fts-flows" in capsys.readouterr().out
    assert main(["check", str(path), "--profile", "nope"]) == 2


def test_columns_the_profile_ignores_are_quiet_new_ones_are_listed(shipped, derived_3w):
    assert not [p for p in derived_3w.problems if "does not map" in p.reason]  # SOURCE DE FINANCEMENT: ignored
    frame = frame_of([*HEADERS_3W, "NOUVELLE COLONNE\n(texte libre)"], [[*r, "x"] for r in ROWS_3W])
    derived = apply_profile(frame, shipped["ocha-drc-3w"], "3w.xlsx")
    assert [p.reason for p in derived.problems if "does not map" in p.reason] == \
        ["profile 'ocha-drc-3w': columns it does not map, ignored: NOUVELLE COLONNE"]


# --- the real files (../shared/data/real), skipped when absent ------------------------------------------------

needs_3w = pytest.mark.skipif(not OCHA_3W.exists(), reason="../shared/data/real is absent")


@needs_3w
def test_the_ocha_drc_3w_loads_with_the_shipped_profile():
    book = openpyxl.load_workbook(io.BytesIO(OCHA_3W.read_bytes()), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = [str(c).split("\n")[0].strip() for c in rows[0]]
    source_ids = {str(r[header.index("ID_Projet")]) for r in rows[1:] if r[header.index("ID_Projet")]}
    assert len(source_ids) == 522  # as the issue counts them
    intake = load_intake([OCHA_3W])
    summary = intake.files[0]
    assert summary.format == "profile:ocha-drc-3w"
    assert summary.rows_in == summary.accepted + summary.rejected == len(rows) - 1
    kept = {i.split("/")[0] for i in intake.portfolio.projects["project_id"]}
    assert len(kept & source_ids) >= 0.95 * len(source_ids)
    statuses = set(intake.portfolio.projects["activity_status"].dropna())
    assert statuses <= {1, 2, 3, 4} and 2 in statuses
    donors = list_donors(intake.portfolio.funding)
    assert {"UNICEF", "United States", "European Union", "DRC Humanitarian Fund"} <= set(donors)
    assert "Bailleurs de fonds" not in donors and "Fonds Propres" not in donors  # SOURCE DE FINANCEMENT is not it
    assert set(intake.portfolio.locations["province_pcode"]) >= {"CD54", "CD61", "CD62"}


@pytest.mark.skipif(not (EXTRA / "fts_incoming_funding_afg.csv").exists(), reason="extra real files absent")
def test_the_real_afghanistan_fts_export_is_recognised_and_refused_whole():
    intake = load_intake([EXTRA / "fts_incoming_funding_afg.csv"])
    assert intake.files[0].format == "profile:ocha-fts-flows"
    assert intake.files[0].accepted == 0 and intake.portfolio.funding.empty
    assert any("Afghanistan" in p.reason for r in intake.portfolio.reports for p in r.rejected)


def test_profiles_export_import_and_delete_from_the_command_line(tmp_path, monkeypatch, capsys):
    from data.__main__ import main

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    assert main(["profiles", "export", "ocha-fts-flows"]) == 0
    text = capsys.readouterr().out.replace('name = "ocha-fts-flows"', 'name = "my-fts"')
    (tmp_path / "my-fts.toml").write_text(text, encoding="utf-8")
    assert main(["profiles", "import", str(tmp_path / "my-fts.toml")]) == 0
    assert (tmp_path / "data" / "profiles" / "my-fts.toml").is_file()
    capsys.readouterr()
    assert main(["profiles"]) == 0
    assert "my-fts: OCHA FTS flows" in capsys.readouterr().out
    assert main(["profiles", "delete", "my-fts"]) == 0
    assert main(["profiles", "delete", "ocha-drc-3w"]) == 2  # shipped: nothing to delete


def test_convert_writes_canonical_csv(tmp_path, capsys):
    from data.__main__ import main

    path = tmp_path / "flows.csv"
    path.write_bytes(fts_csv(FTS_ROWS))
    assert main(["convert", str(path), "--out", str(tmp_path / "out")]) == 0
    funding = pd.read_csv(tmp_path / "out" / "funding.csv", dtype=str)
    assert list(funding["flow_id"]) == ["501", "502"] and set(funding["donor"]) == {"Sweden"}
    assert (tmp_path / "out" / "projects.csv").is_file() and (tmp_path / "out" / "locations.csv").is_file()
