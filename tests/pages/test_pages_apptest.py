"""Every page renders without exception (AppTest: no browser)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def run_page(page: str, **session) -> AppTest:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in session.items():
        app.session_state[key] = value
    app.run()
    app.switch_page(page).run()
    return app


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page, lang):
    app = run_page(page, lang=lang)
    assert not app.exception, [e.value for e in app.exception]


def test_overview_shows_kpis_and_the_cispe_rate():
    app = run_page("pages/overview.py")
    labels = [m.label for m in app.metric]
    assert "Committed funding" in labels and "Households targeted" in labels
    households = next(m for m in app.metric if m.label == "Households targeted")
    assert households.value == "> 3,000"
    reached = next(m for m in app.metric if m.label == "Households reached")
    assert reached.value == "not published"
    flows = app.dataframe[1].value
    cispe = flows[flows["Project"] == "NL-CISPE"].iloc[0]
    assert "value date not published: latest ECB rate" in cispe["Rate used"]
    assert cispe["Amount (original)"].startswith("€12.5M")


def test_overview_in_french_formats_money_the_french_way():
    app = run_page("pages/overview.py", lang="fr")
    flows = app.dataframe[1].value
    cispe = flows[flows["Projet"] == "NL-CISPE"].iloc[0]
    assert cispe["Montant (original)"].replace("\u00a0", " ").replace("\u202f", " ") == "12,5 M €"
