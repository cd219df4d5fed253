"""Tasks and events (SPEC section 2): a row is an event when the file is an Event
export, when its Task/Event column says Event, or when its id has the `00U`
prefix; otherwise a task. Salesforce's `Type` (Call, Email, Meeting, Other) is the
kind of contact, kept as activity_type: a Meeting is an event; an event of any
other kind is stored as `Event` (a touch, as every event is). Unknown types are
warned about, never silently counted as tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analytics.ingest.headers import normalise
from analytics.ingest.report import WARNING
from analytics.schema import Table

if TYPE_CHECKING:
    from analytics.ingest.check import FileCheck

TASK_EVENT = "task_event"  # the Task/Event column, when Type holds the kind
EVENT_PREFIX = "00U"
KINDS = ("Task", "Event", "Call", "Email", "Meeting", "Other")
# The kinds an event keeps; any other event is stored as `Event`.
EVENT_KINDS = ("Event", "Meeting", "Call", "Email")


def extra_columns(
    table: Table, headers: list[str], columns: dict[str, int]
) -> dict[str, int]:
    """Columns the kind rules read besides the canonical ones: a Task/Event
    column that is not itself the activity type."""
    if table.name != "activities":
        return {}
    used = set(columns.values())
    for index, header in enumerate(headers):
        if normalise(header) == "taskevent" and index not in used:
            return {TASK_EVENT: index}
    return {}


def activity_type_select(check: FileCheck, base: str | None) -> str:
    """The select item of activity_type typed by kind from `base` (the column's
    text; None without a type column: `Task`): every event row as its kind or
    `Event`."""
    base = base or "'Task'"
    conditions = []
    if check.report.salesforce_object == "Event":
        conditions.append("true")
    if TASK_EVENT in check.extras:
        conditions.append(f"lower(trim(c{check.extras[TASK_EVENT]})) = 'event'")
    activity_id = f"c{check.columns['activity_id']}"
    conditions.append(f"starts_with({activity_id}, '{EVENT_PREFIX}')")
    kinds = ", ".join(f"'{k.lower()}'" for k in EVENT_KINDS)
    return f"""case when coalesce({" or ".join(conditions)}, false) then (
            case when lower({base}) in ({kinds})
                then upper(left({base}, 1)) || lower(substr({base}, 2))
            else 'Event' end)
        else {base} end as activity_type"""


def settle_kinds(check: FileCheck) -> None:
    """Warn about task rows of a kind outside KINDS (counted as neither a touch
    nor a task); the event rows are typed as the file is read (activity_type_select)."""
    known = ", ".join(KINDS)
    check.collect(
        f"select _row, activity_type from typed_{check.k}"
        " where not list_contains($kinds, lower(activity_type))",
        {"kinds": [k.lower() for k in KINDS]},
        check.header_of("activity_type") if "activity_type" in check.columns else None,
        lambda r: (
            f"type '{r[1]}' is none of {known}: it is counted neither as a touch"
            " nor as a task"
        ),
        "unknown activity type",
        "activity.type_unknown",
        WARNING,
    )
