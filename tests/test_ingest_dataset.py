"""An upload checked against the dataset it lands on (SPEC section 3, issues 14
and 15): dropped partners, stale optional tables, the demo's tables, a first
upload without a required table, and a commit that lands after another."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics import ingest, store
from tests.conftest import run_cli

PARTNERS = b"Account ID,Account Name,Account Owner\nP1,Alpha,Ann\nP2,Beta,Bob\n"
CLIENTS = b"CRN,Account ID,Created Date\nC1,P1,2024-01-05\nC2,P2,2024-01-06\n"
ACTIVITIES = (
    b"Activity ID,Account ID,Assigned,Type,Status,Date\n"
    b"A1,P1,Ann,Call,Completed,2024-02-01\n"
    b"A2,P2,Bob,Call,Completed,2024-02-02\n"
    b"A3,P2,Bob,Email,Completed,2024-02-03\n"
)
CONTACTS = b"Contact ID,Account ID,Contact Name\nK1,P1,Kim\nK2,P2,Lee\nK3,P2,Max\n"
QUOTAS = b"Account Manager,Month,Target\nAnn,2024-02,5\nBob,2024-02,4\n"


def codes(report, code: str) -> list[tuple]:
    return [(p.file, p.reason) for p in report.problems if p.code == code]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    directory = tmp_path / "store"
    files = [
        ("partners.csv", PARTNERS),
        ("clients.csv", CLIENTS),
        ("activities.csv", ACTIVITIES),
        ("contacts.csv", CONTACTS),
        ("quotas.csv", QUOTAS),
    ]
    assert ingest.import_files(directory, files).upload is not None
    return directory


def test_partners_that_drop_partners_still_used_are_warned_with_counts(dataset):
    only_p1 = b"Account ID,Account Name,Account Owner\nP1,Alpha,Ann\n"
    result = ingest.import_files(dataset, [("partners.csv", only_p1)])
    # P2 is gone; it owns C2 (1 client) and A2, A3 (2 activities).
    assert codes(result.report, "partner.dropped") == [
        (
            "partners.csv",
            "1 partner of the current data not in this file (e.g. P2) still own 1"
            " client and 2 activities of the current data, which will show under"
            " (unknown partner)",
        )
    ]
    # Contacts: 1 of 3 (K1) is for P1, below half; quotas: Ann's row of 2, half.
    assert codes(result.report, "table.stale") == [
        (
            "partners.csv",
            "Contacts kept from before: 3 contacts, 1 of them for these partners;"
            " clear the table if it is out of date",
        )
    ]
    assert result.upload is not None  # warnings do not block


def test_new_partners_with_their_own_clients_warn_only_about_stale_tables(dataset):
    partners = b"Account ID,Account Name,Account Owner\nP3,Gamma,Cy\n"
    clients = b"CRN,Account ID,Created Date\nC3,P3,2024-01-05\n"
    activities = b"Activity ID,Account ID,Assigned,Date\nA9,P3,Cy,2024-02-01\n"
    files = [
        ("partners.csv", partners),
        ("clients.csv", clients),
        ("activities.csv", activities),
    ]
    result = ingest.check_files(dataset, files)
    assert codes(result.report, "partner.dropped") == []
    assert [r for _, r in codes(result.report, "table.stale")] == [
        "Contacts kept from before: 3 contacts, 0 of them for these partners;"
        " clear the table if it is out of date",
        "Quotas kept from before: 2 quota rows, 0 of them for these partners;"
        " clear the table if it is out of date",
    ]


def test_the_demos_tables_are_cleared_by_a_real_upload_of_partners(
    tmp_path: Path, monkeypatch
):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "partners.csv").write_bytes(PARTNERS)
    (demo / "clients.csv").write_bytes(CLIENTS)
    (demo / "activities.csv").write_bytes(ACTIVITIES)
    (demo / "contacts.csv").write_bytes(CONTACTS)
    monkeypatch.setattr(store, "DEMO_DIR", demo)
    directory = tmp_path / "store"
    ingest.import_demo(directory)
    mine = b"Account ID,Account Name,Account Owner\nX1,Mine,Zoe\n"
    result = ingest.import_files(directory, [("partners.csv", mine)])
    assert codes(result.report, "table.demo_cleared") == [
        (
            "partners.csv",
            "the demo data's clients, activities, contacts will be cleared: they"
            " belong to the demo, not to these partners; upload your own to fill"
            " them",
        )
    ]
    # Nothing else is said about the demo's rows: they are gone, not orphaned.
    assert codes(result.report, "partner.dropped") == []
    assert result.report.cleared == ["clients", "activities", "contacts"]
    assert result.upload.tables == {
        "partners": 1,
        "clients": 0,
        "activities": 0,
        "quotas": 0,
        "account_plans": 0,
        "contacts": 0,
        "users": 0,
        "manual_quotas": 0,
    }


def test_quotas_alone_cannot_start_a_dataset(tmp_path: Path):
    result = ingest.import_files(tmp_path, [("quotas.csv", QUOTAS)])
    assert result.upload is None and store.current_version(tmp_path) is None
    assert [(p.code, p.reason) for p in result.report.problems] == [
        (
            "upload.required_missing",
            "there is no data yet, and this upload holds none of the required"
            " tables (partners, clients, activities): upload them first, or with it",
        )
    ]


def test_a_commit_landing_between_check_and_commit_makes_the_upload_recheck(dataset):
    # While the clients file is checked (against P1 and P2), another upload
    # replaces the partners with P1 alone. The commit must not land on data it
    # was not checked against: it checks again and then warns about C2.
    clients = b"CRN,Account ID,Created Date\nC1,P1,2024-01-05\nC2,P2,2024-01-06\n"
    only_p1 = b"Account ID,Account Name,Account Owner\nP1,Alpha,Ann\n"
    landed = []

    def meanwhile(stage: str, name: str, rows: int, seconds: float) -> None:
        if stage == "check" and not landed:
            landed.append(ingest.import_files(dataset, [("p.csv", only_p1)]))

    result = ingest.import_files(
        dataset, [("clients.csv", clients)], progress=meanwhile
    )
    assert landed[0].upload is not None
    assert result.report.base_version == landed[0].upload.version
    assert [(p.code, p.row) for p in result.report.problems] == [
        ("partner.not_found", 3)
    ]
    assert store.uploads(dataset)[0].version == result.upload.version


def test_clear_empties_one_optional_table_and_needs_a_dataset(dataset, tmp_path):
    def clear(directory: Path, table: str):
        return run_cli("--data-dir", directory, "clear", table)

    before = store.current_version(dataset)
    done = clear(dataset, "contacts")
    assert done.returncode == 0, done.stderr
    upload = store.uploads(dataset)[0]
    assert (upload.kind, upload.tables["contacts"], upload.tables["clients"]) == (
        "clear",
        0,
        2,
    )
    assert upload.version != before
    empty = tmp_path / "nothing"
    refused = clear(empty, "quotas")
    assert refused.returncode == 2 and not empty.exists()
    assert clear(dataset, "clients").returncode == 2  # a required table: usage
