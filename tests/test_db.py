"""The rule macros (analytics/sql/macros.sql) one by one, and reading a version file
made before them."""

from __future__ import annotations

import duckdb
import pytest

from analytics import db, partners, store
from tests.conftest import commit_tables, d


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    db.create_macros(connection)
    yield connection
    connection.close()


def value(con, expression: str, *params):
    return con.execute(f"select {expression}", list(params)).fetchone()[0]


def test_partner_key_matches_18_to_15_characters_case_sensitively(con):
    # An 18-character id is its first 15 characters plus a checksum; any other
    # length is kept as it is.
    assert value(con, "partner_key(?)", "001ABCDEFGHIJKLxyz") == "001ABCDEFGHIJKL"
    assert value(con, "partner_key(?)", "001ABCDEFGHIJKL") == "001ABCDEFGHIJKL"
    assert value(con, "partner_key(?)", "P1") == "P1"
    # Case matters: the 15-character ids 001abc... and 001ABC... are two records.
    assert value(con, "partner_key(?) = partner_key(?)", "001abcdefghijklXYZ",
                 "001ABCDEFGHIJKL") is False  # fmt: skip


@pytest.mark.parametrize(
    ("added", "churned", "expected"),
    [
        ("2026-11-04", None, True),  # added on D
        ("2026-11-05", None, False),  # added after D
        ("2026-10-01", "2026-11-04", False),  # churned on D: gone
        ("2026-10-01", "2026-11-05", True),  # churns after D
    ],
)
def test_active_at_d(con, added, churned, expected):
    assert value(con, "is_active_at(?::date, ?::date, ?::date)", added, churned,
                 "2026-11-04") is expected  # fmt: skip


@pytest.mark.parametrize(
    ("repurposed", "churned", "at_d", "ever"),
    [
        ("2026-11-04", None, True, True),  # repurposed on D, active
        ("2026-11-05", None, False, False),  # repurposed after D
        ("2026-10-10", "2026-10-20", False, True),  # churned after repurposing
        (None, None, False, False),  # never repurposed
    ],
)
def test_repurposed_at_d_and_ever_repurposed(con, repurposed, churned, at_d, ever):
    added, as_of = "2026-10-01", "2026-11-04"
    assert value(con, "is_repurposed_at(?::date, ?::date, ?::date, ?::date)", added,
                 repurposed, churned, as_of) is at_d  # fmt: skip
    assert value(con, "is_ever_repurposed_at(?::date, ?::date)", repurposed,
                 as_of) is ever  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "status", "subject", "notes", "near_miss"),
    [
        ("Task", "Open", "Account Management Notes", True, False),
        (None, "Not Started", "  Account Management Notes ", True, False),
        ("Task", "Open", "Account Mgmt Notes", False, True),
        ("Task", "Open", "account management notes", False, True),
        ("Task", "Open", "Account-Management  Notes.", False, True),
        ("Task", "Open", "Acct. Mgmt Note", False, True),
        ("Task", "Open", "AM Notes", False, True),
        ("Task", "Completed", "Account Management Notes", False, True),
        ("Task", "Open", "Account review notes", False, False),
        ("Call", "Completed", "Account Management Notes", False, False),
    ],
)
def test_notes_task_and_near_miss(con, kind, status, subject, notes, near_miss):
    args = (kind, status, subject)
    assert value(con, "is_notes_task(?, ?, ?)", *args) is notes
    assert value(con, "is_near_miss_notes_task(?, ?, ?)", *args) is near_miss


def test_overdue_task_leaves_out_notes_and_near_miss_tasks(con):
    due, as_of = "2026-10-01", "2026-11-04"
    overdue = "is_overdue_task(?, ?, ?, ?::date, ?::date)"
    assert value(con, overdue, "Task", "Open", "Send pack", due, as_of) is True
    assert value(con, overdue, "Task", "Open", "Send pack", as_of, as_of) is False
    assert value(con, overdue, "Task", "Completed", "Send pack", due, as_of) is False
    assert value(con, overdue, "Task", "Open", "Account Mgmt Notes", due, as_of) is (
        False
    )
    assert value(con, overdue, "Task", "Open", "Account Management Notes", due,
                 as_of) is False  # fmt: skip


def test_touch(con):
    # Events, meetings, calls and emails in any status; tasks only when Completed.
    assert value(con, "is_touch(?, ?)", "Event", None) is True
    assert value(con, "is_touch(?, ?)", "Meeting", "Planned") is True
    assert value(con, "is_touch(?, ?)", "email", "Open") is True
    assert value(con, "is_touch(?, ?)", "Task", "Completed") is True
    assert value(con, "is_touch(?, ?)", None, "Open") is False


@pytest.mark.parametrize(
    ("added", "target", "status"),
    [
        # target 40 over 22 working days, 11 gone: expected 20.
        (21, 40, "Ahead"),  # pace 21 / 20 = 1.05 exactly
        (19, 40, "On pace"),  # 0.95 exactly
        (18, 40, "Behind"),  # 0.90
        (5, 0, "No quota"),
        (5, None, "No quota"),
    ],
)
def test_pace_status(con, added, target, status):
    assert value(con, "pace_status(?, ?, 11, 22)", added, target) == status


def test_pace_status_before_the_first_working_day(con):
    assert value(con, "pace_status(1, 10, 0, 21)") == "Ahead"
    assert value(con, "pace_status(0, 10, 0, 21)") == "On pace"


def test_a_version_file_made_before_the_macros_is_read_with_them(tmp_path):
    commit_tables(
        tmp_path,
        partners=[dict(partner_id="P1", partner_name="Acorn", account_manager="Ann")],
        clients=[dict(client_id="C1", partner_id="P1", added_date="2026-10-01")],
    )
    path = store.version_path(tmp_path, store.current_version(tmp_path))
    # Make it an old file: no macros, and a staging table without the newer column.
    with duckdb.connect(str(path)) as old:
        for name in ("rules_version", "is_active_at", "is_repurposed_at"):
            old.execute(f"drop macro if exists {name}")
        old.execute("alter table stg_activities drop column is_near_miss_notes_task")
    con = db.connect(path)
    report = partners.partner_report(con, d("2026-11-04"))
    # Acorn: C1 added 1 October, active at D.
    assert report[
        ["partner_id", "clients_total", "clients_active"]
    ].values.tolist() == [["P1", 1, 1]]
    columns = {c[0] for c in con.execute("describe stg_activities").fetchall()}
    assert "is_near_miss_notes_task" in columns
    con.close()


def test_expected_pace_and_projection(con):
    # Target 40 over 22 working days, 11 gone, 21 added: expected 40 x 11 / 22 =
    # 20, pace 21 / 20 = 1.05, projection 21 / 11 x 22 = 42.
    assert value(con, "expected_by(40, 11, 22)") == 20
    assert value(con, "pace(21, 40, 11, 22)") == pytest.approx(1.05)
    assert value(con, "projection(21, 11, 22)") == 42
    # No working day gone yet: no pace, no projection.
    assert value(con, "pace(3, 40, 0, 22)") is None
    assert value(con, "projection(3, 0, 22)") is None
