"""The Dashboard's call list as rows and the week calendar's day chooser, in AppTest
on a small hand-worked dataset.

As of Friday 2026-11-20 (this week: Monday 16 to Sunday 22 November). Partners, all
in the 1st Division (touch cadence 30 days), P1-P4 Ann's (her activities):
- P1 Ash & Co: an open notes task; last touched by a call on 2026-10-11,
  (31 - 11) + 20 = 40 days ago: 40 - 30 = 10 days over the cadence.
- P2 Beech Ltd: an open notes task, nothing else: never touched.
- P3 Cherry LLP: an open notes task, an email on Tue 2026-11-17 (3 days ago):
  within the cadence, with its notes task: not listed.
- P4 Damson Partners: no notes task; an email on Tue 2026-11-17 (3 days ago,
  3 - 30 = -27 days over) and an open task due Thu 2026-11-12 (overdue).
- P5 Elder Tax, Bob's: no activity at all: never touched, no notes task.
Call list order (one league): days over the cadence, most first, a partner never
touched first of all (then by name): Beech, Elder, Ash, Damson.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.proto.Block_pb2 import Block

from tests.conftest import open_expanders
from ui import call_list
from ui.calendar_grid import agenda_columns, agenda_rows

HOME = "pages/home.py"
ACTIVITY = "pages/activity.py"
AS_OF = "2026-11-20"
NOTES = "Account Management Notes"

PARTNERS = [
    dict(partner_id=pid, partner_name=name, account_manager=am, league="1st Division")
    for pid, name, am in (
        ("P1", "Ash & Co", "Ann"),
        ("P2", "Beech Ltd", "Ann"),
        ("P3", "Cherry LLP", "Ann"),
        ("P4", "Damson Partners", "Ann"),
        ("P5", "Elder Tax", "Bob"),
    )
]


def activity(activity_id, partner_id, kind, subject, status, date):
    return dict(
        activity_id=activity_id,
        partner_id=partner_id,
        account_manager="Ann",
        activity_type=kind,
        subject=subject,
        status=status,
        activity_date=date,
    )


ACTIVITIES = [
    activity("A1", "P1", "Task", NOTES, "Not Started", "2026-09-01"),
    activity("A2", "P2", "Task", NOTES, "Not Started", "2026-09-01"),
    activity("A3", "P3", "Task", NOTES, "Not Started", "2026-09-01"),
    activity("A4", "P1", "Call", "Catch-up", "Completed", "2026-10-11"),
    activity("A5", "P3", "Email", "Price list", None, "2026-11-17"),
    activity("A6", "P4", "Email", "Intro email", None, "2026-11-17"),
    activity("A7", "P4", "Task", "Send pricing", "Not Started", "2026-11-12"),
]
CLIENTS = [dict(client_id="C1", partner_id="P1", added_date="2026-01-05")]


@pytest.fixture(scope="module")
def data(make_module_data_dir):
    return make_module_data_dir(
        partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES
    )


def partner_links(at) -> list[tuple[str, str]]:
    """(label, query string) of each link to the partner detail, in page order."""
    return [
        (link.proto.label, link.proto.query_string)
        for link in at.get("page_link")
        if link.proto.page == "partner"
    ]


def keyed(at, key: str):
    """The shown dataframe with widget key `key`."""
    return next(t.value for t in at.dataframe if getattr(t, "key", None) == key)


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_call_list_rows_open_their_partner_by_id(run_app, data):
    at = run_app(data, page=HOME, query={"as_of": AS_OF})
    assert not at.exception
    assert at.subheader[0].value == "Call today · 4 partners"
    # Beech and Elder (never touched), Ash (10 days over), Damson (within): each
    # name a link carrying its own partner id.
    assert partner_links(at) == [
        (":blue[**Beech Ltd**]", "partner=P2"),
        (":blue[**Elder Tax**]", "partner=P5"),
        (":blue[**Ash & Co**]", "partner=P1"),
        (":blue[**Damson Partners**]", "partner=P4"),
    ]
    # The reasons in full words, then league and AM (the list spans Ann and Bob);
    # the last touch only where the reasons do not give it (Damson, within).
    rows = [m for m in markdown(at) if ":gray[·" in m]
    assert rows == [
        "never touched :small[:gray[· 1st Division · Ann]]",
        "never touched; no notes task :small[:gray[· 1st Division · Bob]]",
        "no touch for 40 days (cadence 30) :small[:gray[· 1st Division · Ann]]",
        "no notes task; 1 overdue task "
        ":small[:gray[· 1st Division · Ann · touched 3 days ago]]",
    ]
    # Every partner is also in the grid under the expander, with its download.
    assert at.expander[0].label == "As a table, with the CSV download"
    assert not [t for t in at.dataframe if "reasons" in t.value.columns]  # closed
    at = open_expanders(at, "As a table")  # the grid is built once it is opened
    grid = next(t.value for t in at.dataframe if "reasons" in t.value.columns)
    assert list(grid["partner_id"]) == ["P2", "P5", "P1", "P4"]


def test_call_list_of_one_account_manager_leaves_out_the_manager(run_app, data):
    at = run_app(data, page=HOME, query={"as_of": AS_OF, "am": "Ann"})
    assert not at.exception
    # Ann's: Beech, Ash, Damson (Elder is Bob's); one AM, so no AM in the rows
    rows = [m for m in markdown(at) if ":gray[·" in m]
    assert rows[0] == "never touched :small[:gray[· 1st Division]]"
    assert [query for _, query in partner_links(at)] == [
        "partner=P2",
        "partner=P1",
        "partner=P4",
    ]


def test_call_list_draws_the_first_rows_and_keeps_every_partner_in_the_grid(
    run_app, make_data_dir
):
    # 12 partners never touched and without a notes task, named N01..N12: every
    # one is listed (never touched first, then by name); ROWS = 10 drawn as rows.
    assert call_list.ROWS == 10
    many = [
        dict(partner_id=f"Q{i:02}", partner_name=f"N{i:02}", account_manager="Ann")
        for i in range(1, 13)
    ]
    folder = make_data_dir(
        partners=many,
        clients=[dict(client_id="C1", partner_id="Q01", added_date="2026-01-05")],
        activities=[activity("A1", "Q01", "Email", "Hello", None, "2026-12-01")],
    )
    at = run_app(folder, page=HOME, query={"as_of": AS_OF})
    assert not at.exception
    links = partner_links(at)
    assert [query for _, query in links] == [f"partner=Q{i:02}" for i in range(1, 11)]
    assert at.expander[0].label == "All 12 partners as a table, with the CSV download"
    at = open_expanders(at, "All 12 partners")
    grid = next(t.value for t in at.dataframe if "reasons" in t.value.columns)
    assert len(grid) == 12


def horizontal_blocks(at) -> list:
    """The page's horizontal flex containers (st.container(horizontal=True)), in
    page order."""
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if (
            isinstance(proto, Block)
            and proto.HasField("flex_container")
            and proto.flex_container.direction == Block.FlexContainer.HORIZONTAL
        ):
            found.append(node)
        stack.extend(reversed(getattr(node, "children", {}).values()))
    return found


def keys_in(block) -> list[str]:
    """The keys of the keyed buttons in `block`."""
    return [
        child.key
        for child in block.children.values()
        if type(child).__name__ == "Button" and child.key
    ]


def test_week_day_chooser_is_one_wrapping_row(run_app, data):
    at = run_app(data, page=ACTIVITY, query={"as_of": AS_OF, "view": "Week"})
    assert not at.exception
    days = [f"cal-week-2026-11-{day}" for day in range(16, 23)]
    # The seven day buttons, Monday to Sunday, in one horizontal row (it wraps on
    # a phone; columns would stack them seven high).
    rows = [b for b in horizontal_blocks(at) if keys_in(b) == days]
    assert len(rows) == 1 and rows[0].proto.flex_container.wrap
    # Tue 17: A5 and A6 (2 items); the as-of Friday has none.
    assert at.button(key="cal-week-2026-11-17").label == "**Tue 17**  \n2"
    friday = at.button(key="cal-week-2026-11-20")
    assert friday.label == ":blue[**Fri 20** · as of]  \n0"

    at.button(key="cal-week-2026-11-17").click().run()
    assert not at.exception
    assert at.segmented_control(key="view").value == "Day"
    agenda = keyed(at, "calendar_pick")
    # by partner within the day: Cherry's email, then Damson's
    assert list(agenda["subject"]) == ["Price list", "Intro email"]


def test_month_on_a_phone_is_seven_cells_a_week(run_app, data, monkeypatch):
    from ui import common

    monkeypatch.setattr(common, "is_phone", lambda: True)
    at = run_app(data, page=ACTIVITY, query={"as_of": AS_OF, "view": "Month"})
    assert not at.exception
    # November's grid: Mon 10-26 to Sun 12-06, six weeks of seven cells, each row
    # its own horizontal container.
    weeks = [b for b in horizontal_blocks(at) if keys_in(b)]
    assert len(weeks) == 6 and all(len(keys_in(w)) == 7 for w in weeks)
    assert keys_in(weeks[0])[0] == "cal-month-2026-10-26"
    # Thu 12: A7, open and due before D: red with the sign; Tue 17: two emails;
    # the as-of date in blue; an empty day a dot.
    assert at.button(key="cal-month-2026-11-12").label == "**12**  \n:small[:red[1⚠]]"
    assert at.button(key="cal-month-2026-11-17").label == "**17**  \n:small[2]"
    assert at.button(key="cal-month-2026-11-20").label == ":blue[**20**]  \n·"

    at.button(key="cal-month-2026-11-12").click().run()
    assert at.segmented_control(key="view").value == "Day"
    assert list(keyed(at, "calendar_pick")["subject"]) == ["Send pricing"]


def test_agenda_on_a_phone_pins_the_partner_beside_the_subject(
    run_app, data, monkeypatch
):
    from ui import common

    monkeypatch.setattr(common, "is_phone", lambda: True)
    at = run_app(data, page=ACTIVITY, query={"as_of": AS_OF, "view": "Week"})
    assert not at.exception
    grid = next(t for t in at.dataframe if getattr(t, "key", None) == "calendar_pick")
    # Ann's activities alone: no Who column
    assert list(grid.proto.column_order) == [
        "partner_name",
        "subject",
        "type",
        "status",
        "day",
    ]
    # The week of 16 Nov holds Tue 17's two emails (Cherry's, then Damson's); A7
    # (Thu 12) is in the week before.
    assert list(keyed(at, "calendar_pick")["partner_name"]) == [
        "Cherry LLP",
        "Damson Partners",
    ]


@pytest.fixture(scope="module")
def team(make_module_data_dir):
    from tests.test_access import TABLES

    return make_module_data_dir(**TABLES)


@pytest.mark.parametrize(
    ("email", "whose"),
    # test_access's fixture: Ann an AM (her own book), Meg the manager of Ann and Bob
    [("ann@example.com", "Ann"), ("meg@example.com", "the team")],
)
def test_dashboard_names_the_book_it_shows(run_app, team, email, whose):
    import time

    from tests.test_pages_access import AUTH, signed_in

    user = signed_in(email, exp=int(time.time()) + 3600)
    query = {"as_of": "2026-11-04"}
    at = run_app(team, page=HOME, query=query, user=user, secrets=AUTH)
    assert not at.exception
    assert at.caption[0].value == (
        "Quota pace, repurposing, churn and partners needing attention for "
        f"{whose}, as of Wednesday 04 November 2026."
    )


def agenda_lines(first_partner: str, people: tuple[str, str]) -> pd.DataFrame:
    """Two agenda lines: an overdue task on Mon 16 Nov, a call on Tue 17."""
    return agenda_rows(
        pd.DataFrame(
            {
                "date": [dt.date(2026, 11, 16), dt.date(2026, 11, 17)],
                "partner_name": [first_partner, "Bo"],
                "activity_type": ["Task", "Call"],
                "status": ["Not Started", "Completed"],
                "subject": ["Chase", "Catch-up"],
                "is_overdue": [True, False],
                "account_manager": list(people),
            }
        )
    )


def test_agenda_columns_fit_their_text_and_give_the_partner_the_rest():
    rows = agenda_lines("W" * 30, ("Ann Lee", "Ben Ray"))
    assert list(rows["type"]) == ["⚠ Overdue", "☎ Call"]
    columns = agenda_columns(rows, with_day=True, phone=False)
    widths = {name: config["width"] for name, config in columns.items()}
    # Day "Mon 16" (10 + 7.5 + 7.5 + 3 + 7 + 7 = 42, + 18 padding = 60) keeps its
    # 60; Type grows to "⚠ Overdue" (13 + 3 + 9.5 + 6.5 + 7 + 5 + 8 + 7.5 + 7 =
    # 66.5, + 18 = 84.5 -> 85); Subject 150, Status 88 ("Not Started" 85.5) and
    # Who 74 keep theirs: 60 + 85 + 150 + 88 + 74 = 457 of the 925, 468 left.
    # The partner: 30 W of 11 px, 330 + 18 = 348, within the 468.
    assert widths == {
        "day": 60,
        "partner_name": 348,
        "type": 85,
        "subject": 150,
        "status": 88,
        "account_manager": 74,
    }
    # 50 W (568) are cut to the 468 left
    rows = agenda_lines("W" * 50, ("Ann Lee", "Ben Ray"))
    assert agenda_columns(rows, True, phone=False)["partner_name"]["width"] == 468
    # one person's lines: no Who, its 74 to the partner: 468 + 74 = 542
    rows = agenda_lines("W" * 50, ("Ann Lee", "Ann Lee"))
    columns = agenda_columns(rows, with_day=False, phone=False)
    assert list(columns) == ["partner_name", "type", "subject", "status"]
    # and without the day's 60, 542 + 60 = 602 left: the 568 fit whole
    assert columns["partner_name"]["width"] == 568


def test_on_a_phone_the_call_list_comes_first_with_the_rule_a_tap_away(
    run_app, data, monkeypatch
):
    from ui import common

    monkeypatch.setattr(common, "is_phone", lambda: True)
    at = run_app(data, page=HOME, query={"as_of": AS_OF})
    assert not at.exception
    # one short line under the heading; the whole rule in its popover
    captions = [c.value for c in at.caption]
    assert "By league, the longest overdue first." in captions
    assert not [c for c in captions if c.startswith("Never touched")]
    (rule,) = [m for m in markdown(at) if m.startswith("Never touched")]
    assert "(days: Champions League 14, Premiership 21, 1st Division 30" in rule


def metrics_in(block) -> list[str]:
    """The labels of the KPI tiles in `block` (each in a container of its own)."""
    found, stack = [], [block]
    while stack:
        node = stack.pop()
        if type(node).__name__ == "Metric":
            found.append(node.label)
        stack.extend(reversed(list(getattr(node, "children", {}).values())))
    return found


def test_activity_tiles_on_a_phone_are_two_a_row(run_app, data, monkeypatch):
    from ui import common

    monkeypatch.setattr(common, "is_phone", lambda: True)
    at = run_app(data, page=ACTIVITY, query={"as_of": AS_OF})
    assert not at.exception
    rows = [b for b in horizontal_blocks(at) if len(metrics_in(b)) == 2]
    assert [metrics_in(row) for row in rows] == [
        ["Activities this week", "Overdue tasks"],
        ["Needing attention", "With a notes task"],
    ]
