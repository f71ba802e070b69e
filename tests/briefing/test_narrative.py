"""Every number a sentence states is the number the dashboard's own chart or tile function computes."""
from __future__ import annotations

import pytest

from briefing.facts import compute_briefing_facts
from briefing.narrative import format_share, make_narrative
from components.i18n import format_money, format_number
from data.metrics import compute_by_donor, compute_committed, compute_funding, compute_kpis
from data.organisations import organisation_label
from data.status import compute_ending_soon, compute_households
from geo.allocation import allocate, by_unit, project_locations
from geo.provinces import province_name

from .conftest import TODAY


@pytest.fixture(scope="module")
def converted(portfolio):
    return compute_funding(portfolio.funding, "USD")


@pytest.fixture(scope="module", params=["en", "fr"])
def said(request, portfolio, converted):
    facts = compute_briefing_facts(portfolio, portfolio.locations, converted, "USD", TODAY)
    return request.param, make_narrative(facts, request.param)


def test_headline_states_the_overview_tiles(said, portfolio):
    lang, say = said
    kpis = compute_kpis(portfolio, "USD")
    assert format_money(kpis["funding_committed"], "USD", lang) in say["headline"]
    assert f"{kpis['projects']} " in say["headline"] and f"{kpis['donors']} " in say["headline"]
    assert kpis["funding_committed"] == 10_000_000  # 6 + 3 + 1 million read from FUNDING above; Japan's is empty


def test_donor_sentence_names_the_donor_charts_largest_bars_with_their_shares(said, portfolio, converted):
    lang, say = said
    chart = compute_by_donor(converted, "committed")
    total = compute_kpis(portfolio, "USD")["funding_committed"]
    named = chart[chart["amount"].notna()].head(3)
    positions = []
    for row in named.itertuples():
        assert format_money(row.amount, "USD", lang) in say["donors"]
        assert format_share(row.amount / total, lang) in say["donors"]
        positions.append(say["donors"].index(organisation_label(row.donor, lang)))  # named as the chart names it
    assert positions == sorted(positions)  # largest first, as the bars
    assert organisation_label("Japan", lang) not in say["donors"]  # nothing published: never a 0


def test_province_sentence_states_the_maps_amounts_and_the_national_part(said, portfolio, converted):
    lang, say = said
    allocation = allocate(portfolio.projects, project_locations(portfolio.locations, portfolio.projects),
                          compute_committed(converted))
    units = by_unit(allocation).dropna(subset=["funding"]).sort_values("funding", ascending=False)
    for row in units.itertuples():
        assert province_name(row.pcode) in say["map"]
        assert format_money(row.funding, "USD", lang) in say["map"]
        assert format_share(row.share_of_portfolio / 100, lang) in say["map"]
    assert format_money(allocation.national["funding"], "USD", lang) in say["map"]
    assert say["map"].index(province_name("CD61")) < say["map"].index(province_name("CD74"))


def test_ending_and_households_sentences_follow_the_status_functions(said, portfolio):
    lang, say = said
    ending = compute_ending_soon(portfolio.projects, TODAY, 90)
    assert list(ending["project_id"]) == ["P1"]  # ends 2027-01-15: 45 days after TODAY
    assert "P1" in say["status"] and "90" in say["status"]
    households, _ = compute_households(portfolio.projects)
    assert format_number(int(households["targeted"].sum()), lang) in say["households"]
    assert format_number(int(households["reached"].sum()), lang) in say["households"]
    assert format_share(1900 / 4000, lang) in say["households"]


def test_not_published_sentence_counts_what_the_total_leaves_out(said):
    lang, say = said
    assert say["not_published"].startswith("1 ")  # P4: Japan's commitment has no amount


@pytest.mark.parametrize(("share", "lang", "text"), [(0.573, "en", "57%"), (0.573, "fr", "57\u00a0%"),
                                                     (0.004, "en", "0.4%"), (1.0, "fr", "100\u00a0%")])
def test_shares_use_the_locale_and_never_round_a_small_donor_to_zero(share, lang, text):
    assert format_share(share, lang) == text
