"""The Data page (AppTest): renders in both languages; upload → report → nothing changes until confirmed →
confirm stores and activates a version → the other pages show it → restore goes back. AppTest cannot drive
st.file_uploader, so the uploaded files are put where the uploader's callback puts them (session_state)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.intake import MODE_KEY, UPLOADS_KEY
from data import columnar, storage
from data.portfolio import SAMPLE_DIR
from tests.pages.apptest import run_page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PROJECTS = (SAMPLE_DIR / "projects.csv").read_bytes()
TEN_PROJECTS = b"".join(SAMPLE_PROJECTS.splitlines(keepends=True)[:11])  # header + the first 10 projects
BAD_ROW = b"BAD-1,Titre,Title,,,,,9,,,,,,,,,,\r\n"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    return tmp_path


def projects_kpi(app: AppTest) -> str:
    return next(m.value for m in app.metric if m.label in ("Projects", "Projets"))


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.mark.parametrize("lang, title, sample", [("en", "Data", "Sample portfolio (embedded)"),
                                                 ("fr", "Données", "Portefeuille d'exemple (intégré)")])
def test_the_page_renders_in_both_languages(lang, title, sample):
    app = run_page("app_pages/data.py", lang=lang)
    assert texts(app.title) == [title]
    assert any(i.value.startswith(sample) for i in app.info)
    downloads = app.get("download_button")
    assert len(downloads) == 6  # three CSV templates, the workbook and the two shipped mapping profiles
    assert app.button(key="data_restore_button").disabled  # the sample is already in use


def test_upload_report_then_nothing_changes_until_confirmed(data_dir, monkeypatch):
    files = [("projects.csv", TEN_PROJECTS + BAD_ROW)]
    app = run_page("app_pages/data.py", **{UPLOADS_KEY: files})
    report = next(d.value for d in app.dataframe if "Rows read" in d.value.columns)
    assert report.iloc[0].to_dict() == {"File": "projects.csv", "Format": "CSV", "Rows read": 11,
                                             "Accepted": 10, "Rejected": 1, "Warnings": 0, "Reason": ""}
    confirm = app.button(key="data_confirm")
    assert confirm.label == "Use this data — 1 rejected row will be left out"
    assert any("it stays listed in the report of this version" in w.value for w in app.warning)
    assert len(app.get("download_button")) == 7  # the rejected rows, the templates, the two mapping profiles
    # not confirmed: nothing stored, and the other pages still show the sample
    assert storage.scan_versions()[0] == [] and storage.active_version() is None
    assert not (data_dir / "datasets").exists()
    run_page("app_pages/overview.py", app=app)
    assert projects_kpi(app) == "13"
    # the upload is still pending on the way back
    run_page("app_pages/data.py", app=app)
    # the parse the editor checked is kept (as parquet): nothing parses the stored files again
    monkeypatch.setattr(columnar, "load_intake", lambda *_: pytest.fail("the confirmed upload was parsed again"))
    app.button(key="data_confirm").click().run()
    assert not app.exception
    [version] = storage.scan_versions()[0]
    assert storage.active_version() == version
    assert storage.version_files(version) == files  # byte for byte
    assert version.counts["projects"] == 10 and version.counts["rejected"] == 1 and version.note == "replace"
    assert any(s.value.startswith(f"Version {version.id} stored and in use") for s in app.success)
    assert app.session_state[UPLOADS_KEY] is None  # the upload is done
    assert any(i.value.startswith("Version v0001, uploaded ") for i in app.info)
    run_page("app_pages/overview.py", app=app)
    assert projects_kpi(app) == "10"


def test_add_mode_keeps_the_sample_and_restore_goes_back(data_dir):
    extra = b"project_id,title_en\r\nNEW-1,A new project\r\n"
    app = run_page("app_pages/data.py", **{UPLOADS_KEY: [("extra.csv", extra)], MODE_KEY: "add"})
    assert app.button(key="data_confirm").label == "Use this data"
    app.button(key="data_confirm").click().run()
    [version] = storage.scan_versions()[0]
    assert [f.name for f in version.files] == ["projects.csv", "funding.csv", "locations.csv", "sources.csv",
                                               "documents.csv", "extra.csv"]
    run_page("app_pages/overview.py", app=app)
    assert projects_kpi(app) == "14"
    run_page("app_pages/data.py", app=app)
    versions = next(d.value for d in app.dataframe if "In use" in d.value.columns)
    assert list(versions["In use"]) == ["✓"]
    app.selectbox(key="data_restore").set_value("sample").run()
    app.button(key="data_restore_button").click().run()
    assert storage.active_version() is None
    assert "Now in use: Sample portfolio (embedded)." in texts(app.success)
    run_page("app_pages/overview.py", app=app)
    assert projects_kpi(app) == "13"
    run_page("app_pages/data.py", app=app)
    app.selectbox(key="data_restore").set_value(version.id).run()
    app.button(key="data_restore_button").click().run()
    assert storage.active_version() == version


def test_unreadable_files_are_listed_with_their_reason_and_cannot_be_confirmed():
    app = run_page("app_pages/data.py", lang="fr", **{UPLOADS_KEY: [("vide.csv", b""), ("x.xlsx", b"not a workbook")]})
    assert any(e.value.startswith("vide.csv est illisible : ") for e in app.error)
    assert any(e.value.startswith("x.xlsx est illisible : ") for e in app.error)
    assert app.button(key="data_confirm").disabled


def test_a_corrupt_version_is_reported_not_fatal(data_dir):
    good = storage.save_version([("projects.csv", TEN_PROJECTS)], {"projects": 10})
    bad = storage.save_version([("projects.csv", SAMPLE_PROJECTS)], {})
    (data_dir / "datasets" / "versions" / bad.id / "manifest.json").write_text("{")
    storage.activate(good.id)
    app = run_page("app_pages/data.py")
    assert any(bad.id in w.value for w in app.warning)
    versions = next(d.value for d in app.dataframe if "In use" in d.value.columns)
    assert list(versions["Version"]) == [good.id]
    run_page("app_pages/overview.py", app=app)
    assert projects_kpi(app) == "10"


def test_a_filled_workbook_template_can_be_confirmed(filled_template_xlsx):
    app = run_page("app_pages/data.py", **{UPLOADS_KEY: [("template.xlsx", filled_template_xlsx)]})
    assert not app.button(key="data_confirm").disabled
    assert app.button(key="data_confirm").label == "Use this data"  # the notes and codes sheets are not data
    app.button(key="data_confirm").click().run()
    assert storage.active_version().counts["projects"] == 1
