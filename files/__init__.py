"""The app's writable data directory and crash-safe file writes: the lowest layer, standard library only."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP_PREFIX = ".tmp-"  # temporary files of interrupted writes carry it, so housekeeping can find them


def data_dir() -> Path:
    """The app's writable data directory: DASHBOARD_DATA_DIR, default <repo>/var (read at each call)."""
    return Path(os.environ.get("DASHBOARD_DATA_DIR") or ROOT / "var")


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable (best effort where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename itself is still atomic
    finally:
        os.close(fd)


def atomic_write(target: Path, content: bytes) -> None:
    """Write `content` to `target` so that readers see the old file or the whole new one, never a part; the
    data and the rename are fsynced, so a power cut after return keeps the new file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)
