"""Flat sheets: one row per project × province × donor split into projects, funding and locations."""
from pathlib import Path

import pandas as pd
import pytest

from data.intake.flat import is_flat, split_flat
from data.intake.normalise import normalise_table
from data.intake.readers import parse_table_bytes
from data.portfolio import compute_refused_rows
from data.schema import TABLES, detect_table, validate_table

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "flat" / "partner_flat.csv"
BASE = {"project_id": "P1", "title_fr": "Projet", "implementing_orgs": "IOM", "planned_end": "2024-12",
        "donor": "Sweden", "transaction_type": "11", "amount": "100", "currency": "EUR", "province_pcode": "CD61"}


def sheet(*overrides: dict) -> pd.DataFrame:
    """Rows of BASE with overrides, numbered like a spreadsheet (header = row 1)."""
    rows = [{**BASE, **o} for o in overrides]
    return pd.DataFrame(rows).assign(_row=range(2, len(rows) + 2))


@pytest.fixture(scope="module")
def derived():
    table = parse_table_bytes(FIXTURE.read_bytes(), FIXTURE.name)[0]
    return split_flat(table.frame, table.source)


@pytest.mark.parametrize("table", ["projects", "funding", "locations", "sources", "documents"])
def test_a_canonical_table_alone_is_not_flat(table):
    assert not is_flat(TABLES[table].column_names)


def test_the_partner_sheet_is_flat_even_where_detect_table_names_a_table():
    columns = list(parse_table_bytes(FIXTURE.read_bytes(), FIXTURE.name)[0].frame.columns)
    assert detect_table(columns) is not None and is_flat(columns)


def test_money_and_places_without_project_facts_are_not_flat():
    assert not is_flat(["project_id", "donor", "amount", "province_pcode"])


def test_fixture_counts(derived):
    counts = {name: len(frame) for name, frame in derived.tables.items()}
    assert (derived.format, derived.rows_in, counts) == ("flat", 9, {"projects": 3, "funding": 4, "locations": 5})


def test_flow_ids_are_numbered_per_project_in_order(derived):
    assert list(derived.tables["funding"]["flow_id"]) == ["CD-PAIX-01#f1", "CD-PAIX-01#f2", "CD-SOL-02#f1",
                                                          "CD-MIG-03#f1"]


def test_a_disagreeing_repeated_fact_is_refused_naming_both_rows(derived):
    errors = [p for p in derived.problems if p.severity == "error"]
    assert [(p.row, p.column) for p in errors] == [(8, "planned_end")]
    assert errors[0].reason == "project CD-SOL-02: planned_end '2025-06' here but '2024-12' at row 6"


def test_the_refused_row_is_kept_as_read_with_its_reason(derived):
    row = compute_refused_rows(derived.rejected_rows, derived.problems).iloc[0]
    assert (len(derived.rejected_rows), row["_row"], row["_column"], row["planned_end"]) == \
        (1, 8, "planned_end", "2025-06")


def test_the_refused_row_contributes_to_no_table(derived):
    assert all(8 not in set(frame["_row"]) for frame in derived.tables.values())


def test_rows_in_is_used_rows_plus_refused_rows(derived):
    source_rows = set(parse_table_bytes(FIXTURE.read_bytes(), FIXTURE.name)[0].frame["_row"])
    refused = set(derived.rejected_rows["_row"])
    used = source_rows - refused
    derived_rows = set().union(*(set(frame["_row"]) for frame in derived.tables.values()))
    assert derived_rows <= used and derived.rows_in == len(used) + len(derived.rejected_rows)


@pytest.mark.parametrize("table", ["projects", "funding", "locations"])
def test_derived_tables_validate_without_errors(derived, table):
    # The normaliser reads the P-codes of provinces given by name (and says how each matched), as the intake does.
    normalised = normalise_table(table, derived.tables[table], str(FIXTURE))
    assert [p for p in normalised.problems if p.severity == "error"] == []
    result = validate_table(table, normalised.frame, str(FIXTURE))
    assert result.errors == [] and len(result.accepted) == len(derived.tables[table])


def test_every_derived_row_carries_its_first_source_row(derived):
    assert list(derived.tables["projects"]["_row"]) == [2, 6, 9]


def test_missing_transaction_type_is_read_as_incoming_commitment_with_a_warning():
    result = split_flat(sheet({"transaction_type": ""}), "s.csv")
    warnings = [p for p in result.problems if p.column == "transaction_type"]
    assert result.tables["funding"].loc[0, "transaction_type"] == "11"
    assert [(w.severity, w.row) for w in warnings] == [("warning", 2)] and "commitment" in warnings[0].reason


def test_a_given_transaction_type_is_kept():
    assert split_flat(sheet({"transaction_type": "3"}), "s.csv").tables["funding"].loc[0, "transaction_type"] == "3"


def test_a_row_without_donor_or_amount_gives_no_flow():
    result = split_flat(sheet({}, {"donor": "", "amount": "", "province_pcode": "CD54"}), "s.csv")
    assert (len(result.tables["funding"]), len(result.tables["locations"])) == (1, 2)


def test_an_amount_repeated_on_every_province_row_is_one_flow():
    result = split_flat(sheet({"province_pcode": "CD61"}, {"province_pcode": "CD54"}), "s.csv")
    assert len(result.tables["funding"]) == 1


def test_different_amounts_are_different_flows():
    result = split_flat(sheet({"province_pcode": "CD61"}, {"province_pcode": "CD54", "amount": "50"}), "s.csv")
    assert list(result.tables["funding"]["amount"]) == ["100", "50"]


def test_donor_is_given_the_funding_role():
    assert split_flat(sheet({}), "s.csv").tables["funding"].loc[0, "org_role"] == "1"


def test_a_sheet_flow_id_is_kept():
    assert split_flat(sheet({"flow_id": "SE-1"}), "s.csv").tables["funding"].loc[0, "flow_id"] == "SE-1"


def test_households_identical_on_every_row_are_the_project_total():
    result = split_flat(sheet({"households_targeted": "3000"},
                              {"households_targeted": "3000", "province_pcode": "CD54"}), "s.csv")
    assert result.tables["projects"].loc[0, "households_targeted"] == "3000"
    assert list(result.tables["locations"]["households_targeted"]) == ["", ""]


def test_households_differing_between_provinces_are_per_province_counts_summed():
    result = split_flat(sheet({"households_targeted": "1000"},
                              {"households_targeted": "200", "province_pcode": "CD54"}), "s.csv")
    assert result.tables["projects"].loc[0, "households_targeted"] == "1200"
    assert list(result.tables["locations"]["households_targeted"]) == ["1000", "200"]
    assert list(result.tables["locations"]["split_known"]) == ["true", "true"]


def test_households_given_for_some_provinces_only_leave_the_total_empty_with_a_warning():
    result = split_flat(sheet({"households_targeted": "1000"},
                              {"households_targeted": "", "province_pcode": "CD54"}), "s.csv")
    assert result.tables["projects"].loc[0, "households_targeted"] == ""
    assert list(result.tables["locations"]["households_targeted"]) == ["1000", ""]
    assert any(p.severity == "warning" and "1 of 2" in p.reason for p in result.problems)


def test_households_reached_follow_the_same_rule_into_the_project_total():
    result = split_flat(sheet({"households_reached": "10"},
                              {"households_reached": "5", "province_pcode": "CD54"}), "s.csv")
    assert result.tables["projects"].loc[0, "households_reached"] == "15"


def test_two_rows_of_the_same_province_with_different_households_disagree():
    result = split_flat(sheet({"households_targeted": "1000"},
                              {"households_targeted": "900", "donor": "Netherlands"}), "s.csv")
    assert [(p.row, p.column) for p in result.problems if p.severity == "error"] == [(3, "households_targeted")]


@pytest.mark.parametrize("later", ["", "iom", "  IOM "])
def test_blank_case_and_spacing_do_not_disagree(later):
    result = split_flat(sheet({}, {"implementing_orgs": later, "province_pcode": "CD54"}), "s.csv")
    assert result.rejected_rows.empty


def test_a_fact_missing_on_the_first_row_is_taken_from_a_later_row():
    result = split_flat(sheet({"title_en": ""}, {"title_en": "Project", "province_pcode": "CD54"}), "s.csv")
    assert result.tables["projects"].loc[0, "title_en"] == "Project"


def test_a_row_without_project_id_is_refused():
    result = split_flat(sheet({"project_id": ""}), "s.csv")
    refused = compute_refused_rows(result.rejected_rows, result.problems)
    assert (refused.loc[0, "_column"], len(result.tables["projects"])) == ("project_id", 0)


def test_a_row_repeating_an_earlier_row_is_refused():
    result = split_flat(sheet({}, {}), "s.csv")
    refused = compute_refused_rows(result.rejected_rows, result.problems)
    assert list(refused["_reason"]) == ["project P1: row repeats row 2"]


def test_a_row_differing_only_outside_the_schema_is_kept_once_with_a_warning():
    result = split_flat(sheet({"zone de sante": "Bunia"}, {"zone de sante": "Mambasa"}), "s.csv")
    assert result.rejected_rows.empty and len(result.tables["projects"]) == 1
    assert result.records == {2: "P1", 3: "P1"}
    assert any("kept once" in p.reason and p.severity == "warning" for p in result.problems)


def test_province_pcode_comes_from_the_name_when_missing():
    """The split leaves it to the normaliser, which reports how the name matched (as for a locations file)."""
    result = split_flat(sheet({"province_pcode": "", "province_name": "Sud Kivu"}), "s.csv")
    assert result.tables["locations"].loc[0, "province_pcode"] == ""
    normalised = normalise_table("locations", result.tables["locations"], "s.csv")
    assert normalised.frame.loc[0, "province_pcode"] == "CD62"


def test_a_province_by_name_and_by_code_is_one_location():
    result = split_flat(sheet({"province_pcode": "CD61"},
                              {"province_pcode": "", "province_name": "Nord-Kivu", "donor": "Netherlands"}), "s.csv")
    assert len(result.tables["locations"]) == 1


def test_territories_named_without_pcode_merge_into_their_province():
    result = split_flat(sheet({"territory_name": "Masisi"}, {"territory_name": "Rutshuru"}), "s.csv")
    assert list(result.tables["locations"]["territory_name"]) == ["Masisi; Rutshuru"]


def test_territories_with_pcodes_are_separate_locations():
    result = split_flat(sheet({"territory_pcode": "CD6103"}, {"territory_pcode": "CD6111"}), "s.csv")
    assert list(result.tables["locations"]["territory_pcode"]) == ["CD6103", "CD6111"]


@pytest.mark.parametrize("share, split_known", [("0.5", "true"), ("", "false")])
def test_split_is_known_only_with_a_share_or_households(share, split_known):
    result = split_flat(sheet({"budget_share": share}), "s.csv")
    assert result.tables["locations"].loc[0, "split_known"] == split_known


def test_unknown_columns_are_warned_once():
    result = split_flat(sheet({"Commentaire": "x", "Agence": "y"}), "s.csv")
    ignored = [p for p in result.problems if "not in the schema" in p.reason]
    assert [(p.column, p.severity) for p in ignored] == [("Commentaire, Agence", "warning")]


def test_notes_of_several_rows_are_joined_not_refused():
    result = split_flat(sheet({"notes": "a"}, {"notes": "b", "province_pcode": "CD54"}), "s.csv")
    assert (result.tables["projects"].loc[0, "notes"], len(result.rejected_rows)) == ("a / b", 0)


def test_a_funding_only_row_without_province_does_not_break_the_households_total():
    result = split_flat(sheet({"households_targeted": "3000"},
                              {"province_pcode": "", "donor": "Netherlands"}), "s.csv")
    assert result.tables["projects"].loc[0, "households_targeted"] == "3000"


@pytest.mark.parametrize("name", ["National", "Nationale", "Toute la RDC", " toute la  rdc "])
def test_a_province_naming_the_whole_country_makes_the_project_national(name):
    result = split_flat(sheet({"province_pcode": "", "province_name": name}), "s.csv")
    assert result.rejected_rows.empty and result.tables["locations"].empty
    assert result.tables["projects"].loc[0, "coverage"] == "national"


def test_amounts_given_per_province_become_explicit_shares():
    result = split_flat(sheet({"amount": "1.2 M", "currency": "USD", "province_pcode": "CD61"},
                              {"amount": "0.8 M", "currency": "USD", "province_pcode": "CD74"}), "s.csv")
    places = result.tables["locations"].set_index("province_pcode")
    assert places.loc["CD61", "budget_share"] == "0.6" and places.loc["CD74", "budget_share"] == "0.4"
    assert set(places["split_known"]) == {"true"}
    assert sorted(result.tables["funding"]["amount"]) == ["0.8 M", "1.2 M"]
    assert any("read as its split (" in p.reason for p in result.problems)


def test_the_same_amount_on_every_province_is_the_projects_never_a_split_nor_a_sum():
    result = split_flat(sheet({"amount": "500", "currency": "SEK", "province_pcode": "CD61"},
                              {"amount": "500", "currency": "SEK", "province_pcode": "CD74"}), "s.csv")
    assert list(result.tables["funding"]["amount"]) == ["500"]
    assert set(result.tables["locations"]["split_known"]) == {"false"}
    assert set(result.tables["locations"]["budget_share"]) == {""}
