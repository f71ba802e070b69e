"""The bad-input catalogue (tests/catalogue): every file is read or refused with a reason, never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.intake import parse_uploads
from data.portfolio import compute_refused_rows

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "tests" / "catalogue"
FILES = CATALOGUE / "files"
CASES = json.loads((CATALOGUE / "expected.json").read_text(encoding="utf-8"))
MAX_BYTES = 128 * 1024  # small, so that too_big.csv proves the size limit without a huge file in the repository


def run_case(name: str):
    path = FILES / name.rstrip("/")
    paths = sorted(path.iterdir()) if path.is_dir() else [path]
    return parse_uploads([(p.name, p.read_bytes()) for p in paths], max_bytes=MAX_BYTES)


def reasons(intake, kind: str) -> list[str]:
    found = [p.reason for r in intake.portfolio.reports for p in getattr(r, kind)]
    return found + (list(intake.portfolio.unreadable) if kind == "rejected" else [])


def test_the_catalogue_has_at_least_forty_cases_and_every_file_is_listed():
    on_disk = {p.name for p in FILES.iterdir() if p.is_file()} | {p.name + "/" for p in FILES.iterdir() if p.is_dir()}
    assert len(CASES) >= 40 and on_disk == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_in_equal_accepted_plus_rejected(name):
    intake = run_case(name)
    readable = [s for s in intake.files if s.format != "unreadable"]
    assert all(s.rows_in == s.accepted + s.rejected for s in readable), [s.as_dict() for s in readable]


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_file_gets_its_expected_outcome_and_reason(name):
    expected = CASES[name]
    intake = run_case(name)
    outcome, fragment = expected["outcome"], expected["reason"].casefold()
    if outcome == "unreadable":
        assert [s.format for s in intake.files] == ["unreadable"] and intake.files[0].reason
        assert fragment in intake.files[0].reason.casefold()
        assert len(intake.files[0].reason.splitlines()) == 1
    elif outcome == "rejected":
        assert sum(s.rejected for s in intake.files) > 0
        assert any(fragment in r.casefold() for r in reasons(intake, "rejected")), reasons(intake, "rejected")
    else:
        assert all(s.format != "unreadable" and s.rejected == 0 for s in intake.files), \
            [s.as_dict() for s in intake.files] + reasons(intake, "rejected")
        if outcome == "warning":
            assert any(fragment in r.casefold() for r in reasons(intake, "warnings")), reasons(intake, "warnings")


@pytest.mark.parametrize("name", [n for n, c in sorted(CASES.items()) if c["outcome"] == "rejected"])
def test_rejected_rows_are_kept_with_their_reasons(name):
    intake = run_case(name)
    refused = [r.rejected_rows for r in intake.portfolio.reports if r.rejected and r.rejected_rows is not None]
    if not refused:  # only file-level errors (e.g. not a known table): the rows are kept as read
        refused = [r.rejected_rows for r in intake.portfolio.reports if r.rejected_rows is not None]
    assert refused and all(len(frame) > 0 for frame in refused)
    for report in intake.portfolio.reports:  # each refused row says why, from its report's Problems
        if report.rejected_rows is not None:
            shown = compute_refused_rows(report.rejected_rows, report.rejected)
            assert all(shown["_reason"]), (report.path, shown.to_dict("records"))


def test_the_zip_bomb_is_refused_at_the_default_limit_too():
    intake = parse_uploads([("bomb.xlsx", (FILES / "zip_bomb.xlsx").read_bytes())])
    assert "zip bomb" in intake.files[0].reason


def test_the_command_line_reads_the_whole_catalogue_without_a_traceback():
    paths = sorted(str(p) for p in FILES.rglob("*") if p.is_file())
    done = subprocess.run([sys.executable, "-m", "data", "check", *paths, "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={"DASHBOARD_MAX_UPLOAD_MB": "0.125", "PATH": ""})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    sources = json.loads(done.stdout)["sources"]
    assert len(sources) == len(paths)
    assert all(s["rows_in"] == s["accepted"] + s["rejected"] for s in sources if s["format"] != "unreadable")
