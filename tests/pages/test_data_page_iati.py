"""The Data page's IATI summary (AppTest): per IATI file, the figures to reconcile with d-portal, EN and FR."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.intake import UPLOADS_KEY

ROOT = Path(__file__).resolve().parents[2]
IATI = ROOT / "tests" / "data" / "fixtures" / "iati" / "iom_drc_activities.xml"


@pytest.mark.parametrize("lang, columns, held", [
    ("en", ("File", "Activities read", "DRC in scope", "Kept", "Held back, by reason"), "1 (1 outside the DRC)"),
    ("fr", ("Fichier", "Activités lues", "Concernant la RDC", "Retenues", "Écartées, par raison"),
     "1 (1 hors de la RDC)"),
])
def test_an_uploaded_iati_file_gets_its_reconciliation_row(lang, columns, held):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.session_state["lang"] = lang
    app.session_state[UPLOADS_KEY] = [(IATI.name, IATI.read_bytes())]
    app.switch_page("app_pages/data.py").run()
    assert not app.exception, [e.value for e in app.exception]
    table = next(d.value for d in app.dataframe if columns[1] in d.value.columns)
    # The fixture: 5 activities, one in Kenya (held back), 4 kept, one with a published DRC share of 80%.
    assert table.iloc[0][list(columns)].tolist() == [IATI.name, 5, 4, 4, held]
    committed, disbursed = table.iloc[0, 4], table.iloc[0, 5]
    assert committed.endswith(" USD") and committed[0].isdigit() and disbursed.endswith(" USD")
