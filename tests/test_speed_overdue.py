"""Overdue tasks (SPEC 4) read from the staged flags (the overdue_at macro): the
same answer in the open-task list, the partner hygiene, the agenda and the month
grid, a near-miss notes task never counted as an ordinary overdue task.

As of Friday 2026-11-20, one partner P1 (Ann) and four tasks:
- N1 the notes task, open, due Nov 1: the notes task, not overdue;
- M1 "Acct. Mgmt notes", open, due Nov 2: a near-miss notes task (rename), not
  overdue;
- T1 "Chase", open, due Nov 3: overdue (before D);
- C1 "Account Management Notes" Completed, due Nov 4: a near-miss (reopen), and
  not open anyway: not overdue;
- T2 "Prepare", open, due Nov 25: after D, not overdue.
"""

from __future__ import annotations

import pytest

from analytics import activity, calls
from tests.conftest import d

AS_OF = d("2026-11-20")
PARTNERS = [
    {
        "partner_id": "P1",
        "partner_name": "Ash",
        "account_manager": "Ann",
        "account_status": "Active in AM",
    }
]


def task(aid, subject, date, status="Not Started"):
    return {
        "activity_id": aid,
        "partner_id": "P1",
        "account_manager": "Ann",
        "activity_type": "Task",
        "subject": subject,
        "status": status,
        "activity_date": date,
    }


ACTIVITIES = [
    task("N1", "Account Management Notes", "2026-11-01"),
    task("M1", "Acct. Mgmt notes", "2026-11-02"),
    task("T1", "Chase", "2026-11-03"),
    task("C1", "Account Management Notes", "2026-11-04", "Completed"),
    task("T2", "Prepare", "2026-11-25"),
]


@pytest.fixture
def con(make_dataset):
    return make_dataset(partners=PARTNERS, activities=ACTIVITIES)


def test_open_tasks_mark_only_the_ordinary_task_due_before_d(con):
    tasks = activity.open_tasks(con, AS_OF).set_index("activity_id")
    # Open: N1, M1, T1, T2 (C1 is Completed). Overdue: T1 only, 20 - 3 = 17 days.
    assert tasks["is_overdue"].to_dict() == {
        "N1": False,
        "M1": False,
        "T1": True,
        "T2": False,
    }
    assert tasks.loc["T1", "days_overdue"] == 17


def test_partner_hygiene_counts_one_overdue_task(con):
    row = activity.partner_hygiene(con, AS_OF).set_index("partner_id").loc["P1"]
    assert row["overdue_tasks"] == 1  # T1
    assert bool(row["has_notes_task"])  # N1


def test_agenda_and_month_grid_leave_near_misses_unmarked(con):
    month = calls.agenda(con, d("2026-11-01"), d("2026-11-30"), AS_OF)
    # By day: N1 (1st), M1 (2nd), T1 (3rd, overdue), C1 (4th), T2 (25th).
    assert list(month["activity_id"]) == ["N1", "M1", "T1", "C1", "T2"]
    assert month["is_overdue"].tolist() == [False, False, True, False, False]
    counts = calls.day_counts(con, d("2026-11-01"), d("2026-11-30"), AS_OF)
    # One Task row per day; overdue 1 on the 3rd only; completed 1 on the 4th (C1).
    assert counts["overdue"].tolist() == [0, 0, 1, 0, 0]
    assert counts["completed"].tolist() == [0, 0, 0, 1, 0]
