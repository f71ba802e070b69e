"""Every page renders without exception (AppTest: no browser), in both languages, with and without filters,
and the URL query string reproduces a filtered view."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import run_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py"))

# Filter combinations as URL query strings; two leave no project at all (empty state, not an error).
COMBINATIONS = {
    "donor": {"donor": "Sweden"},
    "donor-eur": {"donor": "Netherlands", "cur": "EUR"},
    "status-closed": {"status": "4"},
    "years-org-role": {"from": "2019", "to": "2022", "org": "IOM", "role": "implementing"},
    "empty-theme-province": {"theme": "gbv", "province": "CD74"},
    "empty-territory": {"status": "none", "province": "CD61", "territory": "CD7402"},
    "invalid-values": {"donor": "Nobody", "from": "abc", "cur": "XXX"},
}


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def plotly_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def frame_with(app: AppTest, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page, lang):
    run_page(page, lang=lang)  # fails on any exception


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_filters(page, lang, combination):
    run_page(page, {**COMBINATIONS[combination], "lang": lang})  # fails on any exception


@pytest.mark.parametrize("lang, text", [("en", "No project matches."), ("fr", "Aucun projet ne correspond.")])
@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/status.py"])
def test_filters_leaving_no_project_show_an_empty_state(page, lang, text):
    app = run_page(page, {**COMBINATIONS["empty-theme-province"], "lang": lang})
    assert text in [i.value for i in app.info]


def test_invalid_url_values_are_dropped_with_a_visible_notice():
    app = run_page("app_pages/overview.py", COMBINATIONS["invalid-values"])
    assert [w.value for w in app.warning] == ["Ignored invalid or outdated link values: donor=Nobody, from=abc, "
                                              "cur=XXX."]
    assert app.query_params == {"lang": "en", "cur": "USD"}
    assert metrics(app)["Projects"] == "13"


def test_opening_the_url_reproduces_the_filtered_view():
    app = run_page("app_pages/overview.py")
    app.multiselect(key="f_donor").select("Sweden").run()
    app.radio(key="lang").set_value("fr").run()
    app.selectbox(key="currency").set_value("EUR").run()
    app.slider(key="f_years").set_range(2019, 2024).run()
    assert app.query_params == {"donor": "Sweden", "from": "2019", "lang": "fr", "cur": "EUR"}
    reopened = run_page("app_pages/overview.py", dict(app.query_params))
    assert metrics(reopened) == metrics(app)
    assert metrics(reopened)["Projets"] == "2"
    assert reopened.multiselect(key="f_donor").value == ["Sweden"]


def test_filters_survive_a_page_switch():
    app = run_page("app_pages/overview.py", {"theme": "durable-solutions"})
    app.switch_page("app_pages/status.py").run()
    assert app.query_params["theme"] == "durable-solutions"
    assert "1 of 13 projects match the filters." in [c.value for c in app.caption]


def test_clear_filters_keeps_language_and_currency():
    app = run_page("app_pages/overview.py", {"donor": "Sweden", "lang": "fr"})
    next(b for b in app.button if b.label == "Effacer les filtres").click().run()
    assert app.query_params == {"lang": "fr", "cur": "USD"}


def with_table(table: str, **session) -> AppTest:
    """The Overview with its table switch on `table` ("projects", "flows"), as a click leaves it (AppTest's
    button_group.set_value does not reach a segmented control on a page of st.navigation)."""
    return run_page("app_pages/overview.py", overview_table=table, **session)


@pytest.mark.parametrize(("lang", "heading", "labels", "evidence"), [
    ("en", "Projects, funding flows and sources", ["Projects and their sources", "Funding flows",
                                                   "Sources of each fact"], "Evidence"),
    ("fr", "Projets, flux financiers et sources", ["Projets et sources", "Flux financiers", "Sources de chaque fait"],
     "Extrait"),
])
def test_overview_shows_one_table_at_a_time_under_a_switch(lang, heading, labels, evidence):
    first, rate = ("Projet", "Taux utilisé") if lang == "fr" else ("Project", "Rate used")
    app = run_page("app_pages/overview.py", lang=lang)
    switch = app.button_group(key="overview_table")
    assert list(switch.options) == labels and switch.value == "projects"
    assert heading in [h.value for h in app.subheader]
    assert not any(label in [h.value for h in app.subheader] for label in labels)  # the switch names them
    projects = app.dataframe[0].value
    assert projects.columns[0] == first and "NL-CISPE" in set(projects[first])
    assert not any(rate in d.value.columns or evidence in d.value.columns for d in app.dataframe)
    app = with_table("flows", lang=lang)
    flows = app.dataframe[0].value
    assert rate in flows.columns and "NL-CISPE" in set(flows[first])
    assert app.button_group(key="overview_table").value == "flows"
    assert not any("Implementing" in d.value.columns or "Mise en œuvre" in d.value.columns for d in app.dataframe)
    app = with_table("sources", lang=lang)
    sources = app.dataframe[0].value  # data/sample/sources.csv: 114 rows
    assert evidence in sources.columns and len(sources) == 114 and "NL-CISPE" in set(sources[first])
    assert not any(rate in d.value.columns for d in app.dataframe)


def test_overview_in_print_view_prints_both_tables_under_their_headings():
    app = run_page("app_pages/overview.py", {"print": "1"})
    headings = [h.value for h in app.subheader]
    assert {"Projects and their sources", "Funding flows", "Sources of each fact"} <= set(headings)
    assert all(w.key != "overview_table" for w in app.button_group)  # paper shows every table: no switch


def test_overview_shows_kpis_and_the_cispe_rate():
    app = run_page("app_pages/overview.py")
    labels = [m.label for m in app.metric]
    assert "Committed funding" in labels and "Households targeted" in labels
    assert metrics(app)["Households targeted"] == "more than 3,000"
    assert metrics(app)["Households reached"] == "not published"
    assert metrics(app)["Left to disburse"] == "not published"  # the sample publishes no payment against a commitment
    assert metrics(app)["Disbursed"] == "no flow"
    flows = frame_with(with_table("flows"), "Rate used")
    cispe = flows[flows["Project"] == "NL-CISPE"].iloc[0]
    assert "value date not published: latest ECB rate" in cispe["Rate used"]
    assert cispe["Amount (original)"].startswith("€12.5M")


@pytest.mark.parametrize(("lang", "tile", "column", "expected"), [
    ("en", "Households targeted", "Households targeted", "more than 3,000"),
    ("fr", "Ménages ciblés", "Ménages ciblés", "plus de 3 000"),  # the map's wording (viewer.toml map.more_than)
])
def test_a_minimum_reads_the_same_on_the_tile_and_in_the_table(lang, tile, column, expected):
    app = run_page("app_pages/overview.py", lang=lang)
    assert metrics(app)[tile].replace("\u202f", " ").replace("\u00a0", " ") == expected
    projects = frame_with(app, column)
    shown = projects[projects.iloc[:, 0] == "SE-IOM-TGK-2021"][column].astype(str).str.replace("\u202f", " ")
    assert list(shown.str.replace("\u00a0", " ")) == [expected]
    assert not any(str(v).startswith(">") for v in projects[column])


def test_overview_in_french_formats_money_the_french_way():
    flows = frame_with(with_table("flows", lang="fr"), "Montant (original)")
    cispe = flows[flows["Projet"] == "NL-CISPE"].iloc[0]
    assert cispe["Montant (original)"].replace("\u00a0", " ").replace("\u202f", " ") == "12,5 M €"


def test_overview_kpis_follow_the_filters():
    assert metrics(run_page("app_pages/overview.py", {"donor": "Sweden"}))["Projects"] == "2"


def test_status_page_draws_planned_and_actual_bars_and_says_what_is_left_out():
    app = run_page("app_pages/status.py", checks_others_shown=True)  # the gaps and notes unfolded
    gantt = plotly_specs(app)[0]
    groups = {trace.get("offsetgroup") for trace in gantt["data"] if trace["type"] == "bar"}
    assert groups == {"planned", "actual"}
    assert any(c.value.startswith("8 projects not drawn: no date published") for c in app.caption)
    checks = frame_with(app, "Check")
    assert "Status not published" in set(checks["Check"])


def test_donor_page_counts_providers_of_incoming_funds():
    app = run_page("app_pages/donor.py", {"profile": "Sweden"})
    assert metrics(app)["Projects"] == "2"  # the 2019 relocation is known only from incoming funds (type 1)


@pytest.mark.parametrize(("lang", "heading", "labels", "rate", "implementing"), [
    ("en", "Funding flows and projects", ["Funding flows", "Projects and their sources"], "Rate used", "Implementing"),
    ("fr", "Flux financiers et projets", ["Flux financiers", "Projets et sources"], "Taux utilisé", "Mise en œuvre"),
])
def test_donor_page_shows_its_flows_or_its_projects_under_a_switch(lang, heading, labels, rate, implementing):
    query = {"profile": "Sweden", "lang": lang}  # its two projects: data/sample/funding.csv, type 1 and 11 rows
    app = run_page("app_pages/donor.py", query)
    switch = app.button_group(key="donor_table")
    assert list(switch.options) == labels and switch.value == "flows"
    assert heading in [h.value for h in app.subheader]
    flows = next(d.value for d in app.dataframe if rate in d.value.columns)
    assert {"SE-IOM-TGK-2021", "SE-IOM-RELOC-2019"} <= set(flows.iloc[:, 0])
    assert not any(implementing in d.value.columns for d in app.dataframe)
    app = run_page("app_pages/donor.py", query, donor_table="projects")
    projects = next(d.value for d in app.dataframe if implementing in d.value.columns)
    assert set(projects.iloc[:, 0]) == {"SE-IOM-TGK-2021", "SE-IOM-RELOC-2019"}
    assert not any(rate in d.value.columns for d in app.dataframe)
    printed = run_page("app_pages/donor.py", {**query, "print": "1"})
    assert set(labels) <= {h.value for h in printed.subheader}  # paper: both, under their headings
    assert all(w.key != "donor_table" for w in printed.button_group)


def test_project_page_shows_dates_flows_and_sources():
    app = run_page("app_pages/project.py", {"project": "SE-IOM-TGK-2021", "lang": "fr"})
    dates = frame_with(app, "Date")
    assert "14 déc. 2021" in set(dates["Date"]) and "14 déc. 2024" in set(dates["Date"])
    assert not frame_with(app, "Extrait").empty
    assert metrics(app)["Ménages ciblés"].replace("\u202f", " ") == "plus de 3 000"  # summary tile


def test_project_page_parses_no_date_on_a_new_filter_state(monkeypatch):
    # its dates come from the prepared model (typed once per dataset), never re-parsed per filter state
    from data import schema

    app = run_page("app_pages/project.py", {"project": "SE-IOM-TGK-2021"})
    monkeypatch.setattr(schema, "partial_date_bounds", lambda *_: pytest.fail("a date parsed again"))
    app.multiselect(key="f_status").set_value(["none"])  # its status is not published: it stays in the view
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params["project"] == "SE-IOM-TGK-2021"
    assert "14 Dec 2024" in set(frame_with(app, "Date")["Date"])  # the end derived from the duration


@pytest.mark.parametrize(("query", "expected"), [
    ({"status": "4"}, ["CE.0276 — Renforcement des capacités aux fins de gestion stratégique des ressources de la "
                       "diaspora dans la République démocratique du Congo"]),
    ({"status": "none", "theme": "gbv"}, ["IOM-GBV — Lutte contre les violences sexuelles et basées sur le genre"]),
])
def test_project_page_lists_the_filtered_projects_with_their_titles(query, expected):
    # the rows and titles are the dataset's (found once): the filters choose only which of them are listed
    app = run_page("app_pages/project.py", {**query, "lang": "fr"})
    chooser = app.selectbox(key="p_project")
    assert chooser.options == expected
    assert app.header[0].value.replace("\\", "") == expected[0]


def test_project_page_titles_and_indexes_the_projects_once_for_every_filter_state(monkeypatch):
    from data import schema

    app = run_page("app_pages/project.py", {"project": "IOM-CT"})
    monkeypatch.setattr(schema, "compute_project_titles", lambda *_: pytest.fail("titled again"))
    for statuses in (["none"], ["none", "4"]):
        app.multiselect(key="f_status").set_value(statuses)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        assert app.query_params["project"] == "IOM-CT"
    assert app.selectbox(key="p_project").options[-2:] == ["IOM-CLIMATE — Resilience of communities affected by "
                                                           "climate change", "IOM-MINING — Mining-site validation "
                                                           "and traceability"]


def test_unknown_project_in_the_url_is_dropped_with_a_notice():
    app = run_page("app_pages/project.py", {"project": "NOPE"})
    assert any("project=NOPE" in w.value for w in app.warning)
    assert app.query_params["project"] == "SE-IOM-TGK-2021"  # the first project replaces it


def test_every_page_file_stem_is_an_address_of_the_app():
    """URLs stay as they were when the page files lived in pages/: each page answers at /<file stem> (the Overview,
    served at /, through dashboard.to_overview; its e2e test is in tests/e2e/test_url_state.py)."""
    import ast

    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    pages = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"]
    url_paths = {next(k.value.value for k in node.keywords if k.arg == "url_path") for node in pages}
    stems = {Path(page).stem for page in PAGES} - {"__init__"}
    assert len(stems) == 7 and stems <= url_paths


def test_unknown_url_parameters_are_dropped_with_a_notice():
    app = run_page("app_pages/status.py", {"colour": "red", "theme": "gbv"})
    assert [w.value for w in app.warning] == ["Ignored invalid or outdated link values: colour=red."]
    assert app.query_params == {"theme": "gbv", "lang": "en", "cur": "USD"}


def test_map_totals_say_not_published_where_no_project_of_the_bucket_publishes_an_amount():
    shown = metrics(run_page("app_pages/funding_map.py"))
    # The sample's projects without a province publish no amount: that is not US$0.
    assert shown["No province (not mapped)"] == "not published"
    assert shown["National (not mapped)"] == "US$200K" and shown["Portfolio total"] == "US$14.2M"
