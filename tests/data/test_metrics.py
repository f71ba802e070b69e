"""Metrics: KPIs never turn missing into zero; commitments are not double counted."""
import math

import pandas as pd
import pytest

from bench.naive import naive_get_rate as get_rate  # the per-flow ECB lookup, as reference
from data.intake import load_portfolio
from data.metrics import (
    compute_by_donor,
    compute_committed,
    compute_funding,
    compute_kpis,
    compute_left_to_disburse,
)


def flows(rows):
    base = {"donor": "D", "org_role": 1, "recipient": "IOM", "currency": "USD", "value_date": None}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["transaction_type"] = frame["transaction_type"].astype("Int64")
    return frame


def test_incoming_commitment_wins_over_outgoing_for_the_same_project():
    converted = compute_funding(flows([
        {"flow_id": "a", "project_id": "P", "transaction_type": 11, "amount": 100.0},
        {"flow_id": "b", "project_id": "P", "transaction_type": 2, "amount": 60.0},
        {"flow_id": "c", "project_id": "Q", "transaction_type": 2, "amount": 5.0},
    ]), "USD")
    assert sorted(compute_committed(converted)["flow_id"]) == ["a", "c"]


def test_incoming_commitment_without_amount_never_hides_a_published_outgoing_one():
    converted = compute_funding(flows([
        {"flow_id": "funder", "project_id": "P", "transaction_type": 11, "amount": None, "currency": None},
        {"flow_id": "out", "project_id": "P", "transaction_type": 2, "amount": 60.0},
    ]), "USD")
    committed = compute_committed(converted)
    assert sorted(committed["flow_id"]) == ["funder", "out"] and committed["amount_reporting"].sum() == 60.0


def test_by_donor_counts_unpublished_amounts_and_keeps_them_missing():
    converted = compute_funding(flows([
        {"flow_id": "a", "project_id": "P", "transaction_type": 11, "amount": None, "currency": None},
    ]), "USD")
    row = compute_by_donor(converted).iloc[0]
    assert math.isnan(row["amount"]) and row["not_published"] == 1


def test_left_to_disburse_counts_only_projects_publishing_both_amounts():
    converted = compute_funding(flows([
        {"flow_id": "p1c", "project_id": "P1", "transaction_type": 11, "amount": 100.0},  # committed to IOM
        {"flow_id": "p1f", "project_id": "P1", "transaction_type": 1, "amount": 40.0},  # received by IOM
        {"flow_id": "p1d", "project_id": "P1", "transaction_type": 3, "amount": 25.0},  # IOM's own, not the donor's
        {"flow_id": "p2c", "project_id": "P2", "transaction_type": 11, "amount": 50.0},
        {"flow_id": "p2f", "project_id": "P2", "transaction_type": 1, "amount": None, "currency": None},
        {"flow_id": "p3c", "project_id": "P3", "transaction_type": 11, "amount": 70.0},  # nothing paid published
        {"flow_id": "p4c", "project_id": "P4", "transaction_type": 2, "amount": 30.0},  # a provider's own report
        {"flow_id": "p4d", "project_id": "P4", "transaction_type": 3, "amount": 10.0},
    ]), "USD")
    # P1: 100 - 40 and P4: 30 - 10; P2's payment has no amount and P3 publishes none: both left out, never 0.
    assert compute_left_to_disburse(converted) == {"committed": 130.0, "disbursed": 50.0, "left": 80.0,
                                                   "projects": 2, "projects_committed": 4, "payments": 3}


def test_left_to_disburse_is_not_published_when_no_project_publishes_both():
    converted = compute_funding(flows([
        {"flow_id": "c", "project_id": "P", "transaction_type": 11, "amount": 100.0}]), "USD")
    assert compute_left_to_disburse(converted) == {"committed": None, "disbursed": None, "left": None,
                                                   "projects": 0, "projects_committed": 1, "payments": 0}


@pytest.fixture(scope="module")
def sample():
    return load_portfolio()


def test_cispe_eur_is_converted_to_usd_at_a_stated_ecb_rate(sample):
    converted = compute_funding(sample.funding, "USD").set_index("flow_id")
    cispe = converted.loc["NL-CISPE-C1"]
    rate = get_rate("EUR", "USD", None)  # the value date is not published: the latest rate, said so
    assert cispe["rate_basis"] == "latest" and cispe["rate_date"] == rate.rate_date
    assert cispe["amount_reporting"] == pytest.approx(12_500_000 * rate.rate)


def test_sample_kpis_follow_the_published_facts(sample):
    kpis = compute_kpis(sample, "USD")
    rate = get_rate("EUR", "USD", None).rate
    assert kpis["funding_committed"] == pytest.approx(12_500_000 * rate + 200_000)
    assert kpis["funding_flows_not_published"] == 1  # Sweden 2021: agreement without amount
    assert kpis["households_targeted"] == 3000 and kpis["households_targeted_is_minimum"]
    assert kpis["households_reached"] is None  # not published, not 0
    assert kpis["provinces"] == 3 and kpis["donors"] == 3
    assert kpis["projects_by_status"][4] == 1


def test_an_implementers_own_disbursements_and_spending_do_not_make_it_a_donor():
    from data.metrics import list_donors

    flows = pd.DataFrame([
        {"donor": "Sweden", "org_role": 1, "transaction_type": 11},
        {"donor": "IOM", "org_role": 4, "transaction_type": 3},
        {"donor": "IOM", "org_role": 4, "transaction_type": 4},
        {"donor": "Partner fund", "org_role": None, "transaction_type": 2},
        {"donor": "Pooled fund", "org_role": 3, "transaction_type": 1},
    ])
    assert list_donors(flows) == ["Partner fund", "Pooled fund", "Sweden"]


def source_rows(rows):
    return pd.DataFrame(rows, columns=["table", "record_id", "column", "value", "document_id", "paragraph"])


def test_conflicts_pair_each_value_with_the_documents_and_paragraphs_stating_it():
    from data.metrics import compute_conflicts

    sources = source_rows([("projects", "P1", "duration_months", "42", "d-en", 19),
                           ("projects", "P1", "duration_months", "36", "d-fr", 32),
                           ("projects", "P1", "duration_months", "42", "d-web", 4),
                           ("projects", "P1", "title_en", "Same", "d-en", 1),
                           ("projects", "P1", "title_en", "Same", "d-fr", 1)])
    documents = pd.DataFrame({"document_id": ["d-en", "d-fr"], "title": ["English release", "Communiqué"]})
    conflicts = compute_conflicts(sources, documents)
    assert conflicts[["record_id", "column", "values"]].values.tolist() == [["P1", "duration_months", "42 | 36"]]
    # A document without a title in the documents table is named by its id.
    assert conflicts.iloc[0]["documents"] == "42: English release ¶19; d-web ¶4 | 36: Communiqué ¶32"
