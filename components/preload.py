"""The data in use loaded in a background thread while a session's first run imports the page modules."""
from __future__ import annotations

import logging
import threading

from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

log = logging.getLogger(__name__)


def _load() -> None:
    try:
        from components.state import get_prepared, run_housekeeping  # imports (data, pyarrow) overlap too

        run_housekeeping()  # first, as the run does: a save killed before this start leaves nothing behind
        get_prepared()
    except Exception:  # the page loads it again and shows what failed
        log.debug("background load failed", exc_info=True)


def start_loading() -> threading.Thread:
    """Load the data in use (components.state.get_prepared) in a thread, so that reading it (Arrow files and
    numpy arrays: much of it outside the GIL) overlaps the charting, map and table imports of the run; the page's
    own get_prepared then waits for this load (one cached computation per key). Join the thread before the run
    ends, so that it never outlives the run (a test's data directory)."""
    thread = threading.Thread(target=_load, name="dashboard-preload", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx())
    thread.start()
    return thread
