"""Time the download writers on a partner-report-like table.

    python scripts/bench_downloads.py [--rows 20000] [--runs 5]

Prints the median seconds of `to_csv_bytes`, `to_excel_bytes` (openpyxl's
write-only workbook) and pandas' `DataFrame.to_excel` (the writer it replaced),
and the load from `uptime`.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import export  # noqa: E402


def table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "partner_id": [f"0014J0000{i:06d}" for i in range(rows)],
            "partner_name": [f"Partner {i} & Sons Ltd" for i in range(rows)],
            "account_manager": rng.choice(["Priya Sharma", "=cmd", "-Ann"], rows),
            "clients_total": rng.integers(0, 500, rows),
            "plan_progress": rng.random(rows),
            "added_date": pd.Timestamp("2026-01-01")
            + pd.to_timedelta(rng.integers(0, 300, rows), unit="D"),
        }
    )


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    df = table(args.rows)

    def pandas_excel() -> bytes:
        buffer = io.BytesIO()
        export.neutralise(df).to_excel(buffer, index=False)
        return buffer.getvalue()

    results = {
        "to_csv_bytes": median_seconds(lambda: export.to_csv_bytes(df), args.runs),
        "to_excel_bytes": median_seconds(lambda: export.to_excel_bytes(df), args.runs),
        "pandas to_excel": median_seconds(pandas_excel, args.runs),
    }
    for name, seconds in results.items():
        print(f"{name:>16}: {seconds:.3f} s (median of {args.runs}, {args.rows} rows)")
    ratio = results["pandas to_excel"] / results["to_excel_bytes"]
    print(f"pandas to_excel / to_excel_bytes: {ratio:.2f}")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
