"""AppTest of the performance pages (quota pace, repurposing, weekly churn) on a
small hand-worked dataset, on an empty dataset and on the demo data.

The fixture, as of Friday 2026-11-20 (fiscal year from January):
- November 2026 has 21 working days (2-6, 9-13, 16-20, 23-27, 30); 15 are gone by
  the 20th. The quarter (Oct-Dec) has 22 + 21 + 23 = 66, of which 22 + 15 = 37 gone.
- Ann owns Acme (Premiership, aim 2) and Bolt (1st Division, aim 4); Bob owns Cole
  (Premiership, aim 1) and Dale (no league); Cara owns Eden (2nd Division).
- Targets: Ann October 6 and November 10; Bob November 6; Cara none.
- This week is Monday 16 to Friday 20 November; last week 9 to 15 November.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.conftest import open_expanders

PARTNERS = [
    {
        "partner_id": "P1",
        "partner_name": "Acme",
        "account_manager": "Ann",
        "league": "Premiership",
        "account_status": "Key Account Management",
        "business_plan_aim": 2,
    },
    {
        "partner_id": "P2",
        "partner_name": "Bolt",
        "account_manager": "Ann",
        "league": "1st Division",
        "business_plan_aim": 4,
    },
    {
        "partner_id": "P3",
        "partner_name": "Cole",
        "account_manager": "Bob",
        "league": "Premiership",
        "business_plan_aim": 1,
    },
    {"partner_id": "P4", "partner_name": "Dale", "account_manager": "Bob"},
    {
        "partner_id": "P5",
        "partner_name": "Eden",
        "account_manager": "Cara",
        "league": "2nd Division",
    },
]


def client(cid: str, partner: str, added: str, repurposed=None, churned=None) -> dict:
    return {
        "client_id": cid,
        "partner_id": partner,
        "client_name": f"Client {cid}",
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


CLIENTS = [
    # August cohort: repurposed after 17 and 51 days, one never (churned this week).
    client("A1", "P1", "2026-08-03", repurposed="2026-08-20"),
    client("A2", "P2", "2026-08-10", repurposed="2026-09-30"),
    client("A3", "P2", "2026-08-17", churned="2026-11-17"),
    # October: two churn this week (Bolt, Dale), one last week (Cole).
    client("O1", "P2", "2026-10-05", churned="2026-11-19"),
    client("O2", "P4", "2026-10-06", churned="2026-11-18"),
    client("O3", "P3", "2026-10-07", churned="2026-11-11"),
    # November: Ann adds 8, Bob 3, Cara 1.
    client("N1", "P1", "2026-11-02", repurposed="2026-11-06"),
    client("N2", "P1", "2026-11-03"),
    client("N3", "P1", "2026-11-04"),
    client("N4", "P1", "2026-11-05"),
    client("N5", "P2", "2026-11-09"),
    client("N6", "P2", "2026-11-10"),
    client("N7", "P2", "2026-11-11"),
    client("N8", "P2", "2026-11-12"),
    client("N9", "P3", "2026-11-05"),
    client("N10", "P4", "2026-11-10"),
    client("N11", "P4", "2026-11-16"),
    client("N12", "P5", "2026-11-18"),
]

QUOTAS = [
    {"account_manager": "Ann", "month": "2026-10-01", "clients_target": 6},
    {"account_manager": "Ann", "month": "2026-11-01", "clients_target": 10},
    {"account_manager": "Bob", "month": "2026-11-01", "clients_target": 6},
]

ACTIVITIES = [
    {
        "activity_id": "T1",
        "partner_id": "P1",
        "account_manager": "Ann",
        "activity_type": "Call",
        "activity_date": "2026-11-20",
    },
]

AS_OF = {"as_of": "2026-11-20"}


TABLES = dict(partners=PARTNERS, clients=CLIENTS, quotas=QUOTAS, activities=ACTIVITIES)


@pytest.fixture(scope="module")
def data_dir(make_module_data_dir):
    """The fixture above, shared by the tests that only read it."""
    return make_module_data_dir(**TABLES)


@pytest.fixture
def own_data_dir(make_data_dir):
    """The fixture above, for a test that changes it."""
    return make_data_dir(**TABLES)


def open_page(run_app, data_dir, page: str, query: dict | None = None, **widgets):
    """Run `page` as of 20 Nov (sidebar settings through the URL), then set the
    page's own widgets (`period`, `rby`, `cby`) and run again: AppTest first runs
    the default page, so a page's own URL parameters would not reach it."""
    at = run_app(data_dir, page=page, query={**AS_OF, **(query or {})})
    if widgets:
        for key, value in widgets.items():
            at.session_state[key] = value
        at.run()
    return at


def frame(at, *columns: str) -> pd.DataFrame:
    """The first table shown whose columns are exactly `columns`."""
    for element in at.dataframe:
        if list(element.value.columns) == list(columns):
            return element.value.reset_index(drop=True)
    shown = [list(element.value.columns) for element in at.dataframe]
    raise AssertionError(f"no table with columns {columns}; shown: {shown}")


def leaderboard(at) -> pd.DataFrame:
    """The leaderboard by AM, its status labels (one-item lists) as text."""
    board = frame(at, *LEADERBOARD).set_index("account_manager")
    board["status"] = [v if isinstance(v, str) else list(v)[0] for v in board["status"]]
    return board


def metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


LEADERBOARD = (
    "account_manager",
    "status",
    "pace",
    "added",
    "target",
    "expected",
    "projection",
    "needed_per_day",
    "source",
)


# --- quota pace -------------------------------------------------------------------


def test_quota_leaderboard_month(data_dir, run_app):
    at = run_app(data_dir, page="pages/quota.py", query=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Quota pace"
    board = leaderboard(at)
    # Ann: 8 added, target 10: expected 10 x 15/21 = 7.142857, pace 8/7.142857 = 1.12
    # (Ahead), projection 8/15 x 21 = 11.2, needed (10-8)/6 remaining days = 0.3333.
    # (The grid shows pace in percent points: 1.12 -> 112%.)
    ann = board.loc["Ann"]
    assert ann["status"] == "Ahead"
    assert ann["pace"] == pytest.approx(112)
    assert ann["expected"] == pytest.approx(10 * 15 / 21)
    assert ann["projection"] == pytest.approx(11.2)
    assert ann["needed_per_day"] == pytest.approx(2 / 6)
    assert ann["source"] == "file"
    # Bob: 3 added (Cole 5 Nov, Dale 10 and 16 Nov), target 6: expected 4.285714,
    # pace 3/4.285714 = 0.7 (Behind), projection 3/15 x 21 = 4.2, needed 3/6 = 0.5.
    bob = board.loc["Bob"]
    assert (bob["status"], bob["added"]) == ("Behind", 3)
    assert bob["pace"] == pytest.approx(70)
    assert bob["projection"] == pytest.approx(4.2)
    assert bob["needed_per_day"] == pytest.approx(0.5)
    # Cara: 1 added, no target: No quota, projection 1/15 x 21 = 1.4.
    cara = board.loc["Cara"]
    assert cara["status"] == "No quota"
    assert pd.isna(cara["target"]) and pd.isna(cara["pace"])
    assert cara["projection"] == pytest.approx(1.4)
    # The leaderboard is ordered by pace: Ann 1.12, Bob 0.7, Cara (none) last.
    assert list(board.index) == ["Ann", "Bob", "Cara"]
    tiles = metrics(at)
    # The team with a quota (SPEC 4): Ann and Bob, target 10 + 6 = 16, added
    # 8 + 3 = 11; expected 16 x 15/21 = 11.43, pace 11/11.43 = 0.96: On pace.
    # Cara (no target) apart: 1 AM, 1 added. One AM in each of Ahead, Behind,
    # No quota.
    assert tiles["Team with a quota"] == ("11", "On pace")
    team = next(m for m in at.metric if m.label == "Team with a quota")
    assert team.proto.delta_description == "target 16"
    assert "No quota: 1 AM, 1 added (not in the team's pace)." in [
        c.value for c in at.caption
    ]
    assert tiles["AMs ahead"][0] == "1"
    assert tiles["AMs on pace"][0] == "0"
    assert tiles["AMs behind"][0] == "1"
    assert tiles["AMs no quota"][0] == "1"


def test_quota_quarter_and_clients_added(data_dir, run_app):
    at = open_page(run_app, data_dir, "pages/quota.py", period="Quarter")
    assert not at.exception
    board = leaderboard(at)
    # Ann's quarter: target 6 + 10 = 16, added O1 + 8 = 9; expected 16 x 37/66 =
    # 8.9697, pace 9/8.9697 = 1.0034 (On pace), projection 9/37 x 66 = 16.054.
    ann = board.loc["Ann"]
    assert (ann["status"], ann["added"], ann["target"]) == ("On pace", 9, 16)
    assert ann["pace"] == pytest.approx(100 * 9 / (16 * 37 / 66))
    assert ann["projection"] == pytest.approx(9 / 37 * 66)
    # The clients added this quarter, newest first: 12 in November + O1, O2, O3.
    added = frame(
        at,
        "client_id",
        "client_name",
        "added_date",
        "partner_id",
        "partner_name",
        "account_manager",
    )
    assert len(added) == 15
    assert added["client_id"].iloc[0] == "N12"
    assert added["client_id"].iloc[-1] == "O1"


def test_quota_one_account_manager(data_dir, run_app):
    at = run_app(data_dir, page="pages/quota.py", query={**AS_OF, "am": "Bob"})
    assert not at.exception
    tiles = metrics(at)
    # Bob: Behind, 3 of 6, 3 - 4.2857 = -1.3 vs expected, pace 70%, projection 4.2,
    # 0.5 a day for the 6 working days left.
    assert tiles["Status"][0] == "Behind"
    assert tiles["Added"] == ("3", "-1.3 vs expected")
    assert next(m for m in at.metric if m.label == "Added").proto.delta_description == (
        "target 6"
    )
    assert tiles["Pace"][0] == "70%"
    assert tiles["Projection"][0] == "4.2"
    assert tiles["Needed / day"][0] == "0.5"
    added = frame(
        at,
        "client_id",
        "client_name",
        "added_date",
        "partner_id",
        "partner_name",
        "account_manager",
    )
    # Bob's November clients, newest first: N11 (16th), N10 (10th), N9 (5th).
    assert added["client_id"].tolist() == ["N11", "N10", "N9"]
    assert added["added_date"].iloc[0] == dt.date(2026, 11, 16) or str(
        added["added_date"].iloc[0]
    ).startswith("2026-11-16")


def test_quota_manual_target_is_saved_and_shown(own_data_dir, run_app):
    at = run_app(own_data_dir, page="pages/quota.py", query=AS_OF)
    at.selectbox(key="tgt_am").set_value("Cara")
    at.selectbox(key="tgt_month").set_value(dt.date(2026, 11, 1))
    at.number_input(key="tgt_value").set_value(2)
    next(b for b in at.button if b.label == "Save target").click()
    at.run()
    assert not at.exception
    assert "Target of 2 for Cara in November 2026 saved." in [
        s.value for s in at.success
    ]
    cara = leaderboard(at).loc["Cara"]
    # Cara now has target 2 (manual): expected 2 x 15/21 = 1.428571, pace 1/1.428571
    # = 0.7 (Behind), needed (2-1)/6 = 0.1667 a day.
    assert (cara["target"], cara["source"], cara["status"]) == (2, "manual", "Behind")
    assert cara["pace"] == pytest.approx(70)
    assert cara["needed_per_day"] == pytest.approx(1 / 6)


# --- repurposing ------------------------------------------------------------------

RATE_TABLE = ("league", "clients_added", "ever_repurposed", "rate", "median_days")


def test_repurposing_rates_by_league(data_dir, run_app):
    at = run_app(data_dir, page="pages/repurposing.py", query=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Repurposing"
    table = frame(at, *RATE_TABLE).set_index("league")
    # Premiership: Acme A1, N1-N4 + Cole O3, N9 = 7 added; A1 and N1 repurposed:
    # 2/7; median of 17 and 4 days = 10.5. 1st Division: Bolt 7 added, A2 (51 days):
    # 1/7. No league: Dale 3, none. 2nd Division: Eden 1, none.
    assert table.loc["Premiership", "clients_added"] == 7
    # (tables show a share as percent points: 2/7 = 28.6%)
    assert table.loc["Premiership", "rate"] == pytest.approx(100 * 2 / 7)
    assert table.loc["Premiership", "median_days"] == pytest.approx(10.5)
    assert table.loc["1st Division", "rate"] == pytest.approx(100 * 1 / 7)
    assert table.loc["1st Division", "median_days"] == pytest.approx(51)
    assert table.loc["No league", "rate"] == 0
    assert list(table.index) == [
        "No league",
        "Premiership",
        "1st Division",
        "2nd Division",
    ]
    tiles = metrics(at)
    assert tiles["Highest rate: Premiership"][0] == "29%"  # 2/7 = 28.6%
    assert tiles["Quickest: Premiership"][0] == "10.5 days"
    # Acme: 2 repurposed (A1, N1) against an aim of 2: ready.
    assert tiles["Ready for the next stage"][0] == "1"


def test_repurposing_cohorts_and_plans(data_dir, run_app):
    at = run_app(data_dir, page="pages/repurposing.py", query=AS_OF)
    at = open_expanders(at, "Table behind this chart")
    cohorts = frame(
        at,
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
    ).set_index("cohort_month")
    # August: A1 (17 days), A2 (51 days), A3 (never), all 95+ days old on 20 Nov:
    # within 30 days 1/3, within 60 and 90 days 2/3 (shown as percent points).
    august = cohorts.loc["2026-08"]
    assert august["eligible_30"] == 3
    assert august["rate_30"] == pytest.approx(100 / 3)
    assert august["rate_60"] == pytest.approx(200 / 3)
    assert august["rate_90"] == pytest.approx(200 / 3)
    # September: nobody added, a row of zeros; November: nobody 30 days old yet.
    assert cohorts.loc["2026-09", "clients_added"] == 0
    assert pd.isna(cohorts.loc["2026-11", "rate_30"])
    bins = frame(at, "days_from", "days_to", "clients")
    # Days to repurpose: N1 4 (bin 0-6), A1 17 (bin 14-20), A2 51 (bin 49-55).
    assert bins.values.tolist() == [[0, 6, 1], [14, 20, 1], [49, 55, 1]]
    plan_columns = (
        "partner_id",
        "partner_name",
        "account_manager",
        "league",
        "business_plan_aim",
        "clients_repurposed",
        "plan_progress",
        "to_go",
        "ready",
    )
    tables = [
        e.value for e in at.dataframe if list(e.value.columns) == list(plan_columns)
    ]
    ready, closest = tables
    # Ready: Acme 2 of 2. Closest: Cole 0 of 1 (1 to go), Bolt 1 of 4 (3 to go).
    assert ready["partner_name"].tolist() == ["Acme"]
    assert closest["partner_name"].tolist() == ["Cole", "Bolt"]
    # the grid holds percent points for its whole percentages: 1 of 4 = 25 (%)
    assert closest["plan_progress"].tolist() == pytest.approx([0, 25])


def test_repurposing_rates_by_account_manager(data_dir, run_app):
    at = open_page(run_app, data_dir, "pages/repurposing.py", rby="Account manager")
    assert not at.exception
    table = frame(
        at, "account_manager", "clients_added", "ever_repurposed", "rate", "median_days"
    )
    # Ann: Acme 5 + Bolt 7 = 12 added, A1, N1, A2 repurposed: 3/12 = 0.25; Bob 5
    # and Cara 1, none. Highest rate first; shown as percent points.
    assert table["account_manager"].tolist() == ["Ann", "Bob", "Cara"]
    assert table["rate"].tolist() == pytest.approx([25, 0, 0])
    # Median of 17, 51 and 4 days = 17.
    assert table["median_days"].iloc[0] == pytest.approx(17)


# --- weekly churn -----------------------------------------------------------------


def test_weekly_churn_this_week(data_dir, run_app):
    at = run_app(data_dir, page="pages/churn.py", query=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Weekly churn"
    tiles = metrics(at)
    # This week: A3 (Bolt, 17th), O2 (Dale, 18th), O1 (Bolt, 19th) = 3; last week
    # up to Friday: O3 (Cole, 11th) = 1: +2.
    assert tiles["Churned this week"] == ("3", "2")
    churned_tile = next(m for m in at.metric if m.label == "Churned this week")
    assert churned_tile.proto.delta_description == "vs 1 last Mon–Fri"
    # Active on Monday 16th: A1-A3, O1, O2, N1-N10 = 15 (O3 left on the 11th, N11
    # came on the 16th): 3/15 = 20.00%. Last week 1 of 11 (A1-A3, O1-O3, N1-N4,
    # N9) = 9.09%: +10.91 points.
    assert tiles["Active at the start of the week"][0] == "15"
    assert tiles["Churn rate this week"] == ("20.00%", "+10.91 pts")
    rate_tile = next(m for m in at.metric if m.label == "Churn rate this week")
    assert rate_tile.proto.delta_description == "vs 9.09% last Mon–Fri"
    assert tiles["Partners losing 2+ this week"][0] == "1"
    assert [w.value for w in at.warning] == ["2+ clients churned this week: Bolt (2)"]
    churned = frame(
        at,
        "client_id",
        "client_name",
        "churned_date",
        "added_date",
        "partner_id",
        "partner_name",
        "league",
        "account_manager",
        "partner_churn_count",
        "flagged",
    )
    # Bolt's two first (flagged), then Dale's one, under No league.
    assert churned["client_id"].tolist() == ["A3", "O1", "O2"]
    assert churned["flagged"].tolist() == [True, True, False]
    assert churned["league"].tolist() == ["1st Division", "1st Division", "No league"]
    assert churned["account_manager"].tolist() == ["Ann", "Ann", "Bob"]


def test_weekly_churn_by_account_manager(data_dir, run_app):
    at = open_page(run_app, data_dir, "pages/churn.py", cby="Account manager")
    at = open_expanders(at, "Table behind this chart")
    assert not at.exception
    weekly = frame(
        at, "week_start", "account_manager", "churned", "active_at_start", "churn_rate"
    )
    this_week = weekly[weekly["week_start"].astype(str).str.startswith("2026-11-16")]
    by_am = this_week.set_index("account_manager")["churned"]
    # Ann: A3 and O1 (Bolt); Bob: O2 (Dale); Cara none.
    assert by_am.to_dict() == {"Ann": 2, "Bob": 1, "Cara": 0}


def test_weekly_churn_one_account_manager(data_dir, run_app):
    at = open_page(run_app, data_dir, "pages/churn.py", query={"am": "Ann"})
    assert not at.exception
    tiles = metrics(at)
    # Ann's partners (Acme, Bolt): A3 and O1 churned this week, none last week; on
    # Monday 16th A1-A3, O1, N1-N8 = 12 were active: 2/12 = 16.67%.
    assert tiles["Churned this week"] == ("2", "2")
    assert tiles["Active at the start of the week"][0] == "12"
    assert tiles["Churn rate this week"][0] == "16.67%"
    assert [w.value for w in at.warning] == ["2+ clients churned this week: Bolt (2)"]


# --- every page on an empty dataset and on the demo data --------------------------

PAGES = ["pages/quota.py", "pages/repurposing.py", "pages/churn.py"]


@pytest.mark.parametrize("page", PAGES)
def test_page_on_empty_dataset(page, make_data_dir, run_app):
    at = run_app(make_data_dir(), page=page, query=AS_OF)
    assert not at.exception
    assert at.title


@pytest.mark.parametrize(
    ("page", "widgets"),
    [
        ("pages/quota.py", {}),
        ("pages/quota.py", {"period": "Quarter"}),
        ("pages/repurposing.py", {}),
        ("pages/repurposing.py", {"rby": "Account manager"}),
        ("pages/repurposing.py", {"rby": "Partner"}),
        ("pages/churn.py", {}),
        ("pages/churn.py", {"cby": "Account manager"}),
    ],
)
def test_page_on_demo_data(page, widgets, demo_dir, run_app):
    at = run_app(demo_dir, page=page)
    for key, value in widgets.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    assert at.metric, "the answer tiles are shown"


@pytest.mark.parametrize("page", PAGES)
def test_page_on_demo_data_for_one_account_manager(page, demo_dir, run_app):
    from analytics import partners, store

    with store.connect(demo_dir) as con:
        manager = partners.account_managers(con)[0]
    at = run_app(demo_dir, page=page, query={"am": manager})
    assert not at.exception
    assert at.metric, "the answer tiles are shown"
