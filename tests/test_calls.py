"""The call list and the calendar's agenda (analytics.calls) on a small dataset
worked out by hand.

As of Friday 2026-11-20. Cadences (days allowed between touches): Champions League
14, Premiership 21, 2nd Division 45, no league 30. Partners (AM, league, last touch,
notes task, overdue tasks):
- P1 Ash (Ann, Champions League): call Oct 31 -> 20 days > 14; notes task.
- P2 Beech (Ann, Champions League): call Nov 10 -> 10 days; notes task: fine.
- P3 Cherry (Ann, Champions League): never touched; no notes task.
- P4 Damson (Ann, Premiership): event Oct 21 -> 30 days > 21; notes task; a task
  due Nov 1 still open (overdue).
- P5 Elder (Bob, no league): email Nov 15 -> 5 days; no notes task.
- P6 Fig (Bob, no league): task completed Oct 11 -> 40 days > 30; notes task; two
  open tasks due Nov 2 and Nov 19 (both before D: overdue).
- P7 Gorse (Bob, 2nd Division): call Oct 6 -> 45 days, not above 45; notes task:
  fine.
- P8 Holly (Bob, 2nd Division): call Oct 5 -> 46 days > 45; notes task.
- A client of partner ZZZ makes the `(unknown partner)`, never touched: left out.
"""

from __future__ import annotations

import pytest

from analytics import calls
from tests.conftest import d

AS_OF = d("2026-11-20")
NOTES = "Account Management Notes"


def partner(pid, name, am, league=None):
    return {
        "partner_id": pid,
        "partner_name": name,
        "account_manager": am,
        "league": league,
        "account_status": "Active in AM",
    }


PARTNERS = [
    partner("P1", "Ash", "Ann", "Champions League"),
    partner("P2", "Beech", "Ann", "Champions League"),
    partner("P3", "Cherry", "Ann", "Champions League"),
    partner("P4", "Damson", "Ann", "Premiership"),
    partner("P5", "Elder", "Bob"),
    partner("P6", "Fig", "Bob"),
    partner("P7", "Gorse", "Bob", "2nd Division"),
    partner("P8", "Holly", "Bob", "2nd Division"),
]


def act(aid, pid, kind, date, subject="Catch-up", status="Completed", done=None):
    return {
        "activity_id": aid,
        "partner_id": pid,
        "account_manager": "Ann" if pid in ("P1", "P2", "P3", "P4") else "Bob",
        "activity_type": kind,
        "subject": subject,
        "status": status,
        "activity_date": date,
        "completed_date": done,
    }


def notes(aid, pid):
    return act(aid, pid, "Task", "2026-01-05", NOTES, "Not Started")


ACTIVITIES = [
    act("A1", "P1", "Call", "2026-10-31"),
    notes("N1", "P1"),
    act("A2", "P2", "Call", "2026-11-10"),
    notes("N2", "P2"),
    act("A4", "P4", "Event", "2026-10-21", status=None),
    notes("N4", "P4"),
    act("A5", "P4", "Task", "2026-11-01", "Send pack", "Not Started"),
    act("A6", "P5", "Email", "2026-11-15"),
    act("A7", "P6", "Task", "2026-10-08", "Follow up", "Completed", "2026-10-11"),
    notes("N6", "P6"),
    act("A8", "P6", "Task", "2026-11-02", "Chase", "In Progress"),
    act("A9", "P6", "Task", "2026-11-19", "Review", "Not Started"),
    act("A10", "P7", "Call", "2026-10-06"),
    notes("N7", "P7"),
    act("A11", "P8", "Call", "2026-10-05"),
    notes("N8", "P8"),
    # After D, in the agenda's week: Ash's call on Monday 23rd.
    act("A12", "P1", "Call", "2026-11-23", status="Not Started"),
]

CLIENTS = [{"client_id": "C1", "partner_id": "ZZZ", "added_date": "2026-09-01"}]


@pytest.fixture
def con(make_dataset):
    return make_dataset(partners=PARTNERS, activities=ACTIVITIES, clients=CLIENTS)


def test_call_list_reasons_and_order(con):
    frame = calls.call_list(con, AS_OF)
    # By league (no league, Champions League, Premiership, 2nd Division), then days
    # over the cadence, most first, never touched first of all:
    # - no league: Fig 40 - 30 = +10, Elder 5 - 30 = -25 (listed for its notes);
    # - Champions League: Cherry never, Ash 20 - 14 = +6 (Beech is fine);
    # - Premiership: Damson 30 - 21 = +9;
    # - 2nd Division: Holly 46 - 45 = +1 (Gorse at exactly 45 is within).
    assert list(frame["partner_name"]) == [
        "Fig",
        "Elder",
        "Cherry",
        "Ash",
        "Damson",
        "Holly",
    ]
    assert list(frame["reasons"]) == [
        "no touch for 40 days (cadence 30); 2 overdue tasks",
        "no notes task",
        "never touched; no notes task",
        "no touch for 20 days (cadence 14)",
        "no touch for 30 days (cadence 21); 1 overdue task",
        "no touch for 46 days (cadence 45)",
    ]
    assert list(frame["cadence_days"]) == [30, 30, 14, 14, 21, 45]
    assert frame["days_over"].tolist()[:2] == [10, -25]
    assert frame["days_over"].isna().tolist() == [False, False, True] + [False] * 3


def test_call_list_for_one_account_manager(con):
    frame = calls.call_list(con, AS_OF, account_manager="Ann")
    # Ann's: Cherry (never), Ash (+6), Damson (+9, Premiership after CL).
    assert list(frame["partner_name"]) == ["Cherry", "Ash", "Damson"]


def test_call_list_with_another_cadence(con):
    frame = calls.call_list(
        con, AS_OF, cadence_days={"Champions League": 25, "2nd Division": 50}
    )
    # Ash's 20 days are now within 25 and Holly's 46 within 50; leagues not named
    # get 30 days: Damson's 30 is within, so only its overdue task lists it.
    assert list(frame["partner_name"]) == ["Fig", "Elder", "Cherry", "Damson"]
    assert frame["reasons"].iloc[3] == "1 overdue task"


def test_agenda_marks_overdue_tasks(con):
    week = calls.agenda(con, d("2026-11-16"), d("2026-11-22"), AS_OF)
    # The week of Nov 16: Elder's email (15th) is the Sunday before; A9 (Fig, due
    # 19th, open) is overdue at D = 20th; A12 (23rd) is next week. A2 (10th) before.
    assert list(week["activity_id"]) == ["A9"]
    assert week["is_overdue"].tolist() == [True]
    month = calls.agenda(con, d("2026-11-01"), d("2026-11-30"), AS_OF)
    # November: A5 (1st, overdue), A8 (2nd, overdue), A2 (10th), A6 (15th), A9
    # (19th, overdue), A12 (23rd, after D: open, not overdue).
    assert list(month["activity_id"]) == ["A5", "A8", "A2", "A6", "A9", "A12"]
    assert month["is_overdue"].tolist() == [True, True, False, False, True, False]
    # One page of two lines, from the third: A2, A6.
    page = calls.agenda(con, d("2026-11-01"), d("2026-11-30"), AS_OF, offset=2, limit=2)
    assert list(page["activity_id"]) == ["A2", "A6"]


def test_day_counts(con):
    counts = calls.day_counts(con, d("2026-10-01"), d("2026-10-31"), AS_OF)
    # October: A10 (6th, call), A11 (5th, call), A7 (8th, completed task), A4 (21st,
    # event), A1 (31st, call); none overdue (none open).
    rows = {(str(r.date), r.activity_type): (r.items, r.completed, r.overdue)
            for r in counts.itertuples()}  # fmt: skip
    assert rows == {
        ("2026-10-05", "Call"): (1, 0, 0),
        ("2026-10-06", "Call"): (1, 0, 0),
        ("2026-10-08", "Task"): (1, 1, 0),
        ("2026-10-21", "Event"): (1, 0, 0),
        ("2026-10-31", "Call"): (1, 0, 0),
    }
