"""Versioned dataset storage: originals byte for byte, atomic writes, safe names, corrupt manifests skipped."""
import hashlib
import json
import os

import pytest

import files
from data import storage
from data.portfolio import SAMPLE_FILES
from tests.catalogue.build import workbook


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    return tmp_path


FILES = [
    ("crlf.csv", b"project_id,title_fr\r\nP1,Projet\r\n"),
    ("bom.csv", "\ufeffproject_id;title_fr\nP2;Été\n".encode("utf-8")),
    ("cp1252.csv", "project_id,title_fr\nP3,Kinshasa – été\n".encode("cp1252")),
    ("book.xlsx", workbook({"Sheet": [["project_id", "title_fr"], ["P1", "Projet é"]]})),
]


def test_the_store_lives_in_the_data_directory(data_dir):
    assert storage.datasets_dir() == data_dir / "datasets"


def test_round_trip_keeps_every_byte(data_dir):
    version = storage.save_version(FILES, {"projects": 3}, note="replace")
    assert storage.ID_RE.match(version.id) and version.number == 1
    assert version.time.endswith("Z")
    paths = storage.version_paths(version)
    assert [p.name for p in paths] == [name for name, _ in FILES]
    for path, (_, content) in zip(paths, FILES):
        assert path.read_bytes() == content
        assert (data_dir / "datasets" / "blobs" / hashlib.sha256(content).hexdigest()).read_bytes() == content
    assert storage.version_files(version) == FILES
    manifest = json.loads((data_dir / "datasets" / "versions" / version.id / "manifest.json").read_text())
    assert manifest["files"][0] == {"name": "crlf.csv", "sha256": hashlib.sha256(FILES[0][1]).hexdigest(),
                                    "bytes": len(FILES[0][1])}
    assert manifest["counts"] == {"projects": 3} and manifest["note"] == "replace"
    assert storage.scan_versions()[0] == [version]


def test_atomic_writes_leave_no_temporary_file(data_dir):
    version = storage.save_version(FILES, {})
    storage.activate(version.id)
    storage.version_paths(version)
    leftovers = [p for p in (data_dir / "datasets").rglob("*") if p.name.startswith(storage.TMP_PREFIX)]
    assert leftovers == []


@pytest.mark.parametrize("name, expected", [
    ("../x.csv", "x.csv"), ("../../etc/passwd", "passwd"), ("/abs/path/p.csv", "p.csv"),
    ("C:\\Users\\a\\b.xlsx", "b.xlsx"), ("a\x00b.csv", "ab.csv"), ("..", "file"), ("", "file"),
    (".hidden.csv", "hidden.csv"), ("projets été.csv", "projets été.csv"), ("a<b>:c.csv", "a_b__c.csv"),
])
def test_names_are_sanitised(name, expected):
    assert storage.sanitise_name(name) == expected


def test_a_traversal_name_stays_inside_the_version(data_dir):
    version = storage.save_version([("../../evil.csv", b"a\n1\n"), ("/tmp/evil.csv", b"b\n2\n")], {})
    paths = storage.version_paths(version)
    assert [p.name for p in paths] == ["evil.csv", "evil-2.csv"]
    root = (data_dir / "datasets" / "versions" / version.id / "files").resolve()
    assert all(p.resolve().parent == root for p in paths)
    assert not (data_dir / "evil.csv").exists()


def test_a_corrupt_manifest_is_skipped_and_reported(data_dir):
    good = storage.save_version(FILES[:1], {})
    bad = storage.save_version(FILES[1:2], {})
    (data_dir / "datasets" / "versions" / bad.id / "manifest.json").write_text("{not json")
    (data_dir / "datasets" / "versions" / "v0009-20260101T000000Z").mkdir()  # an interrupted save
    versions, problems = storage.scan_versions()
    assert versions == [good]
    assert len(problems) == 2 and any(bad.id in p for p in problems)
    assert storage.scan_versions()[0] == [good]
    # the next version still gets a fresh number
    assert storage.save_version(FILES[:1], {}).number == 10


def test_activate_and_restore(data_dir):
    assert storage.active_version() is None  # nothing stored: the embedded sample
    first = storage.save_version(FILES[:2], {"projects": 2})
    second = storage.save_version(FILES[2:], {"projects": 1})
    assert [v.id for v in storage.scan_versions()[0]] == [second.id, first.id]
    assert storage.active_version() is None  # saving does not activate
    storage.activate(second.id)
    assert storage.active_version() == second
    storage.activate(first.id)
    assert storage.active_version() == first
    storage.activate_sample()
    assert storage.active_version() is None
    with pytest.raises(storage.StorageError):
        storage.activate("v9999-20260101T000000Z")
    with pytest.raises(storage.StorageError):
        storage.activate("../../x")


def test_an_unreadable_active_file_falls_back_to_the_sample(data_dir):
    version = storage.save_version(FILES[:1], {})
    storage.activate(version.id)
    (data_dir / "datasets" / "active.json").write_text("garbage")
    assert storage.active_version() is None


def test_two_versions_share_a_blob(data_dir):
    first = storage.save_version(FILES[:2], {})
    second = storage.save_version([FILES[0], ("other.csv", b"x\n1\n")], {})
    assert first.files[0].sha256 == second.files[0].sha256
    blobs = list((data_dir / "datasets" / "blobs").iterdir())
    assert len(blobs) == 3
    one, two = storage.version_paths(first)[0], storage.version_paths(second)[0]
    assert one.read_bytes() == two.read_bytes() == FILES[0][1]


def test_version_files_are_recreated_from_the_blobs(data_dir):
    version = storage.save_version(FILES[:1], {})
    path = storage.version_paths(version)[0]
    path.unlink()
    assert storage.version_paths(version)[0].read_bytes() == FILES[0][1]


def test_same_names_in_one_version_are_kept_apart(data_dir):
    version = storage.save_version([("p.csv", b"a\n"), ("P.csv", b"b\n"), ("p.csv", b"c\n")], {})
    assert [f.name for f in version.files] == ["p.csv", "P-2.csv", "p-3.csv"]
    assert [p.read_bytes() for p in storage.version_paths(version)] == [b"a\n", b"b\n", b"c\n"]


def test_the_sample_as_files(data_dir):
    files = storage.version_files(None)
    assert [name for name, _ in files] == [p.name for p in SAMPLE_FILES]
    assert files[0][1] == SAMPLE_FILES[0].read_bytes()


def test_the_active_version_survives_a_new_process(data_dir):
    import subprocess
    import sys

    version = storage.save_version(FILES[:1], {})
    storage.activate(version.id)
    code = "from data import storage; print(storage.active_version().id)"
    done = subprocess.run([sys.executable, "-c", code], cwd=files.ROOT, capture_output=True, text=True,
                          env={**os.environ, "DASHBOARD_DATA_DIR": str(data_dir)}, timeout=60)
    assert done.stdout.strip() == version.id, done.stderr
