"""Quota pace, its detail, the cumulative chart data and the clients-added table,
checked against figures worked out by hand from small fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import quota
from tests.conftest import d


def clients(prefix: str, partner_id: str, count: int, added: str) -> list[dict]:
    """`count` clients of one partner, all added on `added`."""
    return [
        {"client_id": f"{prefix}{i}", "partner_id": partner_id, "added_date": added}
        for i in range(1, count + 1)
    ]


# The team, as of Monday 16 March 2026.
# Working days (Mon-Fri): March 2026 starts on a Sunday, so its 22 working days are
# 2-6, 9-13, 16-20, 23-27, 30-31. Elapsed by 16 March: 5 + 5 + 1 = 11; left: 11.
# Quarter (Jan-Mar): January 22 (1-2, 5-9, 12-16, 19-23, 26-30), February 20,
# March 22 = 64; elapsed 22 + 20 + 11 = 53; left 11.
AS_OF = d("2026-03-16")
PARTNERS = [
    # Listed out of order on purpose: the report sorts AMs A-Z.
    {"partner_id": "P-EVE", "partner_name": "Eve & Co", "account_manager": "Eve"},
    {"partner_id": "P-ANN1", "partner_name": "Ann One", "account_manager": "Ann"},
    {"partner_id": "P-ANN2", "partner_name": "Ann Two", "account_manager": "Ann"},
    {"partner_id": "P-CAL", "partner_name": "Cal Ltd", "account_manager": "Cal"},
    {"partner_id": "P-BEA", "partner_name": "Bea Ltd", "account_manager": "Bea"},
    {"partner_id": "P-FAY", "partner_name": "Fay Ltd", "account_manager": "Fay"},
    {"partner_id": "P-NOBODY", "partner_name": "Orphan", "account_manager": "  "},
]
CLIENTS = [
    *clients("ANN1-", "P-ANN1", 20, "2026-03-02"),
    *clients("ANN2-", "P-ANN2", 1, "2026-03-16"),  # on D: counts
    *clients("ANNFEB-", "P-ANN1", 1, "2026-02-10"),  # quarter only
    *clients("ANNLATE-", "P-ANN1", 1, "2026-03-17"),  # after D: never counts
    *clients("BEA-", "P-BEA", 19, "2026-03-09"),
    *clients("CAL-", "P-CAL", 18, "2026-03-13"),
    *clients("EVE-", "P-EVE", 3, "2026-03-16"),
    *clients("EVEFEB-", "P-EVE", 1, "2026-02-02"),
    *clients("FAY-", "P-FAY", 2, "2026-03-03"),
    *clients("NOBODY-", "P-NOBODY", 1, "2026-03-05"),  # blank AM: nobody's
    *clients("GONE-", "P-GONE", 1, "2026-03-04"),  # unknown partner: nobody's
]
QUOTAS = [
    {"account_manager": "Ann", "month": "2026-01-01", "clients_target": 35},
    {"account_manager": "Ann", "month": "2026-03-01", "clients_target": 30},
    {"account_manager": "Bea", "month": "2026-03-01", "clients_target": 40},
    {"account_manager": "Cal", "month": "2026-03-01", "clients_target": 40},
    {"account_manager": "Dan", "month": "2026-01-01", "clients_target": 10},
    {"account_manager": "Dan", "month": "2026-03-01", "clients_target": 10},
    {"account_manager": "Fay", "month": "2026-03-01", "clients_target": 0},
]
# Typed into the app: overrides Ann's March target from the file (30 -> 40).
MANUAL = [{"account_manager": "Ann", "month": "2026-03-01", "clients_target": 40}]


@pytest.fixture(scope="module")
def team(make_module_dataset):
    return make_module_dataset(
        partners=PARTNERS, clients=CLIENTS, quotas=QUOTAS, manual_quotas=MANUAL
    )


def row(frame: pd.DataFrame, am: str, period: str) -> pd.Series:
    match = frame[(frame.account_manager == am) & (frame.period == period)]
    assert len(match) == 1
    return match.iloc[0]


def test_quota_pace_columns_and_order(team):
    pace = quota.quota_pace(team, AS_OF)
    assert list(pace.columns) == [
        "account_manager",
        "period",
        "target",
        "added",
        "expected",
        "pace",
        "projection",
        "status",
    ]
    # Every AM named in quotas (Dan has no partner) or owning a partner (Eve has no
    # quota), A-Z, month then quarter; the blank AM is nobody.
    assert list(zip(pace.account_manager, pace.period, strict=True)) == [
        (am, period)
        for am in ("Ann", "Bea", "Cal", "Dan", "Eve", "Fay")
        for period in ("month", "quarter")
    ]


def test_pace_exactly_1_05_is_ahead(team):
    ann = row(quota.quota_pace(team, AS_OF), "Ann", "month")
    # Target 40 (typed in the app, over the file's 30). Added: 20 + 1 on D = 21
    # (the one added on 17 March is after D). Expected 40 x 11 / 22 = 20.
    # Pace 21 / 20 = 1.05 -> Ahead (>= 1.05). Projection 21 / 11 x 22 = 42.
    assert ann.target == 40
    assert ann.added == 21
    assert ann.expected == pytest.approx(20.0)
    assert ann.pace == pytest.approx(1.05)
    assert ann.projection == pytest.approx(42.0)
    assert ann.status == "Ahead"


def test_pace_exactly_0_95_is_on_pace_and_below_is_behind(team):
    pace = quota.quota_pace(team, AS_OF)
    bea, cal = row(pace, "Bea", "month"), row(pace, "Cal", "month")
    # Bea: 19 added, expected 40 x 11 / 22 = 20 -> pace 0.95 -> On pace;
    # projection 19 / 11 x 22 = 38.
    assert (bea.target, bea.added) == (40, 19)
    assert bea.expected == pytest.approx(20.0)
    assert bea.pace == pytest.approx(0.95)
    assert bea.projection == pytest.approx(38.0)
    assert bea.status == "On pace"
    # Cal: 18 added -> pace 18 / 20 = 0.9 -> Behind; projection 36.
    assert cal.pace == pytest.approx(0.9)
    assert cal.projection == pytest.approx(36.0)
    assert cal.status == "Behind"


def test_quarter_target_sums_the_months_that_exist(team):
    ann = row(quota.quota_pace(team, AS_OF), "Ann", "quarter")
    # Target: January 35 + March 40 (manual) = 75; February has none.
    # Added: 21 in March + 1 in February = 22. Expected 75 x 53 / 64 = 62.109375.
    # Pace 22 / 62.109375 = 22 x 64 / (75 x 53) = 1408 / 3975 -> Behind.
    # Projection 22 / 53 x 64 = 1408 / 53.
    assert ann.target == 75
    assert ann.added == 22
    assert ann.expected == pytest.approx(62.109375)
    assert ann.pace == pytest.approx(1408 / 3975)
    assert ann.projection == pytest.approx(1408 / 53)
    assert ann.status == "Behind"


def test_am_with_a_quota_but_no_partners(team):
    pace = quota.quota_pace(team, AS_OF)
    month, quarter = row(pace, "Dan", "month"), row(pace, "Dan", "quarter")
    # Month: target 10, nothing added, expected 10 x 11 / 22 = 5, pace 0 -> Behind.
    assert (month.target, month.added) == (10, 0)
    assert month.expected == pytest.approx(5.0)
    assert month.pace == 0
    assert month.projection == 0
    assert month.status == "Behind"
    # Quarter: January 10 + March 10 = 20; expected 20 x 53 / 64 = 16.5625.
    assert quarter.target == 20
    assert quarter.expected == pytest.approx(16.5625)
    assert quarter.status == "Behind"


def test_am_with_partners_but_no_quota_gets_a_projection(team):
    pace = quota.quota_pace(team, AS_OF)
    month, quarter = row(pace, "Eve", "month"), row(pace, "Eve", "quarter")
    # Month: 3 added on D; no target -> target, expected, pace empty;
    # projection 3 / 11 x 22 = 6.
    assert month.added == 3
    assert pd.isna(month.target) and pd.isna(month.expected) and pd.isna(month.pace)
    assert month.projection == pytest.approx(6.0)
    assert month.status == "No quota"
    # Quarter: 3 + 1 in February = 4; projection 4 / 53 x 64 = 256 / 53.
    assert quarter.added == 4
    assert quarter.projection == pytest.approx(256 / 53)
    assert quarter.status == "No quota"


def test_target_zero_is_no_quota(team):
    pace = quota.quota_pace(team, AS_OF)
    for period in ("month", "quarter"):
        fay = row(pace, "Fay", period)
        # Target 0 in March (and no other month): shown empty, as no quota.
        # 2 added on 3 March; month projection 2 / 11 x 22 = 4,
        # quarter projection 2 / 53 x 64 = 128 / 53.
        assert pd.isna(fay.target) and pd.isna(fay.expected) and pd.isna(fay.pace)
        assert fay.added == 2
        assert fay.status == "No quota"
    assert row(pace, "Fay", "month").projection == pytest.approx(4.0)
    assert row(pace, "Fay", "quarter").projection == pytest.approx(128 / 53)


def test_quota_detail_adds_source_working_days_and_what_is_needed(team):
    detail = quota.quota_detail(team, AS_OF)
    assert list(detail.columns[:8]) == list(quota.quota_pace(team, AS_OF).columns)
    assert list(detail.columns[8:]) == [
        "source",
        "elapsed_working_days",
        "working_days",
        "remaining_needed",
        "needed_per_day",
    ]
    ann_month, ann_quarter = row(detail, "Ann", "month"), row(detail, "Ann", "quarter")
    # Ann's March target was typed into the app; the quarter includes it.
    assert ann_month.source == "manual" and ann_quarter.source == "manual"
    assert (ann_month.elapsed_working_days, ann_month.working_days) == (11, 22)
    assert (ann_quarter.elapsed_working_days, ann_quarter.working_days) == (53, 64)
    # Month: 40 - 21 = 19 still needed over the 11 working days after D.
    assert ann_month.remaining_needed == 19
    assert ann_month.needed_per_day == pytest.approx(19 / 11)
    # Quarter: 75 - 22 = 53 over the same 11 days.
    assert ann_quarter.remaining_needed == 53
    assert ann_quarter.needed_per_day == pytest.approx(53 / 11)
    # Bea's target is from the file.
    assert row(detail, "Bea", "month").source == "file"
    # Ahead of target: nothing more needed, floored at 0. Eve has no target: empty.
    eve = row(detail, "Eve", "month")
    assert eve.source is None or pd.isna(eve.source)
    assert pd.isna(eve.remaining_needed) and pd.isna(eve.needed_per_day)
    # Fay's 0 target counts as none, but it still came from the file.
    fay = row(detail, "Fay", "month")
    assert fay.source == "file" and pd.isna(fay.remaining_needed)


def test_remaining_needed_is_floored_at_zero(make_dataset):
    con = make_dataset(
        partners=[{"partner_id": "P1", "partner_name": "A", "account_manager": "Ann"}],
        clients=clients("C", "P1", 5, "2026-03-02"),
        quotas=[{"account_manager": "Ann", "month": "2026-03-01", "clients_target": 3}],
    )
    ann = row(quota.quota_detail(con, AS_OF), "Ann", "month")
    # 5 added against a target of 3: 3 - 5 < 0 -> 0 needed, 0 per day.
    assert ann.remaining_needed == 0
    assert ann.needed_per_day == 0


def test_account_manager_filter(team):
    pace = quota.quota_pace(team, AS_OF, account_manager="Bea")
    assert list(pace.account_manager) == ["Bea", "Bea"]
    assert list(pace.period) == ["month", "quarter"]
    assert list(pace.added) == [19, 19]


def test_no_working_day_elapsed_yet(make_dataset):
    # Saturday 1 August 2026: no working day of August has elapsed.
    con = make_dataset(
        partners=[
            {"partner_id": "P1", "partner_name": "A", "account_manager": "Ann"},
            {"partner_id": "P2", "partner_name": "B", "account_manager": "Bob"},
            {"partner_id": "P3", "partner_name": "E", "account_manager": "Eve"},
        ],
        clients=clients("C", "P1", 1, "2026-08-01"),
        quotas=[
            {"account_manager": "Ann", "month": "2026-08-01", "clients_target": 10},
            {"account_manager": "Bob", "month": "2026-08-01", "clients_target": 10},
        ],
    )
    detail = quota.quota_detail(con, d("2026-08-01"))
    ann, bob, eve = (row(detail, am, "month") for am in ("Ann", "Bob", "Eve"))
    # Expected 10 x 0 / 21 = 0; pace and projection cannot be computed.
    assert ann.expected == 0 and bob.expected == 0
    assert pd.isna(ann.pace) and pd.isna(ann.projection)
    assert pd.isna(bob.pace) and pd.isna(bob.projection)
    # One client already added on the Saturday -> Ahead; none -> On pace.
    assert ann.status == "Ahead"
    assert bob.status == "On pace"
    # No quota stays No quota, with no projection either.
    assert eve.status == "No quota" and pd.isna(eve.projection)
    # August 2026 has 21 working days (3-7, 10-14, 17-21, 24-28, 31), all left:
    # Ann still needs 10 - 1 = 9, i.e. 9 / 21 a day.
    assert (ann.elapsed_working_days, ann.working_days) == (0, 21)
    assert ann.needed_per_day == pytest.approx(9 / 21)


def test_fiscal_year_starting_in_april(make_dataset):
    con = make_dataset(
        partners=[{"partner_id": "P1", "partner_name": "A", "account_manager": "Ann"}],
        clients=[
            {"client_id": "C1", "partner_id": "P1", "added_date": "2026-03-31"},
            {"client_id": "C2", "partner_id": "P1", "added_date": "2026-04-20"},
            {"client_id": "C3", "partner_id": "P1", "added_date": "2026-05-04"},
        ],
        quotas=[
            {"account_manager": "Ann", "month": month, "clients_target": target}
            for month, target in (
                ("2026-03-01", 5),
                ("2026-04-01", 10),
                ("2026-05-01", 20),
                ("2026-07-01", 7),
            )
        ],
    )
    as_of = d("2026-05-15")  # a Friday
    april = row(quota.quota_detail(con, as_of, fiscal_start_month=4), "Ann", "quarter")
    # Fiscal year from April: the quarter is April-June. Target 10 + 20 (June has
    # none) = 30; added 20 April and 4 May = 2.
    # Working days: April 22 (1-3, 6-10, 13-17, 20-24, 27-30), May 21 (1, 4-8,
    # 11-15, 18-22, 25-29), June 22 (1-5, 8-12, 15-19, 22-26, 29-30) = 65;
    # elapsed 22 + 1 + 10 (4-8, 11-15) = 33.
    assert (april.target, april.added) == (30, 2)
    assert (april.elapsed_working_days, april.working_days) == (33, 65)
    assert april.expected == pytest.approx(30 * 33 / 65)
    # Fiscal year from February: the quarter is May-July: 20 + 7 = 27; added 1.
    february = row(quota.quota_pace(con, as_of, fiscal_start_month=2), "Ann", "quarter")
    assert (february.target, february.added) == (27, 1)


# Cumulative chart: as of Wednesday 4 March 2026, Ann's March target is 22.
CHART_CLIENTS = [
    {"client_id": "C0", "partner_id": "P1", "added_date": "2026-03-01"},  # Sunday
    {"client_id": "C1", "partner_id": "P1", "added_date": "2026-03-03"},
    {"client_id": "C2", "partner_id": "P1", "added_date": "2026-03-03"},
    {"client_id": "C3", "partner_id": "P1", "added_date": "2026-03-04"},
    {"client_id": "C4", "partner_id": "P1", "added_date": "2026-03-05"},  # after D
    {"client_id": "C5", "partner_id": "P1", "added_date": "2026-03-07"},  # Saturday
]


@pytest.fixture(scope="module")
def chart(make_module_dataset):
    return make_module_dataset(
        partners=[
            {"partner_id": "P1", "partner_name": "A", "account_manager": "Ann"},
            {"partner_id": "P2", "partner_name": "B", "account_manager": "Bob"},
        ],
        clients=CHART_CLIENTS,
        quotas=[
            {"account_manager": "Ann", "month": "2026-03-01", "clients_target": 22}
        ],
    )


def test_cumulative_added_per_working_day(chart):
    line = quota.cumulative_added(chart, d("2026-03-04"))
    assert list(line.columns) == [
        "account_manager",
        "day",
        "added_cumulative",
        "target_line",
    ]
    ann = line[line.account_manager == "Ann"].reset_index(drop=True)
    # One row per working day of March (22), D a working day.
    assert len(ann) == 22
    assert ann.day.iloc[0] == d("2026-03-02") and ann.day.iloc[-1] == d("2026-03-31")
    # 2 March: the Sunday client -> 1; 3 March: +2 -> 3; 4 March (D): +1 -> 4;
    # from 5 March on: after D, empty.
    assert list(ann.added_cumulative.iloc[:3]) == [1, 3, 4]
    assert ann.added_cumulative.iloc[3:].isna().all()
    # Target line 22 x working days so far / 22: 1, 2, 3, ... 22.
    assert list(ann.target_line) == pytest.approx([float(n) for n in range(1, 23)])
    # Bob: no target -> no line; nothing added -> 0 up to D.
    bob = line[line.account_manager == "Bob"]
    assert len(bob) == 22
    assert bob.target_line.isna().all()
    assert list(bob.added_cumulative.iloc[:3]) == [0, 0, 0]


def test_cumulative_added_keeps_a_weekend_as_of_day(chart):
    line = quota.cumulative_added(chart, d("2026-03-07"), account_manager="Ann")
    # Saturday 7 March is kept as the last point: 22 working days + D = 23 rows.
    assert len(line) == 23
    saturday = line[line.day == d("2026-03-07")].iloc[0]
    # All six clients added by the Saturday; the target line stays at Friday's
    # 5 working days: 22 x 5 / 22 = 5.
    assert saturday.added_cumulative == 6
    assert saturday.target_line == pytest.approx(5.0)
    friday = line[line.day == d("2026-03-06")].iloc[0]
    assert friday.added_cumulative == 5


def test_cumulative_added_for_the_quarter(chart):
    line = quota.cumulative_added(
        chart, d("2026-03-04"), period="quarter", account_manager="Ann"
    )
    # Q1 2026 has 64 working days; the target for the quarter is March's 22.
    assert len(line) == 64
    first, last = line.iloc[0], line.iloc[-1]
    assert first.day == d("2026-01-01")
    # 1 January is working day 1 of 64: 22 x 1 / 64.
    assert first.target_line == pytest.approx(22 / 64)
    assert first.added_cumulative == 0
    assert last.target_line == pytest.approx(22.0)


def test_clients_added_newest_first(team):
    added = quota.clients_added(team, AS_OF)
    assert list(added.columns) == [
        "client_id",
        "client_name",
        "added_date",
        "partner_id",
        "partner_name",
        "account_manager",
    ]
    # March up to D: Ann 21, Bea 19, Cal 18, Eve 3, Fay 2, the blank-AM partner 1
    # and the unknown partner's 1 = 65; the 17 March client is after D.
    assert len(added) == 65
    assert added.added_date.iloc[0] == d("2026-03-16")
    assert added.added_date.iloc[-1] == d("2026-03-02")
    gone = added[added.client_id == "GONE-1"].iloc[0]
    assert gone.partner_name == "(unknown partner)" and pd.isna(gone.account_manager)


def test_clients_added_for_one_am_and_the_quarter(team):
    added = quota.clients_added(team, AS_OF, period="quarter", account_manager="Eve")
    # Eve: three on 16 March, then the one on 2 February.
    assert list(added.client_id) == ["EVE-1", "EVE-2", "EVE-3", "EVEFEB-1"]
    assert set(added.partner_name) == {"Eve & Co"}
