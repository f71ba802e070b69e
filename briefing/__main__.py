"""Command line: `python -m briefing build --format pptx|pdf --lang fr|en --out FILE [filters]` (offline).

Exit 0 when the pack is written; 2 on bad arguments (an unknown donor, province or status, a bad --view query,
a folder that does not exist), with a one-line reason on stderr."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

from briefing.pack import FORMATS, build_pack, load_dataset, make_deck
from components.images import renderer_problem
from data.filters import filter_options, parse_query_params, today_utc

EPILOG = """examples:
  python -m briefing build --format pptx --lang fr --out pack.pptx
  python -m briefing build --format pdf --lang en --out pack.pdf --donor Sweden --province CD74
  python -m briefing build --format pdf --lang en --out pack.pdf --view "donor=Netherlands&cur=EUR&project=NL-CISPE"
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m briefing", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="write a PPTX or PDF briefing pack", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("--format", required=True, choices=sorted(FORMATS))
    build.add_argument("--lang", choices=("en", "fr"), help="default: the --view's, else en")
    build.add_argument("--out", required=True, type=Path)
    build.add_argument("--donor", action="append", default=[], metavar="NAME", help="repeat for several donors")
    build.add_argument("--province", action="append", default=[], metavar="CODE", help="P-code, e.g. CD61")
    build.add_argument("--status", action="append", default=[], metavar="CODE", help="IATI status 1-6, or none")
    build.add_argument("--project", action="append", default=[], metavar="ID", help="add a slide for this project")
    build.add_argument("--currency", metavar="CUR", help="reporting currency (default: the --view's, else USD)")
    build.add_argument("--view", metavar="URL-QUERY", default="",
                       help="a dashboard URL's query string (or the whole URL): its filters, language and currency")
    build.add_argument("--today", type=dt.date.fromisoformat, help="the briefing date (YYYY-MM-DD; default today)")
    build.add_argument("--data", nargs="+", type=Path, metavar="FILE",
                       help="data files to brief on (default: the data in use, else the sample)")
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # argparse itself exits 2 on a malformed command line
    if not args.out.parent.resolve().is_dir():
        return _fail(f"--out: folder {args.out.parent} does not exist")
    missing = [str(p) for p in args.data or () if not p.is_file()]
    if missing:
        return _fail(f"--data: no such file: {', '.join(missing)}")
    query = args.view.split("?", 1)[1] if "?" in args.view else args.view
    params = parse_qs(query.lstrip("?"), keep_blank_values=True)
    projects = tuple(dict.fromkeys([*params.pop("project", []), *args.project]))
    params.pop("slide", None)
    for key, values in (("donor", args.donor), ("province", args.province), ("status", args.status)):
        params[key] = [*params.get(key, []), *values] if values else params.get(key, [])
        if not params[key]:
            params.pop(key)
    if args.lang:
        params["lang"] = [args.lang]
    if args.currency:
        params["cur"] = [args.currency]
    full, version = load_dataset(args.data)
    if full.unreadable:
        return _fail("; ".join(full.unreadable))
    options = filter_options(full)
    state, dropped = parse_query_params(params, options)
    unknown = sorted(set(params) - {"donor", "org", "role", "theme", "status", "province", "territory", "from", "to",
                                    "lang", "cur", "embed", "embed_options"})
    if dropped or unknown:
        return _fail("not in this dataset or not valid: " + ", ".join([*dropped, *unknown])
                     + f" (donors: {', '.join(options.donors) or '—'}; provinces: {', '.join(options.provinces)})")
    known = set(full.projects["project_id"])
    if [p for p in projects if p not in known]:
        return _fail(f"unknown project: {', '.join(p for p in projects if p not in known)}")
    start = time.perf_counter()
    deck = make_deck(full, state, args.today or today_utc(), version, projects)
    args.out.write_bytes(build_pack(deck, args.format))
    problem = renderer_problem()
    if problem:
        print(f"note: charts not included ({problem})", file=sys.stderr)
    print(f"wrote {args.out} ({len(deck.slides)} slides, {args.format}, {state.lang}) in "
          f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
