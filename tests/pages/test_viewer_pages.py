"""Viewer pages as donors and managers read them: data as of, the largest donor first, a project's summary,
admin matters only on the Data page."""
import pytest

from tests.pages.test_pages_apptest import PAGES, metrics, run_page

VIEWER_PAGES = [p for p in PAGES if not p.endswith(("/data.py", "/__init__.py", "/briefing.py"))]


@pytest.mark.parametrize("lang, words", [("en", "Data as of: the sample shipped with the app"),
                                         ("fr", "Données au : l'échantillon livré avec l'application")])
@pytest.mark.parametrize("page", [*VIEWER_PAGES, "app_pages/data.py"])
def test_every_page_says_which_data_and_how_recent(page, lang, words):
    app = run_page(page, {"lang": lang})
    assert any(c.value.startswith(words) for c in app.caption)


def test_the_default_donor_is_the_largest_and_its_page_has_no_donor_count():
    app = run_page("app_pages/donor.py")
    assert app.query_params["profile"] == "Netherlands"  # EUR 12.5M, not "IOM Development Fund" by name
    assert "Donors" not in metrics(app)


def test_french_donor_names_and_no_map_for_a_donor_with_national_projects_only():
    app = run_page("app_pages/donor.py", {"profile": "IOM Development Fund (IDF)", "lang": "fr"})
    assert not app.get("plotly_chart") or all("Nombre de projets (projets)" not in c.proto.spec
                                               for c in app.get("plotly_chart"))
    assert any(c.value.startswith("Pas de carte") for c in app.caption)
    assert "Pays-Bas" in run_page("app_pages/donor.py", {"lang": "fr"}).selectbox(key="p_profile").options


def test_the_project_page_opens_with_a_summary_and_shows_disagreeing_sources():
    app = run_page("app_pages/project.py", {"project": "NL-CISPE", "cur": "EUR"})
    shown = metrics(app)
    assert shown["Committed"] == "€12.5M" and shown["Disbursed"] == "no flow"  # EUR 12.5 million, the release
    assert shown["Provinces"] == "Nord-Kivu, Ituri" and shown["Status"] == "not published"
    dates = next(d.value for d in app.dataframe if "Date" in d.value.columns)
    assert "42 (another source: 36)" in set(dates["Date"])


def test_boundary_files_are_not_a_viewer_matter():
    app = run_page("app_pages/funding_map.py")
    assert "Boundary files" not in [e.label for e in app.expander]
    assert not app.get("file_uploader") and not app.text_input
    assert not any("BOUNDARIES_ADM1" in i.value for i in app.info)


def _hovers(app) -> dict[str, str]:
    import json

    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return {str(code): text for trace in spec["data"] if isinstance(trace.get("text"), list) and trace.get("customdata")
            for code, text in zip(trace["customdata"], trace["text"])}


@pytest.mark.parametrize("lang, none, unpublished", [
    ("en", "No project", "Funding: not published by the projects here"),
    ("fr", "Aucun projet", "Financement : non publié par les projets présents")])
def test_the_funding_map_tells_no_project_from_nothing_published(lang, none, unpublished):
    """The sample (embedded default, capitals keyed on P-codes): Kinshasa has no project; Tanganyika has two
    projects (SE-IOM-TGK-2021, SE-IOM-RELOC-2019) and neither publishes an amount (funding.csv); Nord-Kivu has
    the CISPE EUR 12.5 million."""
    hovers = _hovers(run_page("app_pages/funding_map.py", {"lang": lang}))
    assert none in hovers["CD10"] and "0" not in hovers["CD10"].split("<br>", 1)[1]
    assert unpublished in hovers["CD74"] and ("2 projects" if lang == "en" else "2 projets") in hovers["CD74"]
    assert unpublished not in hovers["CD61"] and none not in hovers["CD61"]


def test_the_choropleth_scale_starts_at_zero_and_states_its_unit():
    import json

    app = run_page("app_pages/funding_map.py")
    app.selectbox(key="map_metric").set_value("share_of_portfolio").run()
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    scaled = [trace for trace in spec["data"] if (trace.get("marker") or {}).get("colorbar") or trace.get("colorbar")]
    assert len(scaled) == 1
    marker = scaled[0].get("marker", {})
    low = scaled[0].get("zmin", marker.get("cmin"))
    bar = scaled[0].get("colorbar") or marker["colorbar"]
    assert low == 0 and bar["title"]["text"] == "% of portfolio funding" and bar["ticktext"][0] == "0 %"


def test_french_counts_agree_with_their_number():
    app = run_page("app_pages/overview.py", {"theme": "durable-solutions", "lang": "fr"})
    assert "1 projet sur 13 correspond aux filtres." in [c.value for c in app.caption]  # not "1 projets"
