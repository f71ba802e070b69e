"""Province changes in a browser: `python -m bench.clicks URL [URL ...] [--rounds 8]`.

For each running dashboard (localhost only), opens the Funding map in Debian's chromium (Playwright) and chooses
provinces in the list under the map, the servers taking turns, timing each change from the choice to the
section's heading naming the province and the app idle (the server's rerun plus the browser's drawing). Then the
same provinces again (memoised). Prints medians; not a test. Start the servers yourself (`streamlit run`)."""
from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = "() => !document.querySelector('[data-testid=stStatusWidget]')"


def _choose(page, index: int) -> float:
    """Choose the province at `index` (modulo the list) and return the seconds until the page shows it, idle."""
    options = page.get_by_role("option")
    for _ in range(5):  # the list may still be closing after the previous choice
        page.wait_for_timeout(300)
        page.locator('[data-testid="stSelectbox"]', has_text="Province").locator("input").click()
        try:
            options.first.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:  # the list did not open: close whatever is open and try again
            page.keyboard.press("Escape")
    target = options.nth(index % options.count())
    name = target.inner_text().strip()
    start = time.perf_counter()
    target.click()
    page.wait_for_selector(f"h3:has-text('Projects in {name}')", timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clicks", description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    if any(urlparse(url).hostname not in ("127.0.0.1", "localhost") for url in args.urls):
        parser.error("only local servers (127.0.0.1, localhost)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = {}
        for url in args.urls:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"{url}/funding_map?lang=en", timeout=300_000)
            page.wait_for_selector('h3:has-text("Projects in")', timeout=300_000)
            page.wait_for_function(IDLE, timeout=300_000)
            pages[url] = page
        for label in ("first visits", "revisits"):
            times: dict[str, list[float]] = {url: [] for url in args.urls}
            for i in range(min(args.rounds, 26)):
                for url, page in pages.items():
                    times[url].append(_choose(page, i + 1))
            for url, seconds in times.items():
                print(f"{url} {label}: median {statistics.median(seconds):.3f} s "
                      f"({', '.join(f'{s:.2f}' for s in seconds)})")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
