"""The portfolios the fast-vs-reference data tests run on: the sample, then the module's synthetic one."""
from __future__ import annotations

import pytest

from data.intake import load_portfolio


@pytest.fixture(scope="module", params=["sample", "synthetic"])
def portfolio(request, parse_synthetic):
    """The embedded sample, then a synthetic portfolio of the module's SYNTHETIC = (projects, seed)."""
    return load_portfolio() if request.param == "sample" else parse_synthetic(*request.module.SYNTHETIC)
