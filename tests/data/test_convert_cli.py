"""`python -m data convert` and the IATI summary of `python -m data check`: canonical tables that load back."""
import json
from pathlib import Path

import pytest

from data.__main__ import main
from data.intake import load_intake
from data.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = sorted((ROOT / "data" / "sample").glob("*.csv"))
IATI = ROOT / "tests" / "data" / "fixtures" / "iati" / "iom_drc_activities.xml"


@pytest.fixture
def converted(tmp_path, capsys):
    code = main(["convert", *map(str, SAMPLE), str(IATI), "--out", str(tmp_path / "out")])
    return code, tmp_path / "out", capsys.readouterr()


def test_convert_writes_the_three_tables_with_the_readme_columns(converted):
    code, out, _ = converted
    assert code == 0
    for table in ("projects", "funding", "locations"):
        header = (out / f"{table}.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert header.split(",") == TABLES[table].column_names


def test_converted_tables_load_back_to_the_same_portfolio(converted):
    _, out, _ = converted
    before = load_intake([*SAMPLE, IATI]).portfolio
    after = load_intake(sorted(out.glob("*.csv"))).portfolio
    assert after.unreadable == [] and all(not r.rejected for r in after.reports)
    for table in ("projects", "funding", "locations"):
        key = TABLES[table].key
        left = getattr(before, table).sort_values(list(key)).reset_index(drop=True)
        right = getattr(after, table).sort_values(list(key)).reset_index(drop=True)
        assert left[list(key)].equals(right[list(key)])
    assert before.funding["amount"].sum() == after.funding["amount"].sum()


def test_convert_exits_2_when_a_file_cannot_be_read(tmp_path, capsys):
    code = main(["convert", str(SAMPLE[0]), str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out")])
    assert code == 2 and "missing.csv: no such file" in capsys.readouterr().err
    assert (tmp_path / "out" / "projects.csv").exists()


def test_check_summarises_each_iati_file_for_reconciliation(capsys):
    # The fixture: 5 activities, one in Kenya (held back), one with CD 80% / ZM 20%.
    assert main(["check", str(IATI), "--json"]) == 0
    [source] = json.loads(capsys.readouterr().out)["sources"]
    summary = source["iati"]
    assert (summary["activities"], summary["in_scope"], summary["kept"], summary["held_back"],
            summary["drc_share"], summary["multi_country"]) == (5, 4, 4, {"other-country": 1}, 1, 0)
    assert summary["currency"] == "USD" and summary["committed"] > 0


def test_check_prints_the_iati_summary_line(capsys):
    assert main(["check", str(IATI)]) == 0
    assert "IATI: 5 activities read, 4 DRC in scope, 4 kept, 1 held back (1 outside the DRC)" in \
        capsys.readouterr().out
