"""Load test: `python -m bench.load [--url http://127.0.0.1:8632] [--sessions 20] [--seconds 60]`.

Drives N concurrent Streamlit sessions over the app's own websocket protocol (what the browser speaks: BackMsg
rerun requests, ForwardMsg deltas until `script_finished`), each changing the shared filters in the URL query
string (the filters' source of truth) on every rerun, for a bounded time. Reports errors, p50/p95/max rerun
times, reruns done, and the server's RSS over time (sampled from /proc when --pid is given or found).

Bounded and local by design: only 127.0.0.1/localhost URLs are accepted, at most 50 sessions and 300 s.
Start the server yourself, e.g. `streamlit run dashboard.py --server.port 8632 --server.headless true`."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

MAX_SESSIONS, MAX_SECONDS = 50, 300
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Filter states a user moves through (URL parameters, see data.filters.MULTI_PARAMS / SINGLE_PARAMS).
STATES = ({}, {"status": ["2"]}, {"cur": ["EUR"]}, {"status": ["2", "4"], "lang": ["fr"]}, {"from": ["2022"]},
          {"province": ["CD61"]}, {"theme": ["stabilisation"]}, {"lang": ["en"], "cur": ["USD"]})
PAGES = ("", "funding_map", "status", "donor")  # url paths: "" is the Overview


def _check_local(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "ws") or parsed.hostname not in LOCAL_HOSTS:
        raise SystemExit(f"refused: {url} is not a localhost http URL (this script never loads another host)")
    return f"ws://{parsed.netloc}/_stcore/stream"


def _rerun(connection, query: dict, page: str, timeout: float) -> tuple[float, str | None]:
    """One rerun: (seconds until script_finished, error or None)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = urlencode(query, doseq=True)
    message.rerun_script.page_name = page
    start = time.perf_counter()
    connection.send(message.SerializeToString())
    deadline = start + timeout
    while True:
        raw = connection.recv(timeout=max(0.1, deadline - time.perf_counter()))
        reply = ForwardMsg()
        reply.ParseFromString(raw)
        kind = reply.WhichOneof("type")
        if kind == "delta" and reply.delta.new_element.WhichOneof("type") == "exception":
            return time.perf_counter() - start, reply.delta.new_element.exception.message[:200]
        if kind == "script_finished":
            return time.perf_counter() - start, None


def _session(ws_url: str, index: int, until: float, timeout: float, results: list, lock: threading.Lock) -> None:
    from websockets.sync.client import connect

    done, errors = [], []
    try:
        with connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30) as connection:
            step = 0
            while time.monotonic() < until:
                page = PAGES[(index + step // len(STATES)) % len(PAGES)]
                seconds, error = _rerun(connection, STATES[(index + step) % len(STATES)], page, timeout)
                (errors.append(error) if error else done.append(seconds))
                step += 1
    except Exception as exc:  # a dropped or refused connection is a result to report, not a crash
        errors.append(f"{type(exc).__name__}: {exc}"[:200])
    with lock:
        results.append({"session": index, "reruns": done, "errors": errors})


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _server_pid(port: int) -> int | None:
    """The streamlit process listening on `port` (from its command line), or None."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and str(port).encode() in command:
            return int(proc.name)
    return None


def run_load(url: str, sessions: int, seconds: float, timeout: float = 60.0, pid: int | None = None) -> dict:
    ws_url = _check_local(url)
    sessions, seconds = min(sessions, MAX_SESSIONS), min(seconds, MAX_SECONDS)
    pid = pid or _server_pid(urlparse(url).port or 80)
    results: list = []
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_session, args=(ws_url, i, until, timeout, results, lock), daemon=True)
               for i in range(sessions)]
    rss = []
    start = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads) and time.monotonic() < until + timeout + 5:
        if pid:
            rss.append((round(time.monotonic() - start, 1), _rss_mb(pid)))
        time.sleep(2)
    times = sorted(t for r in results for t in r["reruns"])
    errors = [e for r in results for e in r["errors"]]

    def pct(q: float) -> float | None:
        return round(times[min(len(times) - 1, int(q * len(times)))] * 1000) if times else None

    return {"url": url, "sessions": sessions, "seconds": seconds, "reruns": len(times), "errors": len(errors),
            "error_samples": errors[:5], "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "max_ms": round(times[-1] * 1000) if times else None,
            "mean_ms": round(statistics.mean(times) * 1000) if times else None,
            "server_pid": pid, "rss_mb": rss, "rss_mb_max": max((m for _, m in rss if m), default=None)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8632")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=60, help="longest wait for one rerun")
    parser.add_argument("--pid", type=int, help="server process to sample RSS from (default: found by port)")
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args(argv)
    result = run_load(args.url, args.sessions, args.seconds, args.timeout, args.pid)
    print(f"{result['sessions']} sessions × {result['seconds']} s: {result['reruns']} reruns, {result['errors']} "
          f"errors; rerun p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms; "
          f"server RSS max {result['rss_mb_max']} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
