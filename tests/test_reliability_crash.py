"""Crash safety (SPEC section 3): "a crash mid-commit leaves the old data intact".

The importer runs in a child process that stops at a named point of
`store.commit` (through the `store._crash_point` hook) and is killed there with
SIGKILL. The dataset must then open and equal the old upload exactly (or, once the
pointer has switched, the new one) — never a mix — and the next commit must work
and leave no leftovers behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics import ingest, partners, store
from tests.conftest import d

# Child processes killed mid-commit: `make test`, not `make check`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

PARTNERS = (
    b"Account ID,Account Name,Account Owner\nP1,Alpha Books,Ann Lee\nP2,Beta,Bob\n"
)
OLD = b"CRN,Account ID,Created Date\nC1,P1,2024-01-05\nC2,P2,2024-01-06\n"
NEW = OLD + b"C3,P1,2024-02-01\n"
LATER = NEW + b"C4,P2,2024-03-01\n"
ACTIVITIES = (
    b"Activity ID,Account ID,Assigned,Type,Status,Date\n"
    b"A1,P1,Ann Lee,Call,Completed,2024-01-05\n"
)

# The child: import argv[4] into argv[1], stopping at point argv[2] (after
# writing the marker file argv[3]) until it is killed. It writes argv[3] + ".go"
# when the import starts.
CHILD = """
import sys, time
from pathlib import Path
from analytics import ingest, store

directory, point, marker, upload = sys.argv[1:5]

def stop(name):
    if name == point:
        Path(marker).write_text(name)
        time.sleep(600)

store._crash_point = stop
Path(marker + ".go").write_text("")
ingest.import_paths(Path(directory), [Path(upload)])
"""

POINTS_BEFORE_SWITCH = ["archived", "inserted", "written", "renamed", "manifest"]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """Partners P1, P2, clients C1, C2 and one activity, committed."""
    directory = tmp_path / "store"
    result = ingest.import_files(
        directory,
        [
            ("partners.csv", PARTNERS),
            ("clients.csv", OLD),
            ("activities.csv", ACTIVITIES),
        ],
    )
    assert result.report.ok
    return directory


def client_ids(directory: Path) -> list[str]:
    with store.connect(directory) as con:
        found = con.execute("select client_id from clients order by 1").fetchall()
    return [r[0] for r in found]


def kill_at(directory: Path, point: str, upload: Path, tmp_path: Path) -> None:
    """Run the child until it reaches `point`, then SIGKILL it."""
    marker = tmp_path / f"reached-{point}"
    log = tmp_path / f"child-{point}.log"
    with open(log, "wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(directory), point, str(marker)]
            + [str(upload)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the child never reached {point}"
            time.sleep(0.02)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        returncode = child.wait(timeout=30)
    assert returncode == -signal.SIGKILL


def expected_after(directory: Path, upload: Path, tmp_path: Path) -> dict[str, str]:
    """The checksums the dataset has after `upload` commits, in a copy."""
    copy = tmp_path / "expected"
    shutil.copytree(directory, copy)
    assert ingest.import_paths(copy, [upload]).report.ok
    return store.table_checksums(copy)


def leftovers(directory: Path) -> list[str]:
    """Files no committed upload accounts for."""
    committed = {u.version for u in store.uploads(directory)}
    found = [p.name for p in (directory / "versions").iterdir()]
    stray = [n for n in found if n.removesuffix(".duckdb") not in committed]
    folders = [p.name for p in (directory / "archive").iterdir()]
    stray += [f"archive/{n}" for n in folders if n not in committed]
    return sorted(stray)


def later_commit_works(directory: Path, tmp_path: Path) -> None:
    """A new upload commits on top and nothing stray is left."""
    later = tmp_path / "later.csv"
    later.write_bytes(LATER)
    result = ingest.import_paths(directory, [later])
    assert result.report.ok and result.upload is not None
    assert client_ids(directory) == ["C1", "C2", "C3", "C4"]
    assert leftovers(directory) == []


@pytest.mark.parametrize("point", POINTS_BEFORE_SWITCH)
def test_a_kill_before_the_switch_leaves_the_old_data(
    dataset: Path, tmp_path: Path, point: str
):
    old_version = store.current_version(dataset)
    old_sums = store.table_checksums(dataset)
    old_uploads = [u.version for u in store.uploads(dataset)]
    upload = tmp_path / "clients.csv"
    upload.write_bytes(NEW)

    kill_at(dataset, point, upload, tmp_path)

    assert store.current_version(dataset) == old_version
    assert store.table_checksums(dataset) == old_sums
    assert client_ids(dataset) == ["C1", "C2"]
    # The half-made upload is not listed, so it cannot be restored.
    assert [u.version for u in store.uploads(dataset)] == old_uploads
    with store.connect(dataset) as con:
        report = partners.partner_report(con, d("2024-03-01"))
    # P1 has C1 and P2 has C2.
    assert dict(zip(report.partner_id, report.clients_total, strict=True)) == {
        "P1": 1,
        "P2": 1,
    }
    later_commit_works(dataset, tmp_path)
    assert len(store.uploads(dataset)) == 2  # the fixture's and the later one


def test_a_kill_right_after_the_switch_leaves_the_new_data(
    dataset: Path, tmp_path: Path
):
    upload = tmp_path / "clients.csv"
    upload.write_bytes(NEW)
    new_sums = expected_after(dataset, upload, tmp_path)
    old_version = store.current_version(dataset)

    kill_at(dataset, "switched", upload, tmp_path)

    assert store.current_version(dataset) != old_version
    assert store.table_checksums(dataset) == new_sums
    assert client_ids(dataset) == ["C1", "C2", "C3"]
    assert leftovers(dataset) == []
    later_commit_works(dataset, tmp_path)
    assert len(store.uploads(dataset)) == 3


def test_leftovers_of_a_kill_are_there_until_the_next_commit(
    dataset: Path, tmp_path: Path
):
    # Killed while the new DuckDB file is being built: its temporary file, DuckDB's
    # write-ahead log beside it and the archive folder stay behind.
    upload = tmp_path / "clients.csv"
    upload.write_bytes(NEW)
    kill_at(dataset, "inserted", upload, tmp_path)
    stray = leftovers(dataset)
    assert [n.split(".", 1)[1] for n in stray if "." in n] == [
        "duckdb.tmp",
        "duckdb.tmp.wal",
    ]
    assert sum(n.startswith("archive/") for n in stray) == 1
    later_commit_works(dataset, tmp_path)


def test_kills_at_arbitrary_moments_leave_old_or_new_never_a_mix(
    dataset: Path, tmp_path: Path
):
    """Without the hook: kill a larger import after several delays."""
    big = b"CRN,Account ID,Created Date\n" + b"".join(
        b"C%d,P%d,2024-01-05\n" % (i, 1 + i % 2) for i in range(1, 30_001)
    )
    upload = tmp_path / "big.csv"
    upload.write_bytes(big)
    new_sums = expected_after(dataset, upload, tmp_path)
    old_sums = store.table_checksums(dataset)
    # Delays after the import starts, spread over its ~0.3-1 s of work.
    for n, delay in enumerate((0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)):
        before = store.table_checksums(dataset)
        marker = tmp_path / f"run{n}"
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(dataset), "never", str(marker)]
            + [str(upload)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not Path(f"{marker}.go").exists() and child.poll() is None:
            time.sleep(0.005)
        time.sleep(delay)
        child.kill()
        child.wait(timeout=30)
        after = store.table_checksums(dataset)
        assert after in (before, new_sums)
        if after == new_sums:
            break
    assert store.table_checksums(dataset) in (old_sums, new_sums)
    later_commit_works(dataset, tmp_path)
