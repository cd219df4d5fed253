"""Concurrency (SPEC section 3): "a reader sees the old data or the new, never a mix".

Readers use the app's data access path without Streamlit (ui/common.py): one
read-only connection per dataset version, shared by every thread, and a cursor per
call. While 20 reader threads run reports, another thread commits uploads in a loop
where upload k holds exactly 100 x k clients, so every read can be checked against
the version it read. Two processes committing into one folder at once are
serialised too."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from analytics import churn, ingest, partners, quota, store
from tests.conftest import d

# Child processes committing and reading at once: `make test`, not `make check`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
AS_OF = d("2024-12-31")
READERS = 20
UPLOADS = 5  # versions 2..6 after the first

PARTNERS = (
    b"Account ID,Account Name,Account Owner,League\n"
    b"P1,Alpha Books,Ann Lee,Premiership\n"
    b"P2,Beta Ledger,Bob Ray,1st Division\n"
    b"P3,Gamma Tax,Ann Lee,\n"
    b"P4,Delta Pay,Cy Dee,Champions League\n"
)


def clients_csv(k: int) -> bytes:
    """Upload k: 100 x k clients over P1-P4, all added in 2024 (before AS_OF)."""
    lines = ["CRN,Account ID,Created Date"]
    for i in range(100 * k):
        day = 1 + i % 28
        lines.append(f"K{k}-C{i},P{1 + i % 4},2024-{1 + i % 12:02d}-{day:02d}")
    return ("\n".join(lines) + "\n").encode()


class Connections:
    """One read-only connection per version, shared by the threads (what
    ui/common.py's st.cache_resource `_connection` holds)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.lock = threading.Lock()
        self.by_version: dict[str, duckdb.DuckDBPyConnection] = {}

    def get(self, version: str) -> duckdb.DuckDBPyConnection:
        with self.lock:
            if version not in self.by_version:
                self.by_version[version] = store.connect(self.directory, version)
            return self.by_version[version]

    def close(self) -> None:
        for con in self.by_version.values():
            con.close()


def read_once(connections: Connections, directory: Path) -> tuple[str, int, int]:
    """(version, partner report clients_total sum, clients counted by a second
    query of the same version), each call on its own cursor."""
    version = store.current_version(directory)
    con = connections.get(version)
    with con.cursor() as cur:
        total = int(partners.partner_report(cur, AS_OF)["clients_total"].sum())
    with con.cursor() as cur:
        churn.weekly_churn(cur, AS_OF)
        quota.quota_pace(cur, AS_OF)
    with con.cursor() as cur:
        counted = cur.execute("select count(*) from stg_clients").fetchone()[0]
    return version, total, counted


def test_readers_see_whole_versions_while_uploads_commit(tmp_path: Path):
    directory = tmp_path / "store"
    first = ingest.import_files(
        directory, [("partners.csv", PARTNERS), ("clients.csv", clients_csv(1))]
    )
    assert first.report.ok
    expected = {first.upload.version: 100}  # version -> clients in it
    connections = Connections(directory)
    done = threading.Event()
    reads: list[tuple[str, int, int]] = []
    failures: list[BaseException] = []

    def commit_loop() -> None:
        try:
            for k in range(2, UPLOADS + 2):
                result = ingest.import_files(
                    directory, [(f"clients{k}.csv", clients_csv(k))]
                )
                assert result.report.ok, result.report.format_text()
                expected[result.upload.version] = 100 * k
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            done.set()

    def read_loop() -> None:
        try:
            while not done.wait(0.01):  # a short think time between reads
                reads.append(read_once(connections, directory))
            reads.append(read_once(connections, directory))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=read_loop) for _ in range(READERS)]
    threads.append(threading.Thread(target=commit_loop))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    connections.close()

    assert failures == []
    assert len(expected) == UPLOADS + 1
    # Every read saw one whole version: the report's total and a second query
    # both equal the 100 x k clients of the version it read.
    wrong = [r for r in reads if not (r[1] == r[2] == expected[r[0]])]
    assert wrong == []
    # The reads overlapped the commits: at least 3 different versions were seen,
    # and the final reads (after the loop) saw the last upload's 100 x 6 clients.
    assert len({version for version, _, _ in reads}) >= 3
    assert max(total for _, total, _ in reads) == 100 * (UPLOADS + 1)


# The child: commit 4 uploads tagged argv[2] into argv[1], one client each.
CHILD = """
import sys
from pathlib import Path
from analytics import ingest

directory, tag = Path(sys.argv[1]), sys.argv[2]
for k in range(4):
    content = f"CRN,Account ID,Created Date\\n{tag}{k},P1,2024-01-05\\n".encode()
    result = ingest.import_files(directory, [(f"{tag}{k}.csv", content)])
    assert result.report.ok, result.report.format_text()
"""


def test_two_processes_committing_at_once_are_serialised(tmp_path: Path):
    directory = tmp_path / "store"
    assert ingest.import_files(directory, [("partners.csv", PARTNERS)]).report.ok
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(directory), tag],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for tag in ("A", "B")
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()

    uploads = store.uploads(directory)
    # 1 partners upload + 2 x 4 client uploads, each its own sequence number.
    assert len(uploads) == 9
    assert sorted(int(u.version[:6]) for u in uploads) == list(range(1, 10))
    assert store.current_version(directory) == uploads[0].version
    for upload in uploads[:-1]:  # the client uploads, newest first
        [archived] = upload.files
        name, content = store.archived_file(directory, upload.version, "clients")
        assert name == archived.name == upload.note
        assert hashlib.sha256(content).hexdigest() == archived.sha256
        # Each version holds exactly its own file's one client: A0.csv -> A0.
        with store.connect(directory, upload.version) as con:
            found = con.execute("select client_id from clients").fetchall()
        assert found == [(name.removesuffix(".csv"),)]
