"""Benchmark (not a test): the server's time for one run of each page (app.py and
the page script, with AppTest), cold and warm, on a dataset folder.

    python scripts/bench_pages.py [--data-dir DIR] [--runs 5] [--pages home,partners]

Cold: a new as-of date each run (D-1, D-2, ...), so every report is computed
afresh; warm: the same as-of date again, so the cached reports are read. Medians
of `--runs`. Prints a Markdown table. The default dataset is a new copy of the
demo data; for 1M clients generate one first:

    python -m analytics demo --partners 20000 --clients 1000000 --out CSV
    python -m analytics --data-dir DIR import CSV/*.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import dates, ingest, store  # noqa: E402

PAGES = (
    "home",
    "partners",
    "partner",
    "quota",
    "repurposing",
    "churn",
    "activity",
    "plans",
    "data",
)


def app_test(page: str, query: dict[str, str]):
    """A fresh AppTest of app.py switched to `page` (after one run of the default
    page, the Dashboard, to register the navigation, as tests/conftest.py's
    run_app does); the Dashboard itself is not run before it is timed."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for key, value in query.items():
        at.query_params[key] = value
    if page != "home":
        at.run()
        at.switch_page(f"pages/{page}.py")
    return at


def seconds(at) -> float:
    start = time.perf_counter()
    at.run()
    took = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return took


def bench(page: str, as_of: dt.date, runs: int, extra: dict[str, str]) -> tuple:
    cold = []
    for n in range(1, runs + 1):
        day = (as_of - dt.timedelta(days=n)).isoformat()
        cold.append(seconds(app_test(page, {"as_of": day, **extra})))
    at = app_test(page, {"as_of": as_of.isoformat(), **extra})
    at.run()  # fill the caches for this as-of date
    warm = [seconds(at) for _ in range(runs)]
    return statistics.median(cold), statistics.median(warm)


def run_as_served() -> None:
    """Run as a served app runs: every AppTest run starts Streamlit afresh in its
    legacy `pages/` mode (a served app leaves it for good on its first run, see
    tests/conftest.py's run_app), compiles the scripts again (a served app
    keeps one script cache for the process) and every new AppTest scans the
    installed packages for components (1.2 s here; a served app scans once, when
    its runtime starts)."""
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    manifest_scanner.scan_component_manifests = functools.cache(
        manifest_scanner.scan_component_manifests
    )

    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="default: a new demo dataset")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--am", help="view as this account manager")
    args = parser.parse_args()
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="amd-pages-")) / "store"
        ingest.import_demo(data_dir)
    os.environ[store.DATA_DIR_ENV] = str(data_dir)
    run_as_served()
    with store.connect(data_dir) as con:
        as_of = dates.default_as_of(store.latest_date(con))
    extra = {"am": args.am} if args.am else {}
    print(f"dataset {data_dir}, as of {as_of}, load {os.getloadavg()}")
    print("| page | cold (s) | warm (s) |\n| --- | --- | --- |")
    for page in args.pages.split(","):
        cold, warm = bench(page, as_of, args.runs, extra)
        print(f"| {page} | {cold:.2f} | {warm:.2f} |", flush=True)
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
