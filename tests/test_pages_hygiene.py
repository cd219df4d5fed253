"""The Activity and Account plans pages run in AppTest on small hand-worked datasets:
the figures shown are checked against numbers worked out by hand beside them."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics import plans
from tests.conftest import d, open_expanders

ACTIVITY_PAGE = "pages/activity.py"
PLANS_PAGE = "pages/plans.py"

# --- the activity fixture -------------------------------------------------------
# As of D = Wednesday 2026-11-18: this week runs Mon 2026-11-16 to Sun 2026-11-22.
ACTIVITY_AS_OF = "2026-11-18"

PARTNERS = [
    dict(
        partner_id="P1",
        partner_name="Alder Accounts",
        account_manager="Ann",
        league="Champions League",
        account_status="Key Account Management",
    ),
    dict(
        partner_id="P2",
        partner_name="Birch Books",
        account_manager="Ann",
        league="Premiership",
        account_status="Handover",
    ),
    dict(partner_id="P3", partner_name="Cedar & Co", account_manager="Ann"),
    dict(
        partner_id="P4",
        partner_name="Dale Partners",
        account_manager="Ben",
        league="1st Division",
        account_status="Active in AM",
    ),
    dict(
        partner_id="P5",
        partner_name="Elm Tax",
        account_manager="Ben",
        league="2nd Division",
        account_status="Active in AM",
    ),
]


def task(
    activity_id, partner_id, am, subject, status, date, completed=None, kind="Task"
):
    return dict(
        activity_id=activity_id,
        partner_id=partner_id,
        account_manager=am,
        activity_type=kind,
        subject=subject,
        status=status,
        activity_date=date,
        completed_date=completed,
    )


NOTES = "Account Management Notes"
ACTIVITIES = [
    # A1, A2: open notes tasks (Alder, Birch; A2's subject has spaces to trim)
    task("A1", "P1", "Ann", NOTES, "Not Started", "2026-10-01"),
    task("A2", "P2", "Ann", f" {NOTES} ", "In Progress", "2026-09-01"),
    # A3: a completed notes task is no notes task, but a touch on 11-02 (Dale)
    task("A3", "P4", "Ben", NOTES, "Completed", "2026-11-02", "2026-11-02"),
    # A4: Dale's task due 11-10, open: overdue by 18 - 10 = 8 days
    task("A4", "P4", "Ben", "Send pricing pack", "Not Started", "2026-11-10"),
    # A5: a call with Alder on 11-16: touched 2 days ago
    task(
        "A5", "P1", "Ann", "Quarterly catch-up", "Completed", "2026-11-16", kind="Call"
    ),
    # A6: an event with Elm on 11-20, after D: not yet a touch
    task("A6", "P5", "Ben", "Training session", None, "2026-11-20", kind="Event"),
    # A7: an email to Cedar on 10-05: 44 days ago
    task("A7", "P3", "Ann", "Welcome email", None, "2026-10-05", kind="Email"),
    # A8: Birch's task due 11-25: open, not overdue
    task("A8", "P2", "Ann", "Review plan", "Not Started", "2026-11-25"),
    # A9: Elm's task due 11-17: overdue by 1 day
    task("A9", "P5", "Ben", "Chase documents", "Not Started", "2026-11-17"),
]

CLIENTS = [
    # Elm lost two clients this week (11-16 and 11-17): "churn this week"
    dict(
        client_id="C1",
        partner_id="P5",
        added_date="2026-01-10",
        churned_date="2026-11-16",
    ),
    dict(
        client_id="C2",
        partner_id="P5",
        added_date="2026-02-01",
        churned_date="2026-11-17",
    ),
    dict(
        client_id="C3",
        partner_id="P1",
        added_date="2026-03-01",
        repurposed_date="2026-04-01",
    ),
]


@pytest.fixture(scope="module")
def activity_data(make_module_data_dir):
    return make_module_data_dir(
        partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES
    )


def metric(at, label: str):
    """The tile with this label (value, delta)."""
    tiles = [m for m in at.metric if m.label == label]
    assert tiles, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return tiles[0].value, tiles[0].delta


def frame(at, key: str | None = None, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The dataframe with widget key `key`, else the first holding `columns`."""
    for element in at.dataframe:
        if key is not None and getattr(element, "key", None) == key:
            return element.value
        if key is None and set(columns) <= set(element.value.columns):
            return element.value
    raise AssertionError(f"no dataframe {key or columns}")


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def run_activity(run_app, data, **query):
    at = run_app(data, page=ACTIVITY_PAGE, query={"as_of": ACTIVITY_AS_OF, **query})
    assert not at.exception
    return at


def test_activity_tiles(run_app, activity_data):
    at = run_activity(run_app, activity_data)
    assert at.title[0].value == "Activity"
    # this week up to D: A5 (11-16) and A9 (11-17); A6 (11-20) is after D
    assert metric(at, "Activities this week")[0] == "2"
    # overdue: A4 (11-10) and A9 (11-17); open besides the notes tasks: A4, A8, A9
    assert metric(at, "Overdue tasks") == ("2", "3 open")
    # Cedar, Birch, Dale and Elm (worked out in test_attention_list)
    assert metric(at, "Needing attention")[0] == "4"
    # notes tasks on Alder and Birch only: 2 of 5 partners = 40%, 3 missing
    assert metric(at, "With a notes task") == ("40%", "3 missing")


def test_overdue_task_listed(run_app, activity_data):
    at = run_activity(run_app, activity_data)
    tasks = frame(at, "open_tasks_pick")
    # open tasks besides the notes tasks, oldest due first: A4, A9, A8
    assert list(tasks["activity_id"]) == ["A4", "A9", "A8"]
    assert list(tasks["days_overdue"]) == [8, 1, 0]  # 18-10, 18-17, not overdue

    at.toggle(key="overdue").set_value(True).run()
    assert not at.exception
    overdue = frame(at, "open_tasks_pick")
    assert list(overdue["partner_name"]) == ["Dale Partners", "Elm Tax"]
    assert list(overdue["subject"]) == ["Send pricing pack", "Chase documents"]
    assert list(overdue["activity_date"]) == [d("2026-11-10"), d("2026-11-17")]
    assert list(overdue["days_overdue"]) == [8, 1]


def test_attention_list(run_app, activity_data):
    at = run_activity(run_app, activity_data)
    attention = frame(at, "attention_pick")
    # partner report order: no league (Cedar), then Premiership (Birch), 1st (Dale),
    # 2nd (Elm); Alder (touched 2 days ago, notes task, nothing overdue) is fine.
    assert list(attention["partner_name"]) == [
        "Cedar & Co",
        "Birch Books",
        "Dale Partners",
        "Elm Tax",
    ]
    assert [list(r) for r in attention["reasons"]] == [
        ["no touch in 30+ days", "no notes task"],  # 44 days; no notes task
        ["no touch in 30+ days"],  # never touched (tasks open), has a notes task
        ["no notes task", "overdue task"],  # touched 16 days ago (A3); A4 overdue
        # never touched (A6 is after D), no notes task, A9 overdue, 2 churned
        ["no touch in 30+ days", "no notes task", "overdue task", "churn this week"],
    ]


def test_notes_hygiene_share_for_an_account_manager(run_app, activity_data):
    at = run_activity(run_app, activity_data, am="Ann")
    at = open_expanders(at, "Table behind this chart")
    # Ann: Alder and Birch have a notes task, Cedar not: 2 of 3 = 67%
    assert metric(at, "With a notes task") == ("67%", "1 missing")
    notes = frame(at, columns=("share", "with_notes_task"))
    assert list(notes["account_manager"]) == ["Ann"]
    assert notes["share"].iloc[0] == pytest.approx(2 / 3)
    missing = frame(at, "missing_notes_pick")
    assert list(missing["partner_name"]) == ["Cedar & Co"]

    at = run_activity(run_app, activity_data, am="Ben")
    # Ben: A3 is completed, so neither Dale nor Elm has one: 0 of 2
    assert metric(at, "With a notes task") == ("0%", "2 missing")


def test_cadence_rule_from_the_url(run_app, activity_data):
    at = run_activity(run_app, activity_data)
    # Cedar: no league, 44 > 30; Birch: never touched; Elm: never touched.
    # Alder 2 <= 14 and Dale 16 <= 30 are within their cadence.
    outside = frame(at, "cadence_pick")
    assert list(outside["partner_name"]) == ["Cedar & Co", "Birch Books", "Elm Tax"]
    assert list(outside["allowed_days"]) == [30, 21, 45]

    at = run_activity(run_app, activity_data, cad_d1="10")
    # 1st Division allowed 10 days: Dale (16 days) is now outside too
    outside = frame(at, "cadence_pick")
    assert list(outside["partner_name"]) == [
        "Cedar & Co",
        "Birch Books",
        "Dale Partners",
        "Elm Tax",
    ]
    assert outside["days_since_touch"].iloc[2] == 16


def test_calendar_views(run_app, activity_data):
    at = run_activity(run_app, activity_data)
    # week of 11-16: A5 (16th), A9 (17th, open, due before D = 18th: overdue), A6
    # (20th)
    assert (
        "**Week of 16 Nov 2026** · 3 items · 1 overdue · click a day to see it alone"
    ) in markdown(at)
    agenda = frame(at, "calendar_pick")
    # The agenda: by day (in the week above), each line's partner, type (a ☎
    # call, A9 an overdue task, ◆ event), subject and status.
    assert list(agenda["day"]) == ["Mon 16", "Tue 17", "Fri 20"]
    assert list(agenda["partner_name"]) == ["Alder Accounts", "Elm Tax", "Elm Tax"]
    assert list(agenda["type"]) == ["☎ Call", "⚠ Overdue", "◆ Event"]
    assert list(agenda["subject"]) == [
        "Quarterly catch-up",
        "Chase documents",
        "Training session",
    ]
    assert list(agenda["status"]) == ["Completed", "Not Started", ""]
    # The day buttons count each day's items and overdue tasks.
    assert at.button(key="cal-week-2026-11-17").label == "**Tue 17**  \n1 · ⚠ 1"

    at.button(key="cal-week-2026-11-20").click().run()
    assert not at.exception
    assert at.segmented_control(key="view").value == "Day"
    day = frame(at, "calendar_pick")
    assert list(day["subject"]) == ["Training session"]

    at.segmented_control(key="view").set_value("Month").run()
    # November's grid runs Mon 10-26 to Sun 12-06 (11-30 is a Monday):
    # A3 (2nd), A4 (10th), A5 (16th), A9 (17th), A6 (20th), A8 (25th)
    assert "**November 2026** · 6 items · click a day to see it alone" in markdown(at)
    # The 10th: A4, an open task due before D (overdue, said first); the 2nd: A3,
    # completed. A symbol and its number are joined by a no-break space.
    assert ":small[:red[⚠\u00a01]]  \n:small[☐\u00a01]" in markdown(at)
    assert ":small[☑\u00a01]" in markdown(at)

    at.segmented_control(key="view").set_value("Week").run()
    at.date_input(key="cal_date").set_value(d("2026-11-18")).run()
    at.button[[b.label for b in at.button].index("Previous")].click().run()
    # the week before: Mon 11-09 to Sun 11-15 holds A4 only (overdue)
    assert (
        "**Week of 09 Nov 2026** · 1 items · 1 overdue · click a day to see it alone"
    ) in markdown(at)


# --- the account plans fixture ---------------------------------------------------
# Quarter Q3 2026 (fiscal year from January): Wed 07-01 to Wed 09-30, 92 days;
# planning week 1 is the ISO week of Mon 06-29.
PLAN_PARTNERS = [
    dict(
        partner_id="P1",
        partner_name="Alder Accounts",
        account_manager="Ann",
        league="Champions League",
        account_status="Key Account Management",
    ),
    dict(
        partner_id="P2",
        partner_name="Birch Books",
        account_manager="Ann",
        league="Premiership",
        account_status="Handover",
    ),
    dict(
        partner_id="P3",
        partner_name="Cedar & Co",
        account_manager="Ann",
        league="1st Division",
        account_status="Key Account Management",
    ),
    dict(
        partner_id="P4",
        partner_name="Dale Partners",
        account_manager="Ben",
        league="2nd Division",
        account_status="Active in AM",
    ),
    dict(
        partner_id="P5",
        partner_name="Elm Tax",
        account_manager="Ben",
        league="Champions League",
        account_status="Active in AM",
    ),
]


def plan(plan_id, partner_id, am, created, updated, goal, amount, review, status):
    return dict(
        plan_id=plan_id,
        partner_id=partner_id,
        account_manager=am,
        created_date=created,
        last_updated=updated,
        revenue_goal=goal,
        current_amount=amount,
        status=status,
        next_review_date=review,
    )


PLANS = [
    plan(
        "PL1",
        "P1",
        "Ann",
        "2026-07-03",
        "2026-08-10",
        1000.0,
        600.0,
        "2026-08-05",
        "On Track",
    ),
    plan(
        "PL2",
        "P2",
        "Ann",
        "2026-04-10",
        "2026-07-20",
        2000.0,
        500.0,
        "2026-08-14",
        "At Risk",
    ),
    # PL3 is created after D = 08-12: it does not exist yet
    plan(
        "PL3",
        "P5",
        "Ben",
        "2026-08-20",
        "2026-08-20",
        900.0,
        0.0,
        "2026-08-25",
        "Draft",
    ),
    plan(
        "PL4",
        "P4",
        "Ben",
        "2026-05-01",
        "2026-05-02",
        0.0,
        100.0,
        "2026-09-15",
        "Draft",
    ),
    plan(
        "PL5", "P5", "Ben", "2026-07-15", None, 400.0, 200.0, "2026-10-10", "On Track"
    ),
]


@pytest.fixture(scope="module")
def plans_data(make_module_data_dir):
    return make_module_data_dir(
        partners=PLAN_PARTNERS,
        clients=[dict(client_id="C1", partner_id="P1", added_date="2026-03-01")],
        activities=[task("A1", "P1", "Ann", "Call", "Completed", "2026-08-01")],
        account_plans=PLANS,
    )


def run_plans(run_app, data, **query):
    """The page with every expander opened: the tables behind its charts and
    checks are built only then."""
    at = open_expanders(run_app(data, page=PLANS_PAGE, query=query))
    assert not at.exception
    return at


@pytest.mark.parametrize(
    ("as_of", "fy_start", "week", "stage"),
    [
        # start of the quarter: Wed 07-01 is in the ISO week of 06-29, week 1
        ("2026-07-01", "January", 1, "1: Create/update plans"),
        # Wed 07-15: week of 07-13, (07-13 - 06-29) = 14 days -> week 3
        ("2026-07-15", "January", 3, "2: Review and revise"),
        # middle: Wed 08-12: week of 08-10, 42 days after 06-29 -> week 7
        ("2026-08-12", "January", 7, "5: Coach teams"),
        # end: Fri 09-25: week of 09-21, 84 days -> week 13
        ("2026-09-25", "January", 13, "7: Close quarter"),
        # Wed 09-30: week of 09-28, 91 days -> week 14, counted as week 13
        ("2026-09-30", "January", 13, "7: Close quarter"),
        # fiscal year from February: the quarter is Sat 08-01 to 10-31, week 1 is
        # the week of Mon 07-27, 08-12 falls in week 3
        ("2026-08-12", "February", 3, "2: Review and revise"),
    ],
)
def test_quarter_week_and_stage(run_app, plans_data, as_of, fy_start, week, stage):
    at = run_plans(run_app, plans_data, as_of=as_of, fy_start=fy_start)
    assert at.title[0].value == "Account plans"
    assert at.subheader[0].value == f"Week {week} of 13 · stage {stage}"
    weeks = frame(at, columns=("week", "stage_name", "is_current"))
    assert list(weeks["week"]) == list(range(1, 14))
    assert list(weeks.loc[weeks["is_current"], "week"]) == [week]


def test_plan_figures(run_app, plans_data):
    at = run_plans(run_app, plans_data, as_of="2026-08-12")
    # Key partners: Alder (CL), Birch (Prem), Cedar (KAM status), Elm (CL).
    # Plans at D: Alder PL1, Birch PL2, Elm PL5 (PL3 not yet): 3 of 4 = 75%
    assert metric(at, "Key partners with a plan") == ("75%", "3 of 4")
    # 43 of 92 days gone (07-01..08-12). On track when amount x 92 >= goal x 43:
    # PL1 600x92=55200 >= 43000 yes; PL2 500x92=46000 < 86000 no;
    # PL5 200x92=18400 >= 17200 yes; PL4 has no goal. 2 of 4.
    assert metric(at, "Plans on track") == ("2 of 4", "")
    # reviews: PL1 08-05 overdue; PL2 08-14 this week; PL4 09-15 this quarter;
    # PL5 10-10 after the quarter
    assert metric(at, "Reviews overdue") == ("1", "3 due by quarter end")
    # updated in the quarter up to D: PL1 (08-10), PL2 (07-20); created: PL1, PL5
    assert metric(at, "Plans updated this quarter") == ("2", "2 created")

    goals = frame(at, "goals_pick")
    # off track first, then by attainment: PL2 0.25, PL5 0.5, PL1 0.6, PL4 none
    assert list(goals["plan_id"]) == ["PL2", "PL5", "PL1", "PL4"]
    assert list(goals["on_track"])[:3] == [False, True, True]
    # (the grid holds percent points for its whole percentages: 0.25 -> 25)
    assert goals["attainment"].iloc[:3].tolist() == pytest.approx([25, 50, 60])
    assert goals["on_track"].iloc[3] is None or pd.isna(goals["on_track"].iloc[3])

    coverage = next(
        e for e in at.dataframe if {"key_partners", "with_plan"} <= set(e.value)
    )
    assert coverage.value[
        ["account_manager", "key_partners", "with_plan"]
    ].values.tolist() == [
        ["Ann", 3, 2],
        ["Ben", 1, 1],
    ]
    # the table behind the chart in the users' words: the share as the registry's
    # coverage figure, in whole percentage points (Ann 2 of 3, Ben 1 of 1)
    assert coverage.value["coverage"].tolist() == pytest.approx([200 / 3, 100])
    labels = {
        name: column["label"]
        for name, column in json.loads(coverage.proto.columns).items()
        if "label" in column
    }
    assert labels == {
        "account_manager": "Account manager",
        "key_partners": "Key partners",
        "with_plan": "With a plan",
        "coverage": "Key partners with a plan",
    }
    assert list(frame(at, "uncovered_pick")["partner_name"]) == ["Cedar & Co"]

    usage = frame(at, columns=("created_this_quarter", "updated_this_quarter"))
    # Ann: PL1, PL2 held; PL1 created 07-03; both updated. Ben: PL4, PL5 held;
    # PL5 created 07-15; PL4 updated in May (last quarter), PL5 never.
    assert usage.values.tolist() == [["Ann", 2, 1, 2], ["Ben", 2, 1, 0]]

    summary = frame(at, columns=("week_start", "created", "updated"))
    # weeks from 06-29 to 08-10: created PL1 (wk 06-29), PL5 (wk 07-13);
    # updated PL2 (wk 07-20), PL1 (wk 08-10)
    assert list(summary["week_start"]) == [
        d("2026-06-29") + dt.timedelta(weeks=n) for n in range(7)
    ]
    assert list(summary["created"]) == [1, 0, 1, 0, 0, 0, 0]
    assert list(summary["updated"]) == [0, 0, 0, 1, 0, 0, 1]

    reviews = frame(at, "reviews_pick")
    assert reviews[["partner_name", "state"]].values.tolist() == [
        ["Alder Accounts", "overdue"],
        ["Birch Books", "due this week"],
        ["Dale Partners", "due this quarter"],
    ]


def test_checklist_for_the_stage(run_app, plans_data):
    # Closed, the check's expander (and each chart's) holds no grid, built once
    # opened: the page's grids are its three lists to pick from.
    at = run_app(plans_data, page=PLANS_PAGE, query={"as_of": "2026-08-12"})
    assert "The rows behind this check (1)" in [e.label for e in at.expander]
    assert [t.key for t in at.dataframe] == [
        "uncovered_pick",
        "goals_pick",
        "reviews_pick",
    ]
    at = run_plans(run_app, plans_data, as_of="2026-08-12")
    # week 7 is stage 5 (coach teams): one check, the off-track plans: PL2 only
    assert metric(at, "To look at")[0] == "1"
    detail = frame(at, columns=("plan_id", "on_track", "elapsed_share"))
    assert list(detail["plan_id"]) == ["PL2"]
    assert detail["elapsed_share"].iloc[0] == pytest.approx(43 / 92)


def test_plans_for_one_account_manager(run_app, plans_data):
    at = run_plans(run_app, plans_data, as_of="2026-08-12", am="Ben")
    # Ben's key partner Elm has PL5: 1 of 1; his plans PL5 on track, PL4 no goal
    assert metric(at, "Key partners with a plan") == ("100%", "1 of 1")
    assert metric(at, "Plans on track") == ("1 of 2", "")


def test_partner_plan_for_the_detail_page(make_dataset):
    con = make_dataset(partners=PLAN_PARTNERS, account_plans=PLANS)
    # Elm's plans newest first: PL3 (created 08-20), PL5 (07-15)
    elm = plans.partner_plan(con, "P5")
    assert list(elm["plan_id"]) == ["PL3", "PL5"]
    assert list(elm["revenue_goal"]) == [900.0, 400.0]
    assert plans.partner_plan(con, "P3").empty  # Cedar has none


# --- every page on empty and demo data -------------------------------------------


@pytest.mark.parametrize("view", ["Day", "Week", "Month"])
def test_activity_on_empty_and_demo_data(run_app, make_data_dir, demo_dir, view):
    for data in (make_data_dir(), demo_dir):
        at = run_app(data, page=ACTIVITY_PAGE, query={"view": view})
        assert not at.exception, (data, at.exception)
        assert at.title[0].value == "Activity"
        assert len(at.metric) == 4


def test_account_plans_on_empty_and_demo_data(run_app, make_data_dir, demo_dir):
    for data in (make_data_dir(), demo_dir):
        at = run_app(data, page=PLANS_PAGE)
        assert not at.exception, (data, at.exception)
        assert at.title[0].value == "Account plans"
        assert at.subheader[0].value.startswith("Week ")


def test_planning_weeks_of_a_quarter():
    weeks = plans.planning_weeks(d("2026-08-12"))
    # Q3 2026: week 1 is the ISO week of Mon 06-29, cut to start on Wed 07-01;
    # week 13 starts Mon 09-21 (06-29 + 12 weeks) and runs to the quarter's end
    # (Wed 09-30, three days past its Sunday). 08-12 is in week 7 (stage 5).
    assert (weeks["week_start"].iloc[0], weeks["week_end"].iloc[0]) == (
        d("2026-07-01"),
        d("2026-07-05"),
    )
    assert (weeks["week_start"].iloc[12], weeks["week_end"].iloc[12]) == (
        d("2026-09-21"),
        d("2026-09-30"),
    )
    assert list(weeks["stage"]) == [1, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 7]
    assert list(weeks.loc[weeks["is_current"], "week"]) == [7]
