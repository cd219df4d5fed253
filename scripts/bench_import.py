"""Benchmark the importer beside a polars and a pandas read of the same CSVs (not a
test).

Run from the repository root:

    python -m scripts.bench_import [--clients 1000000] [--partners 20000]
        [--runs 5] [--csv DIR] [--work DIR]
        [--works import,check,polars,pandas,duckdb]
        [--before CHECKOUT]

Writes the six demo-generator files (3 activities per client) unless `--csv` names
a folder holding them, then runs, `--runs` times each and each in a fresh process:
`import` (every check and the commit, into a fresh dataset folder), a polars read
and a pandas read of all six files with their dates parsed (no checks); `check`
(`--works`) is the import's checks without the commit; `duckdb` is DuckDB's floor:
each file read by its own read_csv (types and dates detected, in parallel) into a
table of a new database file on disk, within the import's memory limit, then a
checkpoint, the one scan the import's reads stand against; with `--before`, the
import (and check) by another checkout of the code too (`import-before`). Each child
reports its seconds, CPU seconds and peak resident set (VmHWM). Prints a Markdown
table of medians (min-max), the import's ratio to each read, and `uptime` before and
after: the machine is shared, so quote the load with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_OF = dt.date(2026, 11, 20)
MB = 1024 * 1024
WORKS = ("import", "polars", "pandas")
PEERS = ("polars", "pandas", "duckdb")
CODE_WORKS = ("import", "check")  # `check`: every check, no commit
BEFORE = "-before"


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def date_headers(path: Path) -> list[str]:
    """The headers of a demo file that hold dates (for the peers' date parsing)."""
    from analytics import schema
    from analytics.ingest import headers

    with open(path, encoding="utf-8") as handle:
        first = next(iter(handle)).strip()
    names = [h.strip('"') for h in first.split(",")]
    table = schema.TABLES[path.stem]
    match = headers.match_headers(table, names, None)
    return [h for h, c in match.mapping.items() if table.column(c).type == schema.DATE]


def child(work: str, paths: list[Path], data_dir: Path) -> dict:
    """Do `work` on `paths` in this (child) process; seconds and peak RSS."""
    start = time.perf_counter()
    if work in ("import", "check"):
        from analytics import ingest

        result = ingest.import_paths(data_dir, paths, commit=work == "import")
        if work == "import" and not result.report.ok:
            raise SystemExit(result.report.format_text())
    elif work == "duckdb":
        duckdb_floor(paths, data_dir)
    elif work == "polars":
        import polars as pl

        for path in paths:
            pl.read_csv(path, try_parse_dates=True, infer_schema_length=10000)
    else:
        import pandas as pd

        for path in paths:
            pd.read_csv(path, parse_dates=date_headers(path), low_memory=False)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": peak_rss_mb(),
    }


def duckdb_floor(paths: list[Path], data_dir: Path) -> None:
    """Each file into a table of a database file in `data_dir`, as DuckDB reads it
    with nothing asked of it, within the import's memory."""
    import duckdb

    from analytics.ingest.upload import DEFAULT_IMPORT_MEMORY_MB

    data_dir.mkdir(parents=True)
    config = {
        "memory_limit": f"{DEFAULT_IMPORT_MEMORY_MB}MB",
        "temp_directory": str(data_dir / "spill"),
    }
    with duckdb.connect(str(data_dir / "floor.duckdb"), config=config) as con:
        for k, path in enumerate(paths):
            con.execute(
                f"create table file_{k} as select * from read_csv($path)",
                {"path": str(path)},
            )
        con.execute("checkpoint")


def run_child(
    work: str, paths: list[Path], data_dir: Path, before: Path | None = None
) -> dict:
    """Run this script as a child doing `work`; the JSON it prints. A work
    `<work>-before` is done by this script of the checkout `before`."""
    script = Path(__file__)
    if work.endswith(BEFORE):
        work, script = work.removesuffix(BEFORE), before / "scripts" / "bench_import.py"
    return child_json(str(script), work, str(data_dir), *map(str, paths))


def child_json(script: str, *args: str) -> dict:
    """Run `script` with `--child` and `args` in a fresh process; the JSON it
    prints last (a failure ends the benchmark with the child's output)."""
    done = subprocess.run(
        [sys.executable, script, "--child", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def spread(values: list[float], digits: int) -> str:
    """Median (min-max)."""
    return (
        f"{statistics.median(values):,.{digits}f}"
        f" ({min(values):,.{digits}f}-{max(values):,.{digits}f})"
    )


def measure(
    paths: list[Path], runs: int, work: Path, works=WORKS, before: Path | None = None
) -> dict:
    """Every work `runs` times, interleaved: work -> list of child results."""
    if before is not None:
        works = (*(w + BEFORE for w in works if w in CODE_WORKS), *works)
    found: dict[str, list[dict]] = {name: [] for name in works}
    for run in range(runs):
        for name in works:
            data_dir = work / f"store-{name}-{run}"
            found[name].append(run_child(name, paths, data_dir, before))
            subprocess.run(["rm", "-rf", str(data_dir)], check=False)
    return found


def table(found: dict, megabytes: float) -> list[str]:
    """Markdown rows: seconds, MB/s and peak RSS per work, and the ratios."""
    lines = [
        "| work | seconds, median (min-max) | CPU seconds | MB/s | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    medians = {}
    for name, results in found.items():
        seconds = [r["seconds"] for r in results]
        medians[name] = statistics.median(seconds)
        cpu = statistics.median(r["cpu_seconds"] for r in results)
        lines.append(
            f"| {name} | {spread(seconds, 2)} | {cpu:,.1f} |"
            f" {megabytes / medians[name]:,.0f} |"
            f" {spread([r['peak_mb'] for r in results], 0)} |"
        )
    for name in (w + suffix for w in CODE_WORKS for suffix in (BEFORE, "")):
        for peer in PEERS:
            if name in medians and peer in medians:
                ratio = medians[name] / medians[peer]
                lines.append(f"| {name} / {peer} | {ratio:,.1f}x | | | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--csv", type=Path, help="use the six CSV files in DIR")
    parser.add_argument("--work", type=Path, help="work in DIR (default: a temp dir)")
    parser.add_argument(
        "--works",
        default=",".join(WORKS),
        help=f"comma-separated, of {', '.join(CODE_WORKS + PEERS)}",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="also import with the checkout DIR (e.g. `git worktree add DIR main`),"
        " interleaved with the other works: a paired before/after run",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work, data_dir, *paths = args.child
        print(json.dumps(child(work, [Path(p) for p in paths], Path(data_dir))))
        return
    os.environ.setdefault("AMD_MAX_FILE_MB", "16384")  # accept files over 1 GB
    with tempfile.TemporaryDirectory(prefix="bench-import-", dir=args.work) as tmp:
        work = Path(tmp)
        if args.csv is None:
            from analytics.demo import write_demo

            paths = write_demo(
                work / "csv",
                partners=args.partners,
                clients=args.clients,
                as_of=AS_OF,
            )
        else:
            paths = sorted(args.csv.glob("*.csv"))
        megabytes = sum(p.stat().st_size for p in paths) / MB
        before = uptime()
        works = tuple(args.works.split(","))
        found = measure(paths, args.runs, work, works, args.before)
        after = uptime()
    print(
        f"{len(paths)} files, {megabytes:,.0f} MB; {args.runs} runs of each, each in"
        " a fresh process (dates parsed by the peers; no checks)"
    )
    print(f"load before: {before}\nload after:  {after}\n")
    print("\n".join(table(found, megabytes)))


if __name__ == "__main__":
    main()
