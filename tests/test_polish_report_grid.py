"""The partner report's grid (issue 16): a mixed-group partner's status travels
in its name; each column as wide as its longest text, the name the room left at
1440 with the sidebar open, so that long names and large subtotals are not cut."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote_plus

import pandas as pd

from ui.figures import fit_width, text_px
from ui.partners import grid_columns, report_grid

AS_OF = dt.date(2026, 11, 20)


def row(pid: str, name: str, status: object, **more) -> dict:
    return {
        "partner_id": pid,
        "partner_name": name,
        "account_manager": "Priya Sharma",
        "league": "Premiership",
        "account_status": status,
        "business_plan_aim": 4,
        "clients_total": 2,
        "clients_active": 2,
        "clients_repurposed": 1,
        "plan_progress": 0.25,
        "added_this_month": 0,
        "churned_this_week": 0,
        "days_since_touch": 3,
        "has_notes_task": True,
        **more,
    }


def shown(grid: pd.DataFrame) -> list[str]:
    """The Partner column as drawn: the link's text after `#`."""
    return [unquote_plus(link.split("#", 1)[1]) for link in grid["partner"]]


def test_a_mixed_group_partner_shows_its_status_in_brackets():
    block = pd.DataFrame(
        [
            row("P1", "Acme", "Key Account Management"),
            row("P2", "Bolt", "Dormant"),
            row("P3", "Cole", None),
            row("P4", "Dale", "  "),
        ]
    )
    grid = report_grid(block, AS_OF)
    assert shown(grid) == [
        "Σ Key Account Management · 1 partner",
        "Acme",  # one of the four statuses: its group says it
        "Σ Other or no status · 3 partners",
        "Bolt (Dormant)",
        "Cole",  # blank: nothing to add
        "Dale",
    ]
    assert "account_status" not in grid_columns([grid], True, phone=False)


def test_text_widths_in_the_grids_font():
    # digits 7.0 px each, the comma 3.5: 6 * 7.0 + 3.5 = 45.5; with the 18 px of
    # padding 63.5, rounded up to 64, above the column's least 54
    assert text_px("146,591") == 45.5
    assert fit_width(["146,591", "12", None], 54) == 64
    assert fit_width(["12"], 54) == 54  # 14 + 18 = 32: the header's 54
    # W is 11 px: 4 * 11 + 18 = 62, cut to the 30 at most; ★ counts 13
    assert fit_width(["WWWW"], 10, most=30) == 30
    assert text_px("★ Al") == 13 + 3 + 7.5 + 3.5


def two_partners(name: str) -> pd.DataFrame:
    """A Handover group of two: `name` (123,456 clients) and Bo (1 client)."""
    return pd.DataFrame(
        [
            row("P1", name, "Handover", clients_total=123_456, days_since_touch=0),
            row("P2", "Bo", "Handover", clients_total=1, days_since_touch=0),
        ]
    )


# Widths of two_partners' grid besides the name, hand-worked: Touch "today"
# (t 4.5 o 7.5 d 8 a 7 y 6.5 = 33.5, + 18 = 52) and Notes "✓" or the subtotal's
# "✓ 2" (13 + 3 + 7 + 18 = 41) keep their least 52 and 56; Plan 64; Clients grows
# to the subtotal 123,457 (6 * 7 + 3.5 + 18 = 63.5 -> 64); Active 48, Repurposed
# 80, Aim 38 (the subtotal 8), Added 46, Churned 58 and AM 70 ("Priya S.":
# 43.5 + 18 = 61.5) keep theirs: 52 + 56 + 64 + 64 + 48 + 80 + 38 + 46 + 58 + 70.
OTHERS = [52, 56, 64, 64, 48, 80, 38, 46, 58, 70]


def test_each_column_fits_its_longest_text_and_the_name_the_room_left():
    grid = report_grid(two_partners("Hall & Co"), AS_OF)
    columns = grid_columns([grid], several_managers=True, phone=False)
    widths = [config["width"] for config in columns.values()]
    # "Σ Handover · 2 partners" (13 + 3 + 58 + 3 + 13 + 3 + 7 + 3 + 50 = 153,
    # + 18 = 171) and "Hall & Co" are under the name's least 206
    assert widths == [206, *OTHERS]
    # 30 M (10 px each): 300 + 18 = 318, within the 925 - 576 = 349 left
    grid = report_grid(two_partners("M" * 30), AS_OF)
    columns = grid_columns([grid], several_managers=True, phone=False)
    assert columns["partner"]["width"] == 318
    headers = [config["label"] for config in columns.values()]
    assert headers == [
        "Partner",
        "Touch",
        "Notes",
        "Plan",
        "Clients",
        "Active",
        "Repurposed",
        "Aim",
        "Added",
        "Churned",
        "AM",
    ]


def test_a_very_long_name_is_cut_where_the_room_left_ends():
    # 40 W: 440 + 18 = 458, more than the 925 - 576 = 349 left at 1440 with the
    # sidebar open: the name gets 349, so the grid is 925 wide and nothing
    # scrolls; at 1280 (765) the columns an AM acts on still show: 349 + 52 + 56
    # + 64 = 521
    grid = report_grid(two_partners("W" * 40), AS_OF)
    widths = [c["width"] for c in grid_columns([grid], True, phone=False).values()]
    assert widths == [349, *OTHERS]
    assert sum(widths) == 925
    assert sum(widths[:4]) == 521
    # one AM's book: no AM column, its 70 to the name: 349 + 70 = 419 left
    columns = grid_columns([grid], several_managers=False, phone=False)
    assert "account_manager" not in columns
    assert columns["partner"]["width"] == 419


def test_a_mixed_group_status_has_the_room_left_the_name_all_it_needs():
    # Every column at its least (2 clients): 52 + 56 + 64 + 54 + 48 + 80 + 38 +
    # 46 + 58 + 70 = 566, 359 left. 30 M in the mixed group: "MMM... (Dormant)"
    # is 300 + 3 + 4 + 51.5 + 4 = 362.5 (+ 18 = 380.5 -> 381): cut to the 359
    # left, the name's own 318 whole.
    block = pd.DataFrame([row("P1", "M" * 30, "Dormant", days_since_touch=0)])
    columns = grid_columns([report_grid(block, AS_OF)], True, phone=False)
    assert columns["partner"]["width"] == 359


def test_one_books_grid_fits_1280_when_its_names_whole_do():
    # One AM's book, every column at its least but the name: 52 + 56 + 64 + 54 +
    # 48 + 80 + 38 + 46 + 58 = 496, 765 - 496 = 269 left at 1280. The name, 22 M
    # (220 + 18 = 238), fits; "MMM... (Dormant)" (220 + 3 + 4 + 51.5 + 4 = 282.5,
    # + 18 = 300.5 -> 301) is cut there to the 269, so the grid is 765 wide and
    # nothing scrolls at 1280 (at 1440's 925 it had 301).
    block = pd.DataFrame([row("P1", "M" * 22, "Dormant", days_since_touch=0)])
    columns = grid_columns([report_grid(block, AS_OF)], False, phone=False)
    assert columns["partner"]["width"] == 269
    assert sum(c["width"] for c in columns.values()) == 765


def test_counts_in_the_billions_leave_the_name_its_least():
    # Counts of 1,000,000,000 (10 digits of 7 and 3 commas of 3.5: 80.5, + 18 =
    # 98.5 -> 99) in Clients, Active, Repurposed, Added and Churned: 52 + 56 +
    # 64 + 5 * 99 + 38 + 70 = 775, 150 left of the 925. A ready partner's name,
    # ★ and 29 W (13 + 3 + 319 + 18 = 353), gets its least, 206, all the same:
    # the grid is 981 wide, the AM column scrolls at 1440; at 1280 the columns
    # an AM acts on still fit: 206 + 52 + 56 + 64 = 378 of 765.
    billion = 10**9
    counts = {
        name: billion
        for name in (
            "clients_total",
            "clients_active",
            "clients_repurposed",
            "added_this_month",
            "churned_this_week",
        )
    }
    block = pd.DataFrame(
        [row("P1", "W" * 29, "Handover", plan_progress=1.0, days_since_touch=0)]
    ).assign(**counts)
    widths = [
        c["width"]
        for c in grid_columns([report_grid(block, AS_OF)], True, False).values()
    ]
    assert widths == [206, 52, 56, 64, 99, 99, 99, 38, 99, 99, 70]
    assert sum(widths[:4]) == 378


def test_the_widths_are_the_same_in_every_block():
    # the long name's block widens the other block's name column too
    short, long = (report_grid(two_partners(n), AS_OF) for n in ("Bo", "M" * 30))
    columns = grid_columns([short, long], several_managers=True, phone=False)
    assert columns["partner"]["width"] == 318


def test_a_phone_shows_partner_touch_and_notes():
    grid = report_grid(two_partners("W" * 40), AS_OF)
    columns = grid_columns([grid], several_managers=True, phone=True)
    # Touch 56 and Notes 64 (their phone widths); the name has 320 - 120 = 200
    assert {name: c["width"] for name, c in columns.items()} == {
        "partner": 200,
        "last_touch": 56,
        "notes": 64,
    }
