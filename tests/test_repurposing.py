"""Repurposing rates, cohorts, weekly velocity, time to repurpose and plan progress,
checked against figures worked out by hand from small fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import repurposing
from analytics.schema import NO_LEAGUE
from tests.conftest import d

AS_OF = d("2026-06-30")


def partner(pid, name, am, league=None, status=None, aim=None) -> dict:
    return {
        "partner_id": pid,
        "partner_name": name,
        "account_manager": am,
        "league": league,
        "account_status": status,
        "business_plan_aim": aim,
    }


def client(cid, pid, added, repurposed=None, churned=None) -> dict:
    return {
        "client_id": cid,
        "partner_id": pid,
        "client_name": f"Client {cid}",
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


PARTNERS = [
    partner("P1", "Alpha", "Ann", "Champions League", "Handover", aim=2),
    partner("P2", "Beta", "Bob", aim=0),
    partner("P3", "Gamma", "Ann", "Premiership", aim=4),
    partner("P4", "Delta", "Bob", "Sunday League"),
    partner("P5", "Epsilon", "Bob", "Amateur League", aim=2),
    partner("P6", "Zeta", "Cy", "1st Division", aim=1),
    partner("P7", "Eta", "Ann", "Premiership", aim=1),
]
# Days to repurpose in brackets.
CLIENTS = [
    client("C1", "P1", "2026-01-10", "2026-02-01"),  # [22]
    client("C2", "P1", "2026-02-01", "2026-06-30"),  # [149] on D
    client("C3", "P1", "2026-03-01", "2026-07-01"),  # repurposed after D
    client("C4", "P1", "2026-03-05", "2026-03-20", "2026-04-01"),  # [15], churned
    client("C5", "P1", "2026-07-02"),  # added after D
    client("C6", "P2", "2026-05-01"),
    client("C7", "P3", "2026-04-01", "2026-04-11"),  # [10]
    client("C8", "P4", "2026-06-01"),
    client("C9", "P5", "2026-06-02", "2026-06-05"),  # [3]
    client("C10", "P-GONE", "2026-06-10"),  # unknown partner
    client("C11", "P7", "2026-02-01", "2026-03-01"),  # [28]
    client("C12", "P7", "2026-02-01", "2026-03-01"),  # [28]
]


@pytest.fixture(scope="module")
def leagues(make_module_dataset):
    return make_module_dataset(partners=PARTNERS, clients=CLIENTS)


def test_rates_by_league_in_report_order(leagues):
    rates = repurposing.rates(leagues, AS_OF)
    assert list(rates.columns) == [
        "league", "clients_added", "ever_repurposed", "rate", "ranked"
    ]  # fmt: skip
    # No league: Beta's C6 + the unknown partner's C10 = 2, none repurposed.
    # Champions League: C1-C4 added by D (C5 after), repurposed by D: C1, C2 (on D)
    #   and C4 (churned later, still repurposed) = 3 -> 3/4.
    # Premiership: C7, C11, C12 -> 3/3. 1st Division: no clients -> rate empty.
    # Other leagues A-Z: Amateur League C9 1/1, Sunday League C8 0/1.
    assert list(rates.league) == [
        NO_LEAGUE,
        "Champions League",
        "Premiership",
        "1st Division",
        "Amateur League",
        "Sunday League",
    ]
    assert list(rates.clients_added) == [2, 4, 3, 0, 1, 1]
    assert list(rates.ever_repurposed) == [0, 3, 3, 0, 1, 0]
    assert list(rates.rate.iloc[[0, 1, 2, 4, 5]]) == pytest.approx(
        [0.0, 0.75, 1.0, 1.0, 0.0]
    )
    assert pd.isna(rates.rate.iloc[3])


def test_rates_by_account_manager(leagues):
    rates = repurposing.rates(leagues, AS_OF, by="account_manager")
    # Ann: Alpha 4/3 + Gamma 1/1 + Eta 2/2 = 7 added, 6 repurposed.
    # Bob: Beta 1/0 + Delta 1/0 + Epsilon 1/1 = 3 added, 1 repurposed.
    # Cy: nothing. The unknown partner's client has no AM: last.
    assert list(rates.account_manager.iloc[:3]) == ["Ann", "Bob", "Cy"]
    assert pd.isna(rates.account_manager.iloc[3])
    assert list(rates.clients_added) == [7, 3, 0, 1]
    assert list(rates.ever_repurposed) == [6, 1, 0, 0]
    # The blank AM never ranks as best (SPEC 4).
    assert list(rates.ranked) == [True, True, True, False]
    assert rates.rate.iloc[0] == pytest.approx(6 / 7)
    assert rates.rate.iloc[1] == pytest.approx(1 / 3)
    assert pd.isna(rates.rate.iloc[2])


def test_rates_by_partner_in_partner_report_order(leagues):
    rates = repurposing.rates(leagues, AS_OF, by="partner")
    assert list(rates.columns) == [
        "partner_id",
        "partner_name",
        "account_manager",
        "league",
        "clients_added",
        "ever_repurposed",
        "rate",
        "ranked",
    ]
    # No league: `(unknown partner)` and Beta tie on 1 client -> by name; then
    # Champions League Alpha; Premiership Eta (2 clients) before Gamma (1);
    # 1st Division Zeta; Amateur League Epsilon; Sunday League Delta.
    assert list(rates.partner_id) == ["", "P2", "P1", "P7", "P3", "P6", "P5", "P4"]
    assert list(rates.ranked) == [False] + [True] * 7  # not the unknown partner
    assert list(rates.league.iloc[:2]) == [NO_LEAGUE, NO_LEAGUE]
    alpha = rates[rates.partner_id == "P1"].iloc[0]
    assert (alpha.clients_added, alpha.ever_repurposed, alpha.rate) == (4, 3, 0.75)


def test_rates_for_one_account_manager(leagues):
    rates = repurposing.rates(leagues, AS_OF, account_manager="Bob")
    # Bob's partners only: Beta (no league), Epsilon (Amateur), Delta (Sunday).
    assert list(rates.league) == [NO_LEAGUE, "Amateur League", "Sunday League"]
    assert list(rates.clients_added) == [1, 1, 1]
    assert list(rates.ever_repurposed) == [0, 1, 0]


def test_rates_reject_an_unknown_grouping(leagues):
    with pytest.raises(ValueError):
        repurposing.rates(leagues, AS_OF, by="colour")


def test_median_days_by_league(leagues):
    medians = repurposing.median_days(leagues, AS_OF)
    assert list(medians.columns) == [
        "league",
        "ever_repurposed",
        "median_days",
        "ranked",
    ]
    by_league = medians.set_index("league")
    # Champions League: 15, 22, 149 -> 22. Premiership: 10, 28, 28 -> 28.
    # Amateur League: 3. The others: none repurposed -> empty.
    assert by_league.loc["Champions League"].tolist() == [3, 22.0, True]
    assert by_league.loc["Premiership"].tolist() == [3, 28.0, True]
    assert by_league.loc["Amateur League"].tolist() == [1, 3.0, True]
    assert by_league.loc[NO_LEAGUE, "ever_repurposed"] == 0
    assert pd.isna(by_league.loc[NO_LEAGUE, "median_days"])


def test_median_days_by_account_manager_averages_the_middle_pair(leagues):
    medians = repurposing.median_days(leagues, AS_OF, by="account_manager")
    ann = medians[medians.account_manager == "Ann"].iloc[0]
    # Ann: 10, 15, 22, 28, 28, 149 -> (22 + 28) / 2 = 25.
    assert ann.ever_repurposed == 6
    assert ann.median_days == 25.0


def test_time_to_repurpose_per_client(leagues):
    days = repurposing.time_to_repurpose(leagues, AS_OF)
    assert list(days.columns) == [
        "client_id",
        "client_name",
        "added_date",
        "repurposed_date",
        "days",
    ]
    # Repurposed by D (C3 is after D; C4 churned later but counts), in league order,
    # then days: Champions C4 15, C1 22, C2 149; Premiership C7 10, C11 28, C12 28;
    # Amateur League C9 3.
    assert list(days.client_id) == ["C4", "C1", "C2", "C7", "C11", "C12", "C9"]
    assert list(days.days) == [15, 22, 149, 10, 28, 28, 3]
    assert days.added_date.iloc[2] == d("2026-02-01")


def test_time_to_repurpose_with_groups(leagues):
    days = repurposing.time_to_repurpose(leagues, AS_OF, by="league")
    assert "league" in days.columns
    assert list(days.league) == ["Champions League"] * 3 + ["Premiership"] * 3 + [
        "Amateur League"
    ]


def test_plan_progress_ready_first_then_closest(leagues):
    progress = repurposing.plan_progress(leagues, AS_OF)
    assert list(progress.columns) == [
        "partner_id",
        "partner_name",
        "account_manager",
        "league",
        "business_plan_aim",
        "clients_repurposed",
        "plan_progress",
        "to_go",
        "ready",
    ]
    # Repurposed at D (active and repurposed by D):
    # Eta C11, C12 = 2 of aim 1 -> 2.0, ready.
    # Alpha C1, C2 = 2 of 2 -> 1.0, ready (C3 repurposed after D, C4 churned).
    # Epsilon C9 = 1 of 2 -> 0.5, 1 to go. Zeta 0 of 1 -> 0.0, 1 to go.
    # Gamma C7 = 1 of 4 -> 0.25, 3 to go. Beta (aim 0) and Delta (none) left out.
    assert list(progress.partner_name) == ["Eta", "Alpha", "Epsilon", "Zeta", "Gamma"]
    assert list(progress.clients_repurposed) == [2, 2, 1, 0, 1]
    assert list(progress.plan_progress) == pytest.approx([2.0, 1.0, 0.5, 0.0, 0.25])
    assert list(progress.to_go) == [0, 0, 1, 1, 3]
    assert list(progress.ready) == [True, True, False, False, False]


def test_plan_progress_for_one_account_manager(leagues):
    progress = repurposing.plan_progress(leagues, AS_OF, account_manager="Ann")
    assert list(progress.partner_name) == ["Eta", "Alpha", "Gamma"]


# Cohorts, as of Thursday 30 April 2026. Age = D - added_date in days.
COHORT_CLIENTS = [
    # January: K1 30 days to repurpose (within 30), age 119.
    client("K1", "P1", "2026-01-01", "2026-01-31"),
    # K2 31 days (not within 30, within 60 and 90), age 110.
    client("K2", "P1", "2026-01-10", "2026-02-10"),
    # K3 5 days, churned later: still counts in every window, age 100.
    client("K3", "P1", "2026-01-20", "2026-01-25", "2026-02-15"),
    # K4 never repurposed; age 89: eligible for 30 and 60, not yet for 90.
    client("K4", "P1", "2026-01-31"),
    # February: nobody.
    # March: K5 age exactly 30 -> eligible for 30; repurposed on D after 30 days.
    client("K5", "P1", "2026-03-31", "2026-04-30"),
    # K6 (Bob's) age 59: eligible for 30 only; repurposed after 49 days.
    client("K6", "P2", "2026-03-02", "2026-04-20"),
    # April: both aged 29, eligible for nothing yet.
    client("K7", "P1", "2026-04-01", "2026-04-02"),
    client("K9", "P1", "2026-04-01", "2026-05-01"),  # repurposed after D
    # May: after D, ignored.
    client("K8", "P1", "2026-05-01"),
]
COHORT_AS_OF = d("2026-04-30")


@pytest.fixture(scope="module")
def cohort_data(make_module_dataset):
    return make_module_dataset(
        partners=[partner("P1", "Alpha", "Ann"), partner("P2", "Beta", "Bob")],
        clients=COHORT_CLIENTS,
    )


def test_cohorts(cohort_data):
    table = repurposing.cohorts(cohort_data, COHORT_AS_OF)
    assert list(table.columns) == [
        "cohort_month",
        "clients_added",
        "eligible_30",
        "repurposed_30",
        "rate_30",
        "eligible_60",
        "repurposed_60",
        "rate_60",
        "eligible_90",
        "repurposed_90",
        "rate_90",
    ]
    # From the first month with a client (January) to D's month; February empty.
    assert list(table.cohort_month) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert list(table.clients_added) == [4, 0, 2, 2]
    # January: 30 days: eligible 4, repurposed K1 (exactly 30) and K3 = 2 -> 0.5;
    # 60 days: eligible 4, repurposed K1, K2, K3 = 3 -> 0.75;
    # 90 days: eligible K1, K2, K3 (K4 is 89 days old) = 3, all repurposed -> 1.0.
    jan = table.iloc[0]
    assert [jan.eligible_30, jan.repurposed_30, jan.rate_30] == [4, 2, 0.5]
    assert [jan.eligible_60, jan.repurposed_60, jan.rate_60] == [4, 3, 0.75]
    assert [jan.eligible_90, jan.repurposed_90, jan.rate_90] == [3, 3, 1.0]
    # February: zeros, rates empty.
    feb = table.iloc[1]
    assert [feb.eligible_30, feb.repurposed_30, feb.eligible_90] == [0, 0, 0]
    assert pd.isna(feb.rate_30) and pd.isna(feb.rate_60) and pd.isna(feb.rate_90)
    # March: 30 days: eligible K5 (exactly 30 old) and K6 = 2, repurposed K5 -> 0.5;
    # 60 and 90 days: nobody eligible yet -> empty.
    mar = table.iloc[2]
    assert [mar.eligible_30, mar.repurposed_30, mar.rate_30] == [2, 1, 0.5]
    assert [mar.eligible_60, mar.repurposed_60] == [0, 0]
    assert pd.isna(mar.rate_60) and pd.isna(mar.rate_90)
    # April: 2 added, both 29 days old: eligible for nothing.
    apr = table.iloc[3]
    assert [apr.eligible_30, apr.repurposed_30] == [0, 0]
    assert pd.isna(apr.rate_30)


def test_cohorts_for_one_account_manager(cohort_data):
    table = repurposing.cohorts(cohort_data, COHORT_AS_OF, account_manager="Bob")
    # Bob's only client K6 (March): March and April rows; 30 days: 1 eligible,
    # repurposed after 49 days -> 0 / 1 = 0.0.
    assert list(table.cohort_month) == ["2026-03", "2026-04"]
    assert list(table.clients_added) == [1, 0]
    assert table.rate_30.iloc[0] == 0.0


def test_cohorts_without_clients(make_dataset):
    con = make_dataset(partners=[partner("P1", "Alpha", "Ann")])
    table = repurposing.cohorts(con, COHORT_AS_OF)
    assert table.empty
    assert len(table.columns) == 11


def test_weekly_velocity(cohort_data):
    weeks = repurposing.weekly_velocity(cohort_data, COHORT_AS_OF, weeks=5)
    assert list(weeks.columns) == ["week_start", "repurposed_in_week"]
    # D's week starts Monday 27 April; five weeks back to 30 March.
    # 30 March week: K7 (2 April). 6 and 13 April: none. 20 April: K6.
    # 27 April: K5 (30 April); K9 (1 May) is in that week but after D.
    assert list(weeks.week_start) == [
        d("2026-03-30"),
        d("2026-04-06"),
        d("2026-04-13"),
        d("2026-04-20"),
        d("2026-04-27"),
    ]
    assert list(weeks.repurposed_in_week) == [1, 0, 0, 1, 1]


def test_weekly_velocity_for_one_account_manager(cohort_data):
    weeks = repurposing.weekly_velocity(
        cohort_data, COHORT_AS_OF, weeks=5, account_manager="Ann"
    )
    # Without Bob's K6 on 20 April.
    assert list(weeks.repurposed_in_week) == [1, 0, 0, 0, 1]
    # The default covers 26 weeks.
    assert len(repurposing.weekly_velocity(cohort_data, COHORT_AS_OF)) == 26


def test_repurposed_at_d_and_ever_repurposed(make_dataset):
    """The two quantities SPEC 4 keeps apart: the partner report's Repurposed (still
    active at D) and the repurposing rates' ever repurposed (churned later too)."""
    from analytics import partners

    con = make_dataset(
        partners=[partner("P1", "Alpha", "Ann")],
        clients=[
            client("K1", "P1", "2026-01-05", "2026-02-01"),  # repurposed, active
            client("K2", "P1", "2026-01-05", "2026-02-01", "2026-05-01"),  # churned
            client("K3", "P1", "2026-01-05", None, "2026-05-01"),  # churned, never
            client("K4", "P1", "2026-01-05", "2026-07-01"),  # repurposed after D
        ],
    )
    report = partners.partner_report(con, AS_OF).iloc[0]
    # Repurposed at D: K1 only (K2 churned on 1 May, K4 repurposed after D).
    assert report.clients_repurposed == 1
    rates = repurposing.rates(con, AS_OF, by="partner").iloc[0]
    # Ever repurposed by D: K1 and K2 (churned later) = 2 of 4 added -> 0.5.
    assert (rates.ever_repurposed, rates.clients_added, rates.rate) == (2, 4, 0.5)
