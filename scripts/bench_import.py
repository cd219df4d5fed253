"""Benchmark the demo generator and the importer on a large dataset (not a test).

Run from the repository root:

    python -m scripts.bench_import [--clients 1000000] [--partners 20000] [--runs 3]

Generates the dataset with `analytics.demo.write_demo` (3 activities per client),
then times, each as the median of `--runs` runs into a fresh dataset folder:
importing the clients file (partners imported first, untimed, as in real use),
importing all six files at once, and `pandas.read_csv` on the same clients file
for comparison. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analytics import ingest
from analytics.demo import write_demo

AS_OF = dt.date(2026, 11, 20)
MB = 1024 * 1024


def timed(action: Callable[[], object]) -> float:
    """Seconds taken by `action()`."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_of(runs: int, action: Callable[[], object]) -> float:
    """Median seconds of `runs` calls of `action()`."""
    return statistics.median(timed(action) for _ in range(runs))


def import_checked(directory: Path, paths: list[Path]) -> None:
    """Import `paths` into `directory`, failing loudly when the import is blocked."""
    result = ingest.import_paths(directory, paths)
    if not result.report.ok:
        raise SystemExit(result.report.format_text())


def median_import(
    runs: int, work: Path, paths: list[Path], before: list[Path] | None = None
) -> float:
    """Median seconds to import `paths` into a fresh dataset folder; `before` is
    imported first, untimed. Each folder is removed after its run."""
    seconds = []
    for _ in range(runs):
        directory = Path(tempfile.mkdtemp(dir=work))
        if before:
            import_checked(directory, before)
        start = time.perf_counter()
        import_checked(directory, paths)
        seconds.append(time.perf_counter() - start)
        shutil.rmtree(directory)
    return statistics.median(seconds)


def row(step: str, seconds: float, megabytes: float, rows: int) -> str:
    rate = f"{megabytes / seconds:,.1f}" if megabytes else ""
    return (
        f"| {step} | {rows:,} | {megabytes:,.1f} | {seconds:,.2f} | {rate} | "
        f"{rows / seconds:,.0f} |"
    )


def run(clients: int, partners: int, runs: int, work: Path) -> list[str]:
    """Run every step and return the Markdown table's lines."""
    demo = work / "demo"
    generate = timed(
        lambda: write_demo(demo, partners=partners, clients=clients, as_of=AS_OF)
    )
    files = {path.stem: path for path in sorted(demo.glob("*.csv"))}
    sizes = {name: path.stat().st_size / MB for name, path in files.items()}
    activities = 3 * clients

    # partners first, untimed: clients are checked against them
    clients_s = median_import(runs, work, [files["clients"]], [files["partners"]])
    all_s = median_import(runs, work, list(files.values()))
    pandas_s = median_of(runs, lambda: pd.read_csv(files["clients"]))

    all_rows = clients + activities + partners
    return [
        f"{clients:,} clients, {activities:,} activities, {partners:,} partners; "
        f"median of {runs} runs",
        "",
        "| step | rows | MB | seconds | MB/s | rows/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        row("write_demo (6 files)", generate, sum(sizes.values()), all_rows),
        row("import clients.csv", clients_s, sizes["clients"], clients),
        row("import all 6 files", all_s, sum(sizes.values()), all_rows),
        row("pandas.read_csv clients.csv", pandas_s, sizes["clients"], clients),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        lines = run(args.clients, args.partners, args.runs, Path(work))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
