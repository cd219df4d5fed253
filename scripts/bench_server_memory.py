"""Benchmark (not a test): the app server's memory while one browser session visits
every page, on a given dataset folder.

    python scripts/bench_server_memory.py [--data-dir DIR] [--env NAME=VALUE ...]

Starts the real app (`streamlit run app.py`, as the browser tests: `serve_app`),
opens it in headless Chromium and visits every page at the default as-of date,
every page again (its reports cached), then the common interactions: a partner
opened from its URL, and the Dashboard, the partner report and Activity at the
day before (an as-of change), and last the Data page's Compare tab (two
versions' clients, when the dataset has two). Before each step it resets the
server process's peak (/proc/PID/clear_refs), after it reads VmRSS (resident
now) and VmHWM (the step's peak) from /proc, and the seconds from the
navigation until the page is idle (the script finished and the browser drew
it: an upper bound under load). Prints a Markdown table; the last lines are
the peak of the visits before the Compare tab, and of all. Target (issue 16):
peak <= 0.5 GB at 5M clients. `--env` passes settings to the server (e.g.
AMD_DUCKDB_MEMORY_MB=256).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import dates, ingest, store  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_app  # noqa: E402

# sidebar links and their URL paths, in order: one session visits every page
PAGES = {
    "Dashboard": "",
    "Partner report": "partners",
    "Partner detail": "partner",
    "Quota pace": "quota",
    "Repurposing": "repurposing",
    "Weekly churn": "churn",
    "Activity": "activity",
    "Account plans": "plans",
    "Data": "data",
}
COMPARE = (
    "Data: Compare clients (the last two uploads)",
    "goto",
    "data?tab=Compare+clients",
)
TIMEOUT_MS = 900_000  # a cold page at 5M clients under load takes minutes


def server_pid(port: str) -> int:
    """The pid of the `streamlit run` serving `port` (serve_app starts it)."""
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"streamlit" in argv and port.encode() in argv:
            return int(entry.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of `pid` in MB."""
    fields = {}
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = row.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def reset_peak(pid: int) -> None:
    """Start `pid`'s VmHWM again from its resident size now (Linux: clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def steps(data_dir: Path) -> list[tuple[str, str, str]]:
    """(label, "click" a sidebar link or "goto" a URL path, the link or path) of
    every step, in order."""
    with store.connect(data_dir) as con:
        as_of = dates.default_as_of(store.latest_date(con))
        (partner_id,) = con.execute(
            "select partner_id from partners order by partner_id desc limit 1"
        ).fetchone()
    before = as_of - dt.timedelta(days=1)
    compare = [COMPARE] if len(store.uploads(data_dir)) > 1 else []
    return [
        ("open the app (Dashboard)", "goto", ""),
        *((label, "click", label) for label in PAGES),
        *((f"{label} again (cached)", "click", label) for label in PAGES),
        ("a partner opened by its link", "goto", f"partner?partner={partner_id}"),
        *(
            (f"as of {before}: {label}", "goto", f"{path}?as_of={before}")
            for label, path in (
                ("Dashboard", ""),
                ("Partner report", "partners"),
                ("Activity", "activity"),
            )
        ),
        *compare,
    ]


def idle(page) -> None:
    """Wait until the app has run its script and drawn (conftest.wait_for_app, with
    a timeout long enough for a cold page at 5M clients)."""
    page.wait_for_timeout(300)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]',
        timeout=TIMEOUT_MS,
    )
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        raise RuntimeError(errors.first.inner_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="default: a new demo dataset")
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=VALUE for the server"
    )
    args = parser.parse_args()
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="amd-mem-")) / "store"
        ingest.import_demo(data_dir)
    env = dict(item.split("=", 1) for item in args.env)
    log = Path(tempfile.mkdtemp(prefix="amd-mem-log-")) / "server.log"
    visits = steps(data_dir)
    print(f"dataset {data_dir}; env {env}; load {os.getloadavg()}")
    with serve_app(data_dir, log, env=env) as url, sync_playwright() as pw:
        pid = server_pid(url.rsplit(":", 1)[1])
        rss, hwm = memory_mb(pid)
        print("| step | idle after (s) | RSS after (MB) | step's peak RSS (MB) |")
        print("| --- | ---: | ---: | ---: |")
        print(f"| server started | | {rss:.0f} | {hwm:.0f} |", flush=True)
        peaks = {"pages": hwm, "all": hwm}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        for label, how, target in visits:
            reset_peak(pid)
            start = time.perf_counter()
            if how == "goto":  # then past a first visit's legacy-mode run
                page.goto(f"{url}/{target}")
                idle(page)
                page.get_by_test_id("stSidebarNavLink").filter(
                    has_text="Dashboard"
                ).first.wait_for()
            else:  # the URL changes once the new page's run has started
                nav = page.get_by_test_id("stSidebarNavLink")
                nav.filter(has_text=target).first.click()
                path = f"{url}/{PAGES[target]}"
                page.wait_for_url(lambda now, path=path: now.split("?")[0] == path)
            idle(page)
            seconds = time.perf_counter() - start
            rss, hwm = memory_mb(pid)
            print(f"| {label} | {seconds:.1f} | {rss:.0f} | {hwm:.0f} |", flush=True)
            peaks["all"] = max(peaks["all"], hwm)
            if (label, how, target) != COMPARE:
                peaks["pages"] = max(peaks["pages"], hwm)
        browser.close()
    print(f"| **peak, every page** | | | **{peaks['pages']:.0f}** |")
    print(f"| **peak, with Compare** | | | **{peaks['all']:.0f}** |")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
