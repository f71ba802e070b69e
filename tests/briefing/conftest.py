"""A tiny inline portfolio for briefing tests (no files): three donors, two provinces, a national project."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.intake.assemble import parse_portfolio
from data.intake.readers import RawTable
from data.schema import TABLES

TODAY = dt.date(2026, 12, 1)

PROJECTS = [
    {"project_id": "P1", "title_en": "Roads", "title_fr": "Routes", "implementing_orgs": "IOM",
     "theme": "stabilisation", "activity_status": "2", "planned_start": "2024-01-01",
     "planned_end": "2027-01-15", "coverage": "provincial",
     "households_targeted": "1000", "households_reached": "400"},
    {"project_id": "P2", "title_en": "Police", "title_fr": "Police", "implementing_orgs": "IOM",
     "theme": "stabilisation", "activity_status": "2", "planned_start": "2025-01-01",
     "planned_end": "2028-01-01", "coverage": "provincial",
     "households_targeted": "3000", "households_reached": "1500"},
    {"project_id": "P3", "title_en": "Policy", "title_fr": "Politique", "activity_status": "4", "coverage": "national"},
    {"project_id": "P4", "title_en": "No money", "title_fr": "Sans argent", "coverage": "provincial"},
]
FUNDING = [
    {"flow_id": "F1", "project_id": "P1", "donor": "Sweden", "org_role": "1", "transaction_type": "11",
     "amount": "6000000", "currency": "USD", "value_date": "2024-01-01"},
    {"flow_id": "F2", "project_id": "P2", "donor": "Netherlands", "org_role": "1", "transaction_type": "11",
     "amount": "3000000", "currency": "USD", "value_date": "2025-01-01"},
    {"flow_id": "F3", "project_id": "P3", "donor": "=Evil", "org_role": "1", "transaction_type": "11",
     "amount": "1000000", "currency": "USD", "value_date": "2025-01-01"},
    {"flow_id": "F4", "project_id": "P4", "donor": "Japan", "org_role": "1", "transaction_type": "11"},
]
LOCATIONS = [
    {"project_id": "P1", "province_pcode": "CD61"},
    {"project_id": "P2", "province_pcode": "CD74"},
    {"project_id": "P4", "province_pcode": "CD62"},
]


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    columns = TABLES[name].column_names
    return pd.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], columns=columns)


def make_portfolio():
    tables = [RawTable(f"{name}.csv", frame(name, rows)) for name, rows in
              (("projects", PROJECTS), ("funding", FUNDING), ("locations", LOCATIONS))]
    result = parse_portfolio(tables)
    assert not [r for r in result.reports if r.rejected], [r.rejected for r in result.reports]
    return result


@pytest.fixture(scope="session")
def portfolio():
    return make_portfolio()
