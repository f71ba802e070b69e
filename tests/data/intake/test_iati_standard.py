"""IATI reading rules: 1.0x and mixed versions, country scope, donors and negative transactions."""
import logging
from pathlib import Path

import pytest

from data.intake.iati import ActivityReader, parse_iati_bytes
from data.portfolio import compute_refused_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "iati"


def activity(body: str, attrs: str = 'default-currency="USD"') -> str:
    return f"<iati-activity {attrs}><title><narrative>T</narrative></title>{body}</iati-activity>"


def parse(*activities: str, version: str = "2.03"):
    return parse_iati_bytes(f'<iati-activities version="{version}">{"".join(activities)}</iati-activities>'
                            .encode(), "f.xml")


def funding(derived) -> list[tuple]:
    frame = derived.tables["funding"]
    return list(frame[["donor", "transaction_type", "amount", "currency"]].itertuples(index=False, name=None))


def warnings(derived) -> list[str]:
    return [p.reason for p in derived.problems if p.severity == "warning"]


ID = "<iati-identifier>P1</iati-identifier>"
TX = '<transaction><transaction-type code="{kind}"/><value value-date="2020-01-01">{value}</value>{extra}</transaction>'


def tx(kind, value, extra=""):
    return TX.format(kind=kind, value=value, extra=extra)


# --- IATI 1.0x and mixed files (fixtures written from the 1.0x documentation's examples) -------------------

@pytest.fixture(scope="module")
def old():
    return parse_iati_bytes((FIXTURES / "iati_1x_activities.xml").read_bytes(), "iati_1x_activities.xml")


def test_1x_titles_in_element_text_by_language(old):
    row = old.tables["projects"].iloc[0]
    assert (row["title_en"], row["title_fr"]) == ("Community dialogue for peace in Nord-Kivu (synthetic)",
                                                  "Dialogue communautaire pour la paix au Nord-Kivu (fictif)")


def test_1x_roles_in_words(old):
    row = old.tables["projects"].iloc[0]
    assert (row["implementing_orgs"], row["partners"]) == ("Association fictive pour la paix", "Fictional Peace Fund")


def test_1x_dates_by_type_words_and_status_by_code_or_word(old):
    projects = old.tables["projects"]
    assert projects[["planned_start", "actual_start", "planned_end", "actual_end", "activity_status"]] \
        .values.tolist() == [["2013-04-01", "2013-05-15", "2015-03-31", None, "2"],
                             [None, None, None, "2014-06-30", "3"]]


def test_1x_transaction_letters_and_text_names(old):
    assert funding(old) == [("Netherlands", "2", "2000000", "EUR"), ("Netherlands", "3", "750000", "EUR"),
                            ("Netherlands", "4", "120000", "EUR"), ("Fictional Donor Agency", "1", "500000", "USD")]


def test_1x_sector_vocabulary_and_administrative_place(old):
    assert old.tables["projects"].loc[0, "theme"] == "stabilisation"
    assert old.tables["locations"]["province_pcode"].tolist() == ["CD61"]


def test_a_file_mixing_1x_and_2x_activities_loads_both():
    derived = parse_iati_bytes((FIXTURES / "mixed_versions.xml").read_bytes(), "mixed_versions.xml")
    assert derived.tables["projects"][["project_id", "title_en", "actual_start"]].values.tolist() == [
        ["XM-DAC-8-SYN-MIX-1", "Reconstruction of local police posts (synthetic)", "2012-01-10"],
        ["XM-DAC-8-SYN-MIX-2", "Mediation in Ituri (synthetic)", "2020-02-01"]]
    assert funding(derived) == [("Norway", "2", "300000", "USD"), ("Norway", "2", "400000", "USD")]


# --- country scope ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, held", [
    ('<recipient-country code="TZ"/><location><name><narrative>Democratic Republic of the Congo</narrative>'
     '</name></location>', "other-country"),
    ('<recipient-region code="298"/>', "region-only"),
    ("", "no-country"),
    ('<location><location-id vocabulary="A4" code="UG"/></location>', "other-country"),
    (tx(3, 5, '<recipient-country code="CG"/>'), "other-country"),
])
def test_activities_outside_the_drc_are_held_back_with_a_reason(body, held):
    derived = parse(activity(ID + body))
    assert derived.tables["projects"].empty and derived.summary["held_back"] == {held: 1}


def test_transaction_level_countries_keep_only_the_drc_transactions():
    body = ID + tx(2, 10, '<recipient-country code="CD"/>') + tx(2, 7, '<recipient-country code="UG"/>')
    derived = parse(activity(body))
    assert funding(derived) == [(None, "2", "10", "USD")]
    assert derived.summary["scope"] == {"by-transaction": 1}
    assert any("1 transaction(s) name no recipient country CD" in w for w in warnings(derived))


def test_multi_country_without_a_drc_share_is_listed_with_no_amount_and_no_place():
    body = (ID + '<recipient-region code="1" percentage="100"/>'
            '<location><location-id vocabulary="A4" code="CD"/></location>'
            '<location><location-id vocabulary="A4" code="BD"/></location>'
            '<location><name><narrative>Nord-Kivu</narrative></name></location>' + tx(11, 1000))
    derived = parse(activity(body))
    project = derived.tables["projects"].iloc[0]
    assert "Multi-country, DRC share not published" in project["notes"]
    assert project["coverage"] is None and derived.tables["locations"].empty
    assert [f[2] for f in funding(derived)] == [None]
    assert "Published amount 1000 USD not counted" in derived.tables["funding"].loc[0, "notes"]
    assert derived.summary["scope"] == {"multi-country": 1}


def test_several_countries_without_percentages_but_with_transaction_countries_keep_the_drc_transactions():
    body = (ID + '<recipient-country code="CD"/><recipient-country code="RW"/>'
            + tx(2, 50, '<recipient-country code="CD"/>') + tx(2, 30, '<recipient-country code="RW"/>'))
    derived = parse(activity(body))
    assert derived.summary["scope"] == {"by-transaction": 1} and [f[2] for f in funding(derived)] == ["50"]


def test_several_countries_without_percentages_are_multi_country():
    derived = parse(activity(ID + '<recipient-country code="CD"/><recipient-country code="RW"/>' + tx(2, 50)))
    assert derived.summary["scope"] == {"multi-country": 1} and [f[2] for f in funding(derived)] == [None]


def test_a_region_without_percentage_beside_the_drc_alone_keeps_the_activity_whole():
    derived = parse(activity(ID + '<recipient-country code="CD"/><recipient-region code="289"/>' + tx(2, 50)))
    assert derived.summary["scope"] == {"drc": 1} and [f[2] for f in funding(derived)] == ["50"]


def test_a_foreign_country_level_location_is_not_the_drc():
    body = ID + ('<recipient-country code="CD"/><location><location-id vocabulary="A4" code="TZ"/></location>')
    derived = parse(activity(body))
    assert derived.tables["projects"].loc[0, "coverage"] is None


def test_locations_with_country_suffixes_reach_their_province():
    body = ID + ('<recipient-country code="CD"/>'
                 '<location><name><narrative>Nord Kivu, Democratic Republic of the Congo</narrative></name></location>'
                 '<location><name><narrative>Equateur region, Democratic Republic of the Congo</narrative></name>'
                 '</location>')
    derived = parse(activity(body))
    assert derived.tables["locations"]["province_pcode"].tolist() == ["CD61", "CD41"]
    assert any("suffix" in w for w in warnings(derived))


# --- donors and amounts -------------------------------------------------------------------------------------

def test_a_funder_without_transactions_never_hides_published_commitments():
    body = ID + ('<recipient-country code="CD"/><reporting-org ref="GB-GOV-1"><narrative>DFID</narrative>'
                 '</reporting-org><participating-org ref="GB-GOV-1" role="1"><narrative>DFID</narrative>'
                 '</participating-org><participating-org ref="XM-DAC-3-1" role="1"><narrative>Danida</narrative>'
                 '</participating-org>' + tx(2, 100))
    assert funding(parse(activity(body))) == [("DFID", "2", "100", "USD"), ("Danida", "11", None, None)]


def test_an_aggregator_that_republishes_is_never_a_donor():
    body = ID + ('<recipient-country code="CD"/><reporting-org ref="US-501c3-522318905"><narrative>AidData'
                 '</narrative></reporting-org><participating-org role="1"><narrative>Italy</narrative>'
                 '</participating-org>' + tx(2, 100))
    assert funding(parse(activity(body))) == [("Italy", "2", "100", "USD")]


def test_outgoing_flow_names_its_published_provider():
    body = ID + ('<recipient-country code="CD"/><reporting-org ref="GB-CHC-220949"><narrative>British Red Cross'
                 '</narrative></reporting-org><participating-org ref="GB-CHC-220949" role="1"><narrative>General '
                 'funds</narrative></participating-org><participating-org ref="GB-GOV-1" role="1"><narrative>DFID'
                 '</narrative></participating-org>' + tx(2, 5, '<provider-org ref="GB-GOV-1"><narrative>DFID'
                                                              '</narrative></provider-org>') + tx(2, 3))
    assert funding(parse(activity(body))) == [("DFID", "2", "5", "USD"), ("British Red Cross", "2", "3", "USD")]


def test_one_name_per_identifier_across_the_file():
    first = activity(ID + '<recipient-country code="CD"/><reporting-org ref="GB-GOV-1"><narrative>Department for '
                     'International Development</narrative></reporting-org>'
                     '<participating-org ref="GB-GOV-1" role="1"><narrative>DFID</narrative></participating-org>'
                     + tx(2, 1))
    second = activity("<iati-identifier>P2</iati-identifier>" + '<recipient-country code="CD"/>'
                      + tx(11, 2, '<provider-org ref="GB-GOV-1"><narrative>UK - DFID</narrative></provider-org>'))
    assert {f[0] for f in funding(parse(first, second))} == {"Department for International Development"}


@pytest.mark.parametrize("values, expected", [
    (["4200000", "8000000", "-4200000", "11200000"], ["0", "8000000", "11200000"]),  # a reversal of one flow
    (["100", "50", "-70"], ["80", "0"]),  # no exact match: the latest flows first (same value date: last first)
    (["10", "-30"], ["0"]),  # more negative than positive: the measure stops at zero, the rest is reported
])
def test_negative_transactions_are_netted_into_their_measure(values, expected):
    derived = parse(activity(ID + '<recipient-country code="CD"/>' + "".join(tx(3, v) for v in values)))
    assert [f[2] for f in funding(derived)] == expected
    assert any("negative" in w for w in warnings(derived))


# --- errors: the reader's own, and bugs ---------------------------------------------------------------------

def test_a_bug_while_reading_an_activity_is_logged_and_reported_as_internal_error(monkeypatch, caplog):
    def broken(self, reporting):
        raise ZeroDivisionError("injected bug")

    monkeypatch.setattr(ActivityReader, "_theme", broken)
    with caplog.at_level(logging.ERROR, logger="data.intake.iati"):
        derived = parse(activity(ID + '<recipient-country code="CD"/>'))
    assert derived.tables["projects"].empty
    assert "internal error" in compute_refused_rows(derived.rejected_rows, derived.problems).loc[0, "_reason"]
    assert derived.summary["held_back"] == {"internal-error": 1}
    assert any("ZeroDivisionError: injected bug" in (r.exc_text or "") for r in caplog.records)


def test_inconsistent_source_dates_keep_the_activity_its_flows_and_places_as_a_status_conflict():
    import datetime as dt

    from data.intake import parse_uploads
    from data.status import compute_status_checks

    body = (ID + '<recipient-country code="CD"/><activity-date type="1" iso-date="2020-06-01"/>'
            '<activity-date type="3" iso-date="2019-12-31"/>'
            '<location><name><narrative>Ituri</narrative></name></location>' + tx(2, 100))
    data = f'<iati-activities version="2.03">{activity(body)}</iati-activities>'.encode()
    portfolio = parse_uploads([("dates.xml", data)]).portfolio
    assert portfolio.projects["project_id"].tolist() == ["P1"]
    assert portfolio.funding["amount"].tolist() == [100.0]
    assert portfolio.locations["province_pcode"].tolist() == ["CD54"]
    assert "end_before_start" in set(compute_status_checks(portfolio.projects, dt.date(2026, 12, 1))["check"])
