"""Fixtures shared across test packages; every test runs with a fresh data directory and a clean environment."""
from __future__ import annotations

import io
import os

import openpyxl
import pytest

from data.schema import TABLES
from data.template import TEMPLATE_TABLES, make_template_xlsx
from geo.provinces import province_name

# Environment the app reads (data dir, boundary files, caches, limits, sign-in) and Streamlit's own settings:
# a developer's shell must not change a test's result.
APP_ENV_PREFIXES = ("DASHBOARD_", "BOUNDARIES_", "GEO_", "STREAMLIT_")


def _scrub(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(APP_ENV_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session", autouse=True)
def _clean_session_environment(tmp_path_factory):
    """For session-scoped fixtures (e.g. an e2e server): no inherited app settings, an empty data dir."""
    with pytest.MonkeyPatch.context() as patch:
        _scrub(patch)
        patch.setenv("DASHBOARD_DATA_DIR", str(tmp_path_factory.mktemp("session-data")))
        yield


@pytest.fixture(autouse=True)
def fresh_data_dir(tmp_path_factory, monkeypatch) -> object:
    """Each test: its own empty data directory (no stored version, so the embedded sample is in use)."""
    _scrub(monkeypatch)
    path = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def parse_synthetic():
    """(projects, seed) → a synthetic portfolio read through the intake as an upload of its CSV files (a new one
    each call: a module keeps its own)."""
    from data.intake import parse_uploads
    from data.synth import make_synthetic_files, make_synthetic_portfolio

    def parse(projects: int, seed: int):
        return parse_uploads(make_synthetic_files(make_synthetic_portfolio(projects, seed=seed))).portfolio

    return parse


@pytest.fixture(scope="session")
def example_rows() -> dict[str, dict[str, str]]:
    """One consistent example record per template table (the schema examples, made to agree with each other:
    the funding and location rows refer to the example project, the province contains the territory)."""
    rows = {name: {c.name: c.example for c in TABLES[name].columns} for name in TEMPLATE_TABLES}
    project_id = rows["projects"]["project_id"]
    rows["funding"]["project_id"] = project_id
    location = rows["locations"]
    location["project_id"] = project_id
    if location.get("territory_pcode"):
        location["province_pcode"] = location["territory_pcode"][:4]
        location["province_name"] = province_name(location["province_pcode"])
    return rows


@pytest.fixture(scope="session")
def filled_template_xlsx(example_rows) -> bytes:
    """The workbook template with one example row in each data sheet, as a user sends it back."""
    book = openpyxl.load_workbook(io.BytesIO(make_template_xlsx()))
    for table in TEMPLATE_TABLES:
        book[table].append([example_rows[table][c] for c in TABLES[table].column_names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
