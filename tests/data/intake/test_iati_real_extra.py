"""More real d-portal downloads with DRC activities (../shared/data/real/extra, skipped when absent).

Each file is a byte-for-byte copy of OCHA-DAP/hdx-scraper-iati-viz `saved_data/dportal_<n>.xml` at commit
27495286329b47911637e7396f4212f439a4d106 (publishers: OCHA country-based pooled funds, ECHO, Sida, the German
Federal Foreign Office, a UK charity). The expected scope and amounts come from reading each file with
xml.etree directly (the oracle below), not from the reader under test.
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from data.intake.iati import parse_iati_bytes

EXTRA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real" / "extra"
FILES = ["iati_ocha_cbpf_dportal_127.xml", "iati_echo_dportal_70.xml", "iati_sida_dportal_43.xml",
         "iati_german_ffo_dportal_117.xml", "iati_gb_chc_285776_dportal_22.xml"]
KEPT_TYPES = {"1", "2", "3", "4", "11"}


def read_xml_oracle(path: Path) -> dict[str, dict[str, Decimal]]:
    """Per activity naming CD (activity or transaction level): net sum per 'type/currency', each value scaled
    by the DRC percentage when several recipients are given with percentages, None when the DRC share is not
    published."""
    import xml.etree.ElementTree as ET  # the test's own reading of a file it trusts; the app uses defusedxml

    expected: dict[str, dict[str, Decimal] | None] = {}
    for activity in ET.parse(path).getroot().findall("iati-activity"):
        identifier = activity.findtext("iati-identifier").strip()
        countries = {e.get("code"): e.get("percentage") for e in activity.findall("recipient-country")}
        weighted_regions = [e for e in activity.findall("recipient-region") if float(e.get("percentage") or 0)]
        by_transaction = not countries and any(e.get("code") == "CD"
                                               for e in activity.findall("transaction/recipient-country"))
        if "CD" not in countries and not by_transaction:
            continue
        share = Decimal(1)
        if len(countries) > 1 or weighted_regions:
            if not countries.get("CD"):
                expected[identifier] = None
                continue
            share = Decimal(countries["CD"]) / 100
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for transaction in activity.findall("transaction"):
            kind = transaction.find("transaction-type").get("code")
            if kind not in KEPT_TYPES:
                continue
            if by_transaction and "CD" not in {e.get("code") for e in transaction.findall("recipient-country")}:
                continue
            value = transaction.find("value")
            currency = value.get("currency") or activity.get("default-currency")
            amount = Decimal(value.text.strip())
            if share != 1:
                amount = (amount * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            sums[f"{kind}/{currency}"] += amount
        expected[identifier] = dict(sums)
    return expected


def sums_of(derived, project_id: str) -> dict[str, Decimal] | None:
    flows = derived.tables["funding"]
    mine = flows[flows["project_id"] == project_id]
    if len(mine) and mine["amount"].isna().all() and "not counted" in " ".join(mine["notes"]):
        return None
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in mine.itertuples():
        if row.amount is not None:
            sums[f"{row.transaction_type}/{row.currency}"] += Decimal(row.amount)
    return dict(sums)


@pytest.mark.parametrize("name", FILES)
def test_extra_real_file_scope_and_amounts_match_the_xml(name):
    path = EXTRA / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    expected = read_xml_oracle(path)
    derived = parse_iati_bytes(path.read_bytes(), name)
    assert sorted(derived.tables["projects"]["project_id"]) == sorted(expected)
    assert derived.summary["in_scope"] + sum(derived.summary["held_back"].values()) == derived.rows_in
    for project_id, sums in expected.items():
        got = sums_of(derived, project_id)
        if sums is None:
            assert got is None, project_id
        else:
            assert {k: v for k, v in got.items() if v} == {k: v for k, v in sums.items() if v}, project_id
