"""Measurement (not a test): Dashboard loads that mix two dataset versions while a
command-line loop commits (issue 14, item 14).

    python scripts/measure_version_mix.py [--loads 120]

A fresh AppTest session loads the Dashboard `--loads` times while another process
runs `python -m analytics import` in a loop. Upload k (k = 1..5, in turn) holds
10 x k clients added on Nov 2, k of them churned on Nov 15 + k (this week) and k
others repurposed on Nov 10, so each figure, from the first report call of a run
to the last, says which version it came from: the sidebar's "Data up to" (the
latest date, Nov 15 + k), the "Clients added" tile (10 k), the "Churned this week"
tile (k), the quota chart's table (10 k added), the churn chart's table (k this
week) and the repurposing chart's table (k). A load whose figures name two k's
mixed versions. Prints loads, commits during them, mixed loads, `uptime`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from analytics import store  # noqa: E402

AS_OF = "2026-11-20"  # a Friday: this week is Nov 16-20
FILES = {
    "partners.csv": "Account ID,Account Name,Account Owner\nP1,Alder,Ann\n",
    "quotas.csv": "Account Manager,Month,Target\nAnn,2026-11,40\n",
    "activities.csv": "Activity ID,Account ID,Assigned,Date\nA1,P1,Ann,2026-11-10\n",
}


def clients_csv(k: int) -> str:
    lines = ["CRN,Account ID,Created Date,Churned Date,Repurposed Date"]
    for i in range(10 * k):
        churned = f"2026-11-{15 + k}" if i < k else ""
        repurposed = "2026-11-10" if k <= i < 2 * k else ""
        lines.append(f"K{k}-{i},P1,2026-11-02,{churned},{repurposed}")
    return "\n".join(lines) + "\n"


def load_figures() -> tuple[int, ...]:
    """One Dashboard load in a new session: the k each figure names (all equal
    when the page read one version)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["as_of"] = AS_OF
    at.run()
    assert not at.exception, at.exception
    tiles = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    tables = [t.value for t in at.dataframe]
    pace = next(t for t in tables if "pace" in t.columns)
    churn = next(t for t in tables if "active_at_start" in t.columns)
    velocity = next(
        t for t in tables if list(t.columns) == ["week_start", "repurposed"]
    )
    data_up_to = at.sidebar.caption[0].value  # "Data up to 1k Nov 2026 · ..."
    return (
        int(data_up_to.split()[3]) - 15,
        tiles["Clients added this month"] // 10,
        tiles["Churned this week"],
        int(pace["added"].sum()) // 10,
        int(churn["churned"].iloc[-1]),
        int(velocity["repurposed"].sum()),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=120)
    args = parser.parse_args()
    # A served app leaves the legacy pages/ mode on its first run (see ui.common).
    original_init = PagesManager.__init__

    def init(self, *a, **kw):
        original_init(self, *a, **kw)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init

    work = Path(tempfile.mkdtemp(prefix="version-mix-"))
    directory = work / "store"
    for name, text in {
        **FILES,
        **{f"clients_{k}.csv": clients_csv(k) for k in range(1, 6)},
    }.items():
        (work / name).write_text(text)
    cli = [sys.executable, "-m", "analytics", "--data-dir", str(directory), "import"]
    subprocess.run(
        [*cli, *(work / n for n in [*FILES, "clients_1.csv"])], cwd=ROOT, check=True,
        capture_output=True,
    )  # fmt: skip
    os.environ[store.DATA_DIR_ENV] = str(directory)
    loop = subprocess.Popen(
        ["bash", "-c", f'while true; do for k in 2 3 4 5 1; do {" ".join(cli)} '
         f'{work}/clients_$k.csv > /dev/null || exit 1; done; done'],
        cwd=ROOT,
    )  # fmt: skip
    try:
        first = store.current_version(directory)
        mixed = 0
        started = time.perf_counter()
        for n in range(args.loads):
            figures = load_figures()
            if len(set(figures)) > 1:
                mixed += 1
                print(f"load {n + 1}: mixed {figures}")
        seconds = time.perf_counter() - started
        last = store.current_version(directory)
    finally:
        loop.terminate()
        loop.wait()
    commits = int(last[:6]) - int(first[:6])
    print(
        f"{args.loads} Dashboard loads in {seconds:.0f} s while {commits} commits "
        f"landed: {mixed} mixed two versions"
    )
    print(
        "uptime:",
        subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    )


if __name__ == "__main__":
    main()
