"""Command line: `python -m data check PATH [PATH ...] [--json]` validates files as the app would."""
from __future__ import annotations

import argparse
import json
import sys

from data.readers import UnreadableFileError, read_table_file
from data.portfolio import parse_portfolio


def run_check(paths: list[str], as_json: bool) -> int:
    raws, unreadable = [], []
    for path in paths:
        try:
            raws += read_table_file(path)
        except UnreadableFileError as exc:
            unreadable.append(str(exc))
    portfolio = parse_portfolio(raws, unreadable)
    if as_json:
        print(json.dumps({"files": [r.as_dict() for r in portfolio.reports]}, ensure_ascii=False, default=str))
    else:
        for report in portfolio.reports:
            print(f"{report.path}: {report.table or '?'} — {report.rows} rows, {report.accepted} accepted, "
                  f"{len(report.rejected)} problems, {len(report.warnings)} warnings")
            for p in report.rejected:
                print(f"  row {p['row']}, column {p['column']}: {p['reason']}")
            for p in report.warnings:
                print(f"  warning: row {p['row']}, column {p['column']}: {p['reason']}")
    for reason in unreadable:
        print(f"error: {reason}", file=sys.stderr)
    return 2 if unreadable else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate CSV/XLSX files against the canonical schema")
    check.add_argument("paths", nargs="+")
    check.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    return run_check(args.paths, args.json)


if __name__ == "__main__":
    sys.exit(main())
