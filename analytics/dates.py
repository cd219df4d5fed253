"""The calendar in one place: as-of date, ISO weeks, months, quarters, working days
and the 13-week planning quarter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DEFAULT_FISCAL_START_MONTH = 1
PLANNING_WEEKS = 13

# Account-planning stages: (number, name, first week, last week).
STAGES = (
    (1, "Create/update plans", 1, 2),
    (2, "Review and revise", 3, 3),
    (3, "Trends and support", 4, 4),
    (4, "Internal stakeholders", 5, 5),
    (5, "Coach teams", 6, 7),
    (6, "Target and close", 8, 9),
    (7, "Close quarter", 10, 13),
)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def week_start(day: dt.date) -> dt.date:
    """Monday of the ISO week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


def week(day: dt.date) -> Period:
    start = week_start(day)
    return Period(start, start + dt.timedelta(days=6))


def month(day: dt.date) -> Period:
    start = day.replace(day=1)
    next_start = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, next_start - dt.timedelta(days=1))


def last_week_to_date(day: dt.date) -> Period:
    """The comparison for "this week up to `day`" (SPEC 4): last week from its
    Monday up to the same weekday."""
    last = day - dt.timedelta(days=7)
    return Period(week_start(last), last)


def last_month_to_date(day: dt.date) -> Period:
    """The comparison for "this month up to `day`" (SPEC 4): last month from its
    first day up to the same day of the month, cut at its last day."""
    previous = month(day.replace(day=1) - dt.timedelta(days=1))
    point = previous.start + dt.timedelta(days=day.day - 1)
    return Period(previous.start, min(point, previous.end))


def add_months(day: dt.date, months: int) -> dt.date:
    """First day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter(
    day: dt.date, fiscal_start_month: int = DEFAULT_FISCAL_START_MONTH
) -> Period:
    """The fiscal quarter containing `day` (the year starts in `fiscal_start_month`)."""
    offset = (day.month - fiscal_start_month) % 3
    start = add_months(day.replace(day=1), -offset)
    return Period(start, add_months(start, 3) - dt.timedelta(days=1))


def quarter_months(
    day: dt.date, fiscal_start_month: int = DEFAULT_FISCAL_START_MONTH
) -> list[dt.date]:
    start = quarter(day, fiscal_start_month).start
    return [add_months(start, i) for i in range(3)]


def working_days(start: dt.date, end: dt.date) -> int:
    """Mon-Fri days from `start` to `end`, both included (0 when end < start)."""
    if end < start:
        return 0
    return int(np.busday_count(start, end + dt.timedelta(days=1)))


def quarter_week(
    day: dt.date, fiscal_start_month: int = DEFAULT_FISCAL_START_MONTH
) -> int:
    """Planning week 1-13 of the quarter: ISO weeks counted from the one holding the
    quarter's first day; weeks after the 13th count as week 13."""
    start = quarter(day, fiscal_start_month).start
    weeks = (week_start(day) - week_start(start)).days // 7 + 1
    return min(weeks, PLANNING_WEEKS)


def stage(
    day: dt.date, fiscal_start_month: int = DEFAULT_FISCAL_START_MONTH
) -> tuple[int, str]:
    """The account-planning stage (number, name) for the quarter week of `day`."""
    number = quarter_week(day, fiscal_start_month)
    return next((n, name) for n, name, first, last in STAGES if first <= number <= last)


def default_as_of(
    latest_in_data: dt.date | None, today: dt.date | None = None
) -> dt.date:
    """The latest date found in the data, never after today."""
    today = today or dt.date.today()
    if latest_in_data is None:
        return today
    return min(latest_in_data, today)


def parse_date(text: str) -> dt.date:
    """A command-line or URL date, ISO `YYYY-MM-DD`."""
    return dt.date.fromisoformat(text)
