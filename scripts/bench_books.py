"""Benchmark (not a test): the cost of an AM's and a manager's book
(analytics.access.book, made once per dataset version and set of AMs and then
cached by the app: its time to make and the memory it adds) and of the partner
report and dashboard KPIs on it against the whole dataset, on a generated
1M-client dataset; medians of 5.

    python scripts/bench_books.py [--clients 1000000] [--partners 20000] [--keep DIR]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import access, kpis, partners, store  # noqa: E402
from scripts.bench_reports import bench_dataset  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
REPORTS = {
    "partner_report": lambda con: partners.partner_report(con, AS_OF),
    "dashboard_kpis": lambda con: kpis.dashboard_kpis(con, AS_OF),
}


def median_seconds(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rss_mb() -> float:
    """This process's resident memory (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    data_dir = bench_dataset()
    path = store.version_path(data_dir, store.current_version(data_dir))

    with store.connect(data_dir) as full:
        managers = partners.account_managers(full)
        books = {
            "whole dataset": None,
            "one AM": managers[:1],
            "a team of 5": managers[:5],
        }
        clients = full.execute("select count(*) from clients").fetchone()[0]
        print(f"{clients:,} clients, {len(managers)} account managers")
        print(
            f"{'book':<15}{'make s':>8}{'+MB':>6}"
            + "".join(f"{n:>16}" for n in REPORTS)
        )
        for label, names in books.items():
            make = 0.0
            if names is not None:
                make = median_seconds(
                    lambda names=names: access.book(path, names).close()
                )
            before = rss_mb()
            con = full if names is None else access.book(path, names)
            for fn in REPORTS.values():
                fn(con)  # warm
            added = rss_mb() - before
            times = [
                median_seconds(lambda fn=fn, con=con: fn(con))
                for fn in REPORTS.values()
            ]
            print(
                f"{label:<15}{make:>8.3f}{added:>6.0f}"
                + "".join(f"{t:>16.3f}" for t in times)
            )
    print(f"load: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
