"""Who may see what: viewers from the users table, and each book narrowed in SQL,
checked against numbers worked out by hand.

As of D = Wednesday 2026-11-04: this week is Mon 2026-11-02 to D.
Books: Ann owns Acorn and Birch, Bob owns Cedar, Cid owns Dune; Meg manages Ann
(by name) and Bob (by her 18-character user id). Client C6 and activity A2 belong to
a partner not in the partners file: the `(unknown partner)`, an admin's only.
"""

from __future__ import annotations

import duckdb
import pytest

from analytics import access, churn, partners, quota, store
from analytics.access import AccessDenied
from tests.conftest import d

D = d("2026-11-04")
ACORN, BIRCH, CEDAR, DUNE, LOST = (
    "001000000000001",
    "001000000000002",
    "001000000000003",
    "001000000000004",
    "001000000000999",
)
MEG_ID = "0050000000000ME"

TABLES = dict(
    partners=[
        dict(
            partner_id=ACORN,
            partner_name="Acorn",
            account_manager="Ann",
            league="Premiership",
        ),
        dict(
            partner_id=BIRCH,
            partner_name="Birch",
            account_manager="Ann",
            league="Champions League",
        ),
        dict(partner_id=CEDAR, partner_name="Cedar", account_manager="Bob"),
        dict(partner_id=DUNE, partner_name="Dune", account_manager="Cid"),
    ],
    clients=[
        dict(client_id="C1", partner_id=ACORN, added_date="2026-10-01"),
        dict(client_id="C2", partner_id=ACORN, added_date="2026-11-02"),
        dict(
            client_id="C3",
            partner_id=BIRCH,
            added_date="2026-09-01",
            churned_date="2026-11-03",
        ),
        dict(client_id="C4", partner_id=CEDAR, added_date="2026-11-03"),
        dict(
            client_id="C5",
            partner_id=DUNE,
            added_date="2026-10-10",
            churned_date="2026-11-02",
        ),
        dict(
            client_id="C6",
            partner_id=LOST,
            added_date="2026-10-01",
            churned_date="2026-11-03",
        ),
    ],
    activities=[
        dict(
            activity_id="A1",
            partner_id=ACORN,
            account_manager="Ann",
            activity_type="Call",
            activity_date="2026-11-01",
        ),
        dict(
            activity_id="A2",
            partner_id=LOST,
            account_manager="Ann",
            activity_type="Call",
            activity_date="2026-11-01",
        ),
    ],
    quotas=[
        dict(account_manager="Ann", month="2026-11-01", clients_target=10),
        dict(account_manager="Bob", month="2026-11-01", clients_target=5),
        dict(account_manager="Cid", month="2026-11-01", clients_target=3),
    ],
    users=[
        dict(
            user_id="005000000000ANN",
            name="Ann",
            email="ann@example.com",
            manager="Meg",
            role="am",
        ),
        dict(
            user_id="005000000000BOB",
            name="Bob",
            email="bob@example.com",
            manager=MEG_ID + "AAA",
        ),
        dict(
            user_id="005000000000CID",
            name="Cid",
            email="cid@example.com",
            manager="Zed",
            role="am",
        ),
        dict(user_id=MEG_ID, name="Meg", email="Meg@Example.com", role="manager"),
        dict(
            user_id="005000000000ADA", name="Ada", email="ada@example.com", role="admin"
        ),
        dict(
            user_id="005000000000INA",
            name="Ina",
            email="ina@example.com",
            role="am",
            is_active="false",
        ),
    ],
)


@pytest.fixture
def folder(make_data_dir):
    return make_data_dir(**TABLES)


@pytest.fixture
def full(folder):
    with store.connect(folder) as con:
        yield con


def book(folder, *names: str) -> duckdb.DuckDBPyConnection:
    path = store.version_path(folder, store.current_version(folder))
    return access.book(path, names)


def test_an_am_is_their_own_book(full):
    ann = access.find_viewer(full, "ann@example.com")
    assert (ann.name, ann.role, ann.team) == ("Ann", "am", ("Ann",))
    assert ann.account_managers() == ("Ann",)


def test_a_manager_sees_the_ams_naming_them_by_name_or_user_id(full):
    # Ann names Meg; Bob names her 18-character id (her 15-character id + "AAA");
    # Cid's manager is someone else. The email matches ignoring case.
    meg = access.find_viewer(full, "meg@example.com")
    assert (meg.role, meg.team) == ("manager", ("Ann", "Bob", "Meg"))
    assert meg.account_managers("Bob") == ("Bob",)
    with pytest.raises(AccessDenied, match="Cid is not in the books you may see"):
        meg.account_managers("Cid")


def test_a_blank_role_is_an_am_without_reports(full):
    bob = access.find_viewer(full, "bob@example.com")
    assert (bob.role, bob.team) == ("am", ("Bob",))


def test_an_admin_sees_everything_and_may_view_as_anyone(full):
    ada = access.find_viewer(full, "ada@example.com")
    assert ada.is_admin and ada.account_managers() is None
    assert ada.account_managers("Cid") == ("Cid",)


def test_unknown_and_inactive_users_are_refused(full):
    with pytest.raises(AccessDenied, match="nobody@example.com is not in the app's"):
        access.find_viewer(full, "nobody@example.com")
    with pytest.raises(AccessDenied, match="marked inactive"):
        access.find_viewer(full, "ina@example.com")


def test_admin_emails_let_the_first_admin_in_before_any_users_file(make_data_dir):
    folder = make_data_dir(partners=TABLES["partners"])
    with store.connect(folder) as con:
        first = access.find_viewer(con, "Boss@Example.com", ["boss@example.com"])
        assert (first.role, first.name) == ("admin", "Boss@Example.com")
        with pytest.raises(AccessDenied):
            access.find_viewer(con, "ann@example.com")


def test_an_am_partner_report_has_their_partners_only(folder, full):
    with book(folder, "Ann") as con:
        report = partners.partner_report(con, D)
        # Champions League before Premiership; Birch has C3, Acorn C1 and C2.
        assert report["partner_name"].tolist() == ["Birch", "Acorn"]
        assert report["clients_total"].tolist() == [1, 2]
        assert partners.account_managers(con) == ["Ann"]
        # a filter naming another AM finds nothing rather than widening the book
        assert partners.partner_report(con, D, account_manager="Bob").empty
    # the full dataset: four partners and the (unknown partner) of C6 and A2
    assert len(partners.partner_report(full, D)) == 5


def test_an_am_quota_rows_are_their_own(folder):
    with book(folder, "Ann") as con:
        pace = quota.quota_pace(con, D)
    # Ann's month (target 10) and quarter (Oct-Dec: only November's 10 is set)
    assert pace["account_manager"].tolist() == ["Ann", "Ann"]
    assert pace["target"].tolist() == [10, 10]


def test_a_team_churn_counts_leave_out_other_books_and_unknown_partners(folder, full):
    with book(folder, "Ann", "Bob", "Meg") as con:
        week = churn.churn_totals(con, D, weeks=1).iloc[0]
    # churned this week: C3 (Ann). Active at Monday 11-02: C1 and C3 (C2 and C4
    # were added on or after it; C5 is Cid's, C6 the unknown partner's).
    assert (week["churned"], week["active_at_start"]) == (1, 2)
    assert week["churn_rate"] == pytest.approx(0.5)
    everyone = churn.churn_totals(full, D, weeks=1).iloc[0]
    # C3, C5 (churned on the Monday) and C6; active at Monday: C1, C3, C5, C6.
    assert (everyone["churned"], everyone["active_at_start"]) == (3, 4)


def test_unknown_partner_rows_are_in_no_book(folder):
    with book(folder, "Ann") as con:
        counts = con.execute(
            "select (select count(*) from clients), (select count(*) from stg_clients),"
            " (select count(*) from activities), (select count(*) from stg_partners)"
        ).fetchone()
    # Ann: clients C1, C2, C3; activity A1 (A2 is the unknown partner's); two partners
    assert counts == (3, 3, 1, 2)


def test_every_table_of_a_version_has_a_rule(full):
    names = {
        r[0]
        for r in full.execute(
            "select table_name from duckdb_tables() where database_name ="
            " current_database()"
        ).fetchall()
    }
    assert names - set(access.NARROWED) - set(access.SHARED) == set()


def test_a_table_without_a_rule_shows_no_rows_and_macros_come_along(tmp_path):
    path = tmp_path / "v.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table stg_partners as select 'P1' as partner_id,"
            " 'Ann' as account_manager"
        )
        con.execute("create table secrets as select 42 as answer")
        con.execute("create macro plus_one(x) as x + 1")
    with access.book(path, ["Ann"]) as con:
        assert con.execute("select count(*) from secrets").fetchone() == (0,)
        assert con.execute(
            "select plus_one(partner_id::int) from (select 41 as partner_id)"
        ).fetchone() == (42,)
