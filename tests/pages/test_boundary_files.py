"""Boundary files on the Data page (AppTest): editors choose among the files under BOUNDARIES_DIR or upload one;
no path can be typed in the browser, and a path forged into the session is ignored; viewers see no panel."""
import os

import pytest

from components import auth
from geo.fetch import list_boundary_files
from tests.pages.apptest import run_page


@pytest.fixture()
def boundary_dir(tmp_path, monkeypatch):
    root = tmp_path / "boundaries"
    (root / "cod").mkdir(parents=True)
    (root / "cod" / "adm1.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    (root / "notes.txt").write_text("not a boundary file")
    outside = tmp_path / "secret.geojson"
    outside.write_text("{}")
    os.symlink(outside, root / "link.geojson")  # leads outside the directory: never offered
    monkeypatch.setenv("BOUNDARIES_DIR", str(root))
    return root


def test_only_files_inside_the_directory_are_listed(boundary_dir):
    assert [p.relative_to(boundary_dir).as_posix() for p in list_boundary_files(boundary_dir)] == ["cod/adm1.geojson"]
    assert list_boundary_files(None) == [] and list_boundary_files(boundary_dir / "missing") == []


def test_no_path_can_be_typed_without_a_directory():
    app = run_page("app_pages/data.py")
    assert not app.text_input  # the former free path field is gone
    assert any("BOUNDARIES_DIR" in c.value for c in app.caption)
    assert {"boundaries_upload1", "boundaries_upload2"} <= {u.key for u in app.get("file_uploader")}


def test_an_editor_chooses_a_file_from_the_directory(boundary_dir):
    app = run_page("app_pages/data.py")
    choice = app.selectbox(key="boundaries_adm1")
    assert choice.options == ["none (configured, uploaded, cached or embedded)", "cod/adm1.geojson"]
    choice.select("cod/adm1.geojson").run()
    assert app.session_state["boundaries_path1"] == "cod/adm1.geojson"
    assert "ADM1: configured file adm1.geojson" in [c.value.replace("\\", "") for c in app.caption]


@pytest.mark.parametrize("forged", ["/etc/passwd", "../secret.geojson", "link.geojson"])
def test_a_path_forged_into_the_session_is_ignored(boundary_dir, forged):
    app = run_page("app_pages/data.py", boundaries_path1=forged)
    assert "ADM1: no file" in [c.value for c in app.caption]


def test_viewers_get_no_boundary_panel(boundary_dir, monkeypatch):
    monkeypatch.setattr(auth, "is_loopback", lambda address: False)  # nothing configured, served on a network
    app = run_page("app_pages/data.py")
    assert "Boundary files" not in [e.label for e in app.expander]
    assert not app.get("file_uploader")
    assert "boundaries_adm1" not in {s.key for s in app.selectbox}
