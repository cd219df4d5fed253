"""Long lists fetched as their first rows (`limit`) and counted in SQL, so that the
server never holds 10^5 rows for a grid that draws 10^4."""

from __future__ import annotations

import datetime as dt

from analytics import activity, quota
from tests.test_pages_hygiene import NOTES, task

AS_OF = dt.date(2026, 11, 18)
PARTNERS = [
    dict(partner_id="P1", partner_name="Alder Accounts", account_manager="Ann"),
    dict(partner_id="P2", partner_name="Birch Books", account_manager="Ben"),
]
TASKS = [
    task("A1", "P1", "Ann", NOTES, "Not Started", "2026-10-01"),  # the notes task
    task("A3", "P1", "Ann", "Send pack", "Not Started", "2026-11-10"),  # overdue 8
    task("A4", "P2", "Ben", "Chase docs", "Not Started", "2026-11-17"),  # overdue 1
    task("A5", "P2", "Ben", "Review plan", "Not Started", "2026-11-25"),  # not yet
    task("A6", "P1", "Ann", "Old call", "Completed", "2026-11-01", "2026-11-01"),
]
CLIENTS = [
    dict(client_id="C1", partner_id="P1", added_date="2026-11-03"),
    dict(client_id="C2", partner_id="P2", added_date="2026-11-05"),
    dict(client_id="C3", partner_id="P1", added_date="2026-11-12"),
    dict(client_id="C4", partner_id="P2", added_date="2026-10-20"),  # October
]


def test_open_tasks_without_notes_tasks_first_rows(make_dataset):
    con = make_dataset(partners=PARTNERS, activities=TASKS)
    # every open task, oldest due first: A1 (10-01), A3, A4, A5; A6 is completed
    every = activity.open_tasks(con, AS_OF)
    assert list(every["activity_id"]) == ["A1", "A3", "A4", "A5"]
    # without the notes task A1, the first two: A3 (11-10), A4 (11-17)
    first = activity.open_tasks(con, AS_OF, without_notes_tasks=True, limit=2)
    assert list(first["activity_id"]) == ["A3", "A4"]
    assert list(first["days_overdue"]) == [8, 1]  # 18 - 10, 18 - 17
    overdue = activity.open_tasks(
        con, AS_OF, overdue_only=True, without_notes_tasks=True
    )
    assert list(overdue["activity_id"]) == ["A3", "A4"]


def test_open_task_counts(make_dataset):
    con = make_dataset(partners=PARTNERS, activities=TASKS)
    # besides the notes task: A3, A4, A5 open; A3 and A4 overdue
    assert activity.open_task_counts(con, AS_OF) == {"open": 3, "overdue": 2}
    # Ben's: A4 (overdue) and A5
    assert activity.open_task_counts(con, AS_OF, "Ben") == {"open": 2, "overdue": 1}


def test_clients_added_first_rows(make_dataset):
    con = make_dataset(partners=PARTNERS, clients=CLIENTS)
    # November up to the 18th, newest first: C3 (11-12), C2 (11-05), C1 (11-03)
    assert list(quota.clients_added(con, AS_OF)["client_id"]) == ["C3", "C2", "C1"]
    assert list(quota.clients_added(con, AS_OF, limit=2)["client_id"]) == ["C3", "C2"]
