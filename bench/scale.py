"""Scale benchmark: `python -m bench.scale [--sizes sample,1000,10000] [--repeat 3] [--json PATH]`.

For the sample and synthetic portfolios (data.synth) it measures, with Streamlit's AppTest and the ADM1/ADM2 files
from ../shared/geo when present: confirming the upload (parse + store + parquet copy), the first render after a
restart (caches cleared; the boundary files' prepared copy on disk from the run before, as on a real server), and per
page the first render in a new session, the warm rerun, the rerun after a filter change (status filter) and, on
the funding map, after choosing a province (what a map click does); the bytes each page sends (protobuf deltas);
and the peak RSS of the process. Then the same through the naive path (bench/naive.py functions patched in, every
cache cleared before each run), so the speed-up is a ratio measured in the same run on the same machine.

Each size runs in its own subprocess (a clean peak RSS). Prints a table and writes JSON. Not a test: the targets
are reported (`met`), never asserted."""
from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / ".." / "shared" / "geo"
ADM1 = GEO / "cod_adm1_ocha_20170407.geojson"
ADM2 = GEO / "cod_adm2_ocha_rgc_20170711.geojson"
PAGES = ("overview", "funding_map", "status", "project", "donor")
TARGETS = {"warm_ms": 150, "filter_ms": 150, "click_ms": 150, "payload_kb": 1024, "rss_mb_10k": 600,
           "first_overview_map_s_10k": 2.5, "first_overview_map_s_100k": 5.0, "confirm_s_100k": 30.0,
           "restart_s_100k": 5.0}
FILTER_WIDGET, FILTER_VALUE = "f_status", ["2", "none"]  # about half the projects of the sample and of synth
# Status filters never used elsewhere in a run (each page gets its own), for the rerun after a new filter state.
FRESH_STATES = [combo for n in (2, 3) for combo in itertools.combinations(("1", "2", "3", "4", "5", "none"), n)]


class _Bytes:
    """Sums the serialised size of every ForwardMsg a run enqueues (what the browser would receive)."""

    total = 0

    @classmethod
    @contextlib.contextmanager
    def counting(cls):
        from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

        original = ForwardMsgQueue.enqueue

        def enqueue(self, msg):
            cls.total += msg.ByteSize()
            return original(self, msg)

        ForwardMsgQueue.enqueue = enqueue
        try:
            yield
        finally:
            ForwardMsgQueue.enqueue = original


@contextlib.contextmanager
def naive_path():
    """The app with the per-row implementations the fast path replaced, and no caches."""
    from bench import naive

    patches = naive.naive_patches()
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, value in patches:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _timed_run(app, naive: bool) -> tuple[float, int]:
    if naive:
        _clear_caches()
    _Bytes.total = 0
    start = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"page raised: {[e.value for e in app.exception][:1]}")
    return seconds, _Bytes.total


def _new_app(page: str):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    # The Overview is the default page, served at / as a browser opens it. AppTest names a page by its file before
    # the first run, and "overview" is the hidden /overview address that switches to / on every run: switching to
    # the file would time two script runs per rerun, which no reader's browser does.
    return app if page == "overview" else app.switch_page(f"app_pages/{page}.py")


def bench_page(page: str, naive: bool, repeat: int) -> dict:
    app = _new_app(page)
    first, payload = _timed_run(app, naive)
    warm = [_timed_run(app, naive)[0] for _ in range(repeat)]
    result = {"first_s": round(first, 3), "warm_ms": round(statistics.median(warm) * 1000, 1),
              "payload_kb": round(payload / 1024, 1)}
    filters = []
    for i in range(repeat):
        app.multiselect(key=FILTER_WIDGET).set_value(FILTER_VALUE if i % 2 == 0 else [])
        filters.append(_timed_run(app, naive)[0])
    result["filter_ms"] = round(statistics.median(filters) * 1000, 1)
    # The same after a filter state no session of this process has asked for yet (nothing memoised for it): what
    # the first reader of a new filter combination waits.
    fresh = []
    for i in range(repeat):
        app.multiselect(key=FILTER_WIDGET).set_value(list(FRESH_STATES[(PAGES.index(page) * repeat + i)
                                                                       % len(FRESH_STATES)]))
        fresh.append(_timed_run(app, naive)[0])
    result["new_filter_ms"] = round(statistics.median(fresh) * 1000, 1)
    app.multiselect(key=FILTER_WIDGET).set_value([])
    _timed_run(app, naive)
    if page == "funding_map":
        clicks = []
        options = app.selectbox(key="map_province").options
        for i in range(repeat):
            app.selectbox(key="map_province").set_value(options[(i + 1) % len(options)])
            clicks.append(_timed_run(app, naive)[0])
        result["click_ms"] = round(statistics.median(clicks) * 1000, 1)
    return result


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_size(size: str, repeat: int, with_naive: bool, naive_pages: tuple[str, ...] = PAGES) -> dict:
    """One portfolio size, in this process: confirm, restart, every page fast (then naive)."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from data import storage
    from data.columnar import parse_fingerprint, save_parsed
    from data.intake import parse_uploads
    from data.portfolio import SAMPLE_FILES
    from data.synth import load_territories, make_synthetic_files, make_synthetic_portfolio

    out: dict = {"size": size}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DASHBOARD_DATA_DIR"] = tmp
        from geo.fetch import ENV_VARS

        for level, path in ((1, ADM1), (2, ADM2)):
            if path.exists():
                os.environ[ENV_VARS[level]] = str(path.resolve())
        if size == "sample":
            files = [(p.name, p.read_bytes()) for p in SAMPLE_FILES]
        else:
            frames = make_synthetic_portfolio(int(size), seed=1, territories=load_territories(
                ADM2 if ADM2.exists() else None))
            files = make_synthetic_files(frames)
            del frames  # the generator's frames are not the server's: they must not count in its peak RSS
        with _Bytes.counting():  # the app ran before the upload: its boundary files are prepared and cached on disk
            _new_app("overview").run()
        start = time.perf_counter()
        fingerprint = parse_fingerprint()
        intake = parse_uploads(files)
        version = storage.save_version(files, {"projects": len(intake.portfolio.projects)})
        storage.activate(version.id)
        save_parsed(version.id, storage.version_paths(version), intake.portfolio, fingerprint)  # as the Data page does
        out["confirm_s"] = round(time.perf_counter() - start, 2)
        out["projects"] = len(intake.portfolio.projects)
        out["flows"] = len(intake.portfolio.funding)
        out["locations"] = len(intake.portfolio.locations)
        del intake, files  # what a server holds after a confirm: the stored version, not the upload
        gc.collect()
        with _Bytes.counting():
            _clear_caches()
            app = _new_app("overview")
            out["restart_first_render_s"] = round(_timed_run(app, False)[0], 2)
            out["pages"] = {page: bench_page(page, False, repeat) for page in PAGES}
            out["rss_mb_fast"] = _rss_mb()
            if with_naive:
                out["naive"] = {}
                with naive_path():
                    for page in naive_pages:
                        try:
                            out["naive"][page] = bench_page(page, True, 1)
                        except Exception as exc:  # reported in the table, the fast numbers are kept
                            out["naive"][page] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                out["rss_mb_naive"] = _rss_mb()
    return out


def _ratio(naive: float, fast: float) -> float | None:
    return round(naive / fast, 1) if fast else None


def print_table(results: list[dict]) -> None:
    header = ("size", "page", "first s", "warm ms", "filter ms", "new filter ms", "click ms", "payload KB",
              "naive warm ms", "naive filter ms", "× filter", "naive click ms")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for result in results:
        if "error" in result:
            print(f"{result['size']} | error: {result['error']}")
            continue
        for page, fast in result["pages"].items():
            naive = result.get("naive", {}).get(page, {})
            print(" | ".join(str(v) for v in (
                result["size"], page, fast["first_s"], fast["warm_ms"], fast["filter_ms"], fast["new_filter_ms"],
                fast.get("click_ms", ""), fast["payload_kb"], naive.get("warm_ms", ""), naive.get("filter_ms", ""),
                _ratio(naive.get("filter_ms", 0), fast["filter_ms"]) if naive else "", naive.get("click_ms", ""))))
        print(f"{result['size']}: {result['projects']} projects, {result['flows']} flows, {result['locations']} "
              f"locations; confirm {result['confirm_s']} s; restart → first render {result['restart_first_render_s']} "
              f"s; peak RSS {result['rss_mb_fast']} MB (fast), {result.get('rss_mb_naive', '—')} MB (after naive)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="sample,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive path (it takes minutes at 10k)")
    parser.add_argument("--naive-pages", default=",".join(PAGES),
                        help="pages timed through the naive path too (each takes minutes at 10k on a busy machine)")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "scale.json"))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one size in this process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_size(args.one, args.repeat, not args.no_naive, tuple(args.naive_pages.split(",")))))
        return 0
    results = []
    for size in args.sizes.split(","):
        command = [sys.executable, "-m", "bench.scale", "--one", size, "--repeat", str(args.repeat), "--naive-pages",
                   args.naive_pages]
        if args.no_naive or size == "100000":  # the naive path does not finish at 100k (see the issue)
            command.append("--no-naive")
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            results.append({"size": size, "error": done.stderr.strip().splitlines()[-1:]})
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print_table(results)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"targets": TARGETS, "results": results}, indent=2) + "\n")
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
