"""`python -m data check`: JSON report, rejected rows with reasons, exit codes."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = sorted((ROOT / "data" / "sample").glob("*.csv"))


def run_check(*paths, json_flag=True):
    args = [sys.executable, "-m", "data", "check", *map(str, paths)] + (["--json"] if json_flag else [])
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_each_sample_table_has_no_rejected_rows(path):
    done = run_check(path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["files"][0]
    assert report["rejected"] == [] and report["rows"] == report["accepted"] > 0


def test_a_broken_copy_reports_rows_with_reasons_and_exits_0(tmp_path):
    lines = (ROOT / "data" / "sample" / "funding.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("12500000", "-12500000")  # row 3: NL-CISPE-C1
    lines.append("BAD-1,CE.0276,X,1,IOM,99,abc,EUR,2020-01-01,")  # row 6
    broken = tmp_path / "funding.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_check(broken)
    assert done.returncode == 0
    report = json.loads(done.stdout)["files"][0]
    assert report["rows"] == 5 and report["accepted"] == 3
    found = {(r["row"], r["column"]) for r in report["rejected"]}
    assert {(3, "amount"), (6, "transaction_type"), (6, "amount")} <= found
    assert all(r["reason"] for r in report["rejected"])


def test_an_unreadable_file_exits_2_with_one_line_on_stderr(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\xffnot a workbook")
    done = run_check(junk)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "junk.xlsx" in done.stderr


def test_text_output_names_row_and_column(tmp_path):
    path = tmp_path / "locations.csv"
    path.write_text("project_id,province_pcode\nP,CD99\n", encoding="utf-8")
    done = run_check(path, json_flag=False)
    assert "row 2, column province_pcode" in done.stdout


@pytest.mark.parametrize("content", [
    "project_id," + "x" * 200_000 + "\nP-1,a\n",  # a first line above the csv module's 128 KB field limit
    "project_id,notes\nP-1," + "y" * 40_000 + "\n",  # a cell longer than Excel writes
], ids=["first-line", "cell"])
def test_a_huge_line_or_cell_is_refused_with_a_reason_and_exit_2(tmp_path, content):
    path = tmp_path / "huge.csv"
    path.write_text(content, encoding="utf-8")
    done = run_check(path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "characters (limit 32,767" in done.stderr and "huge.csv" in done.stderr


def test_a_file_wide_note_names_no_row_or_column_it_does_not_have(tmp_path):
    path = tmp_path / "activities.xml"  # one DRC activity whose only sector has no theme here: a file-wide note
    path.write_text(
        '<iati-activities version="2.03"><iati-activity><iati-identifier>XM-1</iati-identifier>'
        '<title><narrative>Wells</narrative></title><activity-status code="2"/>'
        '<recipient-country code="CD"/><sector vocabulary="1" code="14030"/></iati-activity></iati-activities>',
        encoding="utf-8")
    done = run_check(path, json_flag=False)
    assert "sectors with no theme" in done.stdout, done.stdout
    assert "row None" not in done.stdout and "column None" not in done.stdout
