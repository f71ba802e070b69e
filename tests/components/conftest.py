"""Fixtures the map tests share: a synthetic portfolio allocated to provinces, the COD-AB boundaries prepared."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED_GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "geo"


@pytest.fixture(scope="session")
def synthetic_allocation(parse_synthetic):
    """(portfolio, its committed flows allocated to provinces, compute_project_donors) of 400 synthetic projects."""
    from data.metrics import FLOW_MEASURES, compute_funding, compute_project_donors
    from geo.allocation import allocate, project_locations

    portfolio = parse_synthetic(400, 5)
    converted = compute_funding(portfolio.funding, "USD")
    allocation = allocate(portfolio.projects, project_locations(portfolio.locations, portfolio.projects),
                          FLOW_MEASURES["committed"].select(converted))
    return portfolio, allocation, compute_project_donors(converted)


def _boundaries(name: str, level: int | None):
    from geo.simplify import prepare_boundaries

    if not (SHARED_GEO / name).exists():
        pytest.skip("../shared/geo is absent")
    return prepare_boundaries(SHARED_GEO / name, level)


@pytest.fixture(scope="session")
def adm1():
    """The COD-AB provinces prepared (geo.simplify.prepare_boundaries)."""
    return _boundaries("cod_adm1_ocha_20170407.geojson", None)


@pytest.fixture(scope="session")
def adm2():
    """The COD-AB territories prepared."""
    return _boundaries("cod_adm2_ocha_rgc_20170711.geojson", 2)
