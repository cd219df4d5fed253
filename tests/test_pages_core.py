"""AppTest of the Dashboard, the Partner report and the Partner detail on a small
hand-worked dataset, on an empty dataset and on the demo data.

The fixture, as of Friday 2026-11-20: this week is Monday 16 to Friday 20 November,
last week up to the same weekday is 9 to 13 November; this month is 1 to 20 November,
last month up to the same day is 1 to 20 October. November has 21 working days
(2-6, 9-13, 16-20, 23-27, 30), 15 of them gone by the 20th.

Partners (AM, league, status, aim) and their clients (added / repurposed / churned):
- P1 Alder & Co (Ann, Premiership, Key Account Management, aim 2): C01 Jan 5 / Feb 1;
  C02 Mar 1 / Nov 10; C03 Nov 3; C04 May 1 / churned Nov 17.
- P2 Birch Ltd (Ann, no league, Handover, aim 4): C05 Feb 1 / Oct 15; C06 Nov 18;
  C07 Apr 1 / churned Nov 11.
- P3 Cedar LLP (Bob, Champions League, Fast-Track, no aim): C08 Jun 1; C09 Nov 25
  (after D); C13 Aug 1 / Nov 5.
- P4 Damson Partners (Bob, Premiership, Handover, aim 5): C12 Feb 1 / churned Nov 12.
- P5 Elm Accounts (Ann, Premiership, Key Account Management, aim 1): C10 Jul 1 / Aug 1.
- (unknown partner): C11 Sep 1 (its partner id ZZZ is not in partners).

Touches: P1 call Nov 18 (2 days), P2 task completed Oct 5 (46 days), P3 email Nov 19
(1 day), P5 event Nov 16 (4 days), P4 never. Notes tasks: P1 and P3. P2 has an open
task due Nov 1 (overdue). Quotas for November: Ann 2, Bob 2.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import unquote_plus

import pandas as pd
import pytest

from analytics import dates, partners, store
from tests.conftest import clicked_csv, open_expanders
from ui.partners import grid_columns, partner_labels, requested_partner

HOME = "pages/home.py"
REPORT = "pages/partners.py"
DETAIL = "pages/partner.py"
AS_OF = {"as_of": "2026-11-20"}

PARTNERS = [
    {
        "partner_id": "P1",
        "partner_name": "Alder & Co",
        "account_manager": "Ann",
        "league": "Premiership",
        "account_status": "Key Account Management",
        "business_plan_aim": 2,
        "created_date": "2024-01-10",
    },
    {
        "partner_id": "P2",
        "partner_name": "Birch Ltd",
        "account_manager": "Ann",
        "account_status": "Handover",
        "business_plan_aim": 4,
    },
    {
        "partner_id": "P3",
        "partner_name": "Cedar LLP",
        "account_manager": "Bob",
        "league": "Champions League",
        "account_status": "Fast-Track",
    },
    {
        "partner_id": "P4",
        "partner_name": "Damson Partners",
        "account_manager": "Bob",
        "league": "Premiership",
        "account_status": "Handover",
        "business_plan_aim": 5,
    },
    {
        "partner_id": "P5",
        "partner_name": "Elm Accounts",
        "account_manager": "Ann",
        "league": "Premiership",
        "account_status": "Key Account Management",
        "business_plan_aim": 1,
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
        "monthly_value": 10.0,
    }


CLIENTS = [
    client("C01", "P1", "2026-01-05", repurposed="2026-02-01"),
    client("C02", "P1", "2026-03-01", repurposed="2026-11-10"),
    client("C03", "P1", "2026-11-03"),
    client("C04", "P1", "2026-05-01", churned="2026-11-17"),
    client("C05", "P2", "2026-02-01", repurposed="2026-10-15"),
    client("C06", "P2", "2026-11-18"),
    client("C07", "P2", "2026-04-01", churned="2026-11-11"),
    client("C08", "P3", "2026-06-01"),
    client("C09", "P3", "2026-11-25"),
    client("C13", "P3", "2026-08-01", repurposed="2026-11-05"),
    client("C12", "P4", "2026-02-01", churned="2026-11-12"),
    client("C10", "P5", "2026-07-01", repurposed="2026-08-01"),
    client("C11", "ZZZ", "2026-09-01"),
]


def activity(
    aid, partner, am, kind, subject, status, date, completed=None, comments=None
):
    return {
        "activity_id": aid,
        "partner_id": partner,
        "account_manager": am,
        "activity_type": kind,
        "subject": subject,
        "status": status,
        "activity_date": date,
        "completed_date": completed,
        "comments": comments,
    }


NOTES = "Account Management Notes"
ACTIVITIES = [
    activity(
        "A1",
        "P1",
        "Ann",
        "Call",
        "Check-in",
        "Completed",
        "2026-11-18",
        comments="Talked about the spring migration",
    ),
    activity(
        "A2",
        "P1",
        "Ann",
        "Task",
        NOTES,
        "Not Started",
        "2026-01-01",
        comments="Running notes for Alder",
    ),
    activity(
        "A3",
        "P2",
        "Ann",
        "Task",
        "Follow up",
        "Completed",
        "2026-10-01",
        completed="2026-10-05",
    ),
    activity("A4", "P2", "Ann", "Task", "Send pack", "Open", "2026-11-01"),
    activity("A5", "P3", "Bob", "Email", "Intro", None, "2026-11-19"),
    activity("A6", "P3", "Bob", "Task", NOTES, "In Progress", "2026-06-01"),
    activity("A7", "P5", "Ann", "Event", "Review", None, "2026-11-16"),
]

QUOTAS = [
    {"account_manager": "Ann", "month": "2026-11-01", "clients_target": 2},
    {"account_manager": "Bob", "month": "2026-11-01", "clients_target": 2},
]

CONTACTS = [
    {
        "contact_id": "K1",
        "partner_id": "P1",
        "contact_name": "Jo",
        "training_status": "Completed",
        "training_completed_date": "2026-03-01",
    },
    {
        "contact_id": "K2",
        "partner_id": "P1",
        "contact_name": "Max",
        "training_status": "Enrolled",
    },
    {
        "contact_id": "K3",
        "partner_id": "P1",
        "contact_name": "Sam",
        "training_status": "Completed",
        "training_completed_date": "2026-05-01",
    },
    {
        "contact_id": "K4",
        "partner_id": "P2",
        "contact_name": "Ola",
        "training_status": "Not enrolled",
    },
]

ACCOUNT_PLANS = [
    {
        "plan_id": "PL1",
        "partner_id": "P1",
        "account_manager": "Ann",
        "created_date": "2026-10-02",
        "revenue_goal": 1000.0,
        "current_amount": 400.0,
        "status": "On Track",
    },
]


@pytest.fixture(scope="module")
def data(make_module_data_dir):
    return make_module_data_dir(
        partners=PARTNERS,
        clients=CLIENTS,
        activities=ACTIVITIES,
        quotas=QUOTAS,
        contacts=CONTACTS,
        account_plans=ACCOUNT_PLANS,
    )


def metrics(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def progress_text(at) -> str:
    return next(e.proto.text for e in at.main if type(e).__name__ == "Progress")


def tables_with(at, column: str) -> list[pd.DataFrame]:
    """The shown tables that have `column` (charts' tables have other columns)."""
    return [t.value for t in at.dataframe if column in t.value.columns]


# --- Dashboard -----------------------------------------------------------------


def test_dashboard_tiles(run_app, data):
    at = run_app(data, page=HOME, query=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    tiles = metrics(at)
    # Added this month (Nov 1-20): C03 (Nov 3), C06 (Nov 18); C09 (Nov 25) is after D.
    # Target Ann 2 + Bob 2 = 4; expected 4 x 15 / 21 = 2.86; pace 2 / 2.86 = 0.70
    # -> Behind.
    assert tiles["Clients added vs quota"] == ("2", "Behind")
    assert at.metric[0].proto.delta_description == "target 4"
    # Repurposed Nov 1-20: C02 (Nov 10), C13 (Nov 5) = 2; Oct 1-20: C05 (Oct 15) = 1.
    assert tiles["Repurposed this month"] == ("2", "1")
    # Churned Nov 16-20: C04 (Nov 17) = 1; Nov 9-13: C07 (Nov 11), C12 (Nov 12) = 2.
    assert tiles["Churned this week"] == ("1", "-1")
    # Needing attention: Birch (46 days, no notes, overdue task), Damson (never
    # touched, no notes), Elm (no notes) = 3; Alder and Cedar are fine; the
    # (unknown partner) has no AM and is left out.
    assert tiles["Needing attention"][0] == "3"  # the short label of the tile
    # Call today, by league then days over the cadence (never touched first):
    # Birch (no league, cadence 30) last touched 46 days ago, no notes task, A4 due
    # Nov 1 still open; Damson (Premiership) never touched, no notes task; Elm
    # (Premiership) touched 4 days ago (cadence 21) but no notes task. Alder (2
    # days, cadence 21) and Cedar (1 day, cadence 14) have notes tasks: not listed.
    calls = tables_with(open_expanders(at, "As a table"), "reasons")[0]
    assert list(calls["partner_name"]) == [
        "Birch Ltd",
        "Damson Partners",
        "Elm Accounts",
    ]
    assert list(calls["reasons"]) == [
        "no touch for 46 days (cadence 30); no notes task; 1 overdue task",
        "never touched; no notes task",
        "no notes task",
    ]
    assert list(calls["last_touch"]) == ["46 days", "never", "4 days"]
    assert at.subheader[0].value == "Call today · 3 partners"


def test_dashboard_for_one_account_manager(run_app, data):
    at = run_app(data, page=HOME, query={**AS_OF, "am": "Ann"})
    assert not at.exception
    tiles = metrics(at)
    # Ann's partners P1, P2, P5 added C03 and C06 = 2 against a target of 2:
    # expected 2 x 15 / 21 = 1.43, pace 1.4 -> Ahead.
    assert tiles["Clients added vs quota"] == ("2", "Ahead")
    # Repurposed: C02 (Nov 10) = 1 this month; C05 (Oct 15) = 1 last month.
    assert tiles["Repurposed this month"] == ("1", "0")
    # Churned: C04 this week = 1; C07 last week = 1.
    assert tiles["Churned this week"] == ("1", "0")
    # Birch and Elm.
    assert tiles["Needing attention"][0] == "2"
    # Ann's calls: Birch and Elm (Damson is Bob's); no AM column for one AM.
    at = open_expanders(at, "As a table")
    assert list(tables_with(at, "reasons")[0]["partner_name"]) == [
        "Birch Ltd",
        "Elm Accounts",
    ]
    grid = next(t for t in at.dataframe if "reasons" in t.value.columns)
    assert "account_manager" not in grid.proto.column_order


def test_dashboard_kpi_follows_the_as_of_date(run_app, data):
    at = run_app(data, page=HOME, query={"as_of": "2026-11-13"})
    assert not at.exception
    # Week of Nov 9-13: C07 (Nov 11) and C12 (Nov 12) = 2; the week before (Nov 2-6)
    # none.
    assert metrics(at)["Churned this week"] == ("2", "2")


# --- Partner report ------------------------------------------------------------


COUNTS = [
    "clients_total",
    "clients_active",
    "clients_repurposed",
    "business_plan_aim",
    "added_this_month",
    "churned_this_week",
]


def names(grid: pd.DataFrame) -> list[str]:
    return list(grid["partner_name"])


def shown_name(link: str) -> str:
    """The text a partner link shows: the part after '#', decoded."""
    return unquote_plus(link.split("#", 1)[1])


def test_report_one_grid_per_league_with_status_subtotals(run_app, data):
    at = run_app(data, page=REPORT, query=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Partner report"
    # No league first, then the four leagues in order (only those with partners).
    assert [h.value for h in at.header] == [
        "No league",
        "Champions League",
        "Premiership",
    ]
    # One grid per league; each status group opens with its subtotal row (Σ), the
    # four statuses in order, then the rest together; inside a group, clients
    # descending (Alder 4, Elm 1).
    grids = [t.value for t in at.dataframe]
    assert [names(g) for g in grids] == [
        [
            "Σ Handover · 1 partner",
            "Birch Ltd",
            "Σ Other or no status · 1 partner",
            "(unknown partner)",
        ],
        ["Σ Fast-Track · 1 partner", "Cedar LLP"],
        [
            "Σ Key Account Management · 2 partners",
            "Alder & Co",
            "Elm Accounts",
            "Σ Handover · 1 partner",
            "Damson Partners",
        ],
    ]
    # The columns an AM acts on first; the AM as the report spans Ann and Bob (a
    # mixed group's status is in its partners' names, see test_report_rows...).
    assert list(at.dataframe[0].proto.column_order) == [
        "partner",
        "last_touch",
        "notes",
        "plan",
        *COUNTS,
        "account_manager",
    ]


def test_report_rows_and_subtotals(run_app, data):
    at = run_app(data, page=REPORT, query=AS_OF)
    no_league, _, premiership = (t.value for t in at.dataframe)
    birch = no_league.iloc[1]
    # Birch: C05, C06, C07 added by D = 3; active C05, C06 = 2 (C07 churned Nov 11);
    # repurposed C05 = 1; aim 4 -> 1 / 4 = 25%; added this month C06; churned this
    # week none (C07 was last week); last touch Oct 5 -> 46 days; no notes task.
    assert birch["partner_id"] == "P2"
    assert birch["partner"].startswith("partner?partner=P2&as_of=2026-11-20#")
    assert shown_name(birch["partner"]) == "Birch Ltd"  # not ready: no star
    assert list(birch[["clients_total", "clients_active", "clients_repurposed"]]) == [
        3,
        2,
        1,
    ]
    assert birch["plan"] == pytest.approx(25)
    assert (birch["added_this_month"], birch["churned_this_week"]) == (1, 0)
    assert (birch["last_touch"], birch["notes"]) == ("46 days", "missing")
    unknown = no_league.iloc[3]
    # The unknown partner: C11 only, never touched, no status (none in its name).
    assert unknown["last_touch"] == "never"
    assert shown_name(unknown["partner"]) == "(unknown partner)"
    alder, elm = premiership.iloc[1], premiership.iloc[2]
    # Alder: 4 added; active C01, C02, C03 = 3; repurposed C01, C02 = 2; aim 2 ->
    # 100%: ready for the next stage (★); touched Nov 18 -> 2 days; notes task.
    assert shown_name(alder["partner"]) == "★ Alder & Co"
    assert alder["plan"] == pytest.approx(100)
    assert (alder["last_touch"], alder["notes"]) == ("2 days", "✓")
    assert (alder["added_this_month"], alder["churned_this_week"]) == (1, 1)
    # Elm: C10 repurposed Aug 1, aim 1 -> 100%, ready too; touched Nov 16 -> 4 days.
    assert shown_name(elm["partner"]) == "★ Elm Accounts"
    assert (elm["last_touch"], elm["notes"]) == ("4 days", "missing")
    kam = premiership.iloc[0]
    # Key Account Management subtotal: Alder + Elm: clients 4 + 1 = 5, active 3 + 1
    # = 4, repurposed 2 + 1 = 3, aim 2 + 1 = 3, added 1 + 0, churned 1 + 0; notes
    # tasks: Alder's alone, ✓ 1 (of the 2 partners its name counts); no partner id
    # (selecting it opens nothing); its link opens the report on that league and
    # status.
    assert pd.isna(kam["partner_id"])
    assert list(kam[COUNTS]) == [5, 4, 3, 3, 1, 1]
    assert kam["notes"] == "✓ 1"
    assert kam["partner"].startswith(
        "partners?league=Premiership&as_of=2026-11-20&status=Key+Account+Management#"
    )
    damson = premiership.iloc[4]
    # Damson: C12 churned Nov 12 (last week): 1 client, 0 active, 0 repurposed, aim
    # 5 -> 0%; never touched.
    assert list(damson[["clients_total", "clients_active", "plan"]]) == [1, 0, 0]
    assert (damson["last_touch"], damson["notes"]) == ("never", "missing")
    totals = [m.value for m in at.markdown if "partners ·" in m.value]
    # No league: Birch + unknown = 2 partners, 3 + 1 = 4 clients, 2 + 1 = 3 active,
    # 1 + 0 = 1 repurposed, 1 + 0 added this month, 0 churned this week.
    assert totals[0] == (
        "**2** partners · **4** clients · **3** active · **1** repurposed · "
        "**1** added this month · **0** churned this week"
    )
    # Premiership: Alder 4 + Elm 1 + Damson 1 = 6 clients; active 3 + 1 + 0 = 4;
    # repurposed 2 + 1 + 0 = 3; added 1; churned this week 1 (C12 was last week).
    assert totals[2] == (
        "**3** partners · **6** clients · **4** active · **3** repurposed · "
        "**1** added this month · **1** churned this week"
    )
    # Ready: Alder and Elm (Birch 25%, Damson 0%, Cedar and unknown have no aim).
    assert at.caption[1].value.endswith("· 2 ready for the next stage")


def test_report_for_one_account_manager_has_no_am_column(run_app, data):
    at = run_app(data, page=REPORT, query={**AS_OF, "am": "Bob"})
    # Bob owns Cedar (Champions League) and Damson (Premiership).
    assert [h.value for h in at.header] == ["Champions League", "Premiership"]
    assert "account_manager" not in at.dataframe[0].proto.column_order


def test_report_filters_from_the_url(run_app, data):
    at = run_app(data, page=REPORT, query={**AS_OF, "league": "Premiership"})
    assert not at.exception
    assert at.selectbox(key="league").value == "Premiership"
    assert [h.value for h in at.header] == ["Premiership"]
    assert [names(t.value) for t in at.dataframe] == [
        [
            "Σ Key Account Management · 2 partners",
            "Alder & Co",
            "Elm Accounts",
            "Σ Handover · 1 partner",
            "Damson Partners",
        ]
    ]
    at = run_app(
        data,
        page=REPORT,
        query={**AS_OF, "q": "ELM", "status": "Key Account Management"},
    )
    assert [names(t.value) for t in at.dataframe] == [
        ["Σ Key Account Management · 1 partner", "Elm Accounts"]
    ]


def test_report_status_filter_is_bound_to_the_url(run_app, data):
    at = run_app(data, page=REPORT, query=AS_OF)
    at.selectbox(key="status").set_value("Handover").run()
    assert not at.exception
    assert at.selectbox(key="status").proto.query_param_key == "status"  # in the URL
    # Handover: Birch (No league) and Damson (Premiership).
    assert [names(t.value) for t in at.dataframe] == [
        ["Σ Handover · 1 partner", "Birch Ltd"],
        ["Σ Handover · 1 partner", "Damson Partners"],
    ]


def test_phone_grid_shows_partner_touch_and_notes(run_app, data):
    at = run_app(data, page=REPORT, query=AS_OF)
    grids = [t.value for t in at.dataframe]
    assert list(grid_columns(grids, several_managers=True, phone=True)) == [
        "partner",
        "last_touch",
        "notes",
    ]


def test_report_nothing_matches(run_app, data):
    at = run_app(data, page=REPORT, query={**AS_OF, "q": "no such partner"})
    assert not at.exception
    assert at.info[0].value == "No partners match these filters."


# --- Partner detail ------------------------------------------------------------


def test_detail_of_a_partner_from_its_id(run_app, data):
    at = run_app(data, page=DETAIL, query={**AS_OF, "partner": "P1"})
    assert not at.exception
    assert at.selectbox(key="partner_choice").value == "P1"
    assert at.header[0].value == "Alder & Co"
    info = at.markdown[0].value
    assert "**Account manager:** Ann" in info
    assert "**League:** Premiership" in info
    assert "**Account status:** Key Account Management" in info
    assert "**Created:** 2024-01-10" in info
    tiles = metrics(at)
    # As in the report: 4 clients, 3 active, 2 repurposed, 1 added, 1 churned, 2 days.
    assert tiles["Clients"][0] == "4"
    assert tiles["Active"][0] == "3"
    assert tiles["Repurposed"][0] == "2"
    assert tiles["Added this month"][0] == "1"
    assert tiles["Churned this week"][0] == "1"
    assert tiles["Days since touch"][0] == "2"
    # Aim 2, repurposed 2 -> 100%: ready for the next stage.
    assert "Aim: **2** clients · repurposed: **2**" in [m.value for m in at.markdown]
    assert progress_text(at) == "Plan progress 100%"
    assert any("Ready for the next stage" in m.value for m in at.markdown)
    # Contacts: Jo and Sam completed, Max enrolled.
    assert tiles["Training: Not enrolled"][0] == "0"
    assert tiles["Training: Enrolled"][0] == "1"
    assert tiles["Training: Completed"][0] == "2"
    assert not at.warning  # it has its notes task


def test_detail_tables(run_app, data):
    at = run_app(data, page=DETAIL, query={**AS_OF, "partner": "P1"})
    clients, contacts, activities, plans = (t.value for t in at.dataframe)
    # Newest added first, with the status at D.
    assert list(clients["client_id"]) == ["C03", "C04", "C02", "C01"]
    assert list(clients["status"]) == ["Active", "Churned", "Repurposed", "Repurposed"]
    assert list(contacts["contact_name"]) == ["Jo", "Max", "Sam"]
    # Timeline newest first with comments.
    assert list(activities["activity_id"]) == ["A1", "A2"]
    assert activities["comments"].iloc[0] == "Talked about the spring migration"
    timeline = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert timeline == [
        ":material/check_circle: **2026-11-18** · Call · Check-in · Completed · Ann",
        ":material/pending: **2026-01-01** · Task · Account Management Notes · "
        "Not Started · Ann",
    ]
    assert "Talked about the spring migration" in [c.value for c in at.caption]
    assert list(plans["plan_id"]) == ["PL1"]
    notes = [e for e in at.expander if e.label.startswith(NOTES)]
    assert notes[0].label == f"{NOTES} · Not Started · 2026-01-01 · Ann"
    assert at.text[0].value == "Running notes for Alder"


def test_detail_warns_without_a_notes_task(run_app, data):
    at = run_app(data, page=DETAIL, query={**AS_OF, "partner": "P2"})
    assert not at.exception
    assert "not keeping Salesforce up to date" in at.warning[0].value
    # Birch: aim 4, 1 repurposed -> 25%, 3 more to go; never ready.
    assert progress_text(at) == "Plan progress 25%"
    assert not any("Ready for the next stage" in m.value for m in at.markdown)
    assert "3 more to repurpose to reach the aim." in [c.value for c in at.caption]


def test_detail_of_the_unknown_partner_and_by_label(run_app, data):
    at = run_app(data, page=DETAIL, query={**AS_OF, "partner": "(unknown partner)"})
    assert not at.exception
    assert at.header[0].value == "(unknown partner)"
    # C11 only: 1 client, never touched.
    assert metrics(at)["Clients"][0] == "1"
    assert metrics(at)["Days since touch"][0] == "never"
    at = run_app(data, page=DETAIL, query={**AS_OF, "partner": "Elm Accounts"})
    assert at.selectbox(key="partner_choice").value == "P5"


def test_detail_choosing_a_partner_puts_its_id_in_the_url(run_app, data):
    at = run_app(data, page=DETAIL, query=AS_OF)
    assert at.info[0].value.startswith("Choose a partner")
    at.selectbox(key="partner_choice").set_value("P3").run()
    assert not at.exception
    assert at.query_params["partner"] == "P3"
    assert at.header[0].value == "Cedar LLP"
    assert "No business plan aim set. **1** clients repurposed." in [
        m.value for m in at.markdown
    ]


def test_detail_chooser_follows_the_sidebar_account_manager(run_app, data):
    at = run_app(data, page=DETAIL, query={**AS_OF, "am": "Bob"})
    # Bob owns Cedar and Damson, in report order (Champions League first).
    assert at.selectbox(key="partner_choice").options == [
        "Cedar LLP",
        "Damson Partners",
    ]
    # A partner asked for by the URL is offered even when it is another AM's.
    at = run_app(data, page=DETAIL, query={**AS_OF, "am": "Bob", "partner": "P1"})
    assert at.selectbox(key="partner_choice").value == "P1"
    assert at.header[0].value == "Alder & Co"


def test_detail_chooser_searches_a_long_list(run_app, data, monkeypatch):
    # Two options at most: the six partners (P1-P5 and the unknown partner) are
    # then found by typing; none of them is sent whole.
    monkeypatch.setattr("ui.common.CHOOSER_OPTIONS", 2)
    at = run_app(data, page=DETAIL, query=AS_OF)
    assert len(at.selectbox(key="partner_choice").options) == 2
    assert "The first 2 of 6 partners" in at.caption[0].value
    # "bir" (any case) is in Birch Ltd's name only; "p3" is Cedar's id.
    at.text_input(key="partner_search").input("BiR").run()
    assert at.selectbox(key="partner_choice").options == ["Birch Ltd"]
    at.selectbox(key="partner_choice").set_value("P2").run()
    assert at.query_params["partner"] == "P2"
    assert at.header[0].value == "Birch Ltd"
    at.text_input(key="partner_search").input("p3").run()
    # the partner shown stays offered, first, beside the matches
    assert at.selectbox(key="partner_choice").options == ["Birch Ltd", "Cedar LLP"]
    assert at.selectbox(key="partner_choice").value == "P2"
    at.text_input(key="partner_search").input("zzz").run()
    assert at.selectbox(key="partner_choice").options == ["Birch Ltd"]
    assert "No partner's name or id contains “zzz”." in [c.value for c in at.caption]


def test_detail_downloads_keep_the_cache_key_not_the_table(
    run_app, data, deferred_downloads
):
    at = run_app(data, page=DETAIL, query={**AS_OF, "partner": "P1"})
    # Alder's clients newest added first (C03 Nov 3, C04 May 1, C02 Mar 1, C01
    # Jan 5), read again from the report cache when clicked
    rows = clicked_csv(at, "dl-clients_P1", deferred_downloads)
    assert [r["client_id"] for r in rows] == ["C03", "C04", "C02", "C01"]
    # what the session keeps until then holds no frame: the report's cache key
    (button,) = [b for b in at.get("download_button") if b.key == "dl-clients_P1"]
    kept = deferred_downloads[button.proto.deferred_file_id]
    (frame,) = [c.cell_contents for c in kept.__closure__]
    assert isinstance(frame, partial) and frame.func.__name__ == "_cached_report"
    assert not any(isinstance(a, pd.DataFrame) for a in frame.args)


def test_partner_labels_and_requests():
    report = pd.DataFrame(
        {"partner_id": ["a", "b", "c", ""], "partner_name": ["Ash", "Bay", "Ash", None]}
    )
    labels = partner_labels(report)
    # Two partners named Ash get their ids; the blank name is the unknown partner.
    assert labels == {
        "a": "Ash (a)",
        "b": "Bay",
        "c": "Ash (c)",
        "": "(unknown partner)",
    }
    assert requested_partner("b", labels) == "b"
    assert requested_partner("Ash (c)", labels) == "c"
    assert requested_partner("(unknown partner)", labels) == ""
    assert requested_partner("nope", labels) is None


# --- every page on an empty dataset and on the demo data -----------------------

PAGES = [HOME, REPORT, DETAIL]


@pytest.mark.parametrize("page", PAGES)
def test_page_on_an_empty_dataset(run_app, make_data_dir, page):
    at = run_app(make_data_dir(), page=page)
    assert not at.exception
    assert at.info  # says there is nothing to show instead of drawing empty charts


def test_pages_on_demo_data(run_app, demo_dir):
    at = run_app(demo_dir, page=HOME)
    assert not at.exception
    assert len(at.metric) == 4
    at = run_app(demo_dir, page=REPORT)
    assert not at.exception
    assert at.header[0].value == "No league"  # the demo has partners without a league
    with store.connect(demo_dir) as con:
        as_of = dates.default_as_of(store.latest_date(con))
        first = partners.partner_report(con, as_of).iloc[0]
    shown = at.dataframe[0].value.iloc[1]  # after its status group's subtotal
    assert shown["partner_name"] == first["partner_name"]
    assert shown["clients_total"] == first["clients_total"]
    at = run_app(demo_dir, page=DETAIL, query={"partner": first["partner_id"]})
    assert not at.exception
    assert at.header[0].value == first["partner_name"]
    assert metrics(at)["Clients"][0] == f"{first['clients_total']:,}"
