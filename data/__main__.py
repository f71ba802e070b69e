"""Command line: `python -m data check PATH [PATH ...] [--json] [--profile NAME]` validates files as the app's Data
page does; `python -m data convert PATH [PATH ...] --out DIR [--profile NAME]` writes the canonical tables the
dashboard would use from them; `python -m data profiles [list|export|import|delete]` manages mapping profiles;
`python -m data synth --projects N --seed S --out DIR` writes a synthetic portfolio (benchmarks, scale tests);
`python -m data store gc` cleans the version store; `python -m data accounts add NAME` creates an editor account."""
from __future__ import annotations

import argparse
import getpass
import json
import sys

from data.accounts import ROLES, AccountError, accounts_path, add_account
from data.columnar import collect_stale_copies
from data.intake import load_intake
from data.intake.mapping import ProfileError, ProfileSet
from data.schema import Problem
from data.storage import collect_garbage, datasets_dir
from files import data_dir

HELD_LABELS = {"other-country": "outside the DRC", "region-only": "region only, no DRC place",
               "no-country": "no country given", "no-identifier": "no identifier", "duplicate": "duplicate identifier",
               "unreadable-activity": "unreadable", "internal-error": "internal error",
               "failed-validation": "refused by the checks"}


def _profiles(forced: str | None) -> ProfileSet | None:
    try:
        return ProfileSet.load(data_dir(), forced)
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _iati_summaries(intake, currency: str) -> dict[str, dict]:
    from data.intake.iati import compute_iati_summary

    portfolio = intake.portfolio
    return {s.path: compute_iati_summary(s.details, portfolio.projects, portfolio.funding, currency)
            for s in intake.files if s.format == "iati" and s.details is not None}


def format_iati_summary(summary: dict) -> str:
    """One paragraph a user can reconcile with d-portal."""
    def money(value: float | None) -> str:
        return "not published" if value is None else f"{summary['currency']} {value:,.0f}"

    held = ", ".join(f"{count} {HELD_LABELS.get(reason, reason)}" for reason, count in summary["held_back"].items())
    return (f"{summary['activities']} activities read, {summary['in_scope']} DRC in scope, {summary['kept']} kept, "
            f"{summary['held_back_total']} held back" + (f" ({held})" if held else "")
            + f"; {summary['multi_country']} multi-country without a DRC share (listed, not counted), "
            f"{summary['drc_share']} with a DRC share; committed {money(summary['committed'])}, "
            f"disbursed {money(summary['disbursed'])}")


def run_check(paths: list[str], as_json: bool, currency: str = "USD", profile: str | None = None) -> int:
    profiles = _profiles(profile)
    if profiles is None:
        return 2
    intake = load_intake(paths, profiles=profiles)
    portfolio = intake.portfolio
    iati = _iati_summaries(intake, currency)
    if as_json:
        sources = [{k: v for k, v in s.as_dict().items() if k != "details"} | (
            {"iati": iati[s.path]} if s.path in iati else {}) for s in intake.files]
        print(json.dumps({"files": [r.as_dict() for r in portfolio.reports], "sources": sources},
                         ensure_ascii=False, default=str))
    else:
        for summary in intake.files:
            if summary.format == "unreadable":
                continue
            print(f"{summary.path} ({summary.format}): {summary.rows_in} records, {summary.accepted} accepted, "
                  f"{summary.rejected} rejected, {summary.warnings} warnings")
            if summary.path in iati:
                print(f"  IATI: {format_iati_summary(iati[summary.path])}")
        for report in portfolio.reports:
            print(f"  {report.path}: {report.table or '?'} — {report.rows} rows, {report.accepted} accepted, "
                  f"{len(report.rejected)} problems, {len(report.warnings)} warnings")
            for p in report.rejected:
                print(f"    {_where(p)}{p.reason}")
            for p in report.warnings:
                print(f"    warning: {_where(p)}{p.reason}")
    for reason in portfolio.unreadable:
        print(f"error: {reason}", file=sys.stderr)
    return 2 if portfolio.unreadable else 0


def _where(problem: Problem) -> str:
    """"row 4, column amount: " with the parts a problem has (a file-wide note has neither)."""
    parts = [f"{name} {value}" for name, value in (("row", problem.row), ("column", problem.column))
             if value not in (None, "")]
    return f"{', '.join(parts)}: " if parts else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate CSV, XLSX, IATI XML or HXL 3W files against the canonical schema")
    check.add_argument("paths", nargs="+")
    check.add_argument("--json", action="store_true", help="one JSON object on stdout")
    check.add_argument("--currency", default="USD", choices=["USD", "EUR"],
                       help="reporting currency of the IATI totals (default USD)")
    convert = sub.add_parser("convert", help="write the canonical projects, funding and locations CSV the dashboard "
                                             "would use from CSV, XLSX, IATI XML or HXL 3W files")
    convert.add_argument("paths", nargs="+")
    convert.add_argument("--out", required=True, help="folder for projects.csv, funding.csv and locations.csv")
    check.add_argument("--profile", help="read every sheet with this mapping profile (default: recognised)")
    convert.add_argument("--profile", help="read every sheet with this mapping profile (default: recognised)")
    profiles = sub.add_parser("profiles", help="mapping profiles (shipped, and saved in DASHBOARD_DATA_DIR)")
    profiles.add_argument("action", choices=["list", "export", "import", "delete"], nargs="?", default="list")
    profiles.add_argument("target", nargs="?", help="export/delete: a profile name; import: a .toml file")
    synth = sub.add_parser("synth", help="write a synthetic portfolio (projects, funding, locations CSV)")
    synth.add_argument("--projects", type=int, required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", required=True)
    synth.add_argument("--adm2", help="ADM2 GeoJSON whose ADM2_PCODE values name the territories")
    store = sub.add_parser("store", help="the version store")
    store.add_argument("action", choices=["gc"], help="gc: remove temporary files, unreferenced blobs and stale "
                       "parquet copies")
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
    if args.command == "convert":
        return run_convert(args.paths, args.out, args.profile)
    if args.command == "profiles":
        return run_profiles(args.action, args.target)
    return run_check(args.paths, args.json, args.currency, args.profile)


def run_profiles(action: str, target: str | None) -> int:
    from pathlib import Path

    from data.intake.mapping import delete_profile, format_profile, parse_profile, save_profile

    known = ProfileSet.load(data_dir()).profiles
    try:
        if action == "list":
            for profile in known.values():
                print(f"{profile.name}: {profile.label}")
        elif action == "export":
            if target not in known:
                raise ProfileError(f"no mapping profile named '{target}'")
            print(format_profile(known[target]), end="")
        elif action == "import":
            profile = parse_profile(Path(target or "").read_text(encoding="utf-8"), str(target))
            print(f"{save_profile(profile, data_dir())}: profile {profile.name} saved")
        elif not delete_profile(target or "", data_dir()):
            raise ProfileError(f"no saved mapping profile named '{target}' (shipped profiles cannot be deleted)")
    except (ProfileError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def run_convert(paths: list[str], out: str, profile: str | None = None) -> int:
    """Exit 0 when every file was read (rows may still be refused: see `check`), 2 when one could not be."""
    from pathlib import Path

    from data.export import write_canonical_tables

    profiles = _profiles(profile)
    if profiles is None:
        return 2
    intake = load_intake(paths, profiles=profiles)
    portfolio = intake.portfolio
    tables = {"projects": portfolio.projects, "funding": portfolio.funding, "locations": portfolio.locations}
    for path in write_canonical_tables(tables, Path(out)):
        print(f"{path}: {len(tables[path.stem])} rows")
    for summary in intake.files:
        if summary.format != "unreadable" and summary.rejected:
            print(f"{summary.path}: {summary.rejected} of {summary.rows_in} records refused "
                  "(python -m data check names file, row, column and reason)", file=sys.stderr)
    for reason in portfolio.unreadable:
        print(f"error: {reason}", file=sys.stderr)
    return 2 if portfolio.unreadable else 0


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
    report, stale = collect_garbage(), collect_stale_copies()
    if as_json:
        print(json.dumps({**report.as_dict(), "stale_copies": len(stale)}))
    else:
        print(f"{datasets_dir()}: removed {len(report.temporary)} temporary files, {len(report.incomplete)} "
              f"incomplete versions, {len(report.blobs)} unreferenced blobs ({report.bytes_freed} bytes), "
              f"{len(stale)} parquet copies or prepared files older code made")
        for line in report.kept:
            print(f"kept: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
