"""Store housekeeping and concurrency: who/when recorded, compare-and-set activation, garbage collection after
interrupted saves (including real SIGKILLs), `python -m data store gc`."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data import storage
from data.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    return tmp_path


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(f"{storage.TMP_PREFIX}*"))


def unreferenced_blobs(root: Path) -> set[str]:
    blobs = {p.name for p in (root / "datasets" / "blobs").iterdir()} if (root / "datasets" / "blobs").is_dir() \
        else set()
    referenced = set()
    for manifest in (root / "datasets" / "versions").glob("*/manifest.json"):
        referenced.update(f["sha256"] for f in json.loads(manifest.read_text())["files"])
    return blobs - referenced


def test_confirm_and_restore_record_who_and_when(data_dir):
    version = storage.save_version([("a.csv", b"x")], {}, note="replace", by="alice")
    storage.activate(version.id, by="alice", action="confirm")
    storage.activate_sample(by="bob")
    storage.activate(version.id, by="carol")
    stored = storage.get_version(version.id)
    assert stored.by == "alice"
    assert [(e["action"], e["by"]) for e in stored.events] == [("confirm", "alice"), ("restore", "carol")]
    assert all(e["time"].endswith("Z") for e in stored.events)
    assert storage.active_since()["by"] == "carol"
    manifest = json.loads((data_dir / "datasets" / "versions" / version.id / "manifest.json").read_text())
    assert manifest["by"] == "alice" and len(manifest["events"]) == 2


def test_activation_is_a_compare_and_set(data_dir):
    first = storage.save_version([("a.csv", b"a")], {})
    second = storage.save_version([("b.csv", b"b")], {})
    storage.activate(first.id, expected=storage.SAMPLE_ID)
    with pytest.raises(storage.ConflictError) as raised:
        storage.activate(second.id, expected=storage.SAMPLE_ID)  # prepared while the sample was in use
    assert (raised.value.expected, raised.value.current) == (storage.SAMPLE_ID, first.id)
    assert storage.active_version().id == first.id
    assert {v.id for v in storage.scan_versions()[0]} == {first.id, second.id}  # the refused one is kept
    with pytest.raises(storage.ConflictError):
        storage.activate_sample(expected=second.id)
    storage.activate(second.id, expected=first.id)
    assert storage.active_version().id == second.id


def test_gc_removes_what_an_interrupted_save_left(data_dir):
    kept = storage.save_version([("a.csv", b"kept")], {})
    root = data_dir / "datasets"
    (root / "blobs" / f"{storage.TMP_PREFIX}abc").write_bytes(b"partial")
    (root / "versions" / kept.id / "files" / f"{storage.TMP_PREFIX}a.csv").write_bytes(b"partial")
    orphan = "f" * 64
    (root / "blobs" / orphan).write_bytes(b"uploaded, never confirmed")
    (root / "versions" / "v0099-20261201T000000Z" / "files").mkdir(parents=True)  # no manifest: incomplete
    report = storage.collect_garbage()
    assert len(report.temporary) == 2 and report.blobs == [orphan] and report.incomplete == ["v0099-20261201T000000Z"]
    assert leftovers(data_dir) == [] and unreferenced_blobs(data_dir) == set()
    assert storage.version_files(storage.get_version(kept.id)) == [("a.csv", b"kept")]


def test_gc_keeps_blobs_while_a_manifest_is_unreadable(data_dir):
    storage.save_version([("a.csv", b"a")], {})
    broken = storage.save_version([("b.csv", b"b")], {})
    (data_dir / "datasets" / "versions" / broken.id / "manifest.json").write_text("{")
    report = storage.collect_garbage()
    assert report.blobs == [] and len(report.kept) == 1 and broken.id in report.kept[0]
    assert len(list((data_dir / "datasets" / "blobs").iterdir())) == 2


def test_store_gc_command(data_dir, capsys):
    storage.save_version([("a.csv", b"a")], {})
    (data_dir / "datasets" / "blobs" / ("0" * 64)).write_bytes(b"orphan")
    assert main(["store", "gc", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["blobs"] == 1
    assert unreferenced_blobs(data_dir) == set()


SAVER = """
import os, time
_fsync = os.fsync
os.fsync = lambda fd: (time.sleep(0.2), _fsync(fd))[1]  # a slow disk: most of the time is spent mid-save, sys
from data import storage
n = 0
while True:
    n += 1
    storage.save_version([("big.csv", os.urandom(4_000_000)), ("small.csv", b"x%d" % n)], {"n": n})
"""


def test_sigkill_during_saves_then_gc_leaves_no_temporary_file_nor_unreferenced_blob(data_dir):
    """Kill a process that keeps saving at several moments; what was confirmed survives, gc leaves nothing."""
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    for delay in (0.4, 0.7, 1.1, 1.6, 2.0):
        process = subprocess.Popen([sys.executable, "-c", SAVER], cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while not (data_dir / "datasets" / "blobs").is_dir() and time.monotonic() < deadline:
            time.sleep(0.05)  # imports take a while on a busy machine: kill during saves, not before them
        if delay == 2.0:  # the last run completes at least one save first, whatever the machine's load
            while not list(data_dir.glob("datasets/versions/*/manifest.json")) and time.monotonic() < deadline:
                time.sleep(0.05)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    versions, problems = storage.scan_versions()
    assert versions, "no save completed before the kills: the test proves nothing"
    storage.collect_garbage()
    assert leftovers(data_dir) == []
    assert unreferenced_blobs(data_dir) == set()
    for version in storage.scan_versions()[0]:  # every version with a manifest is whole
        assert [len(content) for _, content in storage.version_files(version)][0] == 4_000_000
