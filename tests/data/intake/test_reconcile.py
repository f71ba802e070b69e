"""Counts that reconcile: per file and per table, read = kept + refused, and kept means in the portfolio."""
from __future__ import annotations

from pathlib import Path

import pytest

from data.intake import parse_uploads
from data.schema import ROW_COLUMN, SOURCE_COLUMN, TABLES

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "tests" / "catalogue" / "files"
REAL = ROOT.parent / "shared" / "data" / "real"
CATALOGUE_CASES = sorted(CATALOGUE.iterdir()) if CATALOGUE.exists() else []
REAL_FILES = sorted(p for p in REAL.glob("*") if p.suffix in (".xml", ".xlsx", ".csv")) if REAL.exists() else []


def upload(*paths: Path, max_bytes: int | None = None):
    files = [p for path in paths for p in (sorted(path.iterdir()) if path.is_dir() else [path])]
    return parse_uploads([(p.name, p.read_bytes()) for p in files], max_bytes=max_bytes)


def assert_reconciles(intake) -> None:
    portfolio = intake.portfolio
    for summary in intake.files:
        if summary.format == "unreadable":
            continue
        assert summary.rows_in == summary.accepted + summary.rejected, summary.as_dict()
        assert summary.accepted >= 0 and summary.rejected >= 0, summary.as_dict()
    for table in TABLES:
        frame = portfolio.table(table)
        per_report = 0
        for report in [r for r in portfolio.reports if r.table == table]:
            kept = frame[frame[SOURCE_COLUMN] == report.path]
            per_report += len(kept)
            assert report.accepted == len(kept) + report.kept_once, (report.path, table)
            refused = 0 if report.rejected_rows is None else len(report.rejected_rows)
            assert report.rows == report.accepted + refused, (report.path, table, report.rows, report.accepted)
            errors = {p.row for p in report.rejected if p.row is not None}
            assert not errors & set(kept[ROW_COLUMN]), f"{report.path} {table}: rows both kept and refused"
        assert per_report == len(frame), f"{table}: portfolio rows that no report accounts for"
    for report in portfolio.reports:
        if report.table not in TABLES:  # a derived source (flat, hxl, iati) or a sheet that is no table
            assert 0 <= report.accepted <= report.rows, report.as_dict()
            if report.accepted and report.table in ("flat", "hxl", "iati"):
                assert (portfolio.projects[SOURCE_COLUMN] == report.path).any(), report.path


@pytest.mark.parametrize("path", CATALOGUE_CASES, ids=lambda p: p.name)
def test_every_catalogue_case_reconciles(path):
    assert_reconciles(upload(path, max_bytes=128 * 1024))


@pytest.mark.skipif(not REAL_FILES, reason="../shared/data/real is absent")
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_file_reconciles(path):
    intake = upload(path)
    assert_reconciles(intake)
    assert intake.files[0].rows_in > 0


@pytest.mark.skipif(not REAL_FILES, reason="../shared/data/real is absent")
def test_the_real_files_together_reconcile():
    assert_reconciles(upload(*REAL_FILES))


PROJECTS = "project_id,title_en\nP-1,One\nP-2,Two\n"


def test_flows_whose_project_is_absent_are_not_counted_as_accepted():
    funding = "flow_id,project_id,transaction_type,amount,currency\n" + "".join(
        f"F-{i},P-404,11,100,USD\n" for i in range(5))
    intake = parse_uploads([("projects.csv", PROJECTS.encode()), ("funding.csv", funding.encode())])
    flows = next(s for s in intake.files if s.path == "funding.csv")
    assert (flows.rows_in, flows.accepted, flows.rejected) == (5, 0, 5)
    assert_reconciles(intake)


FLAT = ("Code projet;Titre;Bailleur;Montant;Devise;Province;Statut\n"
        "P-A;Projet A;Suède;100 000;SEK;Tanganyika;en cours\n"
        "P-A;Projet A;Norvège;abc;NOK;Nord-Kivu;en cours\n"
        "P-B;Projet B;Suède;50 000;SEK;Ituri;en cours\n")


def test_a_flat_project_with_a_refused_value_is_refused_whole_never_shown_half():
    intake = parse_uploads([("flat.csv", FLAT.encode())])
    portfolio = intake.portfolio
    assert list(portfolio.projects["project_id"]) == ["P-B"]
    assert set(portfolio.funding["project_id"]) == {"P-B"} and set(portfolio.locations["project_id"]) == {"P-B"}
    summary = intake.files[0]
    assert (summary.rows_in, summary.accepted, summary.rejected) == (3, 1, 2)
    reasons = [p.reason for r in portfolio.reports for p in r.rejected]
    assert any("project P-A is refused" in r and "abc" in r for r in reasons), reasons
    assert_reconciles(intake)


def test_identical_copies_in_two_files_count_as_kept_once():
    intake = parse_uploads([("a.csv", PROJECTS.encode()), ("b.csv", PROJECTS.encode())])
    assert [(s.accepted, s.rejected) for s in intake.files] == [(2, 0), (2, 0)]
    assert len(intake.portfolio.projects) == 2
    assert_reconciles(intake)


def test_a_flat_sheet_and_a_locations_file_naming_the_same_place_do_not_conflict_over_an_empty_value():
    flat = ("project_id;title_en;donor;amount;currency;province_name\n"
            "P-1;One;Sweden;1000;SEK;Nord-Kivu\n")
    places = "project_id,province_pcode,budget_share,split_known\nP-1,CD61,1,true\n"
    intake = parse_uploads([("flat.csv", flat.encode()), ("locations.csv", places.encode())])
    assert [(s.path, s.accepted, s.rejected) for s in intake.files] == [("flat.csv", 1, 0), ("locations.csv", 1, 0)]
    place = intake.portfolio.locations.set_index("province_pcode").loc["CD61"]
    assert place["budget_share"] == 1.0 and bool(place["split_known"]) is True
    warnings = [p.reason for r in intake.portfolio.reports for p in r.warnings]
    assert any("kept once; budget_share taken from here" in w for w in warnings), warnings
    assert_reconciles(intake)


def test_a_flat_sheet_warns_of_a_fuzzy_province_and_makes_national_projects_national():
    flat = ("project_id;title_en;donor;amount;currency;province_name\n"
            "P-1;One;Sweden;1000;SEK;Nord Kivou\nP-2;Two;Sweden;1000;SEK;Toute la RDC\n")
    intake = parse_uploads([("flat.csv", flat.encode())])
    assert (intake.files[0].accepted, intake.files[0].rejected) == (2, 0)
    assert list(intake.portfolio.locations["province_pcode"]) == ["CD61"]
    assert intake.portfolio.projects.set_index("project_id").loc["P-2", "coverage"] == "national"
    warnings = [p.reason for r in intake.portfolio.reports for p in r.warnings]
    assert any("read 'Nord Kivou' as CD61" in w for w in warnings), warnings
    assert_reconciles(intake)


def test_every_refused_record_of_a_derived_source_says_why_in_its_report():
    intake = parse_uploads([("flat.csv", FLAT.encode())])
    report = next(r for r in intake.portfolio.reports if r.table == "flat")
    assert (report.rows, report.accepted) == (3, 1)
    assert {p.row for p in report.rejected} == {2, 3}  # row 2 is good, but its project P-A is refused
    assert all("P-A" in p.reason for p in report.rejected)
