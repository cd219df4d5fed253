"""Benchmark (not a test): seconds from navigating to the partner report until its
first table is visible in headless Chromium, on a given dataset folder.

    python scripts/bench_page_load.py [--data-dir DIR] [--runs 5]

The first load in a fresh server computes the report (cold); later loads in a new
tab read the cached result (warm) but load the app itself too; a click on the
sidebar's "Partner report" in an open app is what a user does all day. Medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import ingest  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_app, wait_for_app  # noqa: E402


def load_seconds(browser, url: str) -> float:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    start = time.perf_counter()
    page.goto(f"{url}/partners")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def navigate_seconds(browser, url: str) -> float:
    """From a click on "Partner report" in the sidebar (app already open) to the
    report's first table."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    wait_for_app(page)
    start = time.perf_counter()
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Partner report").click()
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, help="default: a new demo dataset")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="amd-load-")) / "store"
        ingest.import_demo(data_dir)
    log = Path(tempfile.mkdtemp(prefix="amd-load-log-")) / "server.log"

    with serve_app(data_dir, log) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = load_seconds(browser, url)
        warm = [load_seconds(browser, url) for _ in range(args.runs)]
        clicks = [navigate_seconds(browser, url) for _ in range(args.runs)]
        browser.close()
    print(f"dataset: {data_dir}")
    print(f"first load (fresh server, report computed): {first:.2f} s")
    print(f"warm loads: {', '.join(f'{s:.2f}' for s in warm)} s")
    print(f"median warm: {statistics.median(warm):.2f} s (new tab: loads the app too)")
    print(f"sidebar click to table: {', '.join(f'{s:.2f}' for s in clicks)} s")
    print(f"median sidebar click to table: {statistics.median(clicks):.2f} s")


if __name__ == "__main__":
    main()
