"""Touches, tasks, the notes task and needs-attention, checked against numbers
worked out by hand.

As of D = Wednesday 2026-11-04: this week is Mon 2026-11-02 to D.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import activity, schema
from tests.conftest import d

D = d("2026-11-04")

ALDER, BEECH, CHERRY, DAMSON, ELDER = (
    "001000000000001",
    "001000000000002",
    "001000000000003",
    "001000000000004",
    "001000000000005",
)

PARTNERS = [
    dict(
        partner_id=ALDER,
        partner_name="Alder",
        account_manager="Ann",
        league="Premiership",
    ),
    dict(
        partner_id=BEECH,
        partner_name="Beech",
        account_manager="Ann",
        league="Champions League",
    ),
    dict(partner_id=CHERRY, partner_name="Cherry", account_manager="Bob", league=None),
    dict(
        partner_id=DAMSON,
        partner_name="Damson",
        account_manager="Bob",
        league="1st Division",
    ),
    dict(
        partner_id=ELDER,
        partner_name="Elder",
        account_manager="Cat",
        league="2nd Division",
    ),
]

CLIENTS = [
    # Beech: two churned this week (11-02 and on D), one the day after D
    dict(
        client_id="K1",
        partner_id=BEECH,
        added_date="2026-05-01",
        churned_date="2026-11-02",
    ),
    dict(
        client_id="K2",
        partner_id=BEECH,
        added_date="2026-05-01",
        churned_date="2026-11-04",
    ),
    dict(
        client_id="K3",
        partner_id=BEECH,
        added_date="2026-05-01",
        churned_date="2026-11-05",
    ),
    # Damson: one churned this week (1 < 2: no churn reason)
    dict(
        client_id="K4",
        partner_id=DAMSON,
        added_date="2026-05-01",
        churned_date="2026-11-03",
    ),
]


def act(aid, partner_id, am, kind, subject, status, date, completed=None):
    return dict(
        activity_id=aid,
        partner_id=partner_id,
        account_manager=am,
        activity_type=kind,
        subject=subject,
        status=status,
        activity_date=date,
        completed_date=completed,
    )


NOTES = schema.NOTES_SUBJECT
ALL_FOUR = "no touch in 30+ days; no notes task; overdue task; churn this week"
ACTIVITIES = [
    # Alder: call (touch, blank status), task completed 10-25 (touch dated 10-25),
    # notes task with surrounding spaces, a task due today (not overdue), and a call
    # after D (neither a touch nor counted by week).
    act("A1", ALDER, "Ann", "Call", "Catch-up", None, "2026-10-20"),
    act("A2", ALDER, "Ann", "Task", "Pricing", "Completed", "2026-10-01", "2026-10-25"),
    act("A3", ALDER, "Ann", "Task", f"  {NOTES} ", "In Progress", "2026-09-01"),
    act("A4", ALDER, "Ann", "Task", "Check-in", "Not Started", "2026-11-04"),
    act("A5", ALDER, "Ann", "Call", "Later", None, "2026-11-06"),
    # Beech: event 10-05 (touch, any status), task completed 11-06 (after D: not a
    # touch at D), its notes task is Completed (does not count), task due 11-03
    # (overdue by 1 day).
    act("B1", BEECH, "Ann", "Event", "Visit", "Planned", "2026-10-05"),
    act("B2", BEECH, "Ann", "Task", "Review", "Completed", "2026-10-30", "2026-11-06"),
    act("B3", BEECH, "Ann", "Task", NOTES, "Completed", "2026-08-01", "2026-08-02"),
    act("B4", BEECH, "Ann", "Task", "Plan review", "Open", "2026-11-03"),
    # Cherry: only an event after D (never touched); an old notes task (not overdue).
    act("C1", CHERRY, "Bob", "Event", "QBR", None, "2026-11-10"),
    act("C2", CHERRY, "Bob", "Task", NOTES, "Not Started", "2026-01-01"),
    # Damson: email on D (0 days); two overdue tasks (one with a blank type = Task);
    # a near-miss notes subject (not the notes task, due after D).
    act("D1", DAMSON, "Bob", "Email", "Hello", None, "2026-11-04"),
    act("D2", DAMSON, "Bob", "Task", "Follow up", "Waiting", "2026-10-01"),
    act("D3", DAMSON, "Bob", None, "Send pack", "In Progress", "2026-11-02"),
    act("D4", DAMSON, "Bob", "Task", f"{NOTES} 2026", "Open", "2026-12-01"),
    # Elder: call 09-20, task completed without a completed date: a touch dated by
    # its activity_date 09-25 (40 days); notes task.
    act("E1", ELDER, "Cat", "Call", "Ring", "Completed", "2026-09-20"),
    act("E3", ELDER, "Cat", "Task", "Training", "Completed", "2026-09-25"),
    act("E2", ELDER, "Cat", "Task", NOTES, "Open", "2026-10-01"),
    # an activity on no known partner: (unknown partner)
    act("X1", "001000000000099", "Eve", "Task", "Orphan", "Open", "2026-10-01"),
]


@pytest.fixture(scope="module")
def con(make_module_dataset):
    return make_module_dataset(
        partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES
    )


def test_partner_hygiene(con):
    hygiene = activity.partner_hygiene(con, D)
    assert list(hygiene.columns) == activity.HYGIENE_COLUMNS
    # partner report order: no league (Cherry, then the unknown partner: both have no
    # clients and no status, so by name "(unknown partner)" < "Cherry"), Champions
    # League, Premiership, 1st Division, 2nd Division
    assert hygiene["partner_name"].tolist() == [
        schema.UNKNOWN_PARTNER,
        "Cherry",
        "Beech",
        "Alder",
        "Damson",
        "Elder",
    ]
    by_name = hygiene.set_index("partner_name")
    assert by_name["last_touch_date"].to_dict() == {
        schema.UNKNOWN_PARTNER: None,  # its only activity is an open task
        "Cherry": None,  # event 11-10 is after D
        "Beech": d("2026-10-05"),  # event; the task completed 11-06 is after D
        "Alder": d("2026-10-25"),  # completed date of A2, later than call 10-20
        "Damson": d("2026-11-04"),
        "Elder": d("2026-09-25"),  # E3's activity_date, later than call 09-20
    }
    # days since touch: Beech 11-04 - 10-05 = 26 + 4 = 30; Alder 6 + 4 = 10;
    # Damson 0; Elder 09-25 -> 5 (to 09-30) + 31 + 4 = 40
    days = by_name["days_since_touch"]
    assert pd.isna(days["Cherry"]) and pd.isna(days[schema.UNKNOWN_PARTNER])
    assert [days[n] for n in ("Beech", "Alder", "Damson", "Elder")] == [30, 10, 0, 40]
    assert by_name["has_notes_task"].to_dict() == {
        schema.UNKNOWN_PARTNER: False,
        "Cherry": True,
        "Beech": False,  # its notes task is Completed
        "Alder": True,  # subject with surrounding spaces
        "Damson": False,  # "Account Management Notes 2026" is not exactly it
        "Elder": True,
    }
    # overdue: Beech B4 (11-03 < D) = 1; Damson D2 + D3 = 2; Alder A4 is due on D (not
    # overdue); Cherry's notes task dated 01-01 is not overdue; the orphan task 10-01
    # = 1
    assert by_name["overdue_tasks"].to_dict() == {
        schema.UNKNOWN_PARTNER: 1,
        "Cherry": 0,
        "Beech": 1,
        "Alder": 0,
        "Damson": 2,
        "Elder": 0,
    }
    # churned this week: Beech K1 (11-02) + K2 (on D) = 2 (K3 11-05 is after D);
    # Damson K4 = 1
    assert by_name.loc["Beech", "churned_this_week"] == 2
    assert by_name.loc["Damson", "churned_this_week"] == 1
    assert by_name["reasons"].to_dict() == {
        schema.UNKNOWN_PARTNER: "no touch in 30+ days; no notes task; overdue task",
        "Cherry": "no touch in 30+ days",  # never touched
        "Beech": ALL_FOUR,
        "Alder": "",
        "Damson": "no notes task; overdue task",  # 1 churn is not 2+
        "Elder": "no touch in 30+ days",  # 40 >= 30
    }


def test_attention_export(con):
    frame = activity.attention(con, D)
    assert list(frame.columns) == [
        "partner_id",
        "partner_name",
        "account_manager",
        "reasons",
    ]
    # report order, Alder (no reason) and the (unknown partner) left out
    assert frame.to_dict("records") == [
        {
            "partner_id": CHERRY,
            "partner_name": "Cherry",
            "account_manager": "Bob",
            "reasons": "no touch in 30+ days",
        },
        {
            "partner_id": BEECH,
            "partner_name": "Beech",
            "account_manager": "Ann",
            "reasons": ALL_FOUR,
        },
        {
            "partner_id": DAMSON,
            "partner_name": "Damson",
            "account_manager": "Bob",
            "reasons": "no notes task; overdue task",
        },
        {
            "partner_id": ELDER,
            "partner_name": "Elder",
            "account_manager": "Cat",
            "reasons": "no touch in 30+ days",
        },
    ]


def test_attention_threshold_and_manager(con):
    # 45 days: Beech (30) and Elder (40) are recent enough; Cherry is never touched
    frame = activity.attention(con, D, no_touch_days=45)
    assert frame[["partner_name", "reasons"]].to_dict("records") == [
        {"partner_name": "Cherry", "reasons": "no touch in 45+ days"},
        {
            "partner_name": "Beech",
            "reasons": "no notes task; overdue task; churn this week",
        },
        {"partner_name": "Damson", "reasons": "no notes task; overdue task"},
    ]
    assert activity.attention(con, D, account_manager="Bob")[
        "partner_name"
    ].tolist() == [
        "Cherry",
        "Damson",
    ]


def test_open_tasks(con):
    tasks = activity.open_tasks(con, D)
    # every task whose status is not Completed, oldest due first
    assert tasks[["activity_id", "days_overdue", "is_notes_task"]].to_dict(
        "records"
    ) == [
        {"activity_id": "C2", "days_overdue": 0, "is_notes_task": True},  # 01-01, notes
        {"activity_id": "A3", "days_overdue": 0, "is_notes_task": True},  # 09-01, notes
        {"activity_id": "D2", "days_overdue": 34, "is_notes_task": False},  # 30 + 4
        {"activity_id": "E2", "days_overdue": 0, "is_notes_task": True},  # 10-01, notes
        {"activity_id": "X1", "days_overdue": 34, "is_notes_task": False},  # orphan
        {"activity_id": "D3", "days_overdue": 2, "is_notes_task": False},  # 11-02
        {"activity_id": "B4", "days_overdue": 1, "is_notes_task": False},  # 11-03
        {"activity_id": "A4", "days_overdue": 0, "is_notes_task": False},  # due on D
        {"activity_id": "D4", "days_overdue": 0, "is_notes_task": False},  # 12-01
    ]
    assert (
        tasks.set_index("activity_id").loc["X1", "partner_name"]
        == schema.UNKNOWN_PARTNER
    )
    overdue = activity.open_tasks(con, D, account_manager="Bob", overdue_only=True)
    assert overdue[["activity_id", "partner_name", "activity_date"]].to_dict(
        "records"
    ) == [
        {
            "activity_id": "D2",
            "partner_name": "Damson",
            "activity_date": d("2026-10-01"),
        },
        {
            "activity_id": "D3",
            "partner_name": "Damson",
            "activity_date": d("2026-11-02"),
        },
    ]


def test_calendar_items(con):
    week = activity.calendar_items(con, d("2026-11-02"), d("2026-11-08"))
    # dated in the week: D3 11-02, B4 11-03, A4 + D1 11-04, A5 11-06; C1 11-10 is not
    assert week[
        ["date", "account_manager", "partner_name", "activity_type", "subject"]
    ].to_dict("records") == [
        {
            "date": d("2026-11-02"),
            "account_manager": "Bob",
            "partner_name": "Damson",
            "activity_type": "Task",  # blank type
            "subject": "Send pack",
        },
        {
            "date": d("2026-11-03"),
            "account_manager": "Ann",
            "partner_name": "Beech",
            "activity_type": "Task",
            "subject": "Plan review",
        },
        {
            "date": d("2026-11-04"),
            "account_manager": "Ann",
            "partner_name": "Alder",
            "activity_type": "Task",
            "subject": "Check-in",
        },
        {
            "date": d("2026-11-04"),
            "account_manager": "Bob",
            "partner_name": "Damson",
            "activity_type": "Email",
            "subject": "Hello",
        },
        {
            "date": d("2026-11-06"),
            "account_manager": "Ann",
            "partner_name": "Alder",
            "activity_type": "Call",
            "subject": "Later",
        },
    ]
    assert activity.calendar_items(con, d("2026-11-02"), d("2026-11-08"), "Ann")[
        "subject"
    ].tolist() == ["Plan review", "Check-in", "Later"]


def test_activity_by_week(con):
    frame = activity.activity_by_week(con, D, weeks=2, account_manager="Bob")
    # Bob in weeks 10-26 and 11-02 up to D: D3 (blank type = Task) 11-02, D1 Email
    # 11-04; C1 (11-10) is after D. Zeros for the week with none.
    assert frame.to_dict("records") == [
        {
            "week_start": d("2026-10-26"),
            "account_manager": "Bob",
            "activity_type": "Email",
            "count": 0,
        },
        {
            "week_start": d("2026-10-26"),
            "account_manager": "Bob",
            "activity_type": "Task",
            "count": 0,
        },
        {
            "week_start": d("2026-11-02"),
            "account_manager": "Bob",
            "activity_type": "Email",
            "count": 1,
        },
        {
            "week_start": d("2026-11-02"),
            "account_manager": "Bob",
            "activity_type": "Task",
            "count": 1,
        },
    ]
    # everyone, this week up to D: Ann Task B4 + A4 = 2 (A5 on 11-06 is after D);
    # Bob Email D1 = 1; Bob Task D3 = 1
    week = activity.activity_by_week(con, D, weeks=1)
    assert week[["account_manager", "activity_type", "count"]].to_dict("records") == [
        {"account_manager": "Ann", "activity_type": "Task", "count": 2},
        {"account_manager": "Bob", "activity_type": "Email", "count": 1},
        {"account_manager": "Bob", "activity_type": "Task", "count": 1},
    ]
    # a manager with no activity still gets every week, with a zero
    empty = activity.activity_by_week(con, D, weeks=2, account_manager="Nobody")
    assert empty["week_start"].tolist() == [d("2026-10-26"), d("2026-11-02")]
    assert empty["count"].tolist() == [0, 0]


def test_notes_hygiene(con):
    frame = activity.notes_hygiene(con, D)
    # Ann: Alder yes, Beech no -> 1 of 2 = 0.5; Bob: Cherry yes, Damson no -> 0.5;
    # Cat: Elder yes -> 1.0; the (unknown partner) is left out
    assert frame.to_dict("records") == [
        {
            "account_manager": "Ann",
            "partners": 2,
            "with_notes_task": 1,
            "share": 0.5,
            "missing": ["Beech"],
            "missing_count": 1,
        },
        {
            "account_manager": "Bob",
            "partners": 2,
            "with_notes_task": 1,
            "share": 0.5,
            "missing": ["Damson"],
            "missing_count": 1,
        },
        {
            "account_manager": "Cat",
            "partners": 1,
            "with_notes_task": 1,
            "share": 1.0,
            "missing": [],
            "missing_count": 0,
        },
    ]
    assert activity.partners_missing_notes(con)["partner_name"].tolist() == [
        "Beech",
        "Damson",
    ]
    assert activity.partners_missing_notes(con, "Bob")["partner_id"].tolist() == [
        DAMSON
    ]


def test_cadence(con):
    frame = activity.cadence(con, D)
    # allowed: Champions 14, Premiership 21, 1st 30, 2nd 45, no league 30.
    # Cherry never touched -> outside; Beech 30 > 14 -> outside; Alder 10 <= 21,
    # Damson 0 <= 30, Elder 40 <= 45 -> inside. Report order: Cherry, Beech.
    assert frame[["partner_name", "allowed_days"]].to_dict("records") == [
        {"partner_name": "Cherry", "allowed_days": 30},
        {"partner_name": "Beech", "allowed_days": 14},
    ]
    assert pd.isna(frame["days_since_touch"][0])
    assert frame["days_since_touch"][1] == 30
    # only 2nd Division given (35): Elder 40 > 35 -> outside; the others get the
    # default 30: Beech 30 is not > 30; Cherry is never touched
    custom = activity.cadence(con, D, {"2nd Division": 35})
    assert custom[["partner_name", "allowed_days"]].to_dict("records") == [
        {"partner_name": "Cherry", "allowed_days": 30},
        {"partner_name": "Elder", "allowed_days": 35},
    ]


# Near-miss notes tasks (SPEC 4), as of D = 2026-11-04: Fig has a misnamed open
# notes task due 175 days ago and a real one; Gorse has only a completed one.
FIG, GORSE = "001000000000006", "001000000000007"
NEAR_MISS_PARTNERS = [
    dict(partner_id=FIG, partner_name="Fig", account_manager="Ann"),
    dict(partner_id=GORSE, partner_name="Gorse", account_manager="Bob"),
]


def task(aid, pid, am, subject, status, due) -> dict:
    return dict(
        activity_id=aid,
        partner_id=pid,
        account_manager=am,
        activity_type="Task",
        subject=subject,
        status=status,
        activity_date=due,
    )


NEAR_MISS_ACTIVITIES = [
    task("F1", FIG, "Ann", "Account Mgmt Notes", "Open", "2026-05-13"),  # rename
    task("F2", FIG, "Ann", "Account Management Notes", "Open", "2026-01-01"),
    task("F3", FIG, "Ann", "Send the pack", "Open", "2026-11-01"),  # overdue 3
    task("G1", GORSE, "Bob", "Account Management Notes", "Completed", "2026-10-01"),
    task("G2", GORSE, "Bob", "acct. mgmt notes", "Completed", "2026-10-02"),
]


def test_notes_task_fixes(make_dataset):
    con = make_dataset(partners=NEAR_MISS_PARTNERS, activities=NEAR_MISS_ACTIVITIES)
    fixes = activity.notes_task_fixes(con)
    # F1 is open and misnamed: rename. G1 is the notes subject but Completed:
    # reopen. G2 is both: reopen and rename. F2 is a real notes task, F3 is not
    # a notes task at all.
    assert fixes[["activity_id", "partner_name", "notes_task_fix"]].values.tolist() == [
        ["F1", "Fig", "rename to Account Management Notes"],
        ["G1", "Gorse", "reopen"],
        ["G2", "Gorse", "reopen and rename to Account Management Notes"],
    ]
    assert len(activity.notes_task_fixes(con, account_manager="Ann")) == 1


def test_near_miss_notes_task_is_not_an_ordinary_overdue_task(make_dataset):
    con = make_dataset(partners=NEAR_MISS_PARTNERS, activities=NEAR_MISS_ACTIVITIES)
    tasks = activity.open_tasks(con, D).set_index("activity_id")
    # Open tasks: F1 (near miss), F2 (the notes task), F3. Only F3 is overdue:
    # 4 November - 1 November = 3 days; F1, due 175 days before D, is not.
    assert tasks.is_overdue.to_dict() == {"F2": False, "F1": False, "F3": True}
    assert tasks.days_overdue.to_dict() == {"F2": 0, "F1": 0, "F3": 3}
    assert tasks.is_near_miss_notes_task.to_dict() == {
        "F2": False,
        "F1": True,
        "F3": False,
    }
    hygiene = activity.partner_hygiene(con, D).set_index("partner_id")
    # Fig: one overdue task (F3), has its notes task (F2). Gorse: no open notes
    # task (G1 is Completed), no overdue task.
    assert hygiene.loc[FIG, "overdue_tasks"] == 1
    assert hygiene.loc[FIG, "has_notes_task"]
    assert hygiene.loc[GORSE, "overdue_tasks"] == 0
    assert not hygiene.loc[GORSE, "has_notes_task"]
