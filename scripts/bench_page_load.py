"""Benchmark (not a test): what a user waits for in headless Chromium, on a given
dataset folder, medians of `--runs`:

- a click on each page's sidebar link (app already open: the page before it drawn
  and the browser idle) until the new page's main table or chart is visible (an
  element of the page before it, still shown while the new one runs, is not it);
  in a new tab (the first grid or chart of a tab loads its code), and in a tab
  that has drawn the page before (as one kept open all day);
- a row click in the partner report until the partner detail shows the partner;
- a bar click on Quota pace until its drill-down lists the clients;
- an as-of change on the Dashboard (drawn and idle) until it is idle again: the
  script run and the browser's main thread idle;
- the first chart of a new browser session (a fresh tab on the Dashboard);
- the floor Streamlit and plotly set on this machine, the same ways on a two-page
  app that draws one line (and one small chart): a sidebar click, a new session.

    python scripts/bench_page_load.py [--data-dir DIR] [--runs 5] [--floor-only]

The server runs once (`serve_app`, as the browser tests); the first visit after its
start is timed apart (it computes every report the Dashboard needs: cold).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import dates, ingest, store  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    largest_bar_centre,
    serve_app,
    wait_for_app,
)

TABLE = '[data-testid="stMain"] [data-testid="stDataFrame"] table td'
CHART = '[data-testid="stMain"] .plotly .main-svg'
METRIC = '[data-testid="stMain"] [data-testid="stMetric"]'
# The Dashboard's main table: the call list's first partner (a link to its detail).
CALL = '[data-testid="stMain"] [data-testid="stPageLink"] a'
# sidebar link -> what shows once its page has drawn its main table or chart
PAGES = {
    "Dashboard": CALL,
    "Partner report": TABLE,
    "Partner detail": '[data-testid="stMain"] [data-testid="stSelectbox"]',
    "Quota pace": CHART,
    "Repurposing": CHART,
    "Weekly churn": CHART,
    "Activity": CHART,
    "Account plans": TABLE,
    "Data": '[data-testid="stFileUploaderDropzone"]',
}
# Also timed after a sidebar click: the Dashboard's first chart, below its call list.
ALSO = {"Dashboard": ("Dashboard: first chart", CHART)}
# What matches a selector on the page before a click (shown a moment after it),
# and whether something new matches it.
REMEMBER_OLD = "s => { window.benchOld = new Set(document.querySelectorAll(s)) }"
NEW_MATCH = "s => [...document.querySelectorAll(s)].some(e => !window.benchOld.has(e))"
# The page a sidebar click starts from (its path) -> its link and what shows once
# it is drawn.
START_PAGES = {"": ("Dashboard", CHART), "partners": ("Partner report", TABLE)}
TIMEOUT = 600_000  # a cold page at 1M clients under load takes minutes
# The floor: Streamlit's own cost of a page switch and of a first plotly chart.
FLOOR_APP = """\
import plotly.graph_objects as go
import streamlit as st


def line():
    st.write("one line")


def chart():
    st.write("one chart")
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))


def table():
    st.write("one table")
    st.dataframe({"a": [1, 2, 3]})


st.navigation(
    [st.Page(line, title="Line"), st.Page(chart, title="Chart"),
     st.Page(table, title="Table")]
).run()
"""


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def new_page(browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(TIMEOUT)
    return page


def settle(page, ready: str) -> None:
    """Until the open page is drawn as a user sees it before clicking on: `ready`
    shown, no request pending (a chart's plotly.js is fetched and run after the
    script has finished) and the browser's main thread idle."""
    wait_for_app(page)
    page.locator(ready).first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    idle(page)


def idle(page) -> None:
    """Until the browser's main thread is idle (twice in a row)."""
    page.evaluate(
        "() => new Promise(r => requestIdleCallback(() => requestIdleCallback(r)))"
    )


def sidebar_click(
    browser,
    url: str,
    label: str,
    ready: str,
    start_at: str | None = None,
    start_ready: str | None = None,
    warm: bool = False,
) -> float:
    """From a click on `label` in the sidebar (another page open and drawn:
    `start_at`, by default the Dashboard or the partner report, showing
    `start_ready`) to `ready`. `warm`: the tab has drawn that page once before
    (then the start page again), so that its grid's or chart's code is loaded,
    as in a tab kept open all day."""
    page = new_page(browser)
    if start_at is None:
        start_at = "partners" if label == "Dashboard" else ""
    page.goto(f"{url}/{start_at}")
    start_label, start_shown = START_PAGES.get(start_at, (None, None))
    start_ready = start_ready or start_shown
    settle(page, start_ready)
    if warm:
        for name, shown in ((label, ready), (start_label, start_ready)):
            switch(page, name, shown)
            settle(page, shown)
    seconds = timed(lambda: switch(page, label, ready))
    page.close()
    return seconds


def switch(page, label: str, ready: str) -> None:
    """A click on `label` in the sidebar until what matches `ready` is new."""
    page.evaluate(REMEMBER_OLD, ready)
    page.get_by_test_id("stSidebarNavLink").filter(has_text=label).first.click()
    page.wait_for_function(NEW_MATCH, arg=ready)


def row_click(browser, url: str) -> float:
    """A partner report row (the first partner, under its subtotal) to its detail."""
    page = new_page(browser)
    page.goto(f"{url}/partners")
    wait_for_app(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("table td").first.wait_for(state="attached")
    box = grid.bounding_box()

    def go() -> None:
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 + 17)
        page.wait_for_url("**/partner?**")
        page.locator('[data-testid="stMain"] h2').first.wait_for()
        page.locator(METRIC).first.wait_for()

    seconds = timed(go)
    page.close()
    return seconds


def bar_click(browser, url: str) -> float:
    """The largest bar of Quota pace's chart to the AM's clients below it."""
    page = new_page(browser)
    page.goto(f"{url}/quota")
    wait_for_app(page)
    plot = page.locator('[data-testid="stPlotlyChart"]').first
    x, y = largest_bar_centre(page, plot)

    def go() -> None:
        page.mouse.click(x, y)
        page.locator("h3", has_text="added this month").first.wait_for()

    seconds = timed(go)
    page.close()
    return seconds


def as_of_change(browser, url: str, day: dt.date) -> float:
    """Typing a new as-of date on the Dashboard, drawn and idle, until the page
    is idle again (the run over, its charts redrawn)."""
    page = new_page(browser)
    page.goto(url)
    settle(page, CHART)

    def go() -> None:
        page.get_by_role("spinbutton", name="year, As of").click()
        page.keyboard.type(day.strftime("%Y%m%d"))
        page.locator("h1").first.click()
        wait_for_app(page, settle_ms=100)
        idle(page)

    seconds = timed(go)
    page.close()
    return seconds


def first_chart(browser, url: str) -> float:
    """A new browser session on the Dashboard until its first chart is drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)

    def go() -> None:
        page.goto(url)
        page.locator(CHART).first.wait_for(state="attached")

    seconds = timed(go)
    context.close()
    return seconds


@contextlib.contextmanager
def serve_floor_app():
    """FLOOR_APP served as the app is (`streamlit run`, headless); its base URL."""
    folder = Path(tempfile.mkdtemp(prefix="amd-floor-"))
    (folder / "floor_app.py").write_text(FLOOR_APP)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "floor_app.py",
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def floor(browser, runs: range) -> None:
    """The floor lines: FLOOR_APP's sidebar click from its one line to its one
    chart or its one table (the first of a tab: its code loaded), and a new
    session until its one chart is drawn."""
    with serve_floor_app() as url:
        first_chart(browser, f"{url}/chart")  # plotly.js fetched once, as the app's
        clicks = [sidebar_click(browser, url, "Chart", CHART, "", "body") for _ in runs]
        print(line("floor: sidebar click, one line and a chart", clicks))
        clicks = [sidebar_click(browser, url, "Table", TABLE, "", "body") for _ in runs]
        print(line("floor: sidebar click, one line and a table", clicks))
        charts = [first_chart(browser, f"{url}/chart") for _ in runs]
        print(line("floor: first chart, new session", charts), flush=True)


def line(name: str, values: list[float]) -> str:
    runs = ", ".join(f"{v:.2f}" for v in values)
    return f"| {name} | {statistics.median(values):.2f} | {runs} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="default: a new demo dataset")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--skip-pages", action="store_true", help="skip the sidebar clicks"
    )
    parser.add_argument(
        "--floor-only", action="store_true", help="measure the floor alone"
    )
    args = parser.parse_args()
    runs = range(args.runs)
    if args.floor_only:
        print(f"load {os.getloadavg()}")
        print("| what | median (s) | runs (s) |\n| --- | --- | --- |")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            floor(browser, runs)
            browser.close()
        print(f"load after: {os.getloadavg()}")
        return
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="amd-load-")) / "store"
        ingest.import_demo(data_dir)
    with store.connect(data_dir) as con:
        as_of = dates.default_as_of(store.latest_date(con))
    log = Path(tempfile.mkdtemp(prefix="amd-load-log-")) / "server.log"
    print(f"dataset {data_dir}; load {os.getloadavg()}")
    with serve_app(data_dir, log) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"first visit after a server start: {first_chart(browser, url):.2f} s")
        print("| what | median (s) | runs (s) |\n| --- | --- | --- |")
        for label, ready in {} if args.skip_pages else PAGES.items():
            values = [sidebar_click(browser, url, label, ready) for _ in runs]
            print(line(f"sidebar click: {label}", values), flush=True)
            if label in ALSO:
                name, also = ALSO[label]
                values = [sidebar_click(browser, url, label, also) for _ in runs]
                print(line(f"sidebar click: {name}", values), flush=True)
        for label, ready in {} if args.skip_pages else PAGES.items():
            warm = [sidebar_click(browser, url, label, ready, warm=True) for _ in runs]
            print(line(f"sidebar click, page drawn before: {label}", warm))
        print(line("report row to partner", [row_click(browser, url) for _ in runs]))
        try:
            bars = [bar_click(browser, url) for _ in runs]
            print(line("quota bar to drill-down", bars))
        except PlaywrightTimeoutError:  # a bar too thin to hit (targets >> added)
            print("| quota bar to drill-down | no drill-down after the click | |")
        days = [as_of - dt.timedelta(days=n + 1) for n in runs]
        print(line("as-of change", [as_of_change(browser, url, d) for d in days]))
        charts = [first_chart(browser, url) for _ in runs]
        print(line("first chart, new session", charts))
        floor(browser, runs)
        browser.close()
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
