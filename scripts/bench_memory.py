"""Benchmark (not a test): peak memory of importing a large dataset beside a polars
and a pandas read of the same CSVs, of importing a header and many blank lines, and
of a fresh process running the reports on the imported data.

    python scripts/bench_memory.py [--clients 5000000] [--partners 50000]
        [--activities N] [--blank-lines 10000000] [--csv DIR] [--keep DIR]
        [--runs 1]

Writes the six demo-generator files (3 activities per client unless `--activities`)
unless `--csv` names a folder holding them. Each measurement runs in a child process
that reports its own peak resident set (VmHWM), seconds and CPU seconds: the import
of all six files (every check and the commit; `--runs` times, each into a fresh
folder, the median reported and every run listed), a polars and a pandas read
(dates parsed, no checks), the check of a partners file of a header and
`--blank-lines` blank lines, and the reports (partner report, weekly churn, quota
pace, cohorts, attention).
Files above 1 GB are accepted ($AMD_MAX_FILE_MB defaults to 16384 here). Targets:
the import within 1.5 GB, the blank lines within 300 MB, the reports under 2 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import demo  # noqa: E402
from analytics.ingest import MAX_FILE_MB_ENV  # noqa: E402
from scripts import bench_import  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
MB = 1024 * 1024
REPORTS = ("partner_report", "weekly_churn", "quota_pace", "cohorts", "attention")


def child_reports(data_dir: Path) -> dict:
    """Run the five reports on the committed dataset, one cursor each."""
    from analytics import activity, churn, partners, quota, repurposing, store

    calls = {
        "partner_report": lambda cur: partners.partner_report(cur, AS_OF),
        "weekly_churn": lambda cur: churn.weekly_churn(cur, AS_OF),
        "quota_pace": lambda cur: quota.quota_pace(cur, AS_OF),
        "cohorts": lambda cur: repurposing.cohorts(cur, AS_OF),
        "attention": lambda cur: activity.attention(cur, AS_OF),
    }
    peak_rss_mb = bench_import.peak_rss_mb
    out: dict = {"start_mb": peak_rss_mb(), "steps": {}}
    with store.connect(data_dir) as con:
        for name in REPORTS:
            start = time.perf_counter()
            with con.cursor() as cur:
                rows = len(calls[name](cur))
            out["steps"][name] = {
                "seconds": time.perf_counter() - start,
                "rows": rows,
                "peak_mb": peak_rss_mb(),
            }
    out["peak_mb"] = peak_rss_mb()
    return out


def run_child(*args: str) -> dict:
    """Run this script as a child with `args` and return the JSON it prints."""
    return bench_import.child_json(__file__, *args)


def blank_lines(path: Path, count: int) -> Path:
    """A partners file of a header and `count` blank lines."""
    with open(path, "wb") as handle:
        handle.write(b"Account ID,Account Name,Account Owner,League\n")
        for start in range(0, count, 1_000_000):
            handle.write(b"\n" * min(1_000_000, count - start))
    return path


def run(args: argparse.Namespace, work: Path) -> list[str]:
    """Generate, import, read and report; return the Markdown lines."""
    if args.csv is None:
        paths = demo.write_demo(
            work / "csv",
            partners=args.partners,
            clients=args.clients,
            activities=args.activities,
            as_of=AS_OF,
        )
    else:
        paths = sorted(args.csv.glob("*.csv"))
    megabytes = sum(p.stat().st_size for p in paths) / MB
    data_dir = work / "store"
    before = bench_import.uptime()
    imports = []
    for _ in range(args.runs):  # the last run's dataset stays for the reports
        shutil.rmtree(data_dir, ignore_errors=True)
        imports.append(bench_import.run_child("import", paths, data_dir))
    found = {
        ("import", f"all 6 files, median of {args.runs}"): {
            key: statistics.median(r[key] for r in imports) for key in imports[0]
        },
        ("polars read", "all 6 files"): bench_import.run_child("polars", paths, work),
        ("pandas read", "all 6 files"): bench_import.run_child("pandas", paths, work),
    }
    reports = run_child("reports", str(data_dir))
    stored = sum(p.stat().st_size for p in (data_dir / "versions").glob("*")) / MB
    blank = blank_lines(work / "partners.csv", args.blank_lines)
    found[("check", f"a header and {args.blank_lines:,} blank lines")] = (
        bench_import.run_child("check", [blank], work / "blank-store")
    )
    after = bench_import.uptime()
    lines = [
        f"{len(paths)} files, {megabytes:,.0f} MB of CSV; {stored:,.0f} MB DuckDB file",
        f"load before: {before}",
        f"load after:  {after}",
        "",
        "import runs (seconds, CPU seconds, peak MB): "
        + "; ".join(
            f"{r['seconds']:,.1f}, {r['cpu_seconds']:,.1f}, {r['peak_mb']:,.0f}"
            for r in imports
        ),
        "",
        "| process | step | seconds | CPU seconds | peak RSS (MB) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for (process, name), step in found.items():
        seconds, peak, cpu = step["seconds"], step["peak_mb"], step["cpu_seconds"]
        lines.append(
            f"| {process} | {name} | {seconds:,.1f} | {cpu:,.1f} | {peak:,.0f} |"
        )
    lines.append(f"| reports | (modules loaded) | | | {reports['start_mb']:,.0f} |")
    for name, step in reports["steps"].items():
        lines.append(
            f"| reports | {name} ({step['rows']:,} rows) | {step['seconds']:,.2f}"
            f" | | {step['peak_mb']:,.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5_000_000)
    parser.add_argument("--partners", type=int, default=50_000)
    parser.add_argument("--activities", type=int, help="default: 3 per client")
    parser.add_argument("--blank-lines", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=1, help="imports to run")
    parser.add_argument("--csv", type=Path, help="use the six CSV files in DIR")
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_reports(Path(args.child[1]))))
        return
    os.environ.setdefault(MAX_FILE_MB_ENV, "16384")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        lines = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as work:
            lines = run(args, Path(work))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
