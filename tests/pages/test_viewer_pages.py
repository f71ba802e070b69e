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
