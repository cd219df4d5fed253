"""Where a commit's time goes, step by step (not a test).

Run from the repository root:

    python -m scripts.bench_commit import --csv DIR [--runs 3] [--profile 15]
    python -m scripts.bench_commit sql --version-file FILE [--runs 3]
    python -m scripts.bench_commit compare --version-file FILE --other FILE

`import`: imports the six CSV files in DIR into a fresh dataset folder in this
process and times the commit's steps (archive, adopting the check's file and
copying the other tables, macros, staging SQL, rollups, counts, checkpoint, fsync,
manifest) by wrapping the functions `store._commit` calls. With `--profile N`
the first run is also profiled (cProfile, in CPU seconds of every thread) and the
N functions of most CPU of their own are listed, the check's among them (its
DuckDB statements count to the function that runs them).

`sql`: copies the stored tables of a committed version file into a fresh DuckDB
file, then runs each statement of the staging SQL and of the rollups there on
their own, with the commit's DuckDB settings; a plain copy (`create table as
select *`, checkpointed) of activities, stg_activities and stg_clients gives
DuckDB's floor.

`compare`: whether every table of two version files holds the same rows
(`except all` both ways) with the same column names and types, and whether in
the same order (each row with its rowid; main's own commits differ there where
no `order by` fixes it).

`import` and `sql` print a Markdown table of medians (min-max) in CPU seconds
(every DuckDB thread counted) and wall seconds, and `uptime` before and after:
the machine is shared, so quote the load with the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from analytics import db, rollups, store  # noqa: E402
from analytics.ingest import check, upload  # noqa: E402


class Clock:
    """Marks (step, CPU s, wall s) since the last mark."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float, float]] = []
        self.side: list[tuple[str, float, float]] = []  # beside the steps
        self.committing = False
        self.reset()

    def reset(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def mark(self, step: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        self.steps.append((step, cpu - self.cpu, wall - self.wall))
        self.cpu, self.wall = cpu, wall


def _wrap(owner: object, name: str, clock: Clock, before: str, after: str):
    """Replace owner.name by a function marking, within a commit, `before` on
    entry (the time since the last mark) and `after` on return; returns the undo."""
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        if not clock.committing and name != "commit":
            return original(*args, **kwargs)
        clock.committing = True
        if before:
            clock.mark(before)
        result = original(*args, **kwargs)
        clock.mark(after)
        return result

    setattr(owner, name, timed)
    return lambda: setattr(owner, name, original)


def _timed_archive(clock: Clock):
    """Time `store._archive` by its own thread's CPU (it runs beside the build,
    whose steps' CPU seconds include it); returns the undo."""
    original = store._archive

    def timed(*args, **kwargs):
        cpu, wall = time.thread_time(), time.perf_counter()
        result = original(*args, **kwargs)
        step = "archive, in a thread (not in the total: its CPU is in the steps"
        step += " it overlaps)"
        clock.side.append((step, time.thread_time() - cpu, time.perf_counter() - wall))
        return result

    store._archive = timed
    return lambda: setattr(store, "_archive", original)


def run_import(csv: Path, work: Path) -> list[tuple[str, float, float]]:
    clock = Clock()
    undo = [
        _wrap(store, "commit", clock, "check", "manifest and switch"),
        _timed_archive(clock),
        _wrap(check.FileCheck, "finalize", clock, "commit: lock, base", "adopt"),
        _wrap(db, "create_macros", clock, "copy kept tables", "macros"),
        _wrap(rollups, "build", clock, "staging SQL", "rollups"),
        _wrap(store, "_fsync", clock, "counts, wait for archive, checkpoint", "fsync"),
    ]
    try:
        clock.reset()
        result = upload.import_paths(work, sorted(csv.glob("*.csv")))
        clock.mark("after commit")
    finally:
        for restore in undo:
            restore()
    if not result.report.ok:
        raise SystemExit(result.report.format_text())
    return clock.steps + clock.side


def print_profile(profile: cProfile.Profile, count: int) -> None:
    """The `count` functions of most CPU seconds of their own, as a Markdown
    table."""
    # (file, line, name) -> (primitive calls, calls, own, cumulative, callers)
    stats = pstats.Stats(profile).stats
    rows = sorted(stats.items(), key=lambda item: -item[1][2])[:count]
    print("| function | calls | own CPU s | with what it calls |")
    print("| --- | ---: | ---: | ---: |")
    for (file, line, name), (_, calls, own, cumulative, _) in rows:
        where = f"{Path(file).name}:{line} {name}" if line else name
        print(f"| {where} | {calls} | {own:.2f} | {cumulative:.2f} |")


def run_sql(version_file: Path, work: Path) -> list[tuple[str, float, float]]:
    clock = Clock()
    con = duckdb.connect(
        config={"memory_limit": "1000MB", "temp_directory": str(work / "spill")}
    )
    con.execute("attach ? as old (read_only)", [str(version_file)])
    con.execute("attach ? as new_version", [str(work / "new.duckdb")])
    con.execute("use new_version")
    for name in store.ALL_TABLES:
        con.execute(f"create table {name} as select * from old.{name}")
    con.execute("checkpoint")
    # DuckDB's floor: a plain copy of the largest tables the commit writes
    for name in ("activities", "stg_activities", "stg_clients"):
        clock.reset()
        con.execute(f"create table floor_copy as select * from old.{name}")
        con.execute("checkpoint")
        clock.mark(f"floor (not in the total): copy {name} (CTAS, checkpoint)")
        con.execute("drop table floor_copy")
        con.execute("checkpoint")
    clock.reset()
    db.create_macros(con)
    clock.mark("macros")
    for label, sql in [
        ("staging", db.STAGING_SQL.read_text()),
        ("rollups", rollups.ROLLUPS_SQL),
    ]:
        for statement in con.extract_statements(sql):
            con.execute(statement)
            found = re.search(r"table\s+(\w+)", statement.query)
            clock.mark(f"{label}: {found.group(1) if found else statement.query[:30]}")
    con.execute("checkpoint")
    clock.mark("checkpoint")
    con.close()
    return clock.steps


def compare(one: Path, other: Path) -> bool:
    """Print, for every table of either file, whether both hold it alike."""
    con = duckdb.connect()
    con.execute("attach ? as one (read_only)", [str(one)])
    con.execute("attach ? as other (read_only)", [str(other)])
    listed = "select table_name from duckdb_tables() where database_name = ?"
    names = {
        database: {r[0] for r in con.execute(listed, [database]).fetchall()}
        for database in ("one", "other")
    }
    alike = True
    for name in sorted(names["one"] | names["other"]):
        if name not in names["one"] or name not in names["other"]:
            print(f"{name}: only in one file")
            alike = False
            continue
        described = [
            con.execute(
                f"select column_name, column_type from (describe {db}.{name})"
            ).fetchall()
            for db in ("one", "other")
        ]
        missing, moved = [], []
        for a, b in (("one", "other"), ("other", "one")):
            for rows, found in (("*", missing), ("rowid, *", moved)):
                found.append(
                    con.execute(
                        f"select count(*) from (select {rows} from {a}.{name}"
                        f" except all select {rows} from {b}.{name})"
                    ).fetchone()[0]
                )
        count = con.execute(f"select count(*) from one.{name}").fetchone()[0]
        same = described[0] == described[1] and missing == [0, 0]
        alike = alike and same
        print(
            f"{name}: {count:,} rows, {'identical' if same else 'DIFFERENT'}"
            f" (types {'same' if described[0] == described[1] else 'differ'},"
            f" rows only in one/other {missing}; in the same order:"
            f" {'yes' if moved == [0, 0] else 'no'})"
        )
    return alike


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("import", "sql", "compare"))
    parser.add_argument("--csv", type=Path, help="the six CSV files (import)")
    parser.add_argument("--version-file", type=Path, help="a version file (sql)")
    parser.add_argument("--other", type=Path, help="a second version file (compare)")
    parser.add_argument("--keep", type=Path, help="import into DIR and keep it")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="list N functions (import)"
    )
    args = parser.parse_args()
    if args.mode == "compare":
        raise SystemExit(0 if compare(args.version_file, args.other) else 1)
    os.environ.setdefault("AMD_MAX_FILE_MB", "16384")
    print("before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout)
    runs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    profile = cProfile.Profile(time.process_time) if args.profile else None
    for run in range(args.runs):
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
        work = args.keep or Path(tempfile.mkdtemp(prefix="bench-commit-"))
        try:
            if args.mode == "import" and profile is not None and run == 0:
                steps = profile.runcall(run_import, args.csv, work)
            elif args.mode == "import":
                steps = run_import(args.csv, work)
            else:
                steps = run_sql(args.version_file, work)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for step, cpu, wall in steps:
            totals[step][0] += cpu
            totals[step][1] += wall
        for step, (cpu, wall) in totals.items():
            runs[step].append((cpu, wall))
        counted = [s for s in steps if "not in the total" not in s[0]]
        runs["total"].append((sum(s[1] for s in counted), sum(s[2] for s in counted)))
    print("| step | CPU s | wall s |")
    print("| --- | ---: | ---: |")
    for step, values in runs.items():
        cpus, walls = [v[0] for v in values], [v[1] for v in values]
        print(
            f"| {step} | {statistics.median(cpus):.2f} ({min(cpus):.2f}-"
            f"{max(cpus):.2f}) | {statistics.median(walls):.2f} ({min(walls):.2f}-"
            f"{max(walls):.2f}) |"
        )
    if profile is not None:
        print_profile(profile, args.profile)
    print("after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
