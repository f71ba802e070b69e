"""`python -m geo check FILE [--level 1|2] [--json]` and `python -m geo fetch [--level 1|2] [...]`.

check: exit 0 when the file is readable (even with unmatched units), 2 when it is not.
fetch: exit 0 when downloaded and verified, 2 when not (nothing is written then)."""
from __future__ import annotations

import argparse
import json
import sys

from geo.boundaries import BoundaryFileError
from geo.fetch import SOURCES, FetchError, fetch_boundaries
from geo.simplify import prepare_boundaries


def check(path: str, level: int | None) -> dict:
    prepared = prepare_boundaries(path, level)
    return {"features": len(prepared.units), "level": prepared.level, "crs_in": prepared.crs_in,
            "matched": prepared.matched, "unmatched": prepared.unmatched, "vertices_in": prepared.vertices_in,
            "vertices_out": prepared.vertices_out, "bytes_out": prepared.bytes_out}


def _print_check(report: dict, path: str) -> None:
    print(f"{path}: {report['features']} features, ADM{report['level']}, CRS {report['crs_in']}")
    print(f"  matched {len(report['matched'])}, unmatched {len(report['unmatched'])}"
          + (f": {', '.join(report['unmatched'])}" if report["unmatched"] else ""))
    print(f"  vertices {report['vertices_in']} → {report['vertices_out']}, "
          f"prepared GeoJSON {report['bytes_out']} bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check_cmd = sub.add_parser("check", help="read, match and simplify a boundary file")
    check_cmd.add_argument("file")
    check_cmd.add_argument("--level", type=int, choices=(1, 2))
    check_cmd.add_argument("--json", action="store_true")
    fetch_cmd = sub.add_parser("fetch", help="download official boundaries into the cache")
    fetch_cmd.add_argument("--level", type=int, choices=(1, 2), action="append")
    fetch_cmd.add_argument("--source", choices=sorted(SOURCES), default="cod-ab")
    fetch_cmd.add_argument("--url", help="a file URL, or a geoBoundaries API URL (…/api/…)")
    fetch_cmd.add_argument("--sha256", help="expected checksum of the file (with --url)")
    fetch_cmd.add_argument("--dest", help="cache directory (default: GEO_CACHE_DIR or var/geo-cache)")
    args = parser.parse_args(argv)

    if args.command == "check":
        try:
            report = check(args.file, args.level)
        except BoundaryFileError as exc:
            print(f"unreadable: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(report, ensure_ascii=False))
        else:
            _print_check(report, args.file)
        return 0

    levels = args.level or [1, 2]
    if args.url and len(levels) != 1:
        parser.error("--url needs exactly one --level")
    for level in levels:
        try:
            meta = fetch_boundaries(level, args.source, url=args.url, sha256=args.sha256, dest=args.dest)
        except FetchError as exc:
            print(f"fetch failed: {exc}", file=sys.stderr)
            return 2
        print(f"ADM{level}: {meta['features']} units, sha256 {meta['sha256']} → {meta['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
