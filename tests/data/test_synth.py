"""Synthetic portfolios: valid in the canonical schema, labelled synthetic, reproducible, realistic in shape."""
from __future__ import annotations

import pytest

from data.__main__ import main
from data.intake import parse_uploads
from data.synth import DONORS, SYNTHETIC_PREFIX, make_synthetic_files, make_synthetic_portfolio


@pytest.fixture(scope="module")
def frames():
    return make_synthetic_portfolio(300, seed=7)


def test_every_record_is_accepted_and_counts_reconcile(frames):
    intake = parse_uploads(make_synthetic_files(frames))
    for summary in intake.files:
        assert summary.rejected == 0, summary
    portfolio = intake.portfolio
    assert (len(portfolio.projects), len(portfolio.funding), len(portfolio.locations)) == tuple(
        len(frames[n]) for n in ("projects", "funding", "locations"))


def test_labelled_synthetic(frames):
    projects = frames["projects"]
    assert projects["project_id"].str.startswith(SYNTHETIC_PREFIX).all()
    assert projects["title_en"].str.startswith("[SYNTHETIC]").all()
    assert projects["title_fr"].str.startswith("[SYNTHÉTIQUE]").all()
    assert projects["notes"].str.contains("Synthetic record").all()


def test_same_seed_same_portfolio_other_seed_differs(frames):
    again = make_synthetic_portfolio(300, seed=7)
    assert all(again[n].equals(frames[n]) for n in frames)
    assert not make_synthetic_portfolio(300, seed=8)["funding"].equals(frames["funding"])


def test_shape_is_realistic(frames):
    projects, funding, locations = frames["projects"], frames["funding"], frames["locations"]
    national = (projects["coverage"] == "national").mean()
    assert 0.03 < national < 0.2
    assert set(funding["transaction_type"]) == {"1", "2", "3", "4", "11"}
    assert 0.03 < (funding["amount"] == "").mean() < 0.2
    assert funding["currency"].nunique() >= 5
    assert funding["donor"].isin(DONORS + ("",)).all() and funding["donor"].nunique() >= 20
    per_project = locations.groupby("project_id")["province_pcode"].nunique()
    assert per_project.min() == 1 and per_project.max() >= 4
    assert (locations["budget_share"] != "").any() and (locations["budget_share"] == "").any()
    assert (locations["territory_pcode"] != "").any()
    assert (projects["activity_status"] == "").any()


def test_cli_writes_three_files(tmp_path, capsys):
    assert main(["synth", "--projects", "20", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["funding.csv", "locations.csv", "projects.csv"]
    assert "projects.csv" in capsys.readouterr().out
