"""Running a page of the dashboard in AppTest, the one way the page tests do it."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def run_page(page: str, query: dict | None = None, *, app: AppTest | None = None, timeout: int = 60,
             **session) -> AppTest:
    """Run `page` (in a fresh app, or in `app` again) with a URL query and session state; fails on an exception."""
    app = app or AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    for key, value in session.items():
        app.session_state[key] = value
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app
