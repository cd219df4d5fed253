"""The dashboard KPI tiles, checked against counts worked out by hand."""

from __future__ import annotations

import pytest

from analytics import kpis, quota
from tests.conftest import d

# As of Wednesday 18 March 2026. This month: 1-18 March; the same point of February:
# 1 February + 17 days = 18 February. This week: Monday 16 - 18 March; the same
# point of last week: 9-11 March. Working days of March: 22, elapsed 13
# (2-6, 9-13, 16-18).
AS_OF = d("2026-03-18")
PARTNERS = [
    {"partner_id": "P1", "partner_name": "Alpha", "account_manager": "Ann"},
    {"partner_id": "P3", "partner_name": "Gamma", "account_manager": "Ann"},
    {"partner_id": "P2", "partner_name": "Beta", "account_manager": "Bob"},
]


def client(cid, pid, added, repurposed=None, churned=None) -> dict:
    return {
        "client_id": cid,
        "partner_id": pid,
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


OLD = "2026-01-05"
CLIENTS = [
    client("A1", "P1", "2026-03-01"),  # added this month (Ann)
    client("A2", "P1", "2026-03-18"),  # added on D (Ann)
    client("A3", "P1", "2026-03-19"),  # after D
    client("A4", "P2", "2026-03-10"),  # added this month (Bob)
    client("A5", "P-GONE", "2026-03-05"),  # unknown partner: team total only
    client("R1", "P1", OLD, repurposed="2026-03-02"),  # this month (Ann)
    client("R2", "P1", OLD, repurposed="2026-02-18"),  # last month, at the point
    client("R3", "P1", OLD, repurposed="2026-02-19"),  # last month, after the point
    client("R4", "P2", OLD, repurposed="2026-03-18"),  # this month (Bob)
    client("R5", "P2", OLD, repurposed="2026-02-01"),  # last month (Bob)
    client("H1", "P1", OLD, churned="2026-03-16"),  # this week (Ann)
    client("H2", "P3", OLD, churned="2026-03-18"),  # this week (Ann)
    client("H3", "P2", OLD, churned="2026-03-19"),  # after D
    client("H4", "P1", OLD, churned="2026-03-11"),  # last week, at the point
    client("H5", "P1", OLD, churned="2026-03-12"),  # last week, after the point
    client("H6", "P2", OLD, churned="2026-03-09"),  # last week (Bob)
]
# Alpha and Beta are touched and keep their notes task; Gamma has no activity at
# all, so it needs attention. The unknown partner is never counted.
ACTIVITIES = [
    {
        "activity_id": f"{kind}{pid}",
        "partner_id": pid,
        "account_manager": am,
        "activity_type": kind,
        "subject": "Account Management Notes" if kind == "Task" else "Catch-up",
        "status": "Open" if kind == "Task" else "Completed",
        "activity_date": "2026-03-31" if kind == "Task" else "2026-03-10",
    }
    for pid, am in (("P1", "Ann"), ("P2", "Bob"))
    for kind in ("Call", "Task")
]
QUOTAS = [
    {"account_manager": "Ann", "month": "2026-03-01", "clients_target": 2},
    {"account_manager": "Ann", "month": "2026-02-01", "clients_target": 50},
    {"account_manager": "Bob", "month": "2026-03-01", "clients_target": 0},
    {"account_manager": "Cy", "month": "2026-03-01", "clients_target": 1},
]


@pytest.fixture(scope="module")
def con(make_module_dataset):
    return make_module_dataset(
        partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES, quotas=QUOTAS
    )


def test_team_kpis(con):
    kpi = kpis.dashboard_kpis(con, AS_OF)
    # Team quota: the AMs with a March target are Ann (2) and Cy (1): target 3;
    # Bob's 0 is no target. Added by them: Ann's A1, A2 = 2 (A3 is after D, A5 has
    # no AM, A4 is Bob's). Expected 3 x 13 / 22 = 1.77; pace 2 x 22 / (3 x 13) =
    # 1.13 -> Ahead. Apart: Bob, 1 added (A4).
    # Repurposed this month: R1, R4 = 2; by 18 February: R2, R5 = 2. This week
    # (16-18 March): R4 = 1; last week to Wednesday (9-11 March): none.
    # Churned this week: H1, H2 = 2; last week to Wednesday: H4, H6 = 2; last week
    # in full (9-15 March): H4, H5, H6 = 3.
    # Active at the start of this week (on Sunday 15 March): A1, A4, A5, R1-R5,
    # H1, H2, H3 = 11; of last week (8 March): A1, A5, R1-R5, H1-H6 = 13.
    # Needing attention: Gamma only.
    assert kpi == {
        "month_target": 3,
        "month_added": 2,
        "month_expected": pytest.approx(3 * 13 / 22),
        "month_pace": pytest.approx(2 * 22 / (3 * 13)),
        "month_status": "Ahead",
        "no_quota_managers": 1,
        "no_quota_added": 1,
        "repurposed_this_month": 2,
        "repurposed_last_month_to_date": 2,
        "repurposed_this_week": 1,
        "repurposed_last_week_to_date": 0,
        "churned_this_week": 2,
        "churned_last_week_to_date": 2,
        "churned_last_week_full": 3,
        "active_at_start_this_week": 11,
        "active_at_start_last_week": 13,
        "churn_rate_this_week": pytest.approx(2 / 11),
        "churn_rate_last_week_to_date": pytest.approx(2 / 13),
        "churn_rate_last_week_full": pytest.approx(3 / 13),
        "partners_needing_attention": 1,
    }


def test_team_quota_counts_only_ams_with_a_target(con):
    team = quota.team_pace(con, AS_OF).set_index("period")
    # Month: as in test_team_kpis, target 3 (Ann 2 + Cy 1), added 2, Ahead, Bob
    # apart with 1 added. Counting Bob's A4 against the others' target would make
    # it 3 of 3.
    month = team.loc["month"]
    assert (month.target, month.added, month.status) == (3, 2, "Ahead")
    assert (month.managers, month.no_quota_managers, month.no_quota_added) == (2, 1, 1)
    # Quarter (January-March): targets Ann 50 + 2 = 52, Cy 1 -> 53; Bob has none.
    # Added by Ann since 1 January: A1, A2, R1-R3, H1, H2, H4, H5 = 9; Cy 0.
    # Working days: January 22, February 20, March 22 = 64; gone 22 + 20 + 13 = 55.
    # Expected 53 x 55 / 64 = 45.5; pace 9 x 64 / (53 x 55) = 0.20 -> Behind.
    # Bob apart: A4, R4, R5, H3, H6 = 5.
    quarter = team.loc["quarter"]
    assert (quarter.target, quarter.added, quarter.status) == (53, 9, "Behind")
    assert quarter.expected == pytest.approx(53 * 55 / 64)
    assert quarter.pace == pytest.approx(9 * 64 / (53 * 55))
    assert (quarter.no_quota_managers, quarter.no_quota_added) == (1, 5)
    # The team row is the sum of the AM rows that have a target.
    rows = quota.quota_pace(con, AS_OF)
    with_target = rows[(rows.period == "month") & rows.target.notna()]
    assert (with_target.target.sum(), with_target.added.sum()) == (3, 2)


def test_kpis_for_one_account_manager(con):
    kpi = kpis.dashboard_kpis(con, AS_OF, account_manager="Ann")
    # Ann: added A1, A2 = 2 of target 2 -> pace 2 x 22 / (2 x 13) = 1.69 -> Ahead.
    # Repurposed R1 vs R2; none this week or last. Churned H1, H2 vs H4 (to
    # Wednesday) and H4, H5 (in full). Active on 15 March: A1, R1-R3, H1, H2 = 6;
    # on 8 March: A1, R1-R3, H1, H2, H4, H5 = 8. Gamma needs attention.
    assert kpi["month_target"] == 2
    assert (kpi["month_added"], kpi["month_status"]) == (2, "Ahead")
    assert (kpi["no_quota_managers"], kpi["no_quota_added"]) == (0, 0)
    assert (kpi["repurposed_this_month"], kpi["repurposed_last_month_to_date"]) == (
        1,
        1,
    )
    assert (kpi["repurposed_this_week"], kpi["repurposed_last_week_to_date"]) == (0, 0)
    assert kpi["churned_this_week"] == 2
    assert kpi["churned_last_week_to_date"] == 1
    assert kpi["churned_last_week_full"] == 2
    assert kpi["churn_rate_this_week"] == pytest.approx(2 / 6)
    assert kpi["churn_rate_last_week_full"] == pytest.approx(2 / 8)
    assert kpi["partners_needing_attention"] == 1


def test_target_zero_shows_no_quota(con):
    kpi = kpis.dashboard_kpis(con, AS_OF, account_manager="Bob")
    # Bob: target 0 -> no target, No quota; with nobody's target the tile counts
    # his own added clients: A4. R4 this month vs R5 (1 February); H3 is after D,
    # H6 last week. Beta is touched and has its notes task.
    assert kpi["month_added"] == 1
    assert kpi["month_target"] is None
    assert kpi["month_status"] == "No quota"
    assert (kpi["no_quota_managers"], kpi["no_quota_added"]) == (1, 1)
    assert (kpi["repurposed_this_month"], kpi["repurposed_last_month_to_date"]) == (
        1,
        1,
    )
    assert (kpi["churned_this_week"], kpi["churned_last_week_to_date"]) == (0, 1)
    assert kpi["partners_needing_attention"] == 0


def test_quota_without_partners_is_behind(con):
    kpi = kpis.dashboard_kpis(con, AS_OF, account_manager="Cy")
    # Cy: target 1, nothing added after 13 of 22 working days -> pace 0 -> Behind.
    assert (kpi["month_added"], kpi["month_target"]) == (0, 1)
    assert kpi["month_status"] == "Behind"


def test_comparisons_to_the_same_weekday_and_day(make_dataset):
    # As of Wednesday 4 November 2026: this week is Monday 2 to D; last week to the
    # same weekday is Monday 26 to Wednesday 28 October, in full 26 October to
    # Sunday 1 November. This month: 1-4 November; last month to the same day:
    # 1-4 October.
    con = make_dataset(
        partners=[PARTNERS[0]],
        clients=[
            client("H1", "P1", OLD, churned="2026-11-02"),  # this week
            client("H2", "P1", OLD, churned="2026-11-04"),  # this week, on D
            client("H3", "P1", OLD, churned="2026-11-05"),  # after D
            client("H4", "P1", OLD, churned="2026-10-26"),  # last week to date
            client("H5", "P1", OLD, churned="2026-10-28"),  # last week, the same day
            client("H6", "P1", OLD, churned="2026-10-29"),  # last week in full only
            client("H7", "P1", OLD, churned="2026-11-01"),  # last week in full only
            client("R1", "P1", OLD, repurposed="2026-11-03"),  # this week and month
            client("R2", "P1", OLD, repurposed="2026-10-04"),  # last month, same day
            client("R3", "P1", OLD, repurposed="2026-10-05"),  # last month, after
            client("R4", "P1", OLD, repurposed="2026-10-27"),  # last week to date
        ],
    )
    counts = kpis.period_counts(con, d("2026-11-04"))
    assert (counts["churned_this_week"], counts["churned_last_week_to_date"]) == (2, 2)
    assert counts["churned_last_week_full"] == 4  # H4-H7
    assert (
        counts["repurposed_this_month"],
        counts["repurposed_last_month_to_date"],
    ) == (
        1,
        1,
    )
    assert (counts["repurposed_this_week"], counts["repurposed_last_week_to_date"]) == (
        1,
        1,
    )
    # Active at the start of this week (on 1 November): all but H4-H7 = 7; of last
    # week (25 October): all 11. Rates: 2/7 this week, 2/11 last week to
    # Wednesday, 4/11 in full.
    assert counts["churn_rate_this_week"] == pytest.approx(2 / 7)
    assert counts["churn_rate_last_week_to_date"] == pytest.approx(2 / 11)
    assert counts["churn_rate_last_week_full"] == pytest.approx(4 / 11)


def test_last_month_point_is_cut_at_its_end(make_dataset):
    con = make_dataset(
        partners=PARTNERS,
        clients=[
            client("R1", "P1", OLD, repurposed="2026-02-28"),
            client("R2", "P1", OLD, repurposed="2026-03-31"),
        ],
    )
    # 31 March is 30 days into March; 1 February + 30 days is past February's end,
    # so the comparison covers all of February: R1. This month: R2.
    kpi = kpis.dashboard_kpis(con, d("2026-03-31"))
    assert (kpi["repurposed_this_month"], kpi["repurposed_last_month_to_date"]) == (
        1,
        1,
    )
    # No quotas at all: no target.
    assert kpi["month_target"] is None and kpi["month_status"] == "No quota"
