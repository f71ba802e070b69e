"""Versioned dataset storage in the app's data directory (pure: no Streamlit).

Layout under `<data dir>/datasets/` (data dir = DASHBOARD_DATA_DIR, default `<repo>/var`, git-ignored):

    blobs/<sha256>                      every uploaded file, byte for byte, shared between versions
    versions/<id>/manifest.json         {"id", "time" (UTC ISO), "files": [{"name", "sha256", "bytes"}],
                                         "counts" (the summary given at save), "note", "by" (who saved it),
                                         "events": [{"action": "confirm" | "restore", "time", "by"}]}
    versions/<id>/files/<name>          the version's files under their original (sanitised) names: hard links
                                         to the blobs (copies where links are impossible), re-created on demand
    active.json                         {"version": <id> | null, "time", "by"}; null or absent = the embedded sample
    .lock                               held (flock) while a version is saved, activated or garbage-collected

Version ids sort by age: `v0003-20261125T103200Z`. Every file is written atomically (temporary file in the same
directory, fsync, os.replace), and the manifest is written last: a version without a readable manifest is
skipped and reported by `scan_versions`, never fatal. Parent directories are fsynced after a
new entry. `collect_garbage` (run at start-up and by `python -m data store gc`) removes what an interrupted save
leaves behind: `.tmp-*` files, version folders without a manifest, blobs no manifest refers to.

`activate(..., expected=<id>)` is a compare-and-set: it refuses (ConflictError) when the data in use changed since
the caller looked, so two editors never silently undo each other's confirm.

`version_paths(version)` answers paths whose file names are the original names, so the loader can detect the
format from the name (`.csv`, `.xlsx`, `.xml`…) — pass them to `data.intake.load_intake`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from data.portfolio import SAMPLE_FILES
from files import TMP_PREFIX, atomic_write, data_dir, fsync_dir

ID_RE = re.compile(r"^v(\d{4,})-(\d{8}T\d{6}Z)$")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
SAMPLE_ID = "sample"
log = logging.getLogger(__name__)


class StorageError(Exception):
    """A version cannot be found or read."""


class ConflictError(StorageError):
    """The data in use changed since the caller prepared its change (optimistic concurrency)."""

    def __init__(self, expected: str, current: str):
        super().__init__(f"the data in use is now {current}, not {expected}")
        self.expected, self.current = expected, current


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Version:
    id: str
    time: str  # UTC ISO 8601, e.g. 2026-11-25T10:32:00Z
    files: tuple[StoredFile, ...]
    counts: dict = field(default_factory=dict, hash=False, compare=False)
    note: str = ""
    by: str = ""  # who saved it ("" = not recorded)
    events: tuple = field(default=(), hash=False, compare=False)  # ({"action", "time", "by"}, ...)

    @property
    def number(self) -> int:
        return int(ID_RE.match(self.id).group(1))

    def as_dict(self) -> dict:
        return {"id": self.id, "time": self.time, "note": self.note, "counts": self.counts,
                "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.bytes} for f in self.files],
                "by": self.by, "events": [dict(e) for e in self.events]}


# ------------------------------------------------------------------ places

def datasets_dir() -> Path:
    return data_dir() / "datasets"


def _blobs() -> Path:
    return datasets_dir() / "blobs"


def _versions() -> Path:
    return datasets_dir() / "versions"


def _active_file() -> Path:
    return datasets_dir() / "active.json"


@contextlib.contextmanager
def store_lock():
    """Exclusive lock on the store (one save, activation or clean-up at a time, across processes); released by
    the kernel when the holder dies, so a killed save never blocks the next one."""
    datasets_dir().mkdir(parents=True, exist_ok=True)
    with open(datasets_dir() / ".lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ------------------------------------------------------------------ atomic writes

def _write_json(target: Path, payload: dict) -> None:
    atomic_write(target, (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


# ------------------------------------------------------------------ names

def sanitise_name(name: str) -> str:
    """A safe file name: the last path component only (no directories, no `..`, no absolute path), no NUL or
    control characters, no leading dot; never empty. `../x.csv` → `x.csv`, `C:\\a\\b.xlsx` → `b.xlsx`."""
    name = unicodedata.normalize("NFC", str(name))
    name = "".join(c for c in name if c.isprintable() and c != "\x00")
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(".").strip()
    if not name:
        name = "file"
    if len(name.encode("utf-8")) > 200:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        keep = (stem if dot else name).encode("utf-8")[: 190].decode("utf-8", "ignore")
        name = f"{keep}.{ext}" if ext else keep
    return name


def _unique_names(names: Sequence[str]) -> list[str]:
    """Sanitised names, with `-2`, `-3`… added before the extension where two files share a name."""
    seen: set[str] = set()
    out = []
    for raw in names:
        name = sanitise_name(raw)
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 2
        while candidate.lower() in seen:
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
            n += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


# ------------------------------------------------------------------ blobs

def _put_blob(content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    target = _blobs() / digest
    if not (target.is_file() and target.stat().st_size == len(content)
            and hashlib.sha256(target.read_bytes()).hexdigest() == digest):
        atomic_write(target, content)
        with contextlib.suppress(OSError):
            os.chmod(target, 0o444)  # read-only: the version files are hard links to it
    return digest


def blob_path(sha256: str) -> Path:
    if not SHA_RE.match(sha256):
        raise StorageError(f"not a sha256: {sha256!r}")
    return _blobs() / sha256


# ------------------------------------------------------------------ versions

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _next_number() -> int:
    numbers = [int(m.group(1)) for p in (_versions().iterdir() if _versions().is_dir() else [])
               if (m := ID_RE.match(p.name))]
    return max(numbers, default=0) + 1


def save_version(files: Sequence[tuple[str, bytes]], summary: dict, note: str = "", by: str = "") -> Version:
    """Store the files (originals kept byte for byte) as a new version and return it; not activated."""
    with store_lock():
        now = _now()
        names = _unique_names([name for name, _ in files])
        stored = tuple(StoredFile(name, _put_blob(bytes(content)), len(content))
                       for name, (_, content) in zip(names, files))
        if not _versions().is_dir():
            _versions().mkdir(parents=True, exist_ok=True)
            fsync_dir(datasets_dir())
        number = _next_number()
        while True:  # claim the id: mkdir is atomic, a concurrent save takes the next number
            version_id = f"v{number:04d}-{now.strftime('%Y%m%dT%H%M%SZ')}"
            try:
                (_versions() / version_id).mkdir()
                break
            except FileExistsError:
                number += 1
        fsync_dir(_versions())
        version = Version(version_id, now.strftime("%Y-%m-%dT%H:%M:%SZ"), stored, dict(summary), note, by)
        _materialise(version)
        _write_json(_versions() / version_id / "manifest.json", version.as_dict())
        fsync_dir(_versions())
        return version


def _parse_manifest(path: Path) -> Version:
    payload = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(payload, dict):
        raise ValueError("not a JSON object")
    version_id = payload["id"]
    if version_id != path.parent.name or not ID_RE.match(version_id):
        raise ValueError(f"id {version_id!r} does not match its folder")
    files = tuple(StoredFile(sanitise_name(f["name"]), str(f["sha256"]), int(f["bytes"])) for f in payload["files"])
    if any(not SHA_RE.match(f.sha256) for f in files):
        raise ValueError("a file has no valid sha256")
    counts = payload.get("counts") or {}
    events = payload.get("events") or []
    events = tuple({k: str(e.get(k) or "") for k in ("action", "time", "by")} for e in events
                   if isinstance(e, dict)) if isinstance(events, list) else ()
    return Version(version_id, str(payload["time"]), files, counts if isinstance(counts, dict) else {},
                   str(payload.get("note") or ""), str(payload.get("by") or ""), events)


def scan_versions() -> tuple[list[Version], list[str]]:
    """Every readable version, newest first, and one line per version folder that could not be read."""
    versions, problems = [], []
    root = _versions()
    if not root.is_dir():
        return [], []
    for folder in sorted(root.iterdir(), key=lambda p: p.name, reverse=True):
        if not folder.is_dir() or not ID_RE.match(folder.name):
            continue
        try:
            versions.append(_parse_manifest(folder / "manifest.json"))
        except FileNotFoundError:
            problems.append(f"{folder.name}: no manifest (incomplete save): skipped")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{folder.name}: unreadable manifest ({type(exc).__name__}: {exc}): skipped")
    for problem in problems:
        log.warning("dataset storage: %s", problem)
    return versions, problems


def get_version(version_id: str) -> Version:
    if not ID_RE.match(str(version_id)):
        raise StorageError(f"not a version id: {version_id!r}")
    try:
        return _parse_manifest(_versions() / version_id / "manifest.json")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(f"{version_id}: cannot be read ({type(exc).__name__})") from None


_ANY = object()


def _check_expected(expected: object) -> None:
    if expected is _ANY:
        return
    current = active_version()
    current_id = current.id if current else SAMPLE_ID
    if current_id != (expected or SAMPLE_ID):
        raise ConflictError(str(expected or SAMPLE_ID), current_id)


def activate(version_id: str, by: str = "", expected: object = _ANY, action: str = "restore") -> Version:
    """Make `version_id` the data in use (kept across restarts: it is on disk), recording who and when in its
    manifest. With `expected` (a version id or SAMPLE_ID), refuse with ConflictError if the data in use is no
    longer that one."""
    with store_lock():
        version = get_version(version_id)
        _check_expected(expected)
        time = _now().strftime("%Y-%m-%dT%H:%M:%SZ")
        version = Version(version.id, version.time, version.files, version.counts, version.note, version.by,
                          (*version.events, {"action": action, "time": time, "by": by}))
        _write_json(_versions() / version.id / "manifest.json", version.as_dict())
        _write_json(_active_file(), {"version": version.id, "time": time, "by": by})
        return version


def activate_sample(by: str = "", expected: object = _ANY) -> None:
    """Go back to the embedded sample portfolio."""
    with store_lock():
        _check_expected(expected)
        _write_json(_active_file(), {"version": None, "time": _now().strftime("%Y-%m-%dT%H:%M:%SZ"), "by": by})


def active_since() -> dict:
    """{"time", "by"} of the last activation (empty strings when never recorded)."""
    try:
        payload = json.loads(_active_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"time": "", "by": ""}
    if not isinstance(payload, dict):
        return {"time": "", "by": ""}
    return {"time": str(payload.get("time") or ""), "by": str(payload.get("by") or "")}


def active_version() -> Version | None:
    """The version in use; None means the embedded sample (also when active.json or its version is unreadable)."""
    try:
        payload = json.loads(_active_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("dataset storage: active.json unreadable (%s): using the sample", exc)
        return None
    version_id = payload.get("version") if isinstance(payload, dict) else None
    if not version_id:
        return None
    try:
        return get_version(version_id)
    except StorageError as exc:
        log.warning("dataset storage: %s: using the sample", exc)
        return None


def _materialise(version: Version) -> list[Path]:
    folder = _versions() / version.id / "files"
    folder.mkdir(parents=True, exist_ok=True)
    paths, created = [], False
    for stored in version.files:
        target = folder / stored.name
        source = blob_path(stored.sha256)
        if not (target.is_file() and target.stat().st_size == stored.bytes) and source.is_file():
            tmp = folder / f"{TMP_PREFIX}{stored.name}"
            with contextlib.suppress(OSError):
                tmp.unlink()
            try:
                os.link(source, tmp)
            except OSError:  # another file system, no hard links: a copy
                shutil.copyfile(source, tmp)
                with open(tmp, "rb+") as handle:
                    os.fsync(handle.fileno())
            os.replace(tmp, target)
            created = True
        paths.append(target)
    if created:
        fsync_dir(folder)
    return paths


def columnar_dir(version_id: str, fingerprint: str) -> Path:
    """Where a version's parsed tables are kept as parquet, per code fingerprint (data.columnar). Derived and
    rebuildable from the blobs: not in the manifest, and safe to delete."""
    if not ID_RE.match(str(version_id)) or not re.fullmatch(r"[0-9a-f]{16,64}", fingerprint):
        raise StorageError(f"not a version id and fingerprint: {version_id!r}, {fingerprint!r}")
    return _versions() / version_id / "columnar" / fingerprint


def version_paths(version: Version) -> list[Path]:
    """Paths of the version's files under their original names (`versions/<id>/files/<name>`, hard links to the
    blobs), re-created from the blobs when missing. A file whose blob is gone keeps its path: the loader then
    reports it as unreadable rather than silently dropping it."""
    return _materialise(version)


def version_files(version: Version | None) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file of a version; None = the embedded sample files."""
    if version is None:
        return [(path.name, path.read_bytes()) for path in SAMPLE_FILES]
    return [(stored.name, blob_path(stored.sha256).read_bytes()) for stored in version.files]


# ------------------------------------------------------------------ housekeeping

@dataclass
class GarbageReport:
    """What `collect_garbage` removed, and what it left alone and why."""

    temporary: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # version folders without a manifest
    blobs: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    kept: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"temporary": len(self.temporary), "incomplete": len(self.incomplete), "blobs": len(self.blobs),
                "bytes_freed": self.bytes_freed, "kept": self.kept}


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def collect_garbage() -> GarbageReport:
    """Remove what interrupted saves left: `.tmp-*` files anywhere in the store, version folders without a
    manifest, blobs that no manifest refers to. Runs under the store lock, so a save in progress is never
    touched. When a manifest exists but cannot be read, no blob is removed (it might be one of that version's)."""
    report = GarbageReport()
    root = datasets_dir()
    if not root.is_dir():
        return report
    with store_lock():
        for path in sorted(root.rglob(f"{TMP_PREFIX}*")):
            if path.is_file() or path.is_symlink():
                report.bytes_freed += _size(path)
                path.unlink(missing_ok=True)
                report.temporary.append(str(path.relative_to(root)))
        referenced: set[str] = set()
        unreadable = False
        for folder in sorted(_versions().iterdir()) if _versions().is_dir() else []:
            if not folder.is_dir() or not ID_RE.match(folder.name):
                continue
            manifest = folder / "manifest.json"
            if not manifest.exists():
                report.bytes_freed += sum(_size(p) for p in folder.rglob("*") if p.is_file())
                shutil.rmtree(folder, ignore_errors=True)
                report.incomplete.append(folder.name)
                continue
            try:
                referenced.update(f.sha256 for f in _parse_manifest(manifest).files)
            except (OSError, ValueError, KeyError, TypeError):
                unreadable = True
                report.kept.append(f"{folder.name}: unreadable manifest: no blob removed")
        if not unreadable and _blobs().is_dir():
            for blob in sorted(_blobs().iterdir()):
                if blob.is_file() and SHA_RE.match(blob.name) and blob.name not in referenced:
                    report.bytes_freed += _size(blob)
                    blob.unlink(missing_ok=True)
                    report.blobs.append(blob.name)
        for folder in (_blobs(), _versions(), root):
            if folder.is_dir():
                fsync_dir(folder)
    if report.temporary or report.incomplete or report.blobs:
        log.info("dataset storage: removed %d temporary files, %d incomplete versions, %d unreferenced blobs",
                 len(report.temporary), len(report.incomplete), len(report.blobs))
    return report
