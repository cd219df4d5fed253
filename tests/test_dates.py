"""The calendar: weeks, months, quarters (any fiscal start), working days and the
13-week planning quarter with its stages, checked against a printed calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import dates
from tests.conftest import d


def test_week_runs_monday_to_sunday():
    # Wednesday 18 March 2026 -> Monday 16 to Sunday 22.
    assert dates.week_start(d("2026-03-18")) == d("2026-03-16")
    assert dates.week(d("2026-03-22")) == dates.Period(d("2026-03-16"), d("2026-03-22"))
    # A Monday is its own week start; a Sunday belongs to the week before.
    assert dates.week_start(d("2026-03-16")) == d("2026-03-16")
    assert dates.week_start(d("2026-03-15")) == d("2026-03-09")


def test_month_and_add_months():
    assert dates.month(d("2026-02-14")) == dates.Period(
        d("2026-02-01"), d("2026-02-28")
    )
    # 2028 is a leap year.
    assert dates.month(d("2028-02-29")).end == d("2028-02-29")
    assert dates.month(d("2026-12-31")) == dates.Period(
        d("2026-12-01"), d("2026-12-31")
    )
    assert dates.add_months(d("2026-11-20"), 3) == d("2027-02-01")
    assert dates.add_months(d("2026-01-31"), -1) == d("2025-12-01")


def test_period_contains_both_ends():
    march = dates.month(d("2026-03-10"))
    assert d("2026-03-01") in march and d("2026-03-31") in march
    assert d("2026-04-01") not in march


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-03-02", "2026-03-06", 5),  # Monday to Friday
        ("2026-03-07", "2026-03-08", 0),  # a weekend
        ("2026-03-06", "2026-03-09", 2),  # Friday, Saturday, Sunday, Monday
        ("2026-03-04", "2026-03-04", 1),  # one Wednesday, both ends included
        ("2026-03-10", "2026-03-09", 0),  # end before start
        # March 2026 (1st a Sunday): 2-6, 9-13, 16-20, 23-27, 30-31 = 22.
        ("2026-03-01", "2026-03-31", 22),
        # February 2026: 2-6, 9-13, 16-20, 23-27 = 20.
        ("2026-02-01", "2026-02-28", 20),
        # Q1 2026: January 22 (1-2, 5-9, 12-16, 19-23, 26-30) + 20 + 22 = 64.
        ("2026-01-01", "2026-03-31", 64),
    ],
)
def test_working_days(start, end, expected):
    assert dates.working_days(d(start), d(end)) == expected


def test_calendar_quarters():
    assert dates.quarter(d("2026-01-01")) == dates.Period(
        d("2026-01-01"), d("2026-03-31")
    )
    assert dates.quarter(d("2026-05-15")) == dates.Period(
        d("2026-04-01"), d("2026-06-30")
    )
    assert dates.quarter(d("2026-12-31")) == dates.Period(
        d("2026-10-01"), d("2026-12-31")
    )


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        # Fiscal year from April: April-June is Q1, January-March is Q4.
        ("2026-04-01", "2026-04-01", "2026-06-30"),
        ("2026-06-30", "2026-04-01", "2026-06-30"),
        ("2026-02-10", "2026-01-01", "2026-03-31"),
        ("2026-03-31", "2026-01-01", "2026-03-31"),
        ("2026-12-01", "2026-10-01", "2026-12-31"),
    ],
)
def test_quarters_with_fiscal_year_from_april(day, start, end):
    assert dates.quarter(d(day), fiscal_start_month=4) == dates.Period(d(start), d(end))


def test_quarter_spanning_a_year_end():
    # Fiscal year from February: November-January is a quarter.
    quarter = dates.quarter(d("2026-01-15"), fiscal_start_month=2)
    assert quarter == dates.Period(d("2025-11-01"), d("2026-01-31"))
    assert dates.quarter_months(d("2026-01-15"), fiscal_start_month=2) == [
        d("2025-11-01"),
        d("2025-12-01"),
        d("2026-01-01"),
    ]


def test_quarter_months_fiscal_april():
    assert dates.quarter_months(d("2026-05-20"), fiscal_start_month=4) == [
        d("2026-04-01"),
        d("2026-05-01"),
        d("2026-06-01"),
    ]


def test_quarter_starting_mid_week():
    # Q1 2026 starts on Thursday 1 January: week 1 is the ISO week of Monday
    # 29 December 2025 to Sunday 4 January; Monday 5 January starts week 2.
    assert dates.quarter_week(d("2026-01-01")) == 1
    assert dates.quarter_week(d("2026-01-04")) == 1
    assert dates.quarter_week(d("2026-01-05")) == 2
    # 18 February: Monday 16 February - Monday 29 December = 49 days = 7 weeks -> 8.
    assert dates.quarter_week(d("2026-02-18")) == 8


def test_week_14_counts_as_week_13():
    # Monday 30 March 2026 - Monday 29 December 2025 = 91 days = 13 weeks -> week 14,
    # which counts as 13; Sunday 29 March is still in the 13th ISO week.
    assert dates.quarter_week(d("2026-03-29")) == 13
    assert dates.quarter_week(d("2026-03-30")) == 13
    assert dates.quarter_week(d("2026-03-31")) == 13
    assert dates.stage(d("2026-03-31")) == (7, "Close quarter")


def test_quarter_week_with_fiscal_year_from_april():
    # The quarter starts Wednesday 1 April 2026 (week of Monday 30 March).
    # 15 April: Monday 13 April - Monday 30 March = 14 days -> week 3.
    assert dates.quarter_week(d("2026-04-15"), fiscal_start_month=4) == 3
    assert dates.stage(d("2026-04-15"), fiscal_start_month=4) == (
        2,
        "Review and revise",
    )


# Q2 2026 (calendar) starts Wednesday 1 April; week n holds Wednesday
# 1 April + 7 x (n - 1). Stage weeks: 1-2, 3, 4, 5, 6-7, 8-9, 10-13.
STAGE_OF_WEEK = {
    1: (1, "Create/update plans"),
    2: (1, "Create/update plans"),
    3: (2, "Review and revise"),
    4: (3, "Trends and support"),
    5: (4, "Internal stakeholders"),
    6: (5, "Coach teams"),
    7: (5, "Coach teams"),
    8: (6, "Target and close"),
    9: (6, "Target and close"),
    10: (7, "Close quarter"),
    11: (7, "Close quarter"),
    12: (7, "Close quarter"),
    13: (7, "Close quarter"),
}


@pytest.mark.parametrize(("week", "expected"), STAGE_OF_WEEK.items())
def test_stage_of_each_planning_week(week, expected):
    day = d("2026-04-01") + dt.timedelta(weeks=week - 1)
    assert dates.quarter_week(day) == week
    assert dates.stage(day) == expected


def test_default_as_of_never_after_today():
    today = d("2026-03-16")
    assert dates.default_as_of(d("2026-03-10"), today) == d("2026-03-10")
    assert dates.default_as_of(d("2026-04-01"), today) == today
    assert dates.default_as_of(None, today) == today


def test_parse_date():
    assert dates.parse_date("2026-11-03") == dt.date(2026, 11, 3)
    with pytest.raises(ValueError):
        dates.parse_date("03/11/2026")


def test_comparison_periods_stop_at_the_same_weekday_and_day():
    # Wednesday 4 November 2026: last week to date is Monday 26 to Wednesday 28
    # October; last month to date is 1 to 4 October.
    assert dates.last_week_to_date(d("2026-11-04")) == dates.Period(
        d("2026-10-26"), d("2026-10-28")
    )
    assert dates.last_month_to_date(d("2026-11-04")) == dates.Period(
        d("2026-10-01"), d("2026-10-04")
    )
    # 31 March: February has 28 days, so the comparison is all of February.
    assert dates.last_month_to_date(d("2026-03-31")) == dates.Period(
        d("2026-02-01"), d("2026-02-28")
    )
    # A Monday compares with last Monday alone.
    assert dates.last_week_to_date(d("2026-11-02")) == dates.Period(
        d("2026-10-26"), d("2026-10-26")
    )
