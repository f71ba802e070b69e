"""Command line: `python -m data check PATH [PATH ...] [--json]` validates files as the app's Data page does;
`python -m data synth --projects N --seed S --out DIR` writes a synthetic portfolio (benchmarks, scale tests);
`python -m data store gc` cleans the version store; `python -m data accounts add NAME` creates an editor account."""
from __future__ import annotations

import argparse
import getpass
import json
import sys

from data.accounts import ROLES, AccountError, accounts_path, add_account
from data.intake import load_intake
from data.storage import collect_garbage, datasets_dir


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
    store = sub.add_parser("store", help="the version store")
    store.add_argument("action", choices=["gc"], help="gc: remove temporary files and unreferenced blobs")
    store.add_argument("--json", action="store_true")
    accounts = sub.add_parser("accounts", help="local editor accounts (offline deployments without an identity "
                                              "provider); only argon2 hashes are stored")
    accounts.add_argument("action", choices=["add"], help="add: create an account, or set a new password")
    accounts.add_argument("name")
    accounts.add_argument("--role", choices=ROLES, default="editor")
    accounts.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    if args.command == "accounts":
        return run_accounts_add(args.name, args.role, args.password_stdin)
    if args.command == "store":
        return run_store_gc(args.json)
    if args.command == "synth":
        from pathlib import Path

        from data.synth import write_synthetic_portfolio

        for path in write_synthetic_portfolio(Path(args.out), args.projects, args.seed,
                                              Path(args.adm2) if args.adm2 else None):
            print(path)
        return 0
    return run_check(args.paths, args.json)


def run_accounts_add(name: str, role: str, from_stdin: bool) -> int:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 2
    try:
        account = add_account(name, password, role)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{accounts_path()}: account {account.name} ({account.role}) saved")
    return 0


def run_store_gc(as_json: bool) -> int:
    report = collect_garbage()
    if as_json:
        print(json.dumps(report.as_dict()))
    else:
        print(f"{datasets_dir()}: removed {len(report.temporary)} temporary files, {len(report.incomplete)} "
              f"incomplete versions, {len(report.blobs)} unreferenced blobs ({report.bytes_freed} bytes)")
        for line in report.kept:
            print(f"kept: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
