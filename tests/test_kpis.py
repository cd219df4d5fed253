"""The dashboard KPI tiles, checked against counts worked out by hand."""

from __future__ import annotations

import pytest

from analytics import kpis
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


@pytest.fixture
def con(make_dataset):
    return make_dataset(
        partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES, quotas=QUOTAS
    )


def test_team_kpis(con):
    kpi = kpis.dashboard_kpis(con, AS_OF)
    # Added: A1, A2, A4, A5 = 4 (A3 is after D). Target: Ann 2 + Bob 0 + Cy 1 = 3
    # (Ann's February target is another month). Pace 4 x 22 / (3 x 13) = 2.26 ->
    # Ahead. Repurposed this month: R1, R4 = 2; by 18 February: R2, R5 = 2.
    # Churned this week: H1, H2 = 2; last week by Wednesday: H4, H6 = 2.
    # Needing attention: Gamma only.
    assert kpi == {
        "added_this_month": 4,
        "month_target": 3,
        "month_status": "Ahead",
        "repurposed_this_month": 2,
        "repurposed_last_month": 2,
        "churned_this_week": 2,
        "churned_last_week": 2,
        "partners_needing_attention": 1,
    }


def test_kpis_for_one_account_manager(con):
    kpi = kpis.dashboard_kpis(con, AS_OF, account_manager="Ann")
    # Ann: added A1, A2 = 2 of target 2 -> pace 2 x 22 / (2 x 13) = 1.69 -> Ahead.
    # Repurposed R1 vs R2; churned H1, H2 vs H4; Gamma needs attention.
    assert kpi == {
        "added_this_month": 2,
        "month_target": 2,
        "month_status": "Ahead",
        "repurposed_this_month": 1,
        "repurposed_last_month": 1,
        "churned_this_week": 2,
        "churned_last_week": 1,
        "partners_needing_attention": 1,
    }


def test_target_zero_shows_no_quota(con):
    kpi = kpis.dashboard_kpis(con, AS_OF, account_manager="Bob")
    # Bob: A4 added; target 0 -> no target, No quota. R4 vs R5; H3 is after D, H6
    # last week. Beta is touched and has its notes task.
    assert kpi["added_this_month"] == 1
    assert kpi["month_target"] is None
    assert kpi["month_status"] == "No quota"
    assert (kpi["repurposed_this_month"], kpi["repurposed_last_month"]) == (1, 1)
    assert (kpi["churned_this_week"], kpi["churned_last_week"]) == (0, 1)
    assert kpi["partners_needing_attention"] == 0


def test_quota_without_partners_is_behind(con):
    kpi = kpis.dashboard_kpis(con, AS_OF, account_manager="Cy")
    # Cy: target 1, nothing added after 13 of 22 working days -> pace 0 -> Behind.
    assert (kpi["added_this_month"], kpi["month_target"]) == (0, 1)
    assert kpi["month_status"] == "Behind"


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
    assert (kpi["repurposed_this_month"], kpi["repurposed_last_month"]) == (1, 1)
    # No quotas at all: no target.
    assert kpi["month_target"] is None and kpi["month_status"] == "No quota"
