"""files: the data directory follows DASHBOARD_DATA_DIR; atomic writes leave the old or the new file, never a part."""
import os

import pytest

import files


def test_the_data_directory_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "elsewhere"))
    assert files.data_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("DASHBOARD_DATA_DIR")
    assert files.data_dir() == files.ROOT / "var"


def test_atomic_write_creates_folders_and_replaces_the_whole_file(tmp_path):
    target = tmp_path / "a" / "b.json"
    files.atomic_write(target, b"old")
    files.atomic_write(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in target.parent.iterdir()] == ["b.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "b.json"
    files.atomic_write(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        files.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(files.TMP_PREFIX)]
