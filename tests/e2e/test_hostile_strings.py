"""Real browser: a portfolio and URLs full of Markdown and HTML pointing at another host, over every page and both
languages: 0 requests to another host, 0 injected links, images or emphasis in the DOM (SVG charts included).
Then a save killed mid-way and a restart: no `.tmp-*` file and no unreferenced blob are left."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode, urlparse

import pytest

from data import storage
from tests.e2e.serving import ROOT, streamlit_server
from tests.hostile import EVIL, PROJECT_ID, URL, hostile_files

pytestmark = pytest.mark.e2e

PAGES = ("", "status", "donor", "project", "funding_map", "data", "briefing")
LOCAL = {"127.0.0.1", "localhost", "::1"}
# Elements the hostile strings would create if they were rendered as markup: links and images to another host
# (HTML or SVG), and the emphasis of "**Session expired**".
INJECTED_JS = """() => {
  // A link or image whose target is another host (the app's own links may carry the hostile query string).
  const evil = (v) => {
    if (!v) return false;
    try { const u = new URL(v, location.href); return u.host !== location.host && u.protocol.startsWith('http'); }
    catch (e) { return false; }
  };
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of ['href', 'src', 'xlink:href', 'srcset', 'action', 'data', 'poster']) {
      if (evil(el.getAttribute(attr))) out.push(el.tagName + ' ' + attr + '=' + el.getAttribute(attr));
    }
    if (['STRONG', 'B', 'EM'].includes(el.tagName) && (el.textContent || '').includes('Session expired')) {
      out.push(el.tagName + ' emphasis');
    }
    if (el.tagName === 'A' && (el.textContent || '').includes('log in again')) out.push('A link text');
  }
  return out;
}"""


def settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hostile") / "var"
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir)}
    previous = os.environ.get("DASHBOARD_DATA_DIR")
    os.environ["DASHBOARD_DATA_DIR"] = str(data_dir)
    try:
        storage.activate(storage.save_version(hostile_files(), {}, note="replace", by="test").id)
    finally:
        os.environ.pop("DASHBOARD_DATA_DIR") if previous is None else os.environ.update(DASHBOARD_DATA_DIR=previous)
    with streamlit_server(env) as base:
        yield base


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_foreign_request_and_no_injected_element_on_any_page(browser, hostile_app, lang):
    context = browser.new_context()
    foreign = []

    def route(route):
        url = route.request.url
        if urlparse(url).hostname in LOCAL or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    report, reached = {}, 0
    queries = [(p, dict(URL, lang=lang)) for p in PAGES] + [("project", {"project": PROJECT_ID, "lang": lang})]
    for path, query in queries:
        page.goto(f"{hostile_app}/{path}?{urlencode(query)}", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stHeading"], [data-testid="stAlert"]', timeout=60_000)
        settled(page)
        page.wait_for_timeout(1500)  # charts draw after the script run
        settled(page)
        report[f"{path or 'overview'}?{sorted(query)}"] = page.evaluate(INJECTED_JS)
        reached += EVIL in page.inner_text("body")
    print(f"\n[{lang}] {len(queries)} page loads, hostile text shown on {reached}, foreign requests {len(foreign)}, "
          f"injected elements {sum(map(len, report.values()))}")
    assert reached >= len(PAGES) - 2, "the hostile strings did not reach the pages: the test would prove nothing"
    assert foreign == []
    assert {k: v for k, v in report.items() if v} == {}
    context.close()


SAVER = """
import os, time
_fsync = os.fsync
os.fsync = lambda fd: (time.sleep(0.2), _fsync(fd))[1]  # a slow disk: most of the time is spent mid-save
from data import storage
n = 0
while True:
    n += 1
    storage.save_version([("big.csv", os.urandom(6_000_000)), ("small.csv", b"x%d" % n)], {"n": n})
"""


def test_a_save_killed_mid_way_leaves_nothing_after_a_restart(browser, tmp_path):
    data_dir = tmp_path / "var"
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    leftovers = 0
    for delay in (0.7, 2.6, 4.4):
        process = subprocess.Popen([sys.executable, "-c", SAVER], cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while not (data_dir / "datasets" / "blobs").is_dir() and time.monotonic() < deadline:
            time.sleep(0.05)  # imports take a while on a busy machine: kill during saves, not before them
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        leftovers += len(list(data_dir.rglob(f"{storage.TMP_PREFIX}*")))
    blobs = {p.name for p in (data_dir / "datasets" / "blobs").iterdir()}
    manifests = list((data_dir / "datasets" / "versions").glob("*/manifest.json"))
    referenced = {f["sha256"] for m in manifests for f in json.loads(m.read_text())["files"]}
    print(f"\nafter 3 kills: {leftovers} temporary files seen, {len(blobs - referenced)} unreferenced blobs, "
          f"{len(manifests)} complete versions")
    with streamlit_server(env) as base:  # the restart: housekeeping runs with the first page
        page = browser.new_page()
        page.goto(f"{base}/", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stHeading"]', timeout=60_000)
        settled(page)
        page.close()
        assert list(data_dir.rglob(f"{storage.TMP_PREFIX}*")) == []
        blobs = {p.name for p in (data_dir / "datasets" / "blobs").iterdir()}
        manifests = list((data_dir / "datasets" / "versions").glob("*/manifest.json"))
        referenced = {f["sha256"] for m in manifests for f in json.loads(m.read_text())["files"]}
        assert blobs == referenced
        assert all((data_dir / "datasets" / "blobs" / sha).is_file() for sha in referenced)
