"""Real IATI downloads (../shared/data/real, skipped when absent): scope, donors and amounts as the XML states.

Every expected value below was read from the XML itself (python's xml.etree over the file: recipient-country,
transaction recipient-country, transaction-type, value, currency, provider-org), never from this code.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from data.intake.iati import parse_iati_bytes
from data.intake.pipeline import load_intake
from data.metrics import compute_committed, compute_funding
from data.portfolio import compute_refused_rows

REAL = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real"
EBOLA = REAL / "dportal_ebola_mixed_100acts_19drc.xml"
IOM = REAL / "iom_2021_dportal_100acts_5drc.xml"

DFID = "Department for International Development"  # GB-GOV-1's reporting-org narrative, 6 activities
USAID = "U.S. Agency for International Development"  # US-GOV-1's reporting-org narrative
CERF = "UNOCHA - Central Emergency Response Fund (CERF)"  # XM-OCHA-CERF's reporting-org narrative
DANIDA = "Ministry of Foreign Affairs, Denmark"  # XM-DAC-3-1, published inside quotes

# Activities naming CD (activity recipient-country, or every transaction's recipient-country for USAID):
# net sum of each transaction type and currency, and the organisations that provide the money.
EBOLA_DRC = {
    "GB-CHC-220949-D464": ({"2/GBP": "4729000", "3/GBP": "4786000"},
                           {"British Red Cross", DFID, "Scottish Government"}),
    "XM-OCHA-CERF-12-CEF-113": ({"3/USD": "250000"}, {CERF}),
    "XM-OCHA-CERF-12-WHO-069": ({"3/USD": "489515"}, {CERF}),
    "XM-DAC-3-1-284162-33932": ({"2/DKK": "15000000", "3/DKK": "15000000"}, {DANIDA}),
    "GB-1-203445-110": ({"2/GBP": "668992", "3/GBP": "668992"}, {DFID}),
    "GB-1-205242-105": ({"2/GBP": "253067", "3/GBP": "228787", "4/GBP": "15851"}, {DFID}),
    "GB-GOV-1-300832-101": ({"2/GBP": "23400000", "3/GBP": "19200000"}, {DFID}),  # incl. a -4,200,000 correction
    "GB-GOV-1-300832-108": ({"2/GBP": "2300000", "3/GBP": "6500000"}, {DFID}),
    "GB-GOV-1-300832-109": ({}, {DFID}),  # a funder, no transaction: amount not published
    "GB-GOV-1-300832-110": ({"2/GBP": "10750150", "3/GBP": "10750150"}, {DFID}),
    "XM-OCHA-CERF-19-RR-WHO-044": ({"3/USD": "3902590"}, {CERF}),
    "XM-OCHA-CERF-19-RR-IOM-027": ({"3/USD": "1999062"}, {CERF}),
    "XM-OCHA-CERF-19-RR-CEF-093": ({"3/USD": "3935937"}, {CERF}),
    "US-GOV-1-720FDA18CA00052": ({"2/USD": "4066369", "3/USD": "4066369"}, {USAID}),
    "US-GOV-1-720FDA18CA00054": ({"2/USD": "17902537", "3/USD": "17902537"}, {USAID}),
    "US-GOV-1-720FDA19CA00001": ({"2/USD": "23991839", "3/USD": "17487808.5"}, {USAID}),
    "US-GOV-1-720FDA19CA00002": ({"2/USD": "8642714", "3/USD": "5654642.39"}, {USAID}),
    "US-GOV-1-720FDA19CA00004": ({"2/USD": "4752483", "3/USD": "4752483"}, {USAID}),
    "US-GOV-1-720FDA19CA00033": ({"2/USD": "18217291", "3/USD": "10292181"}, {USAID}),
    "US-GOV-1-720FDA19CA00080": ({"2/USD": "10596390", "3/USD": "1458944.66"}, {USAID}),
    "US-GOV-1-720FDA19IO00003": ({"2/USD": "8161713", "3/USD": "8161713"}, {USAID}),
    "US-GOV-1-72DFFP19IO00015": ({"2/USD": "12000000", "3/USD": "11811609.88"}, {USAID}),
    "XM-OCHA-CERF-18-RR-WHO-019": ({"3/USD": "798502"}, {CERF}),
    "XM-OCHA-CERF-18-RR-WFP-033": ({"3/USD": "797272"}, {CERF}),
    "XM-OCHA-CERF-18-RR-CEF-054": ({"3/USD": "399730"}, {CERF}),
    "XM-OCHA-CERF-18-RR-WHO-029": ({"3/USD": "1701255"}, {CERF}),
    "XM-OCHA-CERF-18-RR-WFP-046": ({"3/USD": "207031"}, {CERF}),
    "XM-OCHA-CERF-18-RR-CEF-078": ({"3/USD": "900450"}, {CERF}),
}
# Named in the issue as wrongly counted before: West Africa (SL/LR/GN), a Ugandan hospital with no country,
# a Tanzania-free set of Republic of the Congo (CG) activities, a region-only Swiss 1.03 activity.
NOT_DRC = ["GB-CHC-1062638-West-Africa-Ebola-2014", "US-501c3-522318905-SG-87299381007",
           "XI-IATI-EC_DEVCO-2008/190-916", "XM-DAC-3-1-284740-33987", "CH-4-2015002496",
           "US-501c3-522318905-SG-1120091252354"]

IOM_DRC = {  # incoming commitments (type 11, USD) and their providers
    "XM-DAC-47066-CS.1078": ("3621332.01", "European Commission - Service for Foreign Policy Instruments",
                             "stabilisation"),
    "XM-DAC-47066-CS.1100": ("5533096.14", "United States", "stabilisation"),
    "XM-DAC-47066-DP.2172": ("716385.92", "Canada - Global Affairs Canada | Affaires mondiales Canada", "cccm"),
    "XM-DAC-47066-DP.2199": ("1930000.05", "United States Agency for International Development (USAID)", "cccm"),
    "XM-DAC-47066-DP.2252": ("7930000.23", "United States Agency for International Development (USAID)", "cccm"),
}
IOM_GLOBAL = {"XM-DAC-47066-DP.2189": "28092592.51", "XM-DAC-47066-DP.2193": "1460024.61"}

needs_real = pytest.mark.skipif(not (EBOLA.exists() and IOM.exists()), reason="../shared/data/real is absent")


@pytest.fixture(scope="module")
def ebola():
    return parse_iati_bytes(EBOLA.read_bytes(), EBOLA.name)


@pytest.fixture(scope="module")
def iom():
    return parse_iati_bytes(IOM.read_bytes(), IOM.name)


def sums_by_type(derived, project_id: str) -> dict[str, str]:
    flows = derived.tables["funding"]
    sums: dict[str, Decimal] = {}
    for row in flows[flows["project_id"] == project_id].itertuples():
        if row.amount is not None:
            key = f"{row.transaction_type}/{row.currency}"
            sums[key] = sums.get(key, Decimal(0)) + Decimal(row.amount)
    return {key: format(value.normalize(), "f") for key, value in sums.items()}


@needs_real
def test_ebola_file_keeps_exactly_the_drc_activities(ebola):
    assert sorted(ebola.tables["projects"]["project_id"]) == sorted(EBOLA_DRC)
    assert not set(NOT_DRC) & set(ebola.tables["projects"]["project_id"])
    assert (ebola.summary["activities"], ebola.summary["in_scope"]) == (100, 28)
    assert ebola.summary["scope"] == {"drc": 19, "by-transaction": 9}


@needs_real
@pytest.mark.parametrize("project_id", sorted(EBOLA_DRC))
def test_ebola_amounts_and_currencies_are_the_xml_s(ebola, project_id):
    assert sums_by_type(ebola, project_id) == EBOLA_DRC[project_id][0]


@needs_real
@pytest.mark.parametrize("project_id", sorted(EBOLA_DRC))
def test_ebola_donors_are_the_providers_the_xml_names(ebola, project_id):
    flows = ebola.tables["funding"]
    assert set(flows.loc[flows["project_id"] == project_id, "donor"]) == EBOLA_DRC[project_id][1]


@needs_real
def test_ebola_aggregator_is_never_a_donor(ebola):
    assert "AidData" not in set(ebola.tables["funding"]["donor"])


@needs_real
def test_ebola_committed_total_includes_dfid_usaid_and_danida_outgoing_commitments():
    intake = load_intake([EBOLA])
    committed = compute_committed(compute_funding(intake.portfolio.funding, "USD"))
    published = committed[committed["amount"].notna()]
    by_currency = published.groupby("currency")["amount"].sum().to_dict()
    # type 2 only (no incoming commitment is published): USAID 9 activities, DFID 5 + British Red Cross, Danida.
    assert {k: round(float(v), 2) for k, v in by_currency.items()} == {
        "USD": 108331336.0, "GBP": 42101209.0, "DKK": 15000000.0}
    assert set(published["transaction_type"]) == {2}
    # the one funder without a transaction (DFID, GB-GOV-1-300832-109) is listed with no amount
    assert committed.loc[committed["amount"].isna(), "project_id"].tolist() == ["GB-GOV-1-300832-109"]


@needs_real
def test_iom_file_keeps_five_drc_activities_and_flags_the_two_global_ones(iom):
    projects = iom.tables["projects"].set_index("project_id")
    assert sorted(projects.index) == sorted([*IOM_DRC, *IOM_GLOBAL])
    assert iom.summary["scope"] == {"drc": 5, "multi-country": 2}
    for project_id in IOM_GLOBAL:
        assert "Multi-country, DRC share not published" in projects.loc[project_id, "notes"]
        assert projects.loc[project_id, "coverage"] is None


@needs_real
@pytest.mark.parametrize("project_id", sorted(IOM_DRC))
def test_iom_commitment_donor_and_theme(iom, project_id):
    amount, donor, theme = IOM_DRC[project_id]
    assert sums_by_type(iom, project_id) == {"11/USD": amount}
    flows = iom.tables["funding"]
    assert set(flows.loc[flows["project_id"] == project_id, "donor"]) == {donor}
    assert iom.tables["projects"].set_index("project_id").loc[project_id, "theme"] == theme


@needs_real
@pytest.mark.parametrize("project_id", sorted(IOM_GLOBAL))
def test_iom_global_activities_carry_no_drc_amount(iom, project_id):
    flows = iom.tables["funding"]
    mine = flows[flows["project_id"] == project_id]
    assert mine["amount"].isna().all() and f"Published amount {IOM_GLOBAL[project_id]} USD" in mine.iloc[0]["notes"]


@needs_real
def test_iom_committed_total_is_the_five_drc_activities():
    intake = load_intake([IOM])
    committed = compute_committed(compute_funding(intake.portfolio.funding, "USD"))
    assert round(float(committed["amount"].sum()), 2) == 19730814.35


@needs_real
@pytest.mark.parametrize("project_id, title, reason", [
    # version="1.04", title as element text, role="Funding", transaction code "C"; no country anywhere
    ("US-501c3-522318905-SG-1120091252354", "Prevent Ebola epidemic in Kapungu, Kasai", "not assumed to be the DRC"),
    # version="1.03", xml:lang="FR", recipient-region 289 only
    ("CH-4-2015002496", "West Africa, secondments : support to Ebola response with external expertise",
     "recipient region 289 only"),
    # version="1.03", recipient-country NO
    ("NO-BRC-977538319_X9SM1403", "Multi-Sectoral analysis of the humanitarian situation and needs resulting from "
     "the Ebola crisis across Western Africa (ENAP)", "recipient country NO, not CD"),
])
def test_ebola_1x_activities_are_read_and_held_back_only_for_their_scope(ebola, project_id, title, reason):
    refused = compute_refused_rows(ebola.rejected_rows, ebola.problems).set_index("project_id").loc[project_id]
    assert title in (refused["title_en"], refused["title_fr"]) and reason in refused["_reason"]
