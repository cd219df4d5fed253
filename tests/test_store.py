"""The versioned store: partial uploads, restore, targets typed in the app, and the
staging tables every metric reads."""

from __future__ import annotations

import errno
import hashlib
import os
import threading

import pytest

from analytics import store
from tests.conftest import DATE_COLUMNS, commit_tables, d, frame

PARTNERS = [
    {
        "partner_id": "001A0000000aaaa",
        "partner_name": "Alpha",
        "account_manager": "Ann",
    },
    {"partner_id": "P2", "partner_name": "Beta", "account_manager": "Bob"},
]
CLIENTS = [
    # C1 names Alpha by its 18-character id; C2 belongs to Beta; C3's partner is
    # unknown and C4's is empty: both go to the `(unknown partner)`.
    {"client_id": "C1", "partner_id": "001A0000000aaaaQAZ", "added_date": "2026-01-05"},
    {"client_id": "C2", "partner_id": "P2", "added_date": "2026-01-06"},
    {"client_id": "C3", "partner_id": "P9", "added_date": "2026-01-07"},
    {"client_id": "C4", "partner_id": None, "added_date": "2026-01-08"},
]


def rows(directory, sql: str) -> list[tuple]:
    with store.connect(directory) as con:
        return con.execute(sql).fetchall()


def test_staging_resolves_18_character_ids_and_collects_orphans(tmp_path):
    data = commit_tables(tmp_path / "data", partners=PARTNERS, clients=CLIENTS)
    assert rows(data, "select client_id, partner_id from stg_clients order by 1") == [
        ("C1", "001A0000000aaaa"),
        ("C2", "P2"),
        ("C3", ""),
        ("C4", ""),
    ]
    # two real partners plus the pseudo-partner, which has no AM, league or status
    assert rows(
        data,
        "select partner_name, account_manager, league, account_status"
        " from stg_partners where partner_id = ''",
    ) == [("(unknown partner)", None, None, None)]


def test_no_pseudo_partner_without_orphans(tmp_path):
    data = commit_tables(tmp_path / "data", partners=PARTNERS, clients=CLIENTS[:2])
    assert rows(data, "select count(*) from stg_partners") == [(2,)]


def test_an_upload_of_one_table_keeps_the_others_and_restore_goes_back(tmp_path):
    data = commit_tables(tmp_path / "data", partners=PARTNERS, clients=CLIENTS)
    first = store.current_version(data)
    store.commit(data, {"clients": _frame(CLIENTS[:1])})
    assert rows(data, "select count(*) from partners") == [(2,)]
    assert rows(data, "select count(*) from clients") == [(1,)]

    restored = store.restore(data, first)
    assert restored.kind == "restore" and restored.version != first
    assert rows(data, "select count(*) from clients") == [(4,)]
    # newest first: the restore, the one-table upload, the first upload
    assert [u.kind for u in store.uploads(data)] == ["restore", "upload", "upload"]


def test_a_typed_target_overrides_the_file_and_survives_a_quotas_upload(tmp_path):
    quotas = [
        {"account_manager": "Ann", "month": "2026-11-01", "clients_target": 10},
        {"account_manager": "Bob", "month": "2026-11-01", "clients_target": 20},
    ]
    data = commit_tables(tmp_path / "data", partners=PARTNERS, quotas=quotas)
    store.set_manual_target(data, "Ann", d("2026-11-17"), 12)  # any day -> its month
    targets = (
        "select account_manager, clients_target, source from stg_quotas order by 1"
    )
    assert rows(data, targets) == [("Ann", 12, "manual"), ("Bob", 20, "file")]

    store.commit(data, {"quotas": _frame(quotas[1:])})
    assert rows(data, targets) == [("Ann", 12, "manual"), ("Bob", 20, "file")]


def test_targets_typed_at_the_same_time_are_all_kept(tmp_path):
    data = commit_tables(tmp_path / "data", partners=PARTNERS)
    threads = [
        threading.Thread(
            target=store.set_manual_target, args=(data, f"AM{i}", d("2026-11-01"), i)
        )
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rows(data, "select count(*) from manual_quotas") == [(6,)]


def _frame(records: list[dict]):
    return frame(records, DATE_COLUMNS)


def test_a_full_disk_while_archiving_changes_nothing(tmp_path, monkeypatch):
    # The files are archived in a thread while the version is built: its error
    # still stops the commit before anything is switched, and nothing is left.
    data = commit_tables(tmp_path / "data", partners=PARTNERS, clients=CLIENTS)
    first = store.current_version(data)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_copy_atomic", full)
    upload = tmp_path / "clients.csv"
    upload.write_bytes(b"CRN,Account ID,Created Date\nC1,P2,2026-01-05\n")
    with pytest.raises(store.DiskFull):
        store.commit(
            data, {"clients": _frame(CLIENTS[:1])}, files={"clients": ("c.csv", upload)}
        )
    assert store.current_version(data) == first
    assert [u.version for u in store.uploads(data)] == [first]
    assert [p.name for p in (data / "versions").iterdir()] == [f"{first}.duckdb"]
    assert [p.name for p in (data / "archive").iterdir()] == [first]
    # the old dataset: C1-C4 of the first upload
    assert rows(data, "select count(*) from clients") == [(4,)]


@pytest.mark.parametrize("in_kernel", [True, False])
def test_a_file_in_pieces_is_archived_unchanged(tmp_path, monkeypatch, in_kernel):
    # 12 MB, a piece and a half of 8 MB: copied by the kernel (copy_file_range)
    # or, where the file systems cannot (EXDEV), written from the buffer.
    if not in_kernel:

        def cannot(*args):
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", cannot)
    content = b"id,name\n" + b"P1,Acme\n" * (3 * 2**19)  # 8 bytes a line
    source, target = tmp_path / "partners.csv", tmp_path / "archived.csv"
    source.write_bytes(content)
    digest, size, lines = store._copy_atomic(source, target, True)
    assert target.read_bytes() == content
    assert digest == hashlib.sha256(content).hexdigest()
    # 8 + 8 x 1,572,864 bytes; the header line and 1,572,864 rows
    assert (size, lines) == (12_582_920, 1_572_865)
    assert not target.with_name("archived.csv.tmp").exists()
