"""How long the fast test loop takes: the tests of `make check` (not slow, not
browser) run serially and on every core, `--runs` times each; prints the medians,
their ratio and the load average before and after (the machine is shared).

    python scripts/bench_check.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
SELECT = ["-m", "not slow and not browser"]


def seconds(extra: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(TESTS + extra + SELECT, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"load before: {os.getloadavg()}")
    serial = [seconds([]) for _ in range(runs)]
    parallel = [seconds(["-n", "auto"]) for _ in range(runs)]
    print(f"load after: {os.getloadavg()}")
    a, b = statistics.median(serial), statistics.median(parallel)
    print(f"serial:  median {a:.1f} s of {[round(s, 1) for s in serial]}")
    print(f"-n auto: median {b:.1f} s of {[round(s, 1) for s in parallel]}")
    print(f"ratio serial / -n auto: {a / b:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
