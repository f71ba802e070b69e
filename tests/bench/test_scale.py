"""bench.scale opens each page as a reader's browser does, so its timings are of one script run per rerun."""
from __future__ import annotations

import pytest
import streamlit as st

from bench.scale import _new_app
from components.i18n import t


@pytest.fixture
def switches(monkeypatch):
    calls = []
    original = st.switch_page
    monkeypatch.setattr(st, "switch_page", lambda *a, **k: (calls.append(a), original(*a, **k))[1])
    return calls


def test_the_overview_is_opened_at_its_address_not_through_the_hidden_redirect(switches):
    app = _new_app("overview").run()
    app.run()
    assert not app.exception
    assert switches == []  # /overview switches to / on every run; the benchmark would time two runs per rerun
    assert [h.value for h in app.title] == [t("app.title", "en")]  # the Overview's own heading


def test_opening_the_overview_by_its_file_name_would_go_through_the_redirect(switches):
    # Why _new_app does not switch to the Overview's file: AppTest names the page "overview" before its first run.
    _new_app("status").switch_page("app_pages/overview.py").run()
    assert len(switches) == 1
