"""Exports: readable labels in the chosen language, numbers left as numbers, empty = not published, formulas
neutralised, province rows that add up to the portfolio; the buttons are on the pages."""
from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from components.exports import make_flows_export, make_projects_export, make_provinces_export
from components.i18n import t
from data.export import to_csv_bytes, to_xlsx_bytes
from data.metrics import compute_funding
from tests.briefing.conftest import make_portfolio
from tests.pages.apptest import run_page


@pytest.fixture(scope="module")
def portfolio():
    return make_portfolio()


@pytest.mark.parametrize(("lang", "status", "coverage"), [("en", "Implementation", "National"),
                                                          ("fr", "Mise en œuvre", "Nationale")])
def test_projects_export_uses_labels_and_keeps_missing_values_empty(portfolio, lang, status, coverage):
    frame = make_projects_export(portfolio, lang).set_index(t("col.project", lang))
    assert frame.loc["P1", t("col.status", lang)] == status
    assert frame.loc["P3", t("col.coverage", lang)].lower() == coverage.lower()
    assert frame.loc["P1", t("col.provinces", lang)] == "Nord-Kivu"
    assert frame.loc["P1", t("fact.households_targeted", lang)] == 1000
    assert pd.isna(frame.loc["P4", t("fact.households_reached", lang)])  # not published: empty, never 0


def test_flows_export_neutralises_a_formula_in_a_donor_name(portfolio):
    flows = make_flows_export(compute_funding(portfolio.funding, "USD"), "USD", "fr")
    assert t("col.amount_reporting", "fr", currency="USD") in flows.columns
    text = to_csv_bytes(flows).decode("utf-8-sig")
    assert "'=Evil" in text and ",=Evil" not in text
    assert set(flows[t("col.type", "fr")]) == {"Engagement reçu"}  # IATI type 11, as data/schema.py names it


def test_province_rows_add_up_to_the_portfolio_total(portfolio):
    converted = compute_funding(portfolio.funding, "USD")
    frame = make_provinces_export(portfolio, portfolio.locations, converted, "USD", "en")
    money = t("col.amount_reporting", "en", currency="USD")
    names = list(frame[t("col.provinces", "en")])
    assert names[-1] == t("map.totals.total", "en") and t("map.totals.national", "en") in names
    assert frame[money].iloc[:-1].sum() == pytest.approx(frame[money].iloc[-1]) == 10_000_000
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"provinces": frame})))
    assert book["provinces"]["B2"].value in ("Nord-Kivu", "Tanganyika")


def test_a_remainder_row_whose_projects_publish_nothing_is_empty_not_zero(portfolio):
    """P3, the national project, publishes 1,000,000 committed and no households; P1 and P2 reach 400 + 1,500."""
    frame = make_provinces_export(portfolio, portfolio.locations, compute_funding(portfolio.funding, "USD"), "USD",
                                  "en").set_index(t("col.provinces", "en"))
    national, total = frame.loc[t("map.totals.national", "en")], frame.loc[t("map.totals.total", "en")]
    assert national[t("col.amount_reporting", "en", currency="USD")] == 1_000_000
    assert pd.isna(national[t("fact.households_targeted", "en")])
    assert pd.isna(national[t("fact.households_reached", "en")])
    assert total[t("fact.households_reached", "en")] == 1_900
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame.reset_index()).decode("utf-8-sig"))))
    assert [row[-5:-1] for row in rows if t("map.totals.national", "en") in row] == [["1", "1000000", "", ""]]


def split_portfolio():
    """The briefing fixture with P1 (Nord-Kivu: 6,000,000 committed, 1,000 households) also in Ituri and P4 (Sud-Kivu,
    nothing published) also in Maniema, neither giving a share: each split equally between its provinces."""
    from data.intake.assemble import parse_portfolio
    from data.intake.readers import RawTable
    from tests.briefing import conftest

    locations = [*conftest.LOCATIONS, {"project_id": "P1", "province_pcode": "CD54"},
                 {"project_id": "P4", "province_pcode": "CD63"}]
    return parse_portfolio([RawTable(f"{name}.csv", conftest.frame(name, rows)) for name, rows in
                            (("projects", conftest.PROJECTS), ("funding", conftest.FUNDING), ("locations", locations))])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_province_whose_numbers_rest_on_an_equal_split_says_so(lang):
    # Nord-Kivu and Ituri hold half of P1's 6,000,000 each, split equally (no share published): "yes"; Tanganyika
    # holds P2 alone; Sud-Kivu and Maniema share P4, which publishes no value (no number rests on the split)
    portfolio = split_portfolio()
    frame = make_provinces_export(portfolio, portfolio.locations, compute_funding(portfolio.funding, "USD"), "USD",
                                  lang).set_index(t("export.pcode", lang))
    flag = frame[t("export.split_assumed", lang)]
    assert frame.loc["CD61", t("col.amount_reporting", lang, currency="USD")] == 3_000_000
    assert flag.to_dict() == {"CD54": t("export.yes", lang), "CD61": t("export.yes", lang), "CD62": "",
                              "CD63": "", "CD74": "", "": ""}


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/status.py", "app_pages/funding_map.py"])
def test_every_viewer_page_offers_the_downloads(page):
    app = run_page(page, {"lang": "fr"})
    labels = [b.label for b in app.get("download_button")]
    for key in ("export.csv.projects", "export.csv.flows", "export.csv.provinces", "export.xlsx", "export.png"):
        assert t(key, "fr") in labels


@pytest.mark.parametrize(("lang", "names"), [("en", "IOM; Cordaid"), ("fr", "OIM; Cordaid")])
def test_organisations_are_named_in_the_chosen_language(lang, names):
    """data/organisations.toml: IOM is OIM in French; an organisation it does not know keeps its name."""
    from dataclasses import replace

    portfolio = make_portfolio()
    projects = portfolio.projects.assign(implementing_orgs=["IOM; Cordaid"] + [None] * (len(portfolio.projects) - 1))
    frame = make_projects_export(replace(portfolio, projects=projects), lang)
    assert frame[t("col.implementing", lang)].iloc[0] == names
    assert frame[t("col.implementing", lang)].iloc[1:].isna().all()  # not published: empty
    flows = make_flows_export(compute_funding(portfolio.funding, "USD").assign(recipient="IOM"), "USD", lang)
    assert set(flows[t("export.recipient", lang)]) == {names.split(";")[0]}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_saved_timeline_carries_the_key_the_page_gives_in_a_caption(portfolio, lang):
    import datetime as dt

    from components.escape import escape_text
    from components.exports import make_export_figures
    from components.view import View
    from data.filters import FilterState, apply_filters, filter_flows

    state = FilterState(lang=lang)
    result = apply_filters(portfolio, state)
    converted = compute_funding(portfolio.funding, "USD")
    view = View(state, portfolio, result, filter_flows(converted, result.portfolio), dt.date(2026, 12, 1), converted)
    figures = make_export_figures(view)
    # escaped like every chart text (the French key has apostrophes), drawn as the plain sentence
    assert figures["timeline"].layout.title.subtitle.text == escape_text(t("timeline.legend", lang), "html")
    assert figures["timeline"].layout.title.text == t("timeline.title", lang)
