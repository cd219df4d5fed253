"""The partner report and partner detail, checked against numbers worked out by hand.

As of D = Wednesday 2026-11-04: this week is Mon 2026-11-02 to D, this month is
2026-11-01 to D.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics import partners, schema
from analytics.partners import REPORT_COLUMNS
from tests.conftest import d

D = d("2026-11-04")

ACORN, BIRCH, CEDAR, DUNE = (
    "001000000000001",
    "001000000000002",
    "001000000000003",
    "001000000000004",
)
ELM, FIR, GUM, HAZEL, ASH = (
    "001000000000005",
    "001000000000006",
    "001000000000007",
    "001000000000008",
    "001000000000009",
)

PARTNERS = [
    # league, status, aim chosen to exercise the report order and plan progress
    dict(
        partner_id=DUNE,
        partner_name="Dune Ledger",
        account_manager="Bob",
        league="Regional",
        account_status="Fast-Track",
        business_plan_aim=2,
    ),
    dict(
        partner_id=ACORN,
        partner_name="Acorn Accounts",
        account_manager="Ann",
        league="Premiership",
        account_status="Handover",
        business_plan_aim=4,
    ),
    dict(
        partner_id=BIRCH,
        partner_name="Birch Books",
        account_manager="Ann",
        league="Champions League",
        account_status="Active in AM",
        business_plan_aim=0,
    ),
    dict(
        partner_id=CEDAR,
        partner_name="Cedar Tax",
        account_manager="Bob",
        league="Premiership",
        account_status="Key Account Management",
        business_plan_aim=None,
    ),
    dict(
        partner_id=ELM,
        partner_name="Elm Partners",
        account_manager="Bob",
        league="Northern",
        account_status=None,
        business_plan_aim=5,
    ),
    dict(
        partner_id=FIR,
        partner_name="Fir & Co",
        account_manager="Cat",
        league=None,
        account_status=None,
        business_plan_aim=1,
    ),
    dict(
        partner_id=GUM,
        partner_name="Gum Tree",
        account_manager="Cat",
        league="Premiership",
        account_status="Dormant",
    ),
    dict(
        partner_id=HAZEL,
        partner_name="Hazel Ltd",
        account_manager="Cat",
        league="Premiership",
        account_status=None,
    ),
    dict(
        partner_id=ASH,
        partner_name="Ash Audit",
        account_manager="Cat",
        league="Premiership",
        account_status="Prospect",
    ),
]


def client(cid, partner_id, added, repurposed=None, churned=None, name=None):
    return dict(
        client_id=cid,
        partner_id=partner_id,
        client_name=name or f"Client {cid}",
        added_date=added,
        repurposed_date=repurposed,
        churned_date=churned,
        monthly_value=10.0,
    )


CLIENTS = [
    # Acorn: every edge of active / repurposed / this month / this week
    client("C01", ACORN, "2026-06-01", repurposed="2026-07-01"),
    client("C02", ACORN, "2026-06-15", repurposed="2026-08-01", churned="2026-11-04"),
    client("C03", ACORN, "2026-11-02", churned="2026-11-03"),  # added+churned same week
    client("C04", ACORN, "2026-09-01", repurposed="2026-11-05"),  # repurposed after D
    client("C05", ACORN, "2026-10-01", churned="2026-11-05"),  # churned after D
    client("C06", ACORN, "2026-11-05"),  # added after D
    client("C07", ACORN + "AAB", "2026-07-01", repurposed="2026-07-10"),  # 18-char id
    client("C08", ACORN, "2026-10-31"),
    client("C09", ACORN, "2026-11-01", repurposed="2026-11-03"),
    client("C10", BIRCH, "2026-01-10", repurposed="2026-02-01"),
    client("C11", CEDAR, "2026-03-01", repurposed="2026-04-01"),
    client("C12", CEDAR, "2026-05-01"),
    client("C13", DUNE, "2026-02-02", repurposed="2026-03-01"),
    client("C14", DUNE, "2026-02-03", repurposed="2026-03-02"),
    client("C15", DUNE, "2026-02-04", repurposed="2026-03-03"),
    client("C16", FIR, "2026-04-01"),
    client("C17", "999999999999999", "2026-04-01"),  # not a partner: orphan
    client("C18", None, "2026-04-02"),  # no partner at all: orphan
    client("C19", GUM, "2026-01-01"),
    client("C20", HAZEL, "2026-01-01"),
    client("C21", HAZEL, "2026-01-01"),
    client("C22", ASH, "2026-01-01"),
]

ACTIVITIES = [
    dict(
        activity_id="A1",
        partner_id=ACORN,
        account_manager="Ann",
        activity_type="Call",
        subject="Catch-up",
        status=None,
        activity_date="2026-10-20",
        comments="Spoke to the partner",
    ),
    dict(
        activity_id="A2",
        partner_id=ACORN,
        account_manager="Ann",
        activity_type="Task",
        subject="Send pricing",
        status="Completed",
        activity_date="2026-10-01",
        completed_date="2026-10-25",
        comments="Sent",
    ),
    dict(
        activity_id="A3",
        partner_id=ACORN,
        account_manager="Ann",
        activity_type="Task",
        subject="Book training",
        status="Not Started",
        activity_date="2026-11-06",
    ),
    dict(
        activity_id="A4",
        partner_id=ACORN,
        account_manager="Ann",
        activity_type="Task",
        subject="  Account Management Notes ",
        status="In Progress",
        activity_date="2026-09-01",
        comments="Running notes",
    ),
    dict(
        activity_id="A5",
        partner_id=BIRCH,
        account_manager="Ann",
        activity_type="Event",
        subject="Visit",
        status="Planned",
        activity_date="2026-10-05",
    ),
    dict(
        activity_id="A6",
        partner_id=BIRCH,
        account_manager="Ann",
        activity_type="Task",
        subject="Account Management Notes",
        status="Completed",
        activity_date="2026-08-01",
        completed_date="2026-08-02",
    ),
    dict(
        activity_id="A7",
        partner_id=BIRCH,
        account_manager="Ann",
        activity_type="Task",
        subject="Review",
        status="Completed",
        activity_date="2026-10-30",
        completed_date="2026-11-06",
    ),
    dict(
        activity_id="A8",
        partner_id=CEDAR,
        account_manager="Bob",
        activity_type="Event",
        subject="QBR",
        activity_date="2026-11-10",
    ),
    dict(
        activity_id="A9",
        partner_id=DUNE,
        account_manager="Bob",
        activity_type="Email",
        subject="Hello",
        activity_date="2026-11-04",
    ),
    dict(
        activity_id="A10",
        partner_id="001000000000099",
        account_manager="Eve",
        activity_type="Email",
        subject="Lost",
        activity_date="2026-10-01",
    ),
]

CONTACTS = [
    dict(
        contact_id="K2",
        partner_id=ACORN,
        contact_name="Zoe Price",
        role="Partner",
        training_status="Completed",
        training_completed_date="2026-05-01",
    ),
    dict(
        contact_id="K1",
        partner_id=ACORN + "AAB",
        contact_name="Adam Lee",
        role="Bookkeeper",
        training_status="Enrolled",
    ),
    dict(contact_id="K3", partner_id=BIRCH, contact_name="Other Partner"),
]

QUOTAS = [dict(account_manager="Dan", month="2026-11-01", clients_target=5)]


@pytest.fixture(scope="module")
def con(make_module_dataset):
    return make_module_dataset(
        partners=PARTNERS,
        clients=CLIENTS,
        activities=ACTIVITIES,
        contacts=CONTACTS,
        quotas=QUOTAS,
    )


def rows(frame):
    return frame.to_dict("records")


def test_report_columns_and_order(con):
    report = partners.partner_report(con, D)
    assert list(report.columns) == REPORT_COLUMNS
    # No league first: (unknown partner) and Fir & Co are both in the
    # "others and blank" status group, so clients_total decides: 2 (C17, C18) > 1.
    # Then Champions League, then Premiership: Key Account Management (Cedar),
    # Handover (Acorn), then Dormant / blank / Prospect as ONE group by clients_total
    # desc then name: Hazel 2, Ash Audit 1, Gum Tree 1.
    # Then the other leagues A-Z after the four: Northern (Elm), Regional (Dune).
    assert report["partner_name"].tolist() == [
        schema.UNKNOWN_PARTNER,
        "Fir & Co",
        "Birch Books",
        "Cedar Tax",
        "Acorn Accounts",
        "Hazel Ltd",
        "Ash Audit",
        "Gum Tree",
        "Elm Partners",
        "Dune Ledger",
    ]
    unknown = report.iloc[0]
    assert unknown["partner_id"] == ""
    assert unknown[["league", "account_status", "account_manager"]].isna().all()
    assert unknown["clients_total"] == 2  # C17 (unknown id) + C18 (no id)
    assert unknown["clients_active"] == 2


def test_report_acorn_counts_every_date_edge(con):
    report = partners.partner_report(con, D).set_index("partner_id")
    acorn = report.loc[ACORN]
    # clients_total: added by D = C01 C02 C03 C04 C05 C07 C08 C09 = 8 (C06 added
    # 11-05 > D; C07's 18-char partner id begins with Acorn's 15-char id).
    assert acorn["clients_total"] == 8
    # active at D: C01 C04 C05 C07 C08 C09 = 6 (C02 churned on D, C03 churned 11-03;
    # C05 churns 11-05, after D, so still active).
    assert acorn["clients_active"] == 6
    # repurposed at D: C01 C07 C09 = 3 (C02 churned; C04 repurposed 11-05 > D).
    assert acorn["clients_repurposed"] == 3
    assert acorn["business_plan_aim"] == 4
    assert acorn["plan_progress"] == pytest.approx(0.75)  # 3 / 4
    # added this month (11-01..D): C09 11-01, C03 11-02 = 2 (C08 10-31, C06 after D)
    assert acorn["added_this_month"] == 2
    # churned this week (11-02..D): C03 11-03, C02 11-04 = 2 (C05 11-05 after D)
    assert acorn["churned_this_week"] == 2
    # touches: call 10-20, completed task 10-25 (its completed date) -> 11-04 - 10-25
    # = 6 (to 10-31) + 4 = 10 days
    assert acorn["days_since_touch"] == 10
    assert bool(acorn["has_notes_task"]) is True  # "  Account Management Notes "


def test_report_plan_progress_and_touches(con):
    report = partners.partner_report(con, D).set_index("partner_id")
    # aim 0 and empty aim: no plan progress
    assert math.isnan(report.loc[BIRCH, "plan_progress"])
    assert report.loc[BIRCH, "clients_repurposed"] == 1
    assert pd.isna(report.loc[CEDAR, "business_plan_aim"])
    assert math.isnan(report.loc[CEDAR, "plan_progress"])
    # not capped: Dune repurposed C13 C14 C15 = 3 / aim 2 = 1.5
    assert report.loc[DUNE, "plan_progress"] == pytest.approx(1.5)
    # partner with no clients: zeros, progress 0 / 5 = 0
    elm = report.loc[ELM]
    assert [
        elm[c] for c in ("clients_total", "clients_active", "clients_repurposed")
    ] == [
        0,
        0,
        0,
    ]
    assert elm["plan_progress"] == 0.0
    # Birch: event 10-05 is a touch (any status); the task completed 11-06 is not a
    # touch at D -> 11-04 - 10-05 = 26 (to 10-31) + 4 = 30
    assert report.loc[BIRCH, "days_since_touch"] == 30
    # Birch's only notes task is Completed: it does not count
    assert bool(report.loc[BIRCH, "has_notes_task"]) is False
    # Cedar: its only event is dated 11-10, after D -> never touched
    assert pd.isna(report.loc[CEDAR, "days_since_touch"])
    # Dune: email on D -> 0 days
    assert report.loc[DUNE, "days_since_touch"] == 0


def test_report_filters(con):
    def names(**filters):
        return partners.partner_report(con, D, **filters)["partner_name"].tolist()

    assert names(account_manager="Bob") == ["Cedar Tax", "Elm Partners", "Dune Ledger"]
    assert names(league=schema.NO_LEAGUE) == [schema.UNKNOWN_PARTNER, "Fir & Co"]
    assert names(league="Premiership") == [
        "Cedar Tax",
        "Acorn Accounts",
        "Hazel Ltd",
        "Ash Audit",
        "Gum Tree",
    ]
    assert names(account_status="Handover") == ["Acorn Accounts"]
    # '' is the blank status
    assert names(account_status="") == [
        schema.UNKNOWN_PARTNER,
        "Fir & Co",
        "Hazel Ltd",
        "Elm Partners",
    ]
    assert names(search="aCoRn") == ["Acorn Accounts"]
    assert names(search="0000004") == ["Dune Ledger"]  # part of the id
    assert names(search="&") == ["Fir & Co"]
    assert names(account_manager="Bob", league="Regional") == ["Dune Ledger"]


def test_report_as_of_an_earlier_date(con):
    # As of 2026-10-31 (a Saturday; week 10-26..10-31, month 10-01..10-31), Acorn:
    # added by then C01 C02 C04 C05 C07 C08 = 6; all active (no churn yet);
    # repurposed C01 C02 C07 = 3; added this month C05 10-01, C08 10-31 = 2.
    report = partners.partner_report(con, d("2026-10-31")).set_index("partner_id")
    acorn = report.loc[ACORN]
    assert acorn["clients_total"] == 6
    assert acorn["clients_active"] == 6
    assert acorn["clients_repurposed"] == 3
    assert acorn["added_this_month"] == 2
    assert acorn["churned_this_week"] == 0
    # last touch 10-25 -> 31 - 25 = 6 days
    assert acorn["days_since_touch"] == 6


def test_partner_info(con):
    info = partners.partner_info(con, ACORN + "XYZ")  # an 18-character id finds it
    assert info == {
        "partner_id": ACORN,
        "partner_name": "Acorn Accounts",
        "account_manager": "Ann",
        "league": "Premiership",
        "account_status": "Handover",
        "business_plan_aim": 4,
        "created_date": None,
    }
    assert partners.partner_info(con, "nobody") is None
    # with as_of: the report figures and ready = at or above the aim
    assert partners.partner_info(con, ACORN, D)["is_ready"] is False  # 3 / 4
    dune = partners.partner_info(con, DUNE, D)
    assert dune["clients_repurposed"] == 3
    assert dune["plan_progress"] == pytest.approx(1.5)
    assert dune["is_ready"] is True  # 3 / 2 >= 1
    assert partners.partner_info(con, CEDAR, D)["is_ready"] is False  # no aim


def test_partner_clients_status_at_d(con):
    clients = partners.partner_clients(con, ACORN, D)
    # newest added first; status at D
    assert rows(clients[["client_id", "status"]]) == [
        {"client_id": "C06", "status": "Not yet added"},  # added 11-05 > D
        {"client_id": "C03", "status": "Churned"},  # churned 11-03
        {"client_id": "C09", "status": "Repurposed"},
        {"client_id": "C08", "status": "Active"},
        {"client_id": "C05", "status": "Active"},  # churns 11-05, after D
        {"client_id": "C04", "status": "Active"},  # repurposed 11-05, after D
        {"client_id": "C07", "status": "Repurposed"},  # via the 18-char id
        {"client_id": "C02", "status": "Churned"},  # churned on D
        {"client_id": "C01", "status": "Repurposed"},
    ]
    c02 = clients.set_index("client_id").loc["C02"]
    assert c02["added_date"] == d("2026-06-15")
    assert c02["churned_date"] == d("2026-11-04")
    assert c02["client_name"] == "Client C02"
    assert partners.partner_clients(con, "", D)["client_id"].tolist() == ["C18", "C17"]


def test_partner_contacts_and_notes_task(con):
    contacts = partners.partner_contacts(con, ACORN)
    assert contacts["contact_name"].tolist() == ["Adam Lee", "Zoe Price"]
    assert contacts["training_completed_date"].tolist() == [None, d("2026-05-01")]
    notes = partners.partner_notes_task(con, ACORN)
    assert notes["activity_id"] == "A4"
    assert notes["comments"] == "Running notes"
    assert (
        partners.partner_notes_task(con, BIRCH) is None
    )  # its notes task is Completed


def test_partner_activities_timeline(con):
    timeline = partners.partner_activities(con, ACORN)
    # newest activity date first: A3 11-06, A1 10-20, A2 10-01, A4 09-01
    assert timeline["activity_id"].tolist() == ["A3", "A1", "A2", "A4"]
    assert timeline["comments"].tolist()[1] == "Spoke to the partner"
    assert timeline["is_touch"].tolist() == [False, True, True, False]
    # as of D: A3 (dated 11-06) is left out
    assert partners.partner_activities(con, ACORN, D)["activity_id"].tolist() == [
        "A1",
        "A2",
        "A4",
    ]


def test_lists_for_filters(con):
    # partners' AMs Ann Bob Cat, Dan from quotas, Eve from activities only
    assert partners.account_managers(con) == ["Ann", "Bob", "Cat", "Dan", "Eve"]
    assert partners.leagues(con) == [
        schema.NO_LEAGUE,
        "Champions League",
        "Premiership",
        "Northern",
        "Regional",
    ]
    assert partners.statuses(con) == [
        "Key Account Management",
        "Handover",
        "Fast-Track",
        "Active in AM",
        "Dormant",
        "Prospect",
    ]


def test_no_unknown_partner_without_orphans(make_dataset):
    con = make_dataset(
        partners=[PARTNERS[1]],
        clients=[client("C1", ACORN, "2026-11-01")],
        activities=[ACTIVITIES[0]],
    )
    report = partners.partner_report(con, D)
    assert report["partner_name"].tolist() == ["Acorn Accounts"]
    # one client added 11-01: total 1, active 1, added this month 1
    assert report[["clients_total", "clients_active", "added_this_month"]].iloc[
        0
    ].tolist() == [1, 1, 1]
    assert partners.leagues(con) == ["Premiership"]


def test_own_partner_id_finds_the_15_character_partner_of_an_18_character_id(con):
    # Acorn is 001000000000001: its 18-character form adds a 3-character checksum.
    assert partners.own_partner_id(con, ACORN + "AAA") == ACORN
    assert partners.own_partner_id(con, ACORN) == ACORN
    assert partners.own_partner_id(con, "001000000000099AAA") is None
