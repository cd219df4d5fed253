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

import pytest

from analytics import access, churn, kpis, partners, repurposing, rollups, store
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
