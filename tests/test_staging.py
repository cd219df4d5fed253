"""The staging tables a commit builds (analytics/sql/staging.sql), where they
decide a rule otherwise than row by row."""

from __future__ import annotations

from analytics import store
from tests.conftest import commit_tables

P1 = dict(partner_id="P1", partner_name="Acorn", account_manager="Ann")


def _activity(activity_id: str, kind: str | None, status: str, subject: str | None):
    return dict(
        activity_id=activity_id,
        partner_id="P1",
        account_manager="Ann",
        activity_type=kind,
        subject=subject,
        status=status,
        activity_date="2026-11-02",
    )


def test_near_miss_subject_is_decided_once_for_every_row_with_it(tmp_path):
    # Whether a subject is meant as the notes task's is decided once per distinct
    # subject and joined back: each row's flag still follows its own type and
    # status.
    activities = [
        _activity("A1", "Task", "Open", "Acct. Mgmt Note"),  # near miss: rename
        _activity("A2", "Task", "Open", "Acct. Mgmt Note"),  # the same subject
        _activity("A3", None, "Not Started", "Acct. Mgmt Note"),  # blank type: Task
        _activity("A4", "Call", "Completed", "Acct. Mgmt Note"),  # not a task
        _activity("A5", "Task", "Completed", "Account Management Notes"),  # reopen
        _activity("A6", "Task", "Open", "Account Management Notes"),  # the notes task
        _activity("A7", "Task", "Open", None),  # no subject
        _activity("A8", "Task", "Open", "Account review notes"),  # another subject
    ]
    commit_tables(tmp_path, partners=[P1], activities=activities)
    with store.connect(tmp_path) as con:
        rows = con.execute(
            "select activity_id, is_notes_task, is_near_miss_notes_task,"
            " is_near_miss_notes_task = is_near_miss_notes_task(activity_type,"
            " status, subject) from stg_activities order by activity_id"
        ).fetchall()
    assert rows == [
        ("A1", False, True, True),
        ("A2", False, True, True),
        ("A3", False, True, True),
        ("A4", False, False, True),
        ("A5", False, True, True),
        ("A6", True, False, True),
        ("A7", False, False, True),
        ("A8", False, False, True),
    ]
