"""IATI activity files: safe parsing, donors in both IOM patterns, flows, places, scope and schema checks."""
import functools
from pathlib import Path

import pytest

from data.intake.iati import is_iati, parse_iati_bytes
from data.intake.readers import Derived, UnreadableFileError
from data.portfolio import compute_refused_rows
from data.schema import validate_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "iati"
MAIN = "iom_drc_activities.xml"
SWEDEN, NETHERLANDS, UK, KENYA, KATANGA = (f"XM-DAC-47066-SYN-{s}" for s in
                                           ("CD-0001", "CD-0002", "CD-0003", "KE-0004", "CD-0005"))


@functools.cache
def load_main() -> Derived:
    return parse_iati_bytes((FIXTURES / MAIN).read_bytes(), MAIN)


def project(project_id: str) -> dict:
    frame = load_main().tables["projects"]
    return frame[frame["project_id"] == project_id].iloc[0].to_dict()


def flow(flow_id: str) -> dict:
    frame = load_main().tables["funding"]
    return frame[frame["flow_id"] == flow_id].iloc[0].to_dict()


def flows_of(project_id: str) -> list[dict]:
    frame = load_main().tables["funding"]
    return frame[frame["project_id"] == project_id].to_dict("records")


def warnings_of(derived: Derived, row: int) -> list[str]:
    return [p.reason for p in derived.problems if p.row == row and p.severity == "warning"]


def iati(body: str, activity_attrs: str = 'default-currency="USD"', version: str = "2.03") -> bytes:
    """One tiny activity file; the body goes inside <iati-activity> after a title."""
    return (f'<iati-activities version="{version}"><iati-activity {activity_attrs}>'
            f"<title><narrative>T</narrative></title>{body}</iati-activity></iati-activities>").encode()


ACTIVITY = '<iati-identifier>P1</iati-identifier><recipient-country code="CD"/>'


# --- sniffing -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    (MAIN, True), ("billion_laughs.xml", True), ("external_entity.xml", True), ("truncated.xml", True),
    ("not_iati.xml", False), ("organisation_file.xml", False),
])
def test_fixture_files_are_sniffed_by_their_root(name, expected):
    assert is_iati((FIXTURES / name).read_bytes()) is expected


@pytest.mark.parametrize("data", [
    b"<iati-activities/>",
    b"\xef\xbb\xbf<iati-activities version='2.03'>",
    b"  \n<?xml version='1.0' encoding='UTF-8'?>\n<iati-activities>",
    b"<?xml version='1.0'?><!-- a comment --><iati-activities>",
    "<iati-activities version='2.03'/>".encode("utf-16"),
])
def test_activity_roots_are_sniffed_after_a_prologue(data):
    assert is_iati(data)


@pytest.mark.parametrize("data", [b"", b"project_id,title_fr\nP1,x\n", b"<iati-activitiesX/>", b"PK\x03\x04",
                                  b"<iati-organisations/>", b"\x00\xff\xfe", b"<!-- -->" * 1500 + b"<x"])
def test_other_bytes_are_not_sniffed_as_iati(data):
    assert not is_iati(data)


# --- unsafe and unreadable files --------------------------------------------------------------------------

@pytest.mark.parametrize("name, reason", [
    ("billion_laughs.xml", "DTD or entity declarations is refused"),
    ("external_entity.xml", "external entities"),
    ("not_iati.xml", "root element is <catalogue>, not <iati-activities>"),
    ("organisation_file.xml", "IATI organisation file"),
    ("truncated.xml", "not well-formed XML"),
])
def test_unreadable_files_are_refused_with_a_reason(name, reason):
    with pytest.raises(UnreadableFileError, match="^" + name + ": .*" + reason.replace("(", r"\(")):
        parse_iati_bytes((FIXTURES / name).read_bytes(), name)


def test_external_entity_is_never_resolved():
    with pytest.raises(UnreadableFileError) as info:
        parse_iati_bytes((FIXTURES / "external_entity.xml").read_bytes(), "x.xml")
    assert "root:" not in str(info.value)


def test_activities_wrapped_by_the_old_datastore_api_are_unwrapped_and_said_so():
    data = b"<result><ok>True</ok>" + iati(ACTIVITY) + b"</result>"
    assert is_iati(data)
    derived = parse_iati_bytes(data, "datastore.xml")
    assert derived.tables["projects"]["project_id"].tolist() == ["P1"]
    assert any("wrapped in <result>" in p.reason for p in derived.problems)


def test_a_wrapper_without_activities_is_refused_naming_it():
    with pytest.raises(UnreadableFileError, match="root element is <result>.*holds no <iati-activities>"):
        parse_iati_bytes(b"<result><ok>False</ok></result>", "datastore.xml")


@pytest.mark.parametrize("data", [
    b"", b"   ", b"\x00\x01\x02\xff", b"<", b"<iati-activities", b"<?xml version='1.0'?>", b"not xml at all",
    b"<iati-activities><iati-activity></iati-activities>", b"<?xml version='1.0' encoding='klingon'?><a/>",
    b"\xef\xbb\xbf", b"<iati-activities>\xff\xfe</iati-activities>", bytes(range(256)) * 4,
    b"<iati-activities><iati-activity><title><narrative>" + b"<b>" * 20000 + b"</b>" * 20000 + b"</narrative>"
    b"</title></iati-activity></iati-activities>",
    b"<iati-activities version='2.03'><iati-activity><iati-identifier>&amp;</iati-identifier>"
    b"<transaction><transaction-type code='x'/><value>abc</value></transaction>"
    b"<location><administrative code=''/></location><sector percentage='many'/>"
    b"<activity-date type='1' iso-date='soon'/><budget><value>?</value></budget></iati-activity>"
    b"<iati-activity/><iati-activity><iati-identifier/></iati-activity></iati-activities>",
])
def test_junk_bytes_raise_nothing_but_unreadable_file_error(data):
    try:
        derived = parse_iati_bytes(data, "junk.xml")
    except UnreadableFileError as exc:
        assert str(exc).startswith("junk.xml: ") and "\n" not in str(exc)
    else:
        assert derived.rows_in == len(derived.tables["projects"]) + len(derived.rejected_rows)


# --- the IOM fixture: counts, scope and schema ------------------------------------------------------------

def test_rows_in_counts_accepted_and_refused_activities():
    derived = load_main()
    assert (derived.rows_in, len(derived.tables["projects"]), len(derived.rejected_rows)) == (5, 4, 1)


def test_out_of_scope_activity_is_refused_with_its_reason():
    derived = load_main()
    refused = compute_refused_rows(derived.rejected_rows, derived.problems).iloc[0]
    assert (refused["project_id"], refused["_row"], refused["_reason"]) == \
        (KENYA, 4, "out of scope: recipient country KE, not CD")
    assert [(p.row, p.column, p.severity) for p in derived.problems if p.severity == "error"] == \
        [(4, "recipient-country", "error")]


def test_refused_activity_leaves_no_rows_in_any_table():
    assert all(KENYA not in set(frame["project_id"]) for frame in load_main().tables.values())


@pytest.mark.parametrize("table", ["projects", "funding", "locations"])
def test_derived_tables_pass_schema_validation(table):
    result = validate_table(table, load_main().tables[table], MAIN)
    assert result.errors == [] and len(result.accepted) == len(load_main().tables[table])


def test_every_problem_names_file_row_and_column():
    assert all(p.file == MAIN and p.row and p.column for p in load_main().problems)


def test_several_recipient_countries_keep_the_drc_share_of_every_amount():
    # The fixture's activity 5 gives CD 80% and ZM 20% and an incoming commitment of 750000.
    assert any("published share, 80%" in w for w in warnings_of(load_main(), 5))
    assert flow(f"{KATANGA}#t1")["amount"] == "600000"
    assert "DRC share 80% of the published 750000" in flow(f"{KATANGA}#t1")["notes"]


# --- the IOM fixture: projects ------------------------------------------------------------------------------

def test_titles_are_read_by_language():
    assert (project(SWEDEN)["title_en"], project(SWEDEN)["title_fr"][:11]) == \
        ("Community recovery in return areas of Tanganyika (synthetic)", "Relèvement ")


def test_narrative_without_language_takes_the_activity_language():
    assert (project(UK)["title_fr"], project(UK)["title_en"]) == \
        ("Gouvernance des migrations et gestion des frontières (fictif)", None)


@pytest.mark.parametrize("project_id, status", [(SWEDEN, "2"), (NETHERLANDS, "4"), (UK, "2"), (KATANGA, "4")])
def test_activity_status_is_the_iati_code(project_id, status):
    assert project(project_id)["activity_status"] == status


@pytest.mark.parametrize("column, value", [("planned_start", "2019-07-01"), ("actual_start", "2019-09-01"),
                                           ("planned_end", "2022-12-31"), ("actual_end", "2023-03-31")])
def test_the_four_activity_date_types(column, value):
    assert project(NETHERLANDS)[column] == value


def test_implementers_put_the_reporting_org_first_and_partners_exclude_them():
    row = project(SWEDEN)
    assert (row["implementing_orgs"], row["partners"]) == \
        ("IOM; Association fictive pour le développement local", "Ministère fictif des Affaires sociales")


def test_other_identifiers_are_listed():
    assert project(SWEDEN)["other_ids"] == "SYN-PRJ-0001"


@pytest.mark.parametrize("project_id, theme", [(SWEDEN, "durable-solutions"), (NETHERLANDS, "stabilisation"),
                                               (UK, "migration-governance"), (KATANGA, "natural-resources")])
def test_theme_follows_the_largest_dac_sector(project_id, theme):
    assert project(project_id)["theme"] == theme


def test_budget_goes_to_the_notes_and_never_to_flows():
    assert "2022-01-01 to 2022-12-31: USD 3000000" in project(SWEDEN)["notes"]
    assert "3000000" not in {f["amount"] for f in flows_of(SWEDEN)}


# --- the IOM fixture: donors and flows ---------------------------------------------------------------------

def test_donor_declared_both_ways_yields_one_incoming_commitment():
    donors = [(f["donor"], f["transaction_type"]) for f in flows_of(SWEDEN) if f["transaction_type"] in ("1", "11")]
    assert donors == [("Sweden", "11")]


def test_incoming_commitment_keeps_amount_currency_and_value_date():
    row = flow(f"{SWEDEN}#t1")
    assert (row["amount"], row["currency"], row["value_date"], row["org_role"], row["recipient"]) == \
        ("30000000", "SEK", "2021-12-14", "1", "IOM")


def test_donor_only_in_a_transaction_is_named_from_its_identifier():
    row = flow(f"{NETHERLANDS}#t1")
    assert (row["donor"], row["org_role"], row["amount"], row["currency"], row["value_date"]) == \
        ("Netherlands", "1", "4000000", "EUR", "2019-06-15")


def test_value_date_falls_back_to_the_transaction_date():
    assert flow(f"{NETHERLANDS}#t2")["value_date"] == "2019-08-01"


def test_funding_participating_org_without_transaction_yields_an_amountless_commitment():
    [row] = flows_of(UK)
    assert (row["donor"], row["transaction_type"], row["org_role"], row["amount"], row["notes"]) == \
        ("UK Foreign, Commonwealth and Development Office (FCDO)", "11", "1", None,
         "declared as funding participating-org; no transaction published: amount not published")


@pytest.mark.parametrize("flow_id, kind, donor, recipient, amount", [
    (f"{SWEDEN}#t2", "3", "IOM", "Association fictive pour le développement local", "250000"),
    (f"{SWEDEN}#t3", "4", "IOM", None, "400000"),
])
def test_disbursements_and_expenditure_leave_the_reporting_org(flow_id, kind, donor, recipient, amount):
    row = flow(flow_id)
    assert (row["transaction_type"], row["donor"], row["recipient"], row["amount"], row["currency"],
            row["org_role"]) == (kind, donor, recipient, amount, "USD", "4")


def test_unknown_transaction_type_is_skipped_with_a_warning():
    assert [f["flow_id"] for f in flows_of(KATANGA)] == [f"{KATANGA}#t1"]
    assert any("type '13'" in w for w in warnings_of(load_main(), 5))


# --- the IOM fixture: places ---------------------------------------------------------------------------------

def test_provinces_resolve_by_code_and_by_name_once_each():
    places = load_main().tables["locations"]
    assert places[places["project_id"] == NETHERLANDS][["province_pcode", "province_name", "split_known"]] \
        .values.tolist() == [["CD61", "Nord-Kivu", "false"], ["CD54", "Ituri", "false"]]


@pytest.mark.parametrize("project_id, coverage", [(SWEDEN, "provincial"), (NETHERLANDS, "provincial"),
                                                  (UK, "national"), (KATANGA, None)])
def test_coverage_follows_the_locations(project_id, coverage):
    assert project(project_id)["coverage"] == coverage


def test_legacy_province_is_warned_and_never_assigned():
    places = load_main().tables["locations"]
    assert KATANGA not in set(places["project_id"])
    assert any("'Katanga'" in w and "CD71" in w and "CD74" in w for w in warnings_of(load_main(), 5))


# --- tiny inline files -----------------------------------------------------------------------------------------

def test_activity_without_identifier_is_refused():
    derived = parse_iati_bytes(iati('<recipient-country code="CD"/>'), "f.xml")
    refused = compute_refused_rows(derived.rejected_rows, derived.problems)
    assert (derived.rows_in, refused["_column"].tolist()) == (1, ["project_id"])
    assert [(p.row, p.severity) for p in derived.problems] == [(1, "error")]


def test_duplicate_identifier_is_refused_the_second_time():
    data = iati(ACTIVITY).replace(b"</iati-activities>", b"") + \
        iati(ACTIVITY).split(b'version="2.03">')[1]
    derived = parse_iati_bytes(data, "f.xml")
    refused = compute_refused_rows(derived.rejected_rows, derived.problems)
    assert (len(derived.tables["projects"]), refused["_reason"].tolist()) == \
        (1, ["duplicate iati-identifier P1 (first at activity 1)"])


def test_activity_with_no_country_anywhere_is_held_back_never_assumed():
    derived = parse_iati_bytes(iati("<iati-identifier>P1</iati-identifier>"), "f.xml")
    assert len(derived.tables["projects"]) == 0
    refused = compute_refused_rows(derived.rejected_rows, derived.problems)
    assert "not assumed to be the DRC" in refused.loc[0, "_reason"]
    assert derived.summary["held_back"] == {"no-country": 1}


@pytest.mark.parametrize("location, kept", [
    ("", False),
    ('<location><name><narrative>Sud-Kivu</narrative></name></location>', True),
])
def test_region_only_activity_is_kept_only_with_drc_locations(location, kept):
    body = f'<iati-identifier>P1</iati-identifier><recipient-region code="289"/>{location}'
    derived = parse_iati_bytes(iati(body), "f.xml")
    assert len(derived.tables["projects"]) == int(kept) and len(derived.rejected_rows) == int(not kept)


def test_unmapped_sectors_leave_theme_empty_and_are_named_once_per_file():
    two = iati(ACTIVITY + '<sector code="12220"/>').replace(b"</iati-activities>", b"") + \
        iati(ACTIVITY.replace("P1", "P2") + '<sector code="12220"/>').split(b'version="2.03">')[1]
    derived = parse_iati_bytes(two, "f.xml")
    assert derived.tables["projects"]["theme"].tolist() == [None, None]
    file_level = [p.reason for p in derived.problems if p.column == "theme"]
    assert len(file_level) == 1 and "OECD DAC 12220 (2)" in file_level[0]
    assert [p.row for p in derived.problems if p.column == "theme"] == [None]


def test_misspelt_province_gets_a_row_and_a_warning():
    derived = parse_iati_bytes(iati(ACTIVITY + "<location><name><narrative>Nord Kivou</narrative></name>"
                                               "</location>"), "f.xml")
    assert derived.tables["locations"]["province_pcode"].tolist() == ["CD61"]
    assert any("closest spelling" in w for w in warnings_of(derived, 1))


def test_unmatched_place_gives_no_row_and_no_coverage():
    derived = parse_iati_bytes(iati(ACTIVITY + "<location><name><narrative>Atlantis</narrative></name>"
                                               "</location>"), "f.xml")
    assert derived.tables["locations"].empty and derived.tables["projects"].loc[0, "coverage"] is None


def test_numeric_gazetteer_code_is_never_matched_by_spelling():
    body = ACTIVITY + '<location><administrative vocabulary="G1" level="1" code="2316"/></location>'
    assert parse_iati_bytes(iati(body), "f.xml").tables["locations"].empty


def test_negative_value_is_skipped_with_a_warning():
    body = ACTIVITY + '<transaction><transaction-type code="3"/><value>-500</value></transaction>'
    derived = parse_iati_bytes(iati(body), "f.xml")
    assert derived.tables["funding"].empty and any("negative" in w for w in warnings_of(derived, 1))


def test_sole_funder_stands_in_for_a_missing_provider():
    body = ACTIVITY + ('<participating-org ref="XM-DAC-8" role="1"/>'
                       '<transaction><transaction-type code="11"/><value>5</value></transaction>')
    rows = parse_iati_bytes(iati(body), "f.xml").tables["funding"]
    assert rows[["donor", "amount"]].values.tolist() == [["Norway", "5"]]


@pytest.mark.parametrize("org, name", [
    ('<participating-org ref="XM-DAC-41114" role="1"/>', "UNDP"),
    ('<participating-org ref="ZZ-UNKNOWN-1" role="1"/>', "ZZ-UNKNOWN-1"),
    ('<participating-org ref="XM-DAC-41114" role="1"><narrative>PNUD</narrative></participating-org>', "PNUD"),
])
def test_organisation_name_from_narrative_then_known_identifier_then_the_identifier(org, name):
    assert parse_iati_bytes(iati(ACTIVITY + org), "f.xml").tables["funding"]["donor"].tolist() == [name]


def test_funder_named_differently_in_a_transaction_is_one_donor_named_as_it_takes_part():
    body = ACTIVITY + ('<participating-org ref="SE-0" role="1"><narrative>Sverige</narrative></participating-org>'
                       '<transaction><transaction-type code="11"/><value>5</value>'
                       '<provider-org ref="SE-0"><narrative>Sida</narrative></provider-org></transaction>')
    assert parse_iati_bytes(iati(body), "f.xml").tables["funding"]["donor"].tolist() == ["Sverige"]


def test_utf16_file_is_read():
    text = iati(ACTIVITY).decode().replace("<title><narrative>T", "<title><narrative>Kalémie")
    derived = parse_iati_bytes(('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16"), "f.xml")
    assert derived.tables["projects"].loc[0, "title_en"] == "Kalémie"


@pytest.mark.parametrize("value", ["1e999999999", "NaN", "1,000", "12 500"])
def test_implausible_or_malformed_value_keeps_the_flow_without_amount(value):
    body = ACTIVITY + f'<transaction><transaction-type code="4"/><value>{value}</value></transaction>'
    derived = parse_iati_bytes(iati(body), "f.xml")
    assert derived.tables["funding"]["amount"].tolist() == [None]
    assert any("not a number" in w for w in warnings_of(derived, 1))


def test_impossible_calendar_date_is_warned_and_left_empty():
    derived = parse_iati_bytes(iati(ACTIVITY + '<activity-date type="1" iso-date="2021-13-45"/>'), "f.xml")
    assert derived.tables["projects"].loc[0, "planned_start"] is None
    assert any("2021-13-45" in w for w in warnings_of(derived, 1))


def test_datetime_value_date_keeps_the_day():
    body = ACTIVITY + ('<transaction><transaction-type code="4"/>'
                       '<value value-date="2022-03-04T00:00:00Z">1</value></transaction>')
    assert parse_iati_bytes(iati(body), "f.xml").tables["funding"]["value_date"].tolist() == ["2022-03-04"]
