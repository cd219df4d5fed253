"""Benchmark (not a test): peak memory of importing a large dataset and of a fresh
process running the reports on it.

    python scripts/bench_memory.py [--clients 5000000] [--partners 50000]
        [--activities 5000000] [--keep DIR]

Generates the dataset with `analytics.demo.write_demo`, imports all six files in a
child process, then runs the partner report, weekly churn, quota pace, cohorts and
attention in another fresh child process. Each child measures its own peak resident
set (VmHWM from /proc/self/status, else getrusage) and prints it as JSON; this
script prints a Markdown table. Target: the report process under 2 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import demo  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
MB = 1024 * 1024
REPORTS = ("partner_report", "weekly_churn", "quota_pace", "cohorts", "attention")


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


def child_import(data_dir: Path, paths: list[Path]) -> dict:
    """Import `paths` into `data_dir` (this process is the child)."""
    from analytics import ingest

    start = time.perf_counter()
    result = ingest.import_paths(data_dir, paths)
    if not result.report.ok:
        raise SystemExit(result.report.format_text())
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_rss_mb()}


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
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


def run(clients: int, partners: int, activities: int, work: Path) -> list[str]:
    """Generate, import and report; return the Markdown lines."""
    start = time.perf_counter()
    paths = demo.write_demo(
        work / "csv",
        partners=partners,
        clients=clients,
        activities=activities,
        as_of=AS_OF,
    )
    generated = time.perf_counter() - start
    megabytes = sum(p.stat().st_size for p in paths) / MB
    data_dir = work / "store"
    imported = run_child("import", str(data_dir), *map(str, paths))
    reports = run_child("reports", str(data_dir))
    stored = sum(p.stat().st_size for p in (data_dir / "versions").glob("*")) / MB
    lines = [
        f"{clients:,} clients, {activities:,} activities, {partners:,} partners:"
        f" {megabytes:,.0f} MB of CSV (generated in {generated:,.0f} s),"
        f" {stored:,.0f} MB DuckDB file",
        "",
        "| process | step | seconds | peak RSS (MB) |",
        "| --- | --- | ---: | ---: |",
        f"| import | all 6 files | {imported['seconds']:,.1f}"
        f" | {imported['peak_mb']:,.0f} |",
        f"| reports | (modules loaded) | | {reports['start_mb']:,.0f} |",
    ]
    for name, step in reports["steps"].items():
        lines.append(
            f"| reports | {name} ({step['rows']:,} rows) | {step['seconds']:,.2f}"
            f" | {step['peak_mb']:,.0f} |"
        )
    verdict = "under" if reports["peak_mb"] < 2048 else "OVER"
    lines.append(
        f"\nreport process peak: {reports['peak_mb']:,.0f} MB ({verdict} the 2 GB"
        " target)"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5_000_000)
    parser.add_argument("--partners", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=5_000_000)
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, data_dir, *paths = args.child
        if kind == "import":
            found = child_import(Path(data_dir), [Path(p) for p in paths])
        else:
            found = child_reports(Path(data_dir))
        print(json.dumps(found))
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        lines = run(args.clients, args.partners, args.activities, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as work:
            lines = run(args.clients, args.partners, args.activities, Path(work))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
