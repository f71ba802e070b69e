"""HXL 3W sheets: tag row found, tags mapped to canonical columns, ids generated, rows split like a flat sheet."""
import re
from pathlib import Path

import pandas as pd
import pytest

from data.intake.hxl import canonical_column, find_hxl_row, parse_hxl_frame, parse_tag
from data.intake.normalise import normalise_table
from data.intake.readers import parse_table_bytes
from data.portfolio import compute_refused_rows
from data.schema import validate_table

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hxl" / "3w_nord_kivu.csv"
TAGS = {"Org": "#org+impl", "Funder": "#org+funder", "Sector": "#sector", "Province": "#adm1+name",
        "Start": "#date+start", "Title": "#activity+name"}
ROW = {"Org": "IOM", "Funder": "Sweden", "Sector": "CCCM", "Province": "Nord-Kivu", "Start": "2023-01",
       "Title": "Gestion des sites"}


def sheet(*overrides: dict, tags: dict | None = None) -> pd.DataFrame:
    """A human header, the tag row (row 2), then data rows from ROW with overrides (rows 3…)."""
    tags = {**TAGS, **(tags or {})}
    rows = [tags] + [{**ROW, **o} for o in overrides]
    columns = list(dict.fromkeys([*tags, *(k for o in overrides for k in o)]))
    return pd.DataFrame(rows, columns=columns).fillna("").assign(_row=range(2, len(rows) + 2))


@pytest.fixture(scope="module")
def derived():
    table = parse_table_bytes(FIXTURE.read_bytes(), FIXTURE.name)[0]
    return parse_hxl_frame(table.frame, table.source)


@pytest.mark.parametrize("tag", ["#org+impl", "#org +impl", "# org+impl", "#ORG+IMPL", "#org+impl+name",
                                 "#org+name+impl", " #org + impl "])
def test_tag_spacing_case_and_attribute_order_are_tolerated(tag):
    assert canonical_column(*parse_tag(tag)) == "implementing_orgs"


@pytest.mark.parametrize("text", ["", "Organisation", "#", "#+impl", "#1 partner", None])
def test_non_tags_parse_to_none(text):
    assert parse_tag(text) is None


@pytest.mark.parametrize("tag, column", [
    ("#org+funder", "donor"), ("#org+prog", "_lead"), ("#org+partner", "partners"), ("#org+impl+code", None),
    ("#adm1+name", "province_name"), ("#adm1+code", "province_pcode"), ("#adm2+name", "territory_name"),
    ("#adm2+code", "territory_pcode"), ("#sector", "theme"), ("#targeted+hh", "households_targeted"),
    ("#reached+hh", "households_reached"), ("#targeted", "people_targeted"), ("#reached+ind", "people_reached"),
    ("#targeted+ind", "people_targeted"),
    ("#date+start", "planned_start"), ("#date+end", "planned_end"), ("#date+start+actual", "actual_start"),
    ("#status", "activity_status"), ("#activity+code", "project_id"), ("#activity+id", "project_id"),
    ("#activity+name", "title_fr"), ("#activity+name+i_en", "title_en"), ("#activity+title+i_fr", "title_fr"),
    ("#value+usd", "amount"), ("#value+pct", None), ("#currency", "currency"), ("#meta+comment", None),
])
def test_tags_map_to_canonical_columns(tag, column):
    assert canonical_column(*parse_tag(tag)) == column


def test_tag_row_under_the_human_header_is_found():
    assert find_hxl_row(sheet(ROW)) == 2


def test_a_header_row_of_tags_is_the_tag_row():
    frame = pd.DataFrame([{TAGS[k]: v for k, v in ROW.items()}]).assign(_row=[2])
    assert find_hxl_row(frame) == 1


def test_a_sheet_without_tags_has_no_tag_row():
    assert find_hxl_row(pd.DataFrame([ROW]).assign(_row=[2])) is None


def test_a_row_with_only_a_few_tags_is_not_the_tag_row():
    frame = pd.DataFrame([{**ROW, "Org": "#1 partner"}]).assign(_row=[2])
    assert find_hxl_row(frame) is None


def test_fixture_counts(derived):
    counts = {name: len(frame) for name, frame in derived.tables.items()}
    assert (derived.format, derived.rows_in, counts) == ("hxl", 9, {"projects": 5, "funding": 5, "locations": 9})


def test_tag_row_is_not_a_data_row(derived):
    assert min(derived.tables["locations"]["_row"]) == 3


def test_rows_in_is_used_rows_plus_refused_rows(derived):
    used = set().union(*(set(frame["_row"]) for frame in derived.tables.values()))
    assert derived.rows_in == len(used) + len(derived.rejected_rows)


def test_generated_ids_are_stable_across_runs(derived):
    table = parse_table_bytes(FIXTURE.read_bytes(), FIXTURE.name)[0]
    again = parse_hxl_frame(table.frame, table.source)
    ids = list(derived.tables["projects"]["project_id"])
    assert ids == list(again.tables["projects"]["project_id"])
    assert all(re.fullmatch(r"3W-[a-z0-9-]+-[0-9a-f]{6}", i) for i in ids)


def test_one_warning_per_generated_id(derived):
    warned = [p for p in derived.problems if p.column == "project_id" and p.severity == "warning"]
    assert len(warned) == 5 and all("generated" in p.reason for p in warned)


def test_extra_and_untagged_columns_are_warned_once(derived):
    ignored = [p for p in derived.problems if "ignored" in p.reason]
    assert len(ignored) == 1
    listed = set(ignored[0].reason.split(": ", 1)[1].split(", "))
    assert "'Commentaire' (untagged)" in listed
    assert "'Individus ciblés' (#targeted+ind)" not in listed  # people are read as people_targeted


def test_individuals_are_people_never_households(derived):
    # fixture: IOM's Sweden-funded project, two Nord-Kivu places: 1200 + 900 households, 6000 + 4500 individuals
    projects = derived.tables["projects"]
    iom = projects[projects["households_targeted"] == "2100"]
    assert iom["people_targeted"].tolist() == ["10500"]


def test_provinces_by_name_variant_and_code_get_pcodes(derived):
    # Names are matched by the normaliser (which reports fuzzy matches), codes are kept as given.
    normalised = normalise_table("locations", derived.tables["locations"], str(FIXTURE)).frame
    assert set(normalised["province_pcode"]) == {"CD61", "CD54", "CD62"}


def test_households_differing_by_territory_are_summed(derived):
    projects = derived.tables["projects"].set_index("title_fr")
    assert projects.loc["Gestion des sites de déplacés", ["households_targeted", "households_reached"]].tolist() == \
        ["2100", "1200"]


def test_the_same_households_on_every_row_are_the_project_total(derived):
    projects = derived.tables["projects"].set_index("title_fr")
    assert projects.loc["Stabilisation communautaire en Ituri", "households_targeted"] == "1500"


def test_amount_currency_comes_from_the_value_tag(derived):
    assert set(derived.tables["funding"]["currency"]) == {"USD", ""}


def test_a_missing_activity_name_gives_a_generated_title_with_a_warning(derived):
    assert "Cordaid — Violences basées sur le genre" in set(derived.tables["projects"]["title_fr"])
    assert any(p.column == "title_fr" and "generated" in p.reason for p in derived.problems)


@pytest.mark.parametrize("table", ["projects", "funding", "locations"])
def test_derived_tables_validate_without_errors(derived, table):
    frame = normalise_table(table, derived.tables[table], str(FIXTURE)).frame if table == "locations" \
        else derived.tables[table].copy()
    if table == "projects":
        frame["activity_status"] = ""  # 3W statuses are labels ("En cours"): the caller normalises them
    result = validate_table(table, frame, str(FIXTURE))
    assert result.errors == [] and len(result.accepted) == len(frame)


@pytest.mark.parametrize("sector, theme", [
    ("CCCM", "cccm"), ("Coordination et gestion des camps", "cccm"), ("Relèvement précoce", "stabilisation"),
    ("Early recovery", "stabilisation"), ("Protection - VBG", "gbv"), ("Lutte contre la traite", "counter-trafficking"),
    ("Solutions durables", "durable-solutions"), ("durable-solutions", "durable-solutions"),
])
def test_sector_labels_map_to_themes(sector, theme):
    result = parse_hxl_frame(sheet({"Sector": sector}), "3w.csv")
    assert result.tables["projects"].loc[0, "theme"] == theme


@pytest.mark.parametrize("sector", ["Protection", "WASH", "Abris"])
def test_an_unknown_sector_leaves_theme_empty_and_is_named(sector):
    result = parse_hxl_frame(sheet({"Sector": sector}), "3w.csv")
    assert result.tables["projects"].loc[0, "theme"] == ""
    assert any(p.severity == "warning" and f"'{sector}'" in p.reason for p in result.problems)


def test_the_programme_org_comes_first_in_implementing_orgs():
    result = parse_hxl_frame(sheet({"Lead": "IOM", "Org": "Cordaid"}, tags={"Lead": "#org+prog"}), "3w.csv")
    assert result.tables["projects"].loc[0, "implementing_orgs"] == "IOM; Cordaid"


def test_a_currency_column_wins_over_the_value_attribute():
    result = parse_hxl_frame(sheet({"Amount": "10", "Currency": "EUR"},
                                   tags={"Amount": "#value+usd", "Currency": "#currency"}), "3w.csv")
    assert result.tables["funding"].loc[0, "currency"] == "EUR"


def test_an_activity_code_is_used_as_project_id_without_warning():
    result = parse_hxl_frame(sheet({"Code": "CE.0276"}, tags={"Code": "#activity+code"}), "3w.csv")
    assert result.tables["projects"].loc[0, "project_id"] == "CE.0276"
    assert not any(p.column == "project_id" for p in result.problems)


def test_one_activity_in_two_provinces_is_one_project_with_two_locations():
    result = parse_hxl_frame(sheet({}, {"Province": "Ituri"}), "3w.csv")
    assert (len(result.tables["projects"]), len(result.tables["locations"])) == (1, 2)


def test_a_header_of_tags_reads_every_row_as_data():
    frame = pd.DataFrame([{TAGS[k]: v for k, v in ROW.items()}]).assign(_row=[2])
    result = parse_hxl_frame(frame, "3w.csv")
    assert (result.rows_in, list(result.tables["projects"]["_row"])) == (1, [2])


def test_a_sheet_without_tags_is_refused_whole():
    result = parse_hxl_frame(pd.DataFrame([ROW]).assign(_row=[2]), "3w.csv")
    assert (len(result.rejected_rows), result.problems[0].severity, result.tables) == (1, "error", {})


def test_a_disagreeing_row_is_refused_as_read():
    frame = sheet({"Code": "A1", "Start": "2023-01"}, {"Code": "A1", "Start": "2023-06", "Province": "Ituri"},
                  tags={"Code": "#activity+code"})
    result = parse_hxl_frame(frame, "3w.csv")
    rejected = compute_refused_rows(result.rejected_rows, result.problems).iloc[0]
    assert (rejected["_row"], rejected["Start"], rejected["_column"]) == (4, "2023-06", "planned_start")
    assert "at row 3" in rejected["_reason"]


def test_a_row_filled_only_under_untagged_columns_is_refused():
    frame = sheet({}, {**{k: "" for k in ROW}, "Comment": "voir annexe"}, tags={"Comment": ""})
    result = parse_hxl_frame(frame, "3w.csv")
    assert (list(result.rejected_rows["_row"]), len(result.tables["projects"])) == ([4], 1)
    assert "untagged" in compute_refused_rows(result.rejected_rows, result.problems).iloc[0]["_reason"]


def test_an_empty_tagged_sheet_gives_empty_tables():
    result = parse_hxl_frame(pd.DataFrame([TAGS]).assign(_row=[2]), "3w.csv")
    assert (result.rows_in, [len(f) for f in result.tables.values()]) == (0, [0, 0, 0])
