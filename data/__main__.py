"""Command line: `python -m data check PATH [PATH ...] [--json]` validates files as the app's Data page does;
`python -m data synth --projects N --seed S --out DIR` writes a synthetic portfolio (benchmarks, scale tests)."""
from __future__ import annotations

import argparse
import json
import sys

from data.intake import load_intake


def run_check(paths: list[str], as_json: bool) -> int:
    intake = load_intake(paths)
    portfolio = intake.portfolio
    if as_json:
        print(json.dumps({"files": [r.as_dict() for r in portfolio.reports],
                          "sources": [s.as_dict() for s in intake.files]}, ensure_ascii=False, default=str))
    else:
        for summary in intake.files:
            if summary.format == "unreadable":
                continue
            print(f"{summary.path} ({summary.format}): {summary.rows_in} records, {summary.accepted} accepted, "
                  f"{summary.rejected} rejected, {summary.warnings} warnings")
        for report in portfolio.reports:
            print(f"  {report.path}: {report.table or '?'} — {report.rows} rows, {report.accepted} accepted, "
                  f"{len(report.rejected)} problems, {len(report.warnings)} warnings")
            for p in report.rejected:
                print(f"    row {p['row']}, column {p['column']}: {p['reason']}")
            for p in report.warnings:
                print(f"    warning: row {p['row']}, column {p['column']}: {p['reason']}")
    for reason in portfolio.unreadable:
        print(f"error: {reason}", file=sys.stderr)
    return 2 if portfolio.unreadable else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate CSV, XLSX, IATI XML or HXL 3W files against the canonical schema")
    check.add_argument("paths", nargs="+")
    check.add_argument("--json", action="store_true", help="one JSON object on stdout")
    synth = sub.add_parser("synth", help="write a synthetic portfolio (projects, funding, locations CSV)")
    synth.add_argument("--projects", type=int, required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", required=True)
    synth.add_argument("--adm2", help="ADM2 GeoJSON whose ADM2_PCODE values name the territories")
    args = parser.parse_args(argv)
    if args.command == "synth":
        from pathlib import Path

        from data.synth import write_synthetic_portfolio

        for path in write_synthetic_portfolio(Path(args.out), args.projects, args.seed,
                                              Path(args.adm2) if args.adm2 else None):
            print(path)
        return 0
    return run_check(args.paths, args.json)


if __name__ == "__main__":
    sys.exit(main())
