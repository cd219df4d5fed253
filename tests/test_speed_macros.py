"""The league_name macro (sql/macros.sql): the one place SQL names a missing or
blank league `No league` (schema.NO_LEAGUE), stored in every version file."""

from __future__ import annotations

from analytics import churn, partners, schema
from tests.conftest import d

PARTNERS = [
    {"partner_id": "P1", "partner_name": "Ash", "league": "Premiership"},
    {"partner_id": "P2", "partner_name": "Beech", "league": "  "},
    {"partner_id": "P3", "partner_name": "Cherry"},
]
CLIENTS = [
    {"client_id": "C1", "partner_id": "P2", "added_date": "2026-10-01"},
    {
        "client_id": "C2",
        "partner_id": "P2",
        "added_date": "2026-10-01",
        "churned_date": "2026-11-17",
    },
    {
        "client_id": "C3",
        "partner_id": "P1",
        "added_date": "2026-10-01",
        "churned_date": "2026-11-18",
    },
]


def test_league_name_counts_blank_as_none(make_dataset):
    con = make_dataset(partners=PARTNERS)
    found = con.execute(
        "select league_name(null), league_name(''), league_name('  '),"
        " league_name('Premiership')"
    ).fetchone()
    assert found == (schema.NO_LEAGUE, "No league", "No league", "Premiership")


def test_no_league_filters_and_groups_blank_and_missing(make_dataset):
    con = make_dataset(partners=PARTNERS, clients=CLIENTS)
    # Beech (blank) and Cherry (none) are both under No league; Ash is not.
    assert partners.leagues(con) == ["No league", "Premiership"]
    report = partners.partner_report(con, d("2026-11-20"), league="No league")
    assert sorted(report["partner_name"]) == ["Beech", "Cherry"]
    # Week of Mon Nov 16: C2 (Beech, the 17th) churned under No league, C3 (Ash,
    # the 18th) under Premiership.
    week = churn.churned_clients(con, d("2026-11-20"), league="No league")
    assert list(week["client_id"]) == ["C2"]
