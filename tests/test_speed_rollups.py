"""rollup_client_days (analytics.rollups): per account manager, league and day,
the clients reaching each date the SPEC 4 definitions test, and the figures summed
from it equal to the figures counted client by client.

Partners P1 Ash (Ann, Champions League) and P2 Beech (Bob, no league); five
clients, two with dates out of order as exports sometimes have them:
- C1 P1 added Nov 2, repurposed Nov 5;
- C2 P1 added Nov 3, repurposed Nov 4, churned Nov 10;
- C3 P1 added Nov 10, churned Nov 5 (before it was added);
- C4 P2 added Nov 4, repurposed Nov 2 (before it was added);
- C5 of partner ZZZ (the `(unknown partner)`: no AM, no league) added Nov 5,
  churned Nov 6.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import (
    access,
    activity,
    calls,
    churn,
    kpis,
    partners,
    repurposing,
    rollups,
    store,
)
from tests.conftest import d

PARTNERS = [
    {
        "partner_id": "P1",
        "partner_name": "Ash",
        "account_manager": "Ann",
        "league": "Champions League",
    },
    {"partner_id": "P2", "partner_name": "Beech", "account_manager": "Bob"},
]


def client(cid, pid, added, repurposed=None, churned=None):
    return {
        "client_id": cid,
        "partner_id": pid,
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


CLIENTS = [
    client("C1", "P1", "2026-11-02", repurposed="2026-11-05"),
    client("C2", "P1", "2026-11-03", repurposed="2026-11-04", churned="2026-11-10"),
    client("C3", "P1", "2026-11-10", churned="2026-11-05"),
    client("C4", "P2", "2026-11-04", repurposed="2026-11-02"),
    client("C5", "ZZZ", "2026-11-05", churned="2026-11-06"),
]
COLUMNS = ["added", "churned", "repurposed", "ended"]
COLUMNS += ["added_repurposed", "repurposed_ended"]


@pytest.fixture
def data_dir(make_data_dir):
    return make_data_dir(partners=PARTNERS, clients=CLIENTS)


def rows(con) -> dict:
    found = con.execute(
        f"select account_manager, league, day, {', '.join(COLUMNS)}"
        " from rollup_client_days order by all"
    ).fetchall()
    return {(am, league, day.isoformat()): tuple(n) for am, league, day, *n in found}


def test_rollup_rows_worked_out_by_hand(data_dir):
    with store.connect(data_dir) as con:
        found = rows(con)
    # (added, churned, repurposed, ended, added_repurposed, repurposed_ended):
    # ended = the later of added and churned; added_repurposed = the later of added
    # and repurposed; repurposed_ended = the latest of the three.
    assert found == {
        # Ann: C1 added; C2 added; C2 repurposed (added_repurposed: max(3, 4) = 4);
        # C1 repurposed and C3 churned (C1 added_repurposed max(2, 5) = 5);
        # C3 added, C2 churned, ended C2 (max(3, 10)) and C3 (max(10, 5)),
        # repurposed_ended C2 (max(3, 4, 10)).
        ("Ann", "Champions League", "2026-11-02"): (1, 0, 0, 0, 0, 0),
        ("Ann", "Champions League", "2026-11-03"): (1, 0, 0, 0, 0, 0),
        ("Ann", "Champions League", "2026-11-04"): (0, 0, 1, 0, 1, 0),
        ("Ann", "Champions League", "2026-11-05"): (0, 1, 1, 0, 1, 0),
        ("Ann", "Champions League", "2026-11-10"): (1, 1, 0, 2, 0, 1),
        # Bob: C4 repurposed on the 2nd, added (and so added_repurposed) on the 4th.
        ("Bob", None, "2026-11-02"): (0, 0, 1, 0, 0, 0),
        ("Bob", None, "2026-11-04"): (1, 0, 0, 0, 1, 0),
        # The unknown partner's C5: added the 5th, churned and ended the 6th.
        (None, None, "2026-11-05"): (1, 0, 0, 0, 0, 0),
        (None, None, "2026-11-06"): (0, 1, 0, 1, 0, 0),
    }


def test_partner_rollups_by_hand(data_dir):
    with store.connect(data_dir) as con:
        days = con.execute(
            f"select partner_id, day, {', '.join(COLUMNS)} from rollup_partner_days"
        ).fetchall()
        totals = con.execute(
            f"select partner_id, {', '.join(COLUMNS)} from rollup_partner_clients"
            " order by partner_id"
        ).fetchall()
    # The same days as above, per partner (Ann's are Ash's, Bob's Beech's, the
    # unknown partner's ''), in day order.
    assert [(pid, day.isoformat()) for pid, day, *_ in days] == [
        ("P1", "2026-11-02"),
        ("P2", "2026-11-02"),
        ("P1", "2026-11-03"),
        ("P1", "2026-11-04"),
        ("P2", "2026-11-04"),
        ("", "2026-11-05"),
        ("P1", "2026-11-05"),
        ("", "2026-11-06"),
        ("P1", "2026-11-10"),
    ]
    # Over all days: Ash added 3 (C1-C3), churned 2 (C2, C3), repurposed 2 (C1,
    # C2), ended 2, added_repurposed 2, repurposed_ended 1 (C2); Beech added and
    # repurposed C4; the unknown partner added and churned C5.
    assert totals == [
        ("", 1, 1, 0, 1, 0, 0),
        ("P1", 3, 2, 2, 2, 2, 1),
        ("P2", 1, 0, 1, 0, 1, 0),
    ]


@pytest.mark.parametrize("as_of", ["2026-11-07", "2026-11-10"])
def test_sums_match_the_client_by_client_report(data_dir, as_of):
    day = d(as_of)
    with store.connect(data_dir) as con:
        (active, repurposed) = con.execute(
            "select sum(added - ended), sum(added_repurposed - repurposed_ended)"
            " from rollup_client_days where account_manager = 'Ann' and day <= ?",
            [day],
        ).fetchone()
        ash = partners.partner_report(con, day).set_index("partner_id").loc["P1"]
    # Nov 7: C1 and C2 active (2 - 0) and repurposed (2 - 0). Nov 10: C2 churned
    # and C3 churned before it was added: C1 alone, active 3 - 2 = 1, repurposed
    # 2 - 1 = 1.
    expected = {"2026-11-07": (2, 2), "2026-11-10": (1, 1)}[as_of]
    assert (active, repurposed) == expected
    assert (ash["clients_active"], ash["clients_repurposed"]) == expected
    # Added by D: 3 over all days less C3 (the 10th) after Nov 7; all 3 by Nov 10.
    assert ash["clients_total"] == {"2026-11-07": 2, "2026-11-10": 3}[as_of]


def test_figures_summed_from_the_rollup(data_dir):
    with store.connect(data_dir) as con:
        counts = kpis.period_counts(con, d("2026-11-10"))
        rates = repurposing.rates(con, d("2026-11-10"), by="league")
        weeks = churn.weekly_churn(con, d("2026-11-10"), weeks=2)
    # Week of Mon Nov 9 up to Tue 10th: churned C2 (10th) = 1; Nov 2-8 before it:
    # C3 (5th) and C5 (6th). Active at Sunday 8th: added C1, C2, C4, C5 = 4, ended
    # by then C5 = 1: 3. Repurposed in November: C4 (2nd), C2 (4th), C1 (5th).
    assert counts["churned_this_week"] == 1
    assert counts["churned_last_week_full"] == 2
    assert counts["active_at_start_this_week"] == 3
    assert counts["repurposed_this_month"] == 3
    # No league: C4 (repurposed) and C5 added, 1 of 2; Champions League: C1, C2
    # repurposed of C1, C2, C3 added: 2 of 3.
    assert rates[["league", "clients_added", "ever_repurposed"]].values.tolist() == [
        ["No league", 2, 1],
        ["Champions League", 3, 2],
    ]
    # Week of Nov 2 (Sunday 1st before it: nobody active): Champions League churned
    # C3, no league C5. Week of Nov 9: Champions League churned C2, active at its
    # start C1, C2 (C3 added on the 10th); no league C4 (C5 churned on the 6th).
    this_week = weeks[weeks["week_start"] == dt.date(2026, 11, 9)]
    assert this_week[["league", "churned", "active_at_start"]].values.tolist() == [
        ["No league", 0, 1],
        ["Champions League", 1, 2],
    ]
    assert weeks["active_at_start"].tolist()[:2] == [0, 0]


def test_a_book_sees_its_own_rollup_rows_only(data_dir):
    path = store.version_path(data_dir, store.current_version(data_dir))
    with access.book(path, ["Bob"]) as con:
        found = rows(con)
    assert set(found) == {
        ("Bob", None, "2026-11-02"),
        ("Bob", None, "2026-11-04"),
    }
    assert set(rollups.TABLES) <= set(access.NARROWED)


# rollup_partner_activity, as of Friday 2026-11-20. P1 Ash: a call Nov 10, a
# completed task dated Nov 2 but completed Nov 12 (touch on the 12th), a call
# planned for Nov 25 (after D), the notes task, an ordinary open task due Nov 3
# and one due Nov 30, a near-miss "Acct Mgmt Notes" open task due Nov 1. P2 Beech:
# one email with no date at all (never a touch at any D), nothing else.
def act(aid, pid, kind, date, subject="Catch-up", status="Completed", done=None):
    return {
        "activity_id": aid,
        "partner_id": pid,
        "account_manager": "Ann",
        "activity_type": kind,
        "subject": subject,
        "status": status,
        "activity_date": date,
        "completed_date": done,
    }


ACTIVITIES = [
    act("A1", "P1", "Call", "2026-11-10"),
    act("A2", "P1", "Task", "2026-11-02", done="2026-11-12"),
    act("A3", "P1", "Call", "2026-11-25", status="Not Started"),
    act("A4", "P1", "Task", "2026-01-05", "Account Management Notes", "Not Started"),
    act("A5", "P1", "Task", "2026-11-03", "Send pack", "Not Started"),
    act("A6", "P1", "Task", "2026-11-30", "Review", "In Progress"),
    act("A7", "P1", "Task", "2026-11-01", "Acct Mgmt Notes", "Not Started"),
    act("A8", "P2", "Email", None),
]


@pytest.fixture
def activity_con(make_dataset):
    return make_dataset(partners=PARTNERS, activities=ACTIVITIES)


def test_partner_activity_rollup_by_hand(activity_con):
    found = activity_con.execute(
        "select partner_id, has_notes_task, touch_dates, open_task_dates"
        " from rollup_partner_activity order by partner_id"
    ).fetchall()
    # P1: touches A1 (10th), A2 (completed 12th), A3 (call, any status: 25th),
    # newest first; ordinary open tasks A5 (3rd) and A6 (30th), oldest first (A4 is
    # the notes task, A7 a near-miss). P2: an undated email, no touch date.
    assert found == [
        (
            "P1",
            True,
            [d("2026-11-25"), d("2026-11-12"), d("2026-11-10")],
            [
                d("2026-11-03"),
                d("2026-11-30"),
            ],
        ),
        ("P2", False, [], []),
    ]


@pytest.mark.parametrize(
    ("as_of", "days_since_touch", "overdue_tasks"),
    [
        # Nov 20: last touch the 12th (8 days; the 25th is after D); A5 overdue.
        ("2026-11-20", 8, 1),
        # Nov 11: last touch the 10th (1 day); A5 overdue.
        ("2026-11-11", 1, 1),
        # Dec 1: last touch the 25th (6 days); A5 and A6 overdue.
        ("2026-12-01", 6, 2),
        # Nov 3: never touched yet; A5 due that day is not before D.
        ("2026-11-03", None, 0),
    ],
)
def test_touch_and_overdue_at_d_from_the_rollup(
    activity_con, as_of, days_since_touch, overdue_tasks
):
    rows = partners.partner_rows(activity_con, d(as_of)).set_index("partner_id")
    ash = rows.loc["P1"]
    days = ash["days_since_touch"]
    found = None if pd.isna(days) else int(days)
    assert found == days_since_touch
    assert ash["overdue_tasks"] == overdue_tasks
    assert bool(ash["has_notes_task"])
    # Beech is never touched and has no notes task at any D.
    assert rows.loc["P2", "last_touch_date"] is None
    assert not rows.loc["P2", "has_notes_task"]


AS_OF = d("2026-11-20")


def test_activity_days_rollup_by_hand(activity_con):
    found = activity_con.execute(
        "select partner_account_manager, account_manager, activity_type, day,"
        " activities, completed_tasks, ordinary_open_tasks"
        " from rollup_activity_days order by day"
    ).fetchall()
    # (activities, completed tasks, ordinary open tasks) per day: A4 the notes
    # task and A7 a near-miss are open but not ordinary; A2 a completed Task; A5
    # and A6 ordinary open tasks; the calls A1 and A3 neither; Beech's undated A8
    # has no day.
    assert [(*row[:3], row[3].isoformat(), *row[4:]) for row in found] == [
        ("Ann", "Ann", "Task", "2026-01-05", 1, 0, 0),
        ("Ann", "Ann", "Task", "2026-11-01", 1, 0, 0),
        ("Ann", "Ann", "Task", "2026-11-02", 1, 1, 0),
        ("Ann", "Ann", "Task", "2026-11-03", 1, 0, 1),
        ("Ann", "Ann", "Call", "2026-11-10", 1, 0, 0),
        ("Ann", "Ann", "Call", "2026-11-25", 1, 0, 0),
        ("Ann", "Ann", "Task", "2026-11-30", 1, 0, 1),
    ]
    counts = calls.day_counts(activity_con, d("2026-11-01"), d("2026-11-30"), AS_OF)
    # At Nov 20 only A5 (the 3rd) is overdue; A6 (the 30th) is not yet.
    assert counts["overdue"].tolist() == [0, 0, 1, 0, 0, 0]
    assert counts["completed"].tolist() == [0, 1, 0, 0, 0, 0]
    weeks = activity.activity_by_week(activity_con, AS_OF, weeks=3)
    # Weeks of Nov 2, 9 and 16 up to the 20th: Calls 0, 1, 0; Tasks 2 (A2, A5), 0,
    # 0 (A4, A7 before the window; A3, A6 after D).
    assert weeks[["activity_type", "count"]].values.tolist() == [
        ["Call", 0],
        ["Task", 2],
        ["Call", 1],
        ["Task", 0],
        ["Call", 0],
        ["Task", 0],
    ]
