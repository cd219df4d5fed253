"""Weekly churn, the opening balance and the churn rate, checked against numbers
worked out by hand.

As of D = Wednesday 2026-11-04. With weeks=3 the weeks are Mon 10-19, 10-26 and
11-02 (this week, counted up to D).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import churn, schema
from tests.conftest import d

D = d("2026-11-04")
W1, W2, W3 = d("2026-10-19"), d("2026-10-26"), d("2026-11-02")

NORTH, SOUTH, EAST, WEST, MID = (
    "001000000000001",
    "001000000000002",
    "001000000000003",
    "001000000000004",
    "001000000000005",
)

PARTNERS = [
    dict(
        partner_id=NORTH,
        partner_name="North",
        account_manager="Ann",
        league="Premiership",
    ),
    dict(partner_id=SOUTH, partner_name="South", account_manager="Bob", league=None),
    dict(
        partner_id=EAST,
        partner_name="East",
        account_manager="Ann",
        league="Champions League",
    ),
    dict(partner_id=WEST, partner_name="West", account_manager=" ", league="Zeta"),
    dict(partner_id=MID, partner_name="Mid", account_manager="Cat", league="Alpha"),
]


def client(cid, partner_id, added, churned=None):
    return dict(
        client_id=cid,
        client_name=f"Client {cid}",
        partner_id=partner_id,
        added_date=added,
        churned_date=churned,
    )


CLIENTS = [
    # North (Premiership, Ann)
    client("X1", NORTH, "2026-01-01", "2026-10-20"),
    client("X2", NORTH, "2026-01-01", "2026-11-04"),  # churned on D
    client("X3", NORTH, "2026-01-01", "2026-11-05"),  # churned the day after D
    client("X4", NORTH, "2026-10-27", "2026-10-29"),  # added and churned in one week
    client("X5", NORTH + "QAA", "2026-10-19"),  # 18-char id; added on a Monday
    client("X6", NORTH, "2026-01-01", "2026-10-19"),  # churned on a Monday
    client("X7", NORTH, "2026-01-01", "2026-11-02"),
    # South (no league, Bob): added this week, after the week's Monday
    client("Y1", SOUTH, "2026-11-03"),
    # East (Champions League) has no clients
    # West (league Zeta, blank AM)
    client("V1", WEST, "2026-09-01", "2026-10-21"),
    # Mid (league Alpha, Cat)
    client("M1", MID, "2026-10-01"),
    client("M2", MID, "2026-10-01", "2026-11-03"),
    # on no known partner: (unknown partner), No league, blank AM
    client("Z1", "ghost", "2026-01-01", "2026-10-28"),
]


@pytest.fixture(scope="module")
def con(make_module_dataset):
    return make_module_dataset(partners=PARTNERS, clients=CLIENTS)


def records(frame, group):
    """(week, group, churned, active_at_start, rate) tuples, rate None when empty."""
    return [
        (
            r["week_start"],
            r[group],
            r["churned"],
            r["active_at_start"],
            None if pd.isna(r["churn_rate"]) else round(r["churn_rate"], 4),
        )
        for r in frame.to_dict("records")
    ]


def test_weekly_churn_by_league(con):
    frame = churn.weekly_churn(con, D, weeks=3)
    assert list(frame.columns) == [
        "week_start",
        "league",
        "churned",
        "active_at_start",
        "churn_rate",
    ]
    none = schema.NO_LEAGUE
    # Premiership (North):
    #   10-19 active: X1 X2 X3 X6 (churned on the Monday counts) X7 = 5 (X5 added on
    #         the Monday is not before it); churned X6 10-19, X1 10-20 = 2 -> 2/5 = 0.4
    #   10-26 active: X2 X3 X5 X7 = 4 (X4 added 10-27); churned X4 10-29 = 1 -> 0.25
    #   11-02 active: X2 X3 X5 X7 = 4; churned X7 11-02, X2 on D = 2 (X3 11-05 is
    #         after D) -> 0.5
    # No league (South + unknown): Z1 active 10-19 and 10-26, churned 10-28; Y1 added
    #   11-03 is never active at a Monday -> (0,1,0.0) (1,1,1.0) (0,0,empty)
    # Champions League (East): no clients -> zeros, rate empty
    # Alpha (Mid): M1 M2 active at every Monday; M2 churned 11-03 -> 0, 0, 1/2
    # Zeta (West): V1 active 10-19, churned 10-21 -> (1,1,1.0) then (0,0,empty)
    # Groups: No league, the four (present: Champions League, Premiership), then
    # Alpha, Zeta A-Z.
    assert records(frame, "league") == [
        (W1, none, 0, 1, 0.0),
        (W1, "Champions League", 0, 0, None),
        (W1, "Premiership", 2, 5, 0.4),
        (W1, "Alpha", 0, 2, 0.0),
        (W1, "Zeta", 1, 1, 1.0),
        (W2, none, 1, 1, 1.0),
        (W2, "Champions League", 0, 0, None),
        (W2, "Premiership", 1, 4, 0.25),
        (W2, "Alpha", 0, 2, 0.0),
        (W2, "Zeta", 0, 0, None),
        (W3, none, 0, 0, None),
        (W3, "Champions League", 0, 0, None),
        (W3, "Premiership", 2, 4, 0.5),
        (W3, "Alpha", 1, 2, 0.5),
        (W3, "Zeta", 0, 0, None),
    ]


def test_weekly_churn_by_account_manager(con):
    frame = churn.weekly_churn(con, D, by="account_manager", weeks=3)
    # Ann = North + East (= Premiership above); Bob = South (Y1 never at a Monday);
    # Cat = Mid (= Alpha); '' (last) = West + the unknown partner:
    #   10-19: churned V1 = 1; active V1 + Z1 = 2 -> 0.5
    #   10-26: churned Z1 = 1; active Z1 = 1 (V1 churned 10-21) -> 1.0
    #   11-02: 0, 0, empty
    assert records(frame, "account_manager") == [
        (W1, "Ann", 2, 5, 0.4),
        (W1, "Bob", 0, 0, None),
        (W1, "Cat", 0, 2, 0.0),
        (W1, "", 1, 2, 0.5),
        (W2, "Ann", 1, 4, 0.25),
        (W2, "Bob", 0, 0, None),
        (W2, "Cat", 0, 2, 0.0),
        (W2, "", 1, 1, 1.0),
        (W3, "Ann", 2, 4, 0.5),
        (W3, "Bob", 0, 0, None),
        (W3, "Cat", 1, 2, 0.5),
        (W3, "", 0, 0, None),
    ]


def test_weekly_churn_for_one_manager(con):
    # Ann's partners only: Champions League (East) and Premiership (North)
    frame = churn.weekly_churn(con, D, weeks=1, account_manager="Ann")
    assert records(frame, "league") == [
        (W3, "Champions League", 0, 0, None),
        (W3, "Premiership", 2, 4, 0.5),
    ]


def test_weekly_churn_default_is_26_weeks(con):
    frame = churn.weekly_churn(con, D)
    # 26 weeks x 5 leagues; the oldest Monday is 11-02 - 25 weeks (175 days) =
    # 2026-05-11 (20 days left in May + 30 + 31 + 31 + 30 + 31 = 173 to 10-31, +2)
    assert len(frame) == 26 * 5
    assert frame["week_start"].iloc[0] == d("2026-05-11")
    assert frame["week_start"].iloc[-1] == W3
    # week of 05-11 in Premiership: X1 X2 X3 X6 X7 added 01-01, none churned yet -> 5
    first = frame[
        (frame["week_start"] == d("2026-05-11")) & (frame["league"] == "Premiership")
    ]
    assert first[["churned", "active_at_start"]].iloc[0].tolist() == [0, 5]


def test_weekly_churn_rejects_unknown_grouping(con):
    with pytest.raises(ValueError):
        churn.weekly_churn(con, D, by="partner")


def test_churn_totals(con):
    totals = churn.churn_totals(con, D, weeks=3)
    # sums of the league rows:
    #   10-19: churned 0+0+2+0+1 = 3, active 1+0+5+2+1 = 9 -> 1/3
    #   10-26: churned 1+0+1+0+0 = 2, active 1+0+4+2+0 = 7 -> 2/7
    #   11-02: churned 0+0+2+1+0 = 3, active 0+0+4+2+0 = 6 -> 1/2
    assert totals["week_start"].tolist() == [W1, W2, W3]
    assert totals["churned"].tolist() == [3, 2, 3]
    assert totals["active_at_start"].tolist() == [9, 7, 6]
    assert totals["churn_rate"].tolist() == pytest.approx([1 / 3, 2 / 7, 0.5])


def test_churned_clients_this_week(con):
    frame = churn.churned_clients(con, D)
    # this week up to D: X7 11-02, X2 11-04 (North: 2 -> flagged), M2 11-03 (Mid: 1);
    # X3 churned 11-05 is after D. North first (2 churned), then by date.
    assert frame[["client_id", "partner_name", "partner_churn_count"]].to_dict(
        "records"
    ) == [
        {"client_id": "X7", "partner_name": "North", "partner_churn_count": 2},
        {"client_id": "X2", "partner_name": "North", "partner_churn_count": 2},
        {"client_id": "M2", "partner_name": "Mid", "partner_churn_count": 1},
    ]
    x2 = frame.iloc[1]
    assert (x2["churned_date"], x2["added_date"]) == (d("2026-11-04"), d("2026-01-01"))
    assert (x2["league"], x2["account_manager"]) == ("Premiership", "Ann")
    assert churn.churned_clients(con, D, league="Alpha")["client_id"].tolist() == ["M2"]


def test_churned_clients_of_an_earlier_week(con):
    # any day of the week picks it: Wednesday 10-28 -> week 10-26: Z1 10-28 at the
    # unknown partner, X4 10-29 at North; "(unknown partner)" sorts before "North"
    frame = churn.churned_clients(con, D, week_start=d("2026-10-28"))
    assert frame[["client_id", "partner_id", "partner_name"]].to_dict("records") == [
        {"client_id": "Z1", "partner_id": "", "partner_name": schema.UNKNOWN_PARTNER},
        {"client_id": "X4", "partner_id": NORTH, "partner_name": "North"},
    ]
    assert pd.isna(frame["league"].iloc[0])
    no_league = churn.churned_clients(con, D, week_start=W2, league=schema.NO_LEAGUE)
    assert no_league["client_id"].tolist() == ["Z1"]
    # the blank account manager ('') in week 10-19: V1 at West (X6, X1 are Ann's)
    blank_am = churn.churned_clients(con, D, week_start=W1, account_manager="")
    assert blank_am["client_id"].tolist() == ["V1"]
