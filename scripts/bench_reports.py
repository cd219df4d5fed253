"""Benchmark (not a test): every report function on a generated 1M-client /
3M-activity dataset, cold (fresh connection) and warm, median of 5, with the partner
report and weekly churn also computed in plain pandas in the same run.

    python scripts/bench_reports.py [--clients 1000000] [--partners 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import (  # noqa: E402
    activity,
    churn,
    demo,
    ingest,
    kpis,
    partners,
    plans,
    quota,
    repurposing,
    store,
)

AS_OF = dt.date(2026, 11, 20)
FUNCTIONS = {
    "partner_report": lambda con: partners.partner_report(con, AS_OF),
    "attention": lambda con: activity.attention(con, AS_OF),
    "activity_by_week": lambda con: activity.activity_by_week(con, AS_OF),
    "open_tasks": lambda con: activity.open_tasks(con, AS_OF),
    "weekly_churn": lambda con: churn.weekly_churn(con, AS_OF),
    "churned_clients": lambda con: churn.churned_clients(con, AS_OF),
    "quota_pace": lambda con: quota.quota_pace(con, AS_OF),
    "cumulative_added": lambda con: quota.cumulative_added(con, AS_OF),
    "repurposing rates": lambda con: repurposing.rates(con, AS_OF),
    "cohorts": lambda con: repurposing.cohorts(con, AS_OF),
    "weekly_velocity": lambda con: repurposing.weekly_velocity(con, AS_OF),
    "goal_vs_amount": lambda con: plans.goal_vs_amount(con, AS_OF),
    "dashboard_kpis": lambda con: kpis.dashboard_kpis(con, AS_OF),
}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pandas_partner_report(p: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """The partner report's client counts in plain pandas, for comparison."""
    as_of = pd.Timestamp(AS_OF)
    month_start = as_of.replace(day=1)
    week_start = as_of - pd.Timedelta(days=as_of.weekday())
    added = c[c["added_date"] <= as_of]
    active = added["churned_date"].isna() | (added["churned_date"] > as_of)
    flags = pd.DataFrame(
        {
            "partner_id": added["partner_id"],
            "clients_total": 1,
            "clients_active": active,
            "clients_repurposed": active & (added["repurposed_date"] <= as_of),
            "added_this_month": added["added_date"] >= month_start,
            "churned_this_week": added["churned_date"].between(week_start, as_of),
        }
    )
    counts = flags.groupby("partner_id").sum()
    report = p.merge(counts, on="partner_id", how="left").fillna(
        {k: 0 for k in counts.columns}
    )
    report["plan_progress"] = report["clients_repurposed"] / report[
        "business_plan_aim"
    ].where(report["business_plan_aim"] > 0)
    return report.sort_values(["league", "account_status", "clients_total"])


def pandas_weekly_churn(p: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    as_of = pd.Timestamp(AS_OF)
    this_week = as_of - pd.Timedelta(days=as_of.weekday())
    weeks = [this_week - pd.Timedelta(weeks=i) for i in range(25, -1, -1)]
    joined = c.merge(p[["partner_id", "league"]], on="partner_id", how="left")
    rows = []
    for monday in weeks:
        sunday = min(monday + pd.Timedelta(days=6), as_of)
        churned = joined["churned_date"].between(monday, sunday)
        active = (joined["added_date"] < monday) & (
            joined["churned_date"].isna() | (joined["churned_date"] >= monday)
        )
        frame = pd.DataFrame({"league": joined["league"], "c": churned, "a": active})
        rows.append(frame.groupby("league", dropna=False).sum().assign(week=monday))
    return pd.concat(rows)


def bench_dataset() -> Path:
    """The dataset a report benchmark reads: `--clients`/`--partners` demo data,
    generated and imported (timed) unless `--keep DIR` already holds it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the dataset here")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="amd-bench-"))
    data_dir = work / "store"
    if store.current_version(data_dir) is None:
        t = timed(
            lambda: demo.write_demo(
                work / "csv", partners=args.partners, clients=args.clients, as_of=AS_OF
            )
        )
        print(f"generated {args.clients:,} clients in {t:.1f} s")
        paths = sorted((work / "csv").glob("*.csv"))
        t = timed(lambda: ingest.import_paths(data_dir, paths))
        print(f"imported all tables in {t:.1f} s")
    return data_dir


def main() -> None:
    data_dir = bench_dataset()

    rows = []
    with store.connect(data_dir) as con:
        for name, fn in FUNCTIONS.items():
            cold = []
            for _ in range(5):
                with store.connect(data_dir) as fresh:
                    cold.append(timed(lambda fresh=fresh, fn=fn: fn(fresh)))
            fn(con)
            warm = [timed(lambda fn=fn: fn(con)) for _ in range(5)]
            rows.append((name, statistics.median(cold), statistics.median(warm)))

        p = con.sql("select * from stg_partners").df()
        c = con.sql("select * from stg_clients").df()
        for column in ("added_date", "repurposed_date", "churned_date"):
            c[column] = pd.to_datetime(c[column])
    pandas_times = {
        "partner_report": statistics.median(
            timed(lambda: pandas_partner_report(p, c)) for _ in range(5)
        ),
        "weekly_churn": statistics.median(
            timed(lambda: pandas_weekly_churn(p, c)) for _ in range(5)
        ),
    }

    print(f"\n{len(c):,} clients, as of {AS_OF}; seconds, median of 5\n")
    print("| function | cold (DuckDB) | warm (DuckDB) | plain pandas (warm) |")
    print("| --- | ---: | ---: | ---: |")
    for name, cold, warm in rows:
        pandas_time = pandas_times.get(name)
        shown = f"{pandas_time:.3f}" if pandas_time else ""
        print(f"| {name} | {cold:.3f} | {warm:.3f} | {shown} |")


if __name__ == "__main__":
    main()
