"""Where boundary files come from, and `python -m geo fetch`: download, verify, write atomically.

Order of precedence (resolve_boundary_file): a configured file (BOUNDARIES_ADM1 / BOUNDARIES_ADM2, or the
app's settings), an uploaded file (the app's data directory), the fetch cache, then nothing (the embedded
default: proportional symbols at province capitals, see geo/embedded.py)."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from files import TMP_PREFIX, atomic_write, data_dir
from geo.boundaries import BoundaryFileError, read_boundaries

__all__ = ["DIR_VAR", "ENV_VARS", "SOURCES", "BoundarySource", "FetchError", "boundaries_dir", "cache_dir",
           "fetch_boundaries", "list_boundary_files", "resolve_boundary_file", "upload_dir"]

ROOT = Path(__file__).resolve().parents[1]
ENV_VARS = {1: "BOUNDARIES_ADM1", 2: "BOUNDARIES_ADM2"}
DIR_VAR = "BOUNDARIES_DIR"  # editors choose among the files under it on the Data page
EXTENSIONS = (".geojson", ".json", ".gpkg", ".zip")
# geoBoundaries' API answers with metadata whose gjDownloadURL is the GeoJSON. gbHumanitarian is OCHA's
# COD-AB as geoBoundaries republishes it (P-codes kept); gbOpen is geoBoundaries' own (OSM-based for COD).
SOURCES = {
    "cod-ab": "https://www.geoboundaries.org/api/current/gbHumanitarian/COD/ADM{level}/",
    "geoboundaries": "https://www.geoboundaries.org/api/current/gbOpen/COD/ADM{level}/",
}
MAX_BYTES = 200 * 1024 * 1024


class FetchError(RuntimeError):
    """Download or verification failed; nothing was written."""


def cache_dir() -> Path:
    """Where `python -m geo fetch` writes (GEO_CACHE_DIR, default <data dir>/geo-cache)."""
    return Path(os.environ.get("GEO_CACHE_DIR") or data_dir() / "geo-cache")


def upload_dir() -> Path:
    return data_dir() / "boundaries"


def boundaries_dir() -> Path | None:
    """The server directory whose boundary files editors may choose from (BOUNDARIES_DIR; None when unset)."""
    value = os.environ.get(DIR_VAR)
    return Path(value).expanduser() if value else None


def list_boundary_files(directory: Path | None, limit: int = 500) -> list[Path]:
    """Boundary files (GeoJSON, GeoPackage, zipped shapefile) under `directory`, sorted, at most `limit`; a link
    leading outside the directory is left out (the browser chooses among these, never types a path)."""
    if directory is None or not directory.is_dir():
        return []
    root = directory.resolve()
    found = []
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() in EXTENSIONS and path.is_file() and path.resolve().is_relative_to(root):
            found.append(path)
            if len(found) >= limit:
                break
    return found


@dataclass(frozen=True)
class BoundarySource:
    """The file a map uses and where it came from: "configured", "uploaded", "cache" or "embedded"."""

    level: int
    origin: str
    path: Path | None = None
    problem: str | None = None  # a configured path that does not exist (then the next source is used)


def _first_file(folder: Path, stem: str) -> Path | None:
    for ext in EXTENSIONS:
        candidate = folder / f"{stem}{ext}"
        if candidate.is_file():
            return candidate
    return None


def resolve_boundary_file(level: int, configured: str | os.PathLike | None = None) -> BoundarySource:
    """The boundary file for a level, by precedence; `configured` (from the app's settings) beats the env var."""
    problem = None
    for value in (configured, os.environ.get(ENV_VARS[level])):
        if value:
            path = Path(value).expanduser()
            if path.is_file():
                return BoundarySource(level, "configured", path)
            problem = f"{path}: no such file"
    uploaded = _first_file(upload_dir(), f"adm{level}")
    if uploaded:
        return BoundarySource(level, "uploaded", uploaded, problem)
    cached = _first_file(cache_dir(), f"adm{level}")
    if cached:
        return BoundarySource(level, "cache", cached, problem)
    return BoundarySource(level, "embedded", None, problem)


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "drc-stabilisation-dashboard (python -m geo fetch)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise FetchError(f"{url}: {exc}") from None
    if len(body) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
    return body


def _file_url(source_url: str, timeout: float) -> str:
    """A geoBoundaries API URL answers JSON metadata naming the GeoJSON; any other URL is the file itself."""
    if "/api/" not in source_url:
        return source_url
    try:
        meta = json.loads(_download(source_url, timeout))
    except ValueError:
        raise FetchError(f"{source_url}: the API did not answer JSON") from None
    if isinstance(meta, list):
        meta = meta[0] if meta else {}
    url = meta.get("gjDownloadURL") if isinstance(meta, dict) else None
    if not url:
        raise FetchError(f"{source_url}: no gjDownloadURL in the answer")
    return url


def fetch_boundaries(level: int, source: str = "cod-ab", url: str | None = None, sha256: str | None = None,
                     dest: str | os.PathLike | None = None, timeout: float = 120.0) -> dict:
    """Download one level, verify it (checksum if given; readable; every unit tied to a province; ADM1: all 26)
    and write it atomically as <dest>/adm<level>.<ext> with a .meta.json beside it. Returns the metadata."""
    if level not in (1, 2):
        raise FetchError(f"level must be 1 or 2, not {level}")
    api = url or SOURCES[source].format(level=level)
    if not api.startswith(("http://", "https://")):
        raise FetchError(f"{api}: only http(s) URLs are fetched")
    file_url = _file_url(api, timeout)
    body = _download(file_url, timeout)
    digest = hashlib.sha256(body).hexdigest()
    if sha256 and digest != sha256.lower():
        raise FetchError(f"{file_url}: sha256 {digest} does not match the expected {sha256}")
    suffix = next((ext for ext in EXTENSIONS if file_url.lower().split("?")[0].endswith(ext)), ".geojson")
    folder = Path(dest) if dest else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # Checked from a private temporary copy (the reader needs a path), then written in place atomically.
    with tempfile.TemporaryDirectory(dir=folder, prefix=TMP_PREFIX) as staging:
        tmp = Path(staging) / f"download{suffix}"
        tmp.write_bytes(body)
        try:
            checked = read_boundaries(tmp, level)
        except BoundaryFileError as exc:
            raise FetchError(f"{file_url}: not a boundary file ({exc})") from None
    if checked.unmatched or (level == 1 and len(checked.matched) != 26):
        raise FetchError(f"{file_url}: {len(checked.matched)} units matched, unmatched: {checked.unmatched[:10]}")
    target = folder / f"adm{level}{suffix}"
    for ext in EXTENSIONS:  # one file per level
        if ext != suffix and (folder / f"adm{level}{ext}").exists():
            (folder / f"adm{level}{ext}").unlink()
    atomic_write(target, body)
    meta = {"level": level, "source": source if not url else "url", "url": file_url, "sha256": digest,
            "bytes": len(body), "features": len(checked.units), "matched": len(checked.matched),
            "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "path": str(target)}
    meta_path = folder / f"adm{level}.meta.json"
    atomic_write(meta_path, json.dumps(meta, indent=2).encode("utf-8"))
    return meta
