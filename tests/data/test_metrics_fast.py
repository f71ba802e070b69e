"""The vectorised not-published count equals the per-row count (bench/naive.py); KPIs given the converted flows
equal KPIs that convert them."""
from __future__ import annotations

import pytest

from bench.naive import naive_count_not_published
from data.intake import load_portfolio, parse_uploads
from data.metrics import compute_funding, compute_kpis, count_not_published
from data.portfolio import Portfolio
from data.synth import make_synthetic_portfolio, to_csv_bytes


@pytest.fixture(scope="module", params=["sample", "synthetic"])
def portfolio(request):
    if request.param == "sample":
        return load_portfolio()
    frames = make_synthetic_portfolio(300, seed=4)
    return parse_uploads([(f"{n}.csv", to_csv_bytes(f)) for n, f in frames.items()]).portfolio


def test_not_published_count_equals_the_naive_path(portfolio):
    assert count_not_published(portfolio) == naive_count_not_published(portfolio)


def test_blank_text_counts_as_not_published(portfolio):
    projects = portfolio.projects.copy()
    projects.loc[projects.index[0], "theme"] = "  "
    projects.loc[projects.index[0], ["actual_start", "planned_start"]] = ["", None]
    changed = Portfolio(projects, portfolio.funding, portfolio.locations, portfolio.sources, portfolio.documents)
    assert count_not_published(changed) == naive_count_not_published(changed)


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_kpis_with_converted_flows_given_equal_kpis_converting_them(portfolio, currency):
    converted = compute_funding(portfolio.funding, currency)
    assert compute_kpis(portfolio, currency, converted) == compute_kpis(portfolio, currency)
