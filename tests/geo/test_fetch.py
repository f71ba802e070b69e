"""`python -m geo fetch` against a local HTTP server serving ../shared/geo; where boundary files come from."""
from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest

from geo.fetch import FetchError, fetch_boundaries, resolve_boundary_file

SHARED_GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "geo"
ADM1 = "cod_adm1_ocha_20170407.geojson"
needs_shared = pytest.mark.skipif(not (SHARED_GEO / ADM1).exists(), reason="../shared/geo is absent")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Files from ../shared/geo, plus a geoBoundaries-style API answer at /api/ADM1/."""

    def do_GET(self):
        if self.path.startswith("/api/"):
            body = json.dumps({"gjDownloadURL": f"http://127.0.0.1:{self.server.server_port}/{ADM1}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (SHARED_GEO / ADM1).exists():
        pytest.skip("../shared/geo is absent")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Handler, directory=str(SHARED_GEO.resolve())))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@needs_shared
def test_fetch_downloads_verifies_and_writes(server, tmp_path):
    digest = hashlib.sha256((SHARED_GEO / ADM1).read_bytes()).hexdigest()
    meta = fetch_boundaries(1, url=f"{server}/{ADM1}", sha256=digest, dest=tmp_path)
    assert (meta["matched"], meta["sha256"]) == (26, digest)
    assert (tmp_path / "adm1.geojson").read_bytes() == (SHARED_GEO / ADM1).read_bytes()


@needs_shared
def test_fetch_follows_the_geoboundaries_api_answer(server, tmp_path):
    assert fetch_boundaries(1, url=f"{server}/api/ADM1/", dest=tmp_path)["features"] == 26


@needs_shared
def test_wrong_checksum_writes_nothing(server, tmp_path):
    with pytest.raises(FetchError, match="sha256"):
        fetch_boundaries(1, url=f"{server}/{ADM1}", sha256="0" * 64, dest=tmp_path)
    assert list(tmp_path.iterdir()) == []


@needs_shared
def test_a_file_that_is_not_boundaries_is_refused(server, tmp_path):
    with pytest.raises(FetchError):
        fetch_boundaries(1, url=f"{server}/SOURCES.md", dest=tmp_path)
    assert list(tmp_path.iterdir()) == []


@needs_shared
def test_a_missing_file_is_a_fetch_error(server, tmp_path):
    with pytest.raises(FetchError):
        fetch_boundaries(1, url=f"{server}/nothing.geojson", dest=tmp_path)


@needs_shared
def test_the_cli_fetches_into_the_cache(server, tmp_path):
    from geo.__main__ import main

    assert main(["fetch", "--level", "1", "--url", f"{server}/{ADM1}", "--dest", str(tmp_path)]) == 0
    assert (tmp_path / "adm1.meta.json").exists()


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GEO_CACHE_DIR", raising=False)
    monkeypatch.delenv("BOUNDARIES_ADM1", raising=False)
    return tmp_path


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


@pytest.mark.parametrize("present, expected", [
    ((), "embedded"),
    (("cache",), "cache"),
    (("cache", "upload"), "uploaded"),
    (("cache", "upload", "env"), "configured"),
])
def test_sources_are_taken_in_order(dirs, monkeypatch, present, expected):
    if "cache" in present:
        touch(dirs / "geo-cache" / "adm1.geojson")
    if "upload" in present:
        touch(dirs / "boundaries" / "adm1.gpkg")
    if "env" in present:
        monkeypatch.setenv("BOUNDARIES_ADM1", str(touch(dirs / "mine.geojson")))
    assert resolve_boundary_file(1).origin == expected


def test_the_settings_path_beats_the_environment(dirs, monkeypatch):
    monkeypatch.setenv("BOUNDARIES_ADM1", str(touch(dirs / "env.geojson")))
    assert resolve_boundary_file(1, touch(dirs / "settings.geojson")).path.name == "settings.geojson"


def test_a_configured_path_that_does_not_exist_is_reported(dirs, monkeypatch):
    monkeypatch.setenv("BOUNDARIES_ADM1", str(dirs / "gone.geojson"))
    found = resolve_boundary_file(1)
    assert (found.origin, "gone.geojson" in found.problem) == ("embedded", True)
