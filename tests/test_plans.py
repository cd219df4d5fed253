"""Account planning: quarter status, coverage of key partners, plan usage, goal vs
amount, reviews and the stage checklist, checked against figures worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import plans
from tests.conftest import d


def partner(pid, name, am, league=None, status=None) -> dict:
    return {
        "partner_id": pid,
        "partner_name": name,
        "account_manager": am,
        "league": league,
        "account_status": status,
    }


def plan(pid, partner_id, owner=None, created=None, updated=None, **more) -> dict:
    return {
        "plan_id": pid,
        "partner_id": partner_id,
        "account_manager": owner,
        "created_date": created,
        "last_updated": updated,
        **more,
    }


def test_quarter_status_in_week_14_counts_as_13():
    status = plans.quarter_status(d("2026-03-30"))
    # Monday 30 March: 13 weeks after the week of Thursday 1 January -> week 14 -> 13.
    assert status == {
        "quarter_start": d("2026-01-01"),
        "quarter_end": d("2026-03-31"),
        "week": 13,
        "stage": 7,
        "stage_name": "Close quarter",
        "stage_first_week": 10,
        "stage_last_week": 13,
        "weeks_left": 0,
        "days_left": 1,
    }


def test_quarter_status_on_the_first_day():
    status = plans.quarter_status(d("2026-01-01"))
    # Week 1, stage 1 (weeks 1-2); 13 - 1 = 12 weeks left; 31 March - 1 January = 89.
    assert (status["week"], status["stage"], status["stage_name"]) == (
        1,
        1,
        "Create/update plans",
    )
    assert (status["weeks_left"], status["days_left"]) == (12, 89)


def test_quarter_status_with_fiscal_year_from_april():
    status = plans.quarter_status(d("2026-04-15"), fiscal_start_month=4)
    # April-June; week of 13 April is 2 weeks after the week of Wednesday 1 April
    # (Monday 30 March) -> week 3 -> stage 2. 30 June - 15 April = 15 + 31 + 30 = 76.
    assert (status["quarter_start"], status["quarter_end"]) == (
        d("2026-04-01"),
        d("2026-06-30"),
    )
    assert (status["week"], status["stage"], status["stage_name"]) == (
        3,
        2,
        "Review and revise",
    )
    assert (status["weeks_left"], status["days_left"]) == (10, 76)


# Coverage and usage, as of Wednesday 18 February 2026 (Q1: 1 January - 31 March).
# Key partners: a key league (Champions League, Premiership) or the status
# Key Account Management.
TEAM = [
    partner("K1", "Kappa", "Ann", "Champions League", "Active in AM"),  # key
    partner("K2", "Lambda", "Ann", "1st Division", "Key Account Management"),  # key
    partner("K3", "Mu", "Ann", "Premiership"),  # key
    partner("N1", "Nu", "Ann", "2nd Division", "Handover"),
    partner("K4", "Xi", "Bob", "Premiership"),  # key
    partner("N2", "Omicron", "Cy"),
]
TEAM_PLANS = [
    plan("X1", "K1", "Ann", "2025-11-01", "2026-01-20"),
    plan("X2", "K2", None, "2026-02-01", "2026-02-01"),  # owner: the partner's AM
    plan("X3", "K3", "Ann", "2026-03-01", "2026-03-01"),  # created after D
    plan("X4", "N1", "Dee", "2026-01-05", "2026-01-05"),  # owner owns no partner
    plan("X5", "N2", "Cy", "2026-01-02", None),
    plan("X6", "N2", "Cy", "2025-12-15", "2026-02-18"),
]
TEAM_AS_OF = d("2026-02-18")


@pytest.fixture(scope="module")
def team(make_module_dataset):
    return make_module_dataset(partners=TEAM, account_plans=TEAM_PLANS)


def test_coverage_of_key_partners(team):
    table = plans.coverage(team, TEAM_AS_OF)
    assert list(table.columns) == [
        "account_manager",
        "key_partners",
        "with_plan",
        "share",
    ]
    # Ann: Kappa, Lambda, Mu are key; Kappa (X1) and Lambda (X2) have a plan at D,
    # Mu's X3 comes after D -> 2 / 3. Bob: Xi, no plan -> 0 / 1. Cy: no key
    # partner -> share empty. Dee owns no partner: not listed.
    assert list(table.account_manager) == ["Ann", "Bob", "Cy"]
    assert list(table.key_partners) == [3, 1, 0]
    assert list(table.with_plan) == [2, 0, 0]
    assert table.share.iloc[0] == pytest.approx(2 / 3)
    assert table.share.iloc[1] == 0.0
    assert pd.isna(table.share.iloc[2])


def test_uncovered_key_partners(team):
    table = plans.uncovered_key_partners(team, TEAM_AS_OF)
    # Mu and Xi, both Premiership, by name.
    assert list(table.partner_name) == ["Mu", "Xi"]
    assert list(table.account_manager) == ["Ann", "Bob"]
    only_bob = plans.uncovered_key_partners(team, TEAM_AS_OF, account_manager="Bob")
    assert list(only_bob.partner_name) == ["Xi"]


def test_usage_per_account_manager(team):
    table = plans.usage(team, TEAM_AS_OF)
    assert list(table.columns) == [
        "account_manager",
        "plans",
        "created_this_quarter",
        "updated_this_quarter",
    ]
    # Ann: X1 (created in November, updated 20 January) and X2 (no owner -> Ann;
    # created and updated 1 February) -> 2 plans, 1 created, 2 updated. X3 is after D.
    # Bob: none. Cy: X5 (created 2 January, never updated), X6 (created in
    # December, updated on D) -> 2, 1, 1. Dee: X4 -> 1, 1, 1.
    assert list(table.account_manager) == ["Ann", "Bob", "Cy", "Dee"]
    assert list(table.plans) == [2, 0, 2, 1]
    assert list(table.created_this_quarter) == [1, 0, 1, 1]
    assert list(table.updated_this_quarter) == [2, 0, 1, 1]


def test_summary_by_week(team):
    table = plans.summary_by_week(team, TEAM_AS_OF)
    # The quarter's weeks up to D: from Monday 29 December (1 January is a Thursday)
    # to Monday 16 February = 8 weeks.
    # Created: X5 2 Jan (week of 29 Dec), X4 5 Jan, X2 Sunday 1 Feb (week of 26 Jan).
    # Updated: X4 5 Jan, X1 20 Jan (week of 19 Jan), X2 1 Feb, X6 18 Feb.
    assert list(table.week_start) == [
        d("2025-12-29"),
        d("2026-01-05"),
        d("2026-01-12"),
        d("2026-01-19"),
        d("2026-01-26"),
        d("2026-02-02"),
        d("2026-02-09"),
        d("2026-02-16"),
    ]
    assert list(table.created) == [1, 1, 0, 0, 1, 0, 0, 0]
    assert list(table.updated) == [0, 1, 0, 1, 1, 0, 0, 1]


def test_partner_plan(team):
    assert list(plans.partner_plan(team, "K1").plan_id) == ["X1"]
    # Newest first: X5 (2 January) before X6 (15 December).
    assert list(plans.partner_plan(team, "N2").plan_id) == ["X5", "X6"]
    assert plans.partner_plan(team, "K4").empty


# Goal vs amount, as of 18 February 2026: 31 + 18 = 49 of the quarter's
# 31 + 28 + 31 = 90 days have elapsed -> elapsed share 49 / 90 = 0.5444.
GOAL_PLANS = [
    plan("G1", "P1", "Ann", "2026-01-02", revenue_goal=1000, current_amount=500),
    # 49 / 90 exactly: on the boundary -> on track.
    plan("G2", "P2", "Bob", "2026-01-02", revenue_goal=90, current_amount=49),
    plan("G3", "P2", "Bob", "2026-01-02", revenue_goal=90, current_amount=48),
    plan("G4", "P1", "Ann", "2026-01-02", revenue_goal=0, current_amount=50),
    plan("G5", "P1", "Ann", "2026-01-02", revenue_goal=100, current_amount=None),
    plan("G6", "P1", None, "2026-03-01", revenue_goal=100, current_amount=10),
]


@pytest.fixture(scope="module")
def goals(make_module_dataset):
    return make_module_dataset(
        partners=[partner("P1", "Alpha", "Ann"), partner("P2", "Beta", "Bob")],
        account_plans=GOAL_PLANS,
    )


def test_goal_vs_amount(goals):
    table = plans.goal_vs_amount(goals, TEAM_AS_OF)
    assert list(table.columns) == [
        "plan_id",
        "partner_id",
        "partner_name",
        "account_manager",
        "revenue_goal",
        "current_amount",
        "attainment",
        "elapsed_share",
        "on_track",
        "status",
    ]
    # G1 500 / 1000 = 0.5 < 0.5444 -> off; G3 48 / 90 = 0.5333 -> off;
    # G2 49 / 90 = the elapsed share -> on track; G4 (goal 0) and G5 (no amount):
    # no attainment, no verdict. G6 is created after D. Off-track first.
    assert list(table.plan_id) == ["G1", "G3", "G2", "G4", "G5"]
    assert list(table.attainment.iloc[:3]) == pytest.approx([0.5, 48 / 90, 49 / 90])
    assert table.attainment.iloc[3:].isna().all()
    assert list(table.on_track.iloc[:3]) == [False, False, True]
    assert table.on_track.iloc[3:].isna().all()
    assert list(table.elapsed_share) == pytest.approx([49 / 90] * 5)


def test_goal_vs_amount_for_one_am_and_another_fiscal_year(goals):
    table = plans.goal_vs_amount(
        goals, TEAM_AS_OF, fiscal_start_month=2, account_manager="Bob"
    )
    # Fiscal year from February: the quarter is 1 February - 30 April (89 days),
    # 18 days elapsed -> 18 / 89; both of Bob's plans are ahead of that.
    assert list(table.plan_id) == ["G3", "G2"]
    assert list(table.elapsed_share) == pytest.approx([18 / 89] * 2)
    assert list(table.on_track) == [True, True]


# Reviews, as of Wednesday 18 February 2026: D's week ends Sunday 22 February, the
# quarter on 31 March.
REVIEW_PLANS = [
    plan("R1", "P1", "Ann", "2025-10-01", next_review_date="2025-12-01"),
    plan("R2", "P1", "Ann", "2025-10-01", next_review_date="2026-02-17"),
    plan("R3", "P1", "Ann", "2025-10-01", next_review_date="2026-02-18"),
    plan("R4", "P1", "Ann", "2025-10-01", next_review_date="2026-02-22"),
    plan("R5", "P1", "Ann", "2025-10-01", next_review_date="2026-02-23"),
    plan("R6", "P1", "Ann", "2025-10-01", next_review_date="2026-03-31"),
    plan("R7", "P1", "Ann", "2025-10-01", next_review_date="2026-04-01"),
    plan("R8", "P1", "Ann", "2025-10-01", next_review_date=None),
    plan("R9", "P1", "Ann", "2026-02-19", next_review_date="2026-02-20"),
]


@pytest.fixture(scope="module")
def review_data(make_module_dataset):
    return make_module_dataset(
        partners=[partner("P1", "Alpha", "Ann")], account_plans=REVIEW_PLANS
    )


def test_reviews(review_data):
    table = plans.reviews(review_data, TEAM_AS_OF)
    assert list(table.columns) == [
        "plan_id",
        "partner_id",
        "partner_name",
        "account_manager",
        "next_review_date",
        "state",
    ]
    # R1 (last quarter) and R2 (the day before D): overdue. R3 (D) and R4 (Sunday):
    # due this week. R5 (next Monday), R6 (the quarter's last day): this quarter.
    # R7 is next quarter, R8 has no date, R9 did not exist at D.
    assert list(table.plan_id) == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert list(table.state) == [
        "overdue",
        "overdue",
        "due this week",
        "due this week",
        "due this quarter",
        "due this quarter",
    ]


# --- checklist: one test per stage -----------------------------------------


def test_checklist_stage_1_account_managers_without_plan_work(team):
    # Tuesday 6 January 2026: week 2 -> stage 1.
    items = plans.checklist(team, d("2026-01-06"))
    assert len(items) == 1
    item = items[0]
    assert set(item) == {"stage", "key", "count", "detail", "figures"}
    assert item["key"] == "plans_touched"
    # Plans at D: X1 (updated 20 Jan, after D), X4 (Dee, created 5 Jan), X5 (Cy,
    # created 2 Jan), X6 (Cy, updated after D). Ann and Bob did nothing this quarter.
    assert item["stage"] == 1
    assert item["count"] == 2
    assert list(item["detail"].account_manager) == ["Ann", "Bob"]
    assert item["figures"] == {"managers": 4}  # Ann, Bob, Cy, Dee


def test_checklist_stage_2_plans_not_updated_in_21_days(make_dataset):
    con = make_dataset(
        partners=[partner("P1", "Alpha", "Ann")],
        account_plans=[
            plan("S1", "P1", "Ann", "2025-10-01", "2025-12-24"),  # 21 days: fresh
            plan("S2", "P1", "Ann", "2025-10-01", "2025-12-23"),  # 22 days: stale
            plan("S3", "P1", "Ann", "2025-10-01", None),  # never updated: stale
            plan("S4", "P1", "Ann", "2025-10-01", "2026-01-14"),
            plan("S5", "P1", "Ann", "2026-01-20", None),  # after D
        ],
    )
    # Wednesday 14 January 2026: week 3 -> stage 2. 14 Jan - 24 Dec = 7 + 14 = 21.
    (item,) = plans.checklist(con, d("2026-01-14"))
    assert item["stage"] == 2
    assert item["count"] == 2
    assert list(item["detail"].plan_id) == ["S3", "S2"]
    assert item["detail"].days_since_update.iloc[1] == 22
    assert (item["key"], item["figures"]) == ("stale_plans", {"days": 21})


def test_checklist_stage_3_trends_per_account_manager(make_dataset):
    def c(cid, pid, repurposed=None, churned=None):
        return {
            "client_id": cid,
            "partner_id": pid,
            "added_date": "2025-11-01",
            "repurposed_date": repurposed,
            "churned_date": churned,
        }

    con = make_dataset(
        partners=[
            partner("P1", "Alpha", "Ann"),
            partner("P2", "Beta", "Bob"),
            partner("P3", "Gamma", "Cy"),
        ],
        clients=[
            c("T1", "P1", repurposed="2026-01-10"),  # last 28 days
            c("T2", "P1", repurposed="2025-12-01"),  # the 28 days before
            c("T3", "P1", repurposed="2025-12-24"),  # the 28 days before, last day
            c("T4", "P2", churned="2025-12-25"),  # last 28 days, first day
            c("T5", "P2", repurposed="2025-11-27"),  # the 28 days before, first day
            c("T6", "P2", repurposed="2026-01-21"),  # on D
            c("T7", "P3", repurposed="2026-01-15"),
            c("T8", "P3", churned="2025-11-26"),  # before both windows
        ],
    )
    # Wednesday 21 January 2026: week 4 -> stage 3. Last 28 days: 25 Dec - 21 Jan;
    # the 28 days before: 27 Nov - 24 Dec.
    (item,) = plans.checklist(con, d("2026-01-21"))
    assert item["stage"] == 3
    trends = item["detail"]
    assert list(trends.account_manager) == ["Ann", "Bob", "Cy"]
    # Ann: repurposed 1 vs 2 -> falling. Bob: repurposed 1 vs 1, churned 1 vs 0 ->
    # falling. Cy: repurposed 1 vs 0, churned 0 vs 0 -> fine.
    assert list(trends.repurposed_last_28_days) == [1, 1, 1]
    assert list(trends.repurposed_previous_28_days) == [2, 1, 0]
    assert list(trends.churned_last_28_days) == [0, 1, 0]
    assert list(trends.churned_previous_28_days) == [0, 0, 0]
    assert list(trends.falling) == [True, True, False]
    assert item["count"] == 2
    assert item["figures"] == {"managers": 3, "days": 28}


def test_checklist_stage_4_key_partners_without_plan(team):
    # Wednesday 28 January 2026: week 5 -> stage 4. Kappa has X1; Lambda's X2
    # (1 February) and Mu's X3 come later; Xi has none. Report order: Premiership
    # (Mu, Xi) before 1st Division (Lambda).
    (item,) = plans.checklist(team, d("2026-01-28"))
    assert item["stage"] == 4
    assert item["count"] == 3
    assert list(item["detail"].partner_name) == ["Mu", "Xi", "Lambda"]
    assert item["key"] == "key_partners"


def test_checklist_stage_5_plans_off_track(make_dataset):
    con = make_dataset(
        partners=[partner("P1", "Alpha", "Ann")],
        account_plans=[
            plan("H1", "P1", "Ann", "2026-01-02", revenue_goal=100, current_amount=40),
            plan("H2", "P1", "Ann", "2026-01-02", revenue_goal=100, current_amount=50),
        ],
    )
    # Wednesday 11 February 2026: week 7 -> stage 5. Elapsed 31 + 11 = 42 of 90
    # days = 0.4667: H1 at 0.4 is off track, H2 at 0.5 on track.
    (item,) = plans.checklist(con, d("2026-02-11"))
    assert item["stage"] == 5
    assert item["count"] == 1
    assert list(item["detail"].plan_id) == ["H1"]
    assert (item["key"], item["figures"]) == ("off_track", {"plans": 2})


def test_checklist_stage_6_current_amounts_and_overdue_reviews(goals):
    # Wednesday 25 February 2026: week 9 -> stage 6. Plans at D: G1-G5.
    forecast, overdue = plans.checklist(goals, d("2026-02-25"))
    assert (forecast["stage"], overdue["stage"]) == (6, 6)
    # Amounts 500 + 49 + 48 + 50 (G5 none) = 647; goals 1000 + 90 + 90 + 0 + 100
    # = 1280. The sum of the current amounts, named as such (not a forecast).
    assert forecast["key"] == "current_amounts"
    assert forecast["figures"] == {
        "current_amount_total": 647.0,
        "revenue_goal_total": 1280.0,
    }
    assert forecast["count"] is None
    per_am = forecast["detail"].set_index("account_manager")
    # Ann: goals 1000 + 0 + 100, amounts 500 + 50; Bob: 90 + 90, 49 + 48.
    assert per_am.loc["Ann"].tolist() == [1100, 550]
    assert per_am.loc["Bob"].tolist() == [180, 97]
    assert (overdue["key"], overdue["count"]) == ("overdue_reviews", 0)


def test_checklist_stage_7_in_week_14(review_data):
    # Monday 30 March 2026: week 14 counts as 13 -> stage 7. Overdue (before D):
    # R1, R2, R9 (exists now, review 20 Feb), R3, R4, R5; R6 (31 March) is due.
    forecast, overdue = plans.checklist(review_data, d("2026-03-30"))
    assert (forecast["stage"], overdue["stage"]) == (7, 7)
    assert overdue["count"] == 6
    assert list(overdue["detail"].plan_id) == ["R1", "R2", "R3", "R9", "R4", "R5"]
    # No goals or amounts at all: zeros.
    assert forecast["figures"] == {
        "current_amount_total": 0.0,
        "revenue_goal_total": 0.0,
    }
