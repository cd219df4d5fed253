"""Every figure a user sees, once: its name (the column or key the analytics
functions return), label, help text, unit, number format, the definition in one or
two sentences, the function that computes it and the test that checks it.

Tiles, table columns, chart axes and the digest take their labels and help from
here; `python -m analytics.metrics` writes docs/metrics.md from it. Formats are
Python format specs (`,` a count, `.0%` a share, `.1f` one decimal); the UI applies
them, the analytics functions return plain numbers.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analytics import (
    activity,
    churn,
    dates,
    kpis,
    partners,
    plans,
    quota,
    repurposing,
)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    format: str
    definition: str
    source: Callable[..., Any]
    test: str  # tests/<file>.py::<test function>
    help: str = ""
    page: str = ""
    short: str = ""  # the label where space is short (a grid column, a tile)

    @property
    def short_label(self) -> str:
        return self.short or self.label

    @property
    def tooltip(self) -> str:
        """The help text shown beside the figure (the definition when none)."""
        return self.help or self.definition

    @property
    def axis_title(self) -> str:
        """The label with its unit, for a chart axis or a count's series:
        `Churned` -> `Clients churned`; a share, or a label that names its unit,
        stays as it is."""
        if self.unit not in COUNTED or self.unit.rstrip("s") in self.label.lower():
            return self.label
        return f"{self.unit.capitalize()} {self.label[0].lower()}{self.label[1:]}"

    @property
    def query(self) -> str:
        return f"{self.source.__module__}.{self.source.__qualname__}"

    def text(self, value: object) -> str:
        """The value formatted for a tile or a sentence; `–` when empty."""
        if _missing(value):
            return EMPTY
        if self.format and isinstance(value, numbers.Number):
            return format(value, self.format)
        return str(value)


# --- one way to write each kind of figure (pages, digest, packs) ----------------

EMPTY = "–"


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def count(value: object) -> str:
    """A count with thousands separators: `1,234`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:,.0f}"


def percent(value: object) -> str:
    """A share (a fraction) as a whole percentage: `42%`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:.0%}"


def rate(value: object) -> str:
    """A weekly churn rate, two decimals (often below 1%): `0.43%`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:.2%}"


def decimal(value: object) -> str:
    """An average or a projection, one decimal: `2.9`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:,.1f}"


def money(value: object) -> str:
    """An amount without cents: `2,273`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:,.0f}"


def days(value: object) -> str:
    """Days since a touch: `today`, `1 day`, `46 days`; `never` when empty."""
    if _missing(value):
        return "never"
    return {0: "today", 1: "1 day"}.get(int(value), f"{value:,.0f} days")


# The units that are counts of something (an axis title names them).
COUNTED = ("clients", "partners", "tasks", "plans", "account managers")

REGISTRY: list[Metric] = []


def _add(page: str, *metrics: Metric) -> None:
    REGISTRY.extend(replace(metric, page=page) for metric in metrics)


_T_PARTNERS = "tests/test_partners.py::test_report_acorn_counts_every_date_edge"
_T_KPIS = "tests/test_kpis.py::test_team_kpis"
_T_TEAM = "tests/test_kpis.py::test_team_quota_counts_only_ams_with_a_target"
_T_COMPARE = "tests/test_kpis.py::test_comparisons_to_the_same_weekday_and_day"
_T_QUOTA = (
    "tests/test_quota.py::test_quota_detail_adds_source_working_days_and_what_is_needed"  # noqa: E501
)
_T_REPURPOSED = "tests/test_repurposing.py::test_repurposed_at_d_and_ever_repurposed"

_add(
    "Partner report",
    Metric(
        "clients_total",
        "Clients",
        "clients",
        ",",
        "Clients added by D, churned ones included.",
        partners.partner_report,
        _T_PARTNERS,
        help="Clients added by the as-of date, churned ones included.",
    ),
    Metric(
        "clients_active",
        "Active",
        "clients",
        ",",
        "Clients active at D: added_date <= D and no churn date on or before D.",
        partners.partner_report,
        _T_PARTNERS,
    ),
    Metric(
        "clients_repurposed",
        "Repurposed",
        "clients",
        ",",
        "Clients repurposed and still active at D (repurposed_date <= D, not "
        "churned by D). Not the repurposing rates' *ever repurposed*.",
        partners.partner_report,
        _T_REPURPOSED,
        help="Clients repurposed by the as-of date and still active.",
    ),
    Metric(
        "business_plan_aim",
        "Business plan aim",
        "clients",
        ",",
        "The number of clients the AM is working to get the partner to "
        "repurpose, from the partners file.",
        partners.partner_report,
        _T_PARTNERS,
        short="Aim",
    ),
    Metric(
        "plan_progress",
        "Plan progress",
        "share",
        ".0%",
        "Repurposed at D / business plan aim; empty when the aim is empty or 0. "
        "100% or more: ready for the next stage.",
        partners.partner_report,
        "tests/test_partners.py::test_report_plan_progress_and_touches",
        short="Plan",
    ),
    Metric(
        "added_this_month",
        "Added this month",
        "clients",
        ",",
        "Clients whose added_date is in D's calendar month, up to D.",
        partners.partner_report,
        _T_PARTNERS,
        short="Added",
    ),
    Metric(
        "churned_this_week",
        "Churned this week",
        "clients",
        ",",
        "Clients whose churned_date is in D's ISO week (Monday to D).",
        partners.partner_report,
        _T_PARTNERS,
        short="Churned",
    ),
    Metric(
        "days_since_touch",
        "Days since touch",
        "days",
        ",",
        "D minus the latest touch (an event, call or email in any status, or a "
        "completed task) dated on or before D; empty when never touched.",
        partners.partner_report,
        "tests/test_partners.py::test_report_plan_progress_and_touches",
        short="Touch",
    ),
    Metric(
        "has_notes_task",
        "Notes task",
        "yes/no",
        "",
        "The partner has an open task whose subject is exactly `Account "
        "Management Notes` (after trimming spaces).",
        partners.partner_report,
        "tests/test_activity.py::test_partner_hygiene",
        short="Notes",
    ),
)

_add(
    "Dashboard",
    Metric(
        "month_added",
        "Clients added vs quota",
        "clients",
        ",",
        "Clients added this month up to D by the AMs who have a target this "
        "month (all AMs when none has one); the AMs without a target are shown "
        "apart.",
        kpis.month_quota,
        _T_TEAM,
        help="Clients added this month by the account managers with a quota, "
        "against their summed target; account managers without one are counted "
        "apart.",
    ),
    Metric(
        "month_target",
        "Month target",
        "clients",
        ",",
        "The sum of this month's targets of the AMs who have one (a target of 0 "
        "is none).",
        kpis.month_quota,
        _T_TEAM,
    ),
    Metric(
        "month_status",
        "Quota status",
        "status",
        "",
        "Pace = added / expected by D (target x working days gone / working "
        "days in the month): Ahead >= 1.05, On pace 0.95-1.05, Behind < 0.95, "
        "No quota without a target.",
        kpis.month_quota,
        _T_TEAM,
    ),
    Metric(
        "no_quota_managers",
        "AMs without a quota",
        "account managers",
        ",",
        "Account managers owning partners or named in quotas with no target (or "
        "0) this month.",
        kpis.month_quota,
        _T_TEAM,
    ),
    Metric(
        "no_quota_added",
        "Added by AMs without a quota",
        "clients",
        ",",
        "Clients added this month up to D by the AMs without a target.",
        kpis.month_quota,
        _T_TEAM,
    ),
    Metric(
        "repurposed_this_month",
        "Repurposed this month",
        "clients",
        ",",
        "Clients whose repurposed_date is in D's month, up to D (churned later "
        "or not).",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "repurposed_last_month_to_date",
        "Repurposed last month to the same day",
        "clients",
        ",",
        "Clients repurposed last month up to the same day of the month as D (cut "
        "at the month's last day).",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "churned_last_week_to_date",
        "Churned last week to the same weekday",
        "clients",
        ",",
        "Clients churned last week from its Monday up to the same weekday as D.",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "partners_needing_attention",
        "Partners needing attention",
        "partners",
        ",",
        "Partners (not the unknown partner) with no touch for the set days or "
        "never, no notes task, an overdue task, or 2+ clients churned this week.",
        activity.attention,
        "tests/test_activity.py::test_attention_export",
        short="Needing attention",
    ),
)

_add(
    "Quota pace",
    Metric(
        "target",
        "Target",
        "clients",
        ",",
        "The AM's target for the month, or the sum of the quarter's months that "
        "have one; empty when none or 0.",
        quota.quota_pace,
        _T_QUOTA,
    ),
    Metric(
        "added",
        "Added",
        "clients",
        ",",
        "Clients added in the period up to D, credited to the partner's AM.",
        quota.quota_pace,
        _T_QUOTA,
    ),
    Metric(
        "expected",
        "Expected by today",
        "clients",
        ",.1f",
        "Target x working days gone (Mon-Fri up to and including D) / working "
        "days in the period.",
        quota.quota_pace,
        _T_QUOTA,
    ),
    Metric(
        "pace",
        "Pace",
        "share",
        ".0%",
        "Added / expected by today; empty without a target.",
        quota.quota_pace,
        _T_QUOTA,
    ),
    Metric(
        "projection",
        "Projection",
        "clients",
        ",.1f",
        "Added / working days gone x working days in the period: where this pace ends.",
        quota.quota_pace,
        _T_QUOTA,
        help="At this pace, by the period's end.",
    ),
    Metric(
        "status",
        "Status",
        "status",
        "",
        "Ahead (pace >= 1.05), On pace (0.95-1.05), Behind (< 0.95), No quota.",
        quota.quota_pace,
        "tests/test_quota.py::test_pace_exactly_1_05_is_ahead",
    ),
    Metric(
        "needed_per_day",
        "Needed / day",
        "clients",
        ",.1f",
        "Clients still needed to reach the target / working days left after D.",
        quota.quota_detail,
        _T_QUOTA,
        help="Per remaining working day.",
    ),
    Metric(
        "source",
        "Source",
        "text",
        "",
        "Where the target came from: the quotas file, or *manual* when typed on "
        "the Quota pace page.",
        quota.quota_detail,
        _T_QUOTA,
    ),
    Metric(
        "team_row",
        "Team with a quota",
        "row",
        "",
        "The team's target, added, expected, pace and status from the AMs with a "
        "target only; the others are counted apart.",
        quota.team_pace,
        _T_TEAM,
    ),
)

_add(
    "Repurposing",
    Metric(
        "clients_added",
        "Clients added",
        "clients",
        ",",
        "Clients added by D, churned ones included.",
        repurposing.rates,
        "tests/test_repurposing.py::test_rates_by_league_in_report_order",
    ),  # noqa: E501
    Metric(
        "ever_repurposed",
        "Ever repurposed",
        "clients",
        ",",
        "Clients repurposed by D, churned later included. Not the partner "
        "report's *Repurposed* (still active).",
        repurposing.rates,
        _T_REPURPOSED,
        help="Clients repurposed by the as-of date, including those that churned "
        "later.",
    ),
    Metric(
        "rate",
        "Repurposing rate",
        "share",
        ".0%",
        "Ever repurposed by D / clients added by D.",
        repurposing.rates,
        "tests/test_repurposing.py::test_rates_by_league_in_report_order",
    ),  # noqa: E501
    Metric(
        "median_days",
        "Median days to repurpose",
        "days",
        ",.1f",
        "The median of repurposed_date - added_date over the clients ever "
        "repurposed by D.",
        repurposing.median_days,
        "tests/test_repurposing.py::test_median_days_by_league",
    ),  # noqa: E501
    Metric(
        "rate_30",
        "Repurposed within 30 days",
        "share",
        ".0%",
        "Of a month's clients at least 30 days old at D, the share repurposed at "
        "most 30 days after being added (churned later or not).",
        repurposing.cohorts,
        "tests/test_repurposing.py::test_cohorts",
    ),
    Metric(
        "rate_60",
        "Repurposed within 60 days",
        "share",
        ".0%",
        "Of a month's clients at least 60 days old at D, the share repurposed at "
        "most 60 days after being added (churned later or not).",
        repurposing.cohorts,
        "tests/test_repurposing.py::test_cohorts",
    ),
    Metric(
        "rate_90",
        "Repurposed within 90 days",
        "share",
        ".0%",
        "Of a month's clients at least 90 days old at D, the share repurposed at "
        "most 90 days after being added (churned later or not).",
        repurposing.cohorts,
        "tests/test_repurposing.py::test_cohorts",
    ),
    Metric(
        "repurposed_in_week",
        "Repurposed in the week",
        "clients",
        ",",
        "Clients whose repurposed_date falls in the ISO week (and on or before D).",
        repurposing.weekly_velocity,
        "tests/test_repurposing.py::test_weekly_velocity",
    ),  # noqa: E501
    Metric(
        "repurposed_this_week",
        "Repurposed this week",
        "clients",
        ",",
        "Clients repurposed from D's Monday up to D, against last week up to the "
        "same weekday.",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "repurposed_last_week_to_date",
        "Repurposed last week to the same weekday",
        "clients",
        ",",
        "Clients repurposed last week from its Monday up to the same weekday as D.",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "to_go",
        "To go",
        "clients",
        ",",
        "Business plan aim minus repurposed at D, never below 0.",
        repurposing.plan_progress,
        "tests/test_repurposing.py::test_plan_progress_ready_first_then_closest",
    ),  # noqa: E501
    Metric(
        "ready",
        "Ready for the next stage",
        "partners",
        ",",
        "Partners whose repurposed at D reaches their business plan aim.",
        repurposing.plan_progress,
        "tests/test_repurposing.py::test_plan_progress_ready_first_then_closest",
    ),  # noqa: E501
)

_add(
    "Weekly churn",
    Metric(
        "churned",
        "Churned",
        "clients",
        ",",
        "Clients whose churned_date falls in the ISO week (and on or before D).",
        churn.weekly_churn,
        "tests/test_churn.py::test_weekly_churn_by_league",
    ),
    Metric(
        "active_at_start",
        "Active at the start of the week",
        "clients",
        ",",
        "Clients added before the week's Monday and not churned before it.",
        churn.weekly_churn,
        "tests/test_churn.py::test_weekly_churn_by_league",
    ),
    Metric(
        "churn_rate",
        "Churn rate",
        "share",
        ".2%",
        "Churned in the week / active at its start; empty when none was active.",
        churn.weekly_churn,
        "tests/test_churn.py::test_weekly_churn_by_league",
    ),
    Metric(
        "churned_last_week_full",
        "Churned last week in full",
        "clients",
        ",",
        "Clients churned in the whole previous ISO week, Monday to Sunday.",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "churn_rate_last_week_to_date",
        "Churn rate last week to the same weekday",
        "share",
        ".2%",
        "Churned last week up to the same weekday as D / active at its start.",
        kpis.period_counts,
        _T_COMPARE,
    ),
    Metric(
        "partner_churn_count",
        "Partner lost",
        "clients",
        ",",
        "Clients the partner lost that week; 2 or more needs attention.",
        churn.churned_clients,
        "tests/test_churn.py::test_churned_clients_this_week",
    ),  # noqa: E501
)

_add(
    "Activity",
    Metric(
        "overdue_tasks",
        "Overdue tasks",
        "tasks",
        ",",
        "Open tasks (status not Completed) due before D, neither the notes task "
        "nor a near-miss notes task.",
        activity.open_task_counts,
        "tests/test_memory_lists.py::test_open_task_counts",
    ),
    Metric(
        "days_overdue",
        "Days overdue",
        "days",
        ",",
        "D minus the due date of an overdue task.",
        activity.open_tasks,
        "tests/test_activity.py::test_open_tasks",
    ),
    Metric(
        "notes_task_share",
        "Partners with a notes task",
        "share",
        ".0%",
        "Partners with an open `Account Management Notes` task / partners (the "
        "unknown partner left out).",
        activity.notes_hygiene,
        "tests/test_activity.py::test_notes_hygiene",
    ),
    Metric(
        "notes_task_fix",
        "Notes task to fix",
        "text",
        "",
        "A near-miss notes task: open with a subject that differs from `Account "
        "Management Notes` only by case, spacing, punctuation or abbreviation "
        "(rename it), or Completed (reopen it).",
        activity.notes_task_fixes,
        "tests/test_activity.py::test_notes_task_fixes",
    ),
    Metric(
        "allowed_days",
        "Days allowed",
        "days",
        ",",
        "The days a league allows between touches before a partner is outside "
        "its cadence.",
        activity.cadence,
        "tests/test_activity.py::test_cadence",
    ),
)

_add(
    "Account plans",
    Metric(
        "coverage",
        "Key partners with a plan",
        "share",
        ".0%",
        "Key partners (Champions League, Premiership or Key Account Management) "
        "with an account plan existing at D / key partners.",
        plans.coverage,
        "tests/test_plans.py::test_coverage_of_key_partners",
    ),
    Metric(
        "key_partners",
        "Key partners",
        "partners",
        ",",
        "The AM's partners in Champions League, Premiership or Key Account "
        "Management at D.",
        plans.coverage,
        "tests/test_plans.py::test_coverage_of_key_partners",
    ),
    Metric(
        "with_plan",
        "With a plan",
        "partners",
        ",",
        "Key partners with an account plan existing at D.",
        plans.coverage,
        "tests/test_plans.py::test_coverage_of_key_partners",
    ),
    Metric(
        "on_track",
        "On track",
        "yes/no",
        "",
        "Current amount >= revenue goal x the share of the quarter gone (days "
        "up to and including D / days in the quarter).",
        plans.goal_vs_amount,
        "tests/test_plans.py::test_goal_vs_amount",
    ),
    Metric(
        "revenue_goal",
        "Revenue goal",
        "amount",
        ",.0f",
        "The plan's revenue goal for the quarter, from the account plans file.",
        plans.goal_vs_amount,
        "tests/test_plans.py::test_goal_vs_amount",
    ),
    Metric(
        "current_amount",
        "Current amount",
        "amount",
        ",.0f",
        "The plan's current amount as it stands in the account plans file.",
        plans.goal_vs_amount,
        "tests/test_plans.py::test_goal_vs_amount",
    ),
    Metric(
        "attainment",
        "Of goal",
        "share",
        ".0%",
        "Current amount / revenue goal; empty when the goal is empty or 0.",
        plans.goal_vs_amount,
        "tests/test_plans.py::test_goal_vs_amount",
    ),
    Metric(
        "current_amount_total",
        "Current amounts (sum)",
        "amount",
        ",.0f",
        "The sum of the plans' current amounts as they stand: not a forecast.",
        plans.checklist,
        "tests/test_plans.py::test_checklist_stage_6_current_amounts_and_overdue_reviews",
    ),  # noqa: E501
    Metric(
        "reviews_overdue",
        "Reviews overdue",
        "plans",
        ",",
        "Plans whose next review date is before D.",
        plans.reviews,
        "tests/test_plans.py::test_reviews",
    ),
    Metric(
        "updated_this_quarter",
        "Plans updated this quarter",
        "plans",
        ",",
        "Plans whose last_updated is in D's quarter, up to D.",
        plans.usage,
        "tests/test_plans.py::test_usage_per_account_manager",
    ),
)

METRICS: dict[str, Metric] = {m.name: m for m in REGISTRY}


def get(name: str) -> Metric:
    """The registry entry for `name` (KeyError names the unknown figure)."""
    return METRICS[name]


def label(name: str) -> str:
    return METRICS[name].label


def axis(name: str) -> str:
    """A chart axis (or a count series) title: the label with its unit."""
    return METRICS[name].axis_title


# --- the sentences beside a figure, shared by the pages and the digest ---------


def vs_last_week(
    value: object, as_of: dt.date, write: Callable[[object], str] = count
) -> str:
    """`vs 16 last Mon–Wed` (`write` the value's format: `vs 0.32% last Mon–Wed`
    with `rate`): the comparison says where it stops (short enough for a tile at
    1280 pixels)."""
    span = dates.last_week_to_date(as_of)
    return f"vs {write(value)} last {span.start:%a}–{span.end:%a}"


def vs_last_month(count: int, as_of: dt.date) -> str:
    """`vs 12 on 1–18 Oct` (the same days of last month)."""
    span = dates.last_month_to_date(as_of)
    return f"vs {count:,} on {span.start.day}–{span.end.day} {span.end:%b}"


def last_week_in_full(count: int) -> str:
    return f"{count:,} last week in full"


# The month_quota keys no_quota_note takes, in order.
NO_QUOTA_KEYS = ("month_target", "no_quota_managers", "no_quota_added")


def quota_note(target: int | None) -> str:
    """Under a team quota tile: `target 743` (`no quota set` without one)."""
    if target is None or pd.isna(target):
        return "no quota set"
    return f"target {int(target):,}"


def no_quota_note(
    target: int | None, no_quota_managers: int, no_quota_added: int
) -> str:
    """Beside a team quota tile, the AMs without a target, shown apart:
    `No quota: 1 AM, 106 added (not in the team's pace).`; '' when there are none,
    or when nobody has a target (the tile then counts everyone)."""
    if not no_quota_managers or target is None or pd.isna(target):
        return ""
    am = "AM" if no_quota_managers == 1 else "AMs"
    return (
        f"No quota: {no_quota_managers} {am}, {no_quota_added:,} added (not in the "
        "team's pace)."
    )


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def current_amounts(f: dict) -> str:
    """The plans' current amounts summed against their goals: what the plans
    hold today, not a forecast."""
    amount, goal = f["current_amount_total"], f["revenue_goal_total"]
    share = f" ({amount / goal:.0%})" if goal else ""
    return (
        f"{label('current_amount_total')}: {amount:,.0f} against goals of "
        f"{goal:,.0f}{share}"
    )


# Each checklist key (plans.checklist): the item, and its live check as a sentence
# from the count and the figures (the Account plans page and the 1:1 pack).
CHECKLIST = {
    "plans_touched": (
        "Create a plan for each key partner, or bring last quarter's up to date",
        lambda n, f: (
            f"{plural(n, 'account manager')} of {f['managers']} with no "
            "plan created or updated this quarter"
            if n
            else "Every account manager has created or updated a plan this quarter"
        ),
    ),
    "stale_plans": (
        "Review each plan with the partner and revise it",
        lambda n, f: (
            f"{plural(n, 'plan')} not updated in the last {f['days']} days"
            if n
            else f"Every plan was updated in the last {f['days']} days"
        ),
    ),
    "trends": (
        "Look at each partner's repurposing and churn trend and agree the support "
        "it needs",
        lambda n, f: (
            f"{plural(n, 'account manager')} of {f['managers']} "
            f"repurposing fewer or losing more clients than in the {f['days']} days "
            "before"
            if n
            else "No account manager is repurposing fewer or losing more clients than "
            f"in the {f['days']} days before"
        ),
    ),
    "key_partners": (
        "Share the plans for key partners with the internal teams that support them",
        lambda n, f: (
            f"{plural(n, 'key partner')} without an account plan"
            if n
            else "Every key partner has an account plan"
        ),
    ),
    "off_track": (
        "Coach the teams whose plans are off track",
        lambda n, f: (
            f"{plural(n, 'plan')} of {f['plans']} behind the share of the quarter gone"
            if n
            else "No plan is behind the share of the quarter gone"
        ),
    ),
    "current_amounts": (
        "Compare the plans' current amounts with their goals",
        lambda n, f: current_amounts(f),
    ),
    "overdue_reviews": (
        "Hold the plan reviews that are due before the quarter closes",
        lambda n, f: (
            f"{plural(n, 'plan review')} overdue" if n else "No plan review is overdue"
        ),
    ),
}


def markdown() -> str:
    """docs/metrics.md: every figure, by page, with its definition, query and test."""
    lines = [
        "# Metrics",
        "",
        "Every figure the dashboard shows, generated from `analytics/metrics.py` by",
        "`python -m analytics.metrics` (a test checks it is up to date). The",
        "row-level rules behind them (active at D, repurposed at D, touch, notes",
        "task, pace status...) are the macros in `analytics/sql/macros.sql`.",
    ]
    for page in dict.fromkeys(m.page for m in REGISTRY):
        lines += ["", f"## {page}", ""]
        lines += ["| figure | name | unit | definition | query | test |"]
        lines += ["| --- | --- | --- | --- | --- | --- |"]
        for m in (m for m in REGISTRY if m.page == page):
            shown = f"{m.label} (short: {m.short})" if m.short else m.label
            lines.append(
                f"| {shown} | `{m.name}` | {m.unit} | {m.definition} "
                f"| `{m.query}` | `{m.test}` |"
            )
    return "\n".join(lines) + "\n"


DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"

if __name__ == "__main__":  # python -m analytics.metrics: rewrite docs/metrics.md
    DOC.write_text(markdown(), encoding="utf-8")
    print(DOC)
