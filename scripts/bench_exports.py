"""Benchmark reading an .xlsx workbook against the same rows as CSV (not a test).

Run from the repository root:

    python -m scripts.bench_exports [--rows 50000] [--runs 3]

Writes a clients sheet of `--rows` rows (CRN, Account ID, Created Date as a real
date, Amount as a number) once as .xlsx (openpyxl) and once as CSV, then times
`ingest.check_files` on each, the median of `--runs` runs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

import openpyxl

from analytics import ingest

HEADER = ["CRN", "Account ID", "Created Date", "Amount"]


def rows(n: int) -> list[list]:
    start = dt.date(2024, 1, 1)
    return [
        [f"C{i}", f"P{i % 500}", start + dt.timedelta(days=i % 700), (i % 997) / 4]
        for i in range(n)
    ]


def as_xlsx(data: list[list]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Clients")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(data: list[list]) -> bytes:
    lines = [",".join(HEADER)]
    lines += [f"{a},{b},{c.isoformat()},{d}" for a, b, c, d in data]
    return ("\n".join(lines) + "\n").encode()


def median_seconds(name: str, content: bytes, expected: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            result = ingest.check_files(Path(folder), [(name, content)])
            times.append(time.perf_counter() - start)
            assert result.report.files[0].rows == expected
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = rows(args.rows)
    xlsx, text = as_xlsx(data), as_csv(data)
    csv_s = median_seconds("clients.csv", text, args.rows, args.runs)
    xlsx_s = median_seconds("clients.xlsx", xlsx, args.rows, args.runs)
    print(f"| file ({args.rows:,} rows) | size | median s |")
    print("| --- | --- | --- |")
    print(f"| CSV | {len(text) / 1e6:.1f} MB | {csv_s:.2f} |")
    print(f"| .xlsx (openpyxl) | {len(xlsx) / 1e6:.1f} MB | {xlsx_s:.2f} |")
    print(f"\nxlsx / csv: {xlsx_s / csv_s:.1f}x")


if __name__ == "__main__":
    main()
