"""Which table a file is (SPEC section 2): never a guess.

Every table is scored on the file's headers; the Salesforce object the file holds,
told by the key prefix of its `Id` values (`001` Account, `006` Opportunity...) or
by that object's own columns (`StageName`, `DurationInMinutes`...), leaves only
that object's table. A file is read as a table only when the table's required
columns are all present and no other table fits about as well; otherwise it is not
recognised, and the reason names the closest tables and the required columns each
lacks, in the users' words.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from analytics import schema
from analytics.ingest.headers import lookup, normalise
from analytics.schema import Table

# Salesforce key prefixes: the first three characters of every record id.
PREFIXES = {
    "001": "Account",
    "006": "Opportunity",
    "00T": "Task",
    "00U": "Event",
    "003": "Contact",
    "005": "User",
    "00Q": "Lead",
    "500": "Case",
    "701": "Campaign",
    "01t": "Product",
}
# The table each object's export fills (an object without one is refused).
OBJECT_TABLES = {
    "Account": "partners",
    "Opportunity": "clients",
    "Task": "activities",
    "Event": "activities",
    "Contact": "contacts",
    "User": "users",
}
# Columns only that object's exports have (normalised API names and labels).
MARKERS = {
    "Account": (
        "accountnumber industry billingcity billingcountry billingstreet"
        " billingpostalcode shippingcity website numberofemployees annualrevenue"
        " parentid accountsource"
    ),
    "Opportunity": (
        "stagename stage closedate probability forecastcategory"
        " forecastcategoryname iswon expectedrevenue"
    ),
    "Event": (
        "activitydatetime durationinminutes startdatetime enddatetime"
        " isalldayevent eventsubtype showas"
    ),
    "Task": "priority tasksubtype calltype calldurationinseconds completeddatetime",
    "Contact": (
        "mailingcity mailingstreet mailingcountry mailingpostalcode reportstoid"
        " birthdate assistantname homephone"
    ),
    "User": (
        "username alias profileid userroleid timezonesidkey localesidkey"
        " emailencodingkey languagelocalekey usertype federationidentifier"
    ),
}
# Headers many exports share: a fit made of these alone is too weak to trust.
GENERIC = {
    "id",
    "name",
    "accountid",
    "ownerid",
    "ownername",
    "owner",
    "createddate",
    "status",
    "type",
    "amount",
}
SAMPLE_ROWS = 200


@dataclass
class Recognition:
    """The table chosen (None: not recognised, with the reason), and the Salesforce
    object the file holds when its ids or columns tell (`Event`, `Opportunity`)."""

    table: str | None
    reason: str = ""
    salesforce_object: str | None = None


def sample_ids(body: str, delimiter: str, headers: Sequence[str]) -> list[str]:
    """The first values of the file's `Id` column (none when it has no such
    column): enough to read the key prefix."""
    keys = [normalise(h) for h in headers]
    if "id" not in keys:
        return []
    index = keys.index("id")
    reader = csv.reader(io.StringIO(body[: 1 << 16]), delimiter=delimiter)
    next(reader, None)
    values = []
    try:
        for row in reader:
            if index < len(row) and row[index].strip():
                values.append(row[index].strip())
            if len(values) >= SAMPLE_ROWS:
                break
    except csv.Error:  # a cut-off quoted field at the end of the sample
        pass
    return values


def object_from_ids(ids: Sequence[str]) -> str | None:
    """The object whose key prefix most Salesforce-looking ids share (four in five
    of them), else None."""
    ids = [v for v in ids if len(v) in (15, 18) and v.isalnum()]
    if not ids:
        return None
    prefix, count = Counter(v[:3] for v in ids).most_common(1)[0]
    if count < 0.8 * len(ids):
        kinds = {PREFIXES.get(v[:3]) for v in ids}
        # Tasks and events mixed: an activity export.
        return "Activity" if kinds == {"Task", "Event"} else None
    return PREFIXES.get(prefix)


def object_from_columns(headers: Sequence[str]) -> str | None:
    """The object whose own columns the headers hold most of (None on a tie)."""
    keys = {normalise(h) for h in headers}
    counts = {obj: len(keys & set(words.split())) for obj, words in MARKERS.items()}
    best = max(counts.values())
    winners = [obj for obj, n in counts.items() if n == best]
    if not best:
        return None
    if set(winners) == {"Task", "Event"}:
        return "Activity"
    return winners[0] if len(winners) == 1 else None


def label(table: Table, column: str) -> str:
    """A column in the users' words: its first `also accepted as` label."""
    aliases = table.column(column).aliases
    return aliases[0] if aliases else column.replace("_", " ")


def _fit(table: Table, headers: Sequence[str], own_id: bool) -> tuple[int, int, list]:
    """(matched columns, matched columns from specific headers, missing required
    columns); `Id` counts as the table's id only when `own_id`."""
    found = lookup(table)
    matched, specific = set(), set()
    for key in map(normalise, headers):
        if key in found and (own_id or key != "id"):
            matched.add(found[key])
            if key not in GENERIC:
                specific.add(found[key])
    missing = [c.name for c in table.columns if c.required and c.name not in matched]
    return len(matched), len(specific), missing


def _lacking(table: Table, missing: list[str]) -> str:
    words = ", ".join(label(table, c) for c in missing)
    return f"{table.label} (lacks {words})"


def recognise(headers: Sequence[str], ids: Sequence[str] = ()) -> Recognition:
    """The table a file with these headers (and these `Id` values) is."""
    obj = object_from_ids(ids) or object_from_columns(headers)
    if obj is not None:
        return _recognise_object(obj, headers)
    scored = []
    for table in schema.TABLES.values():
        matched, specific, missing = _fit(table, headers, own_id=True)
        scored.append((matched, specific, missing, table))
    scored.sort(key=lambda s: (-s[0], -s[1], len(s[2])))
    fitting = [s for s in scored if not s[2]]
    if fitting:
        best = fitting[0]
        rivals = [s for s in fitting[1:] if s[0] >= best[0]]
        weak = not best[1] and best[0] <= 2
        if not rivals and not weak:
            return Recognition(best[3].name)
        if weak:
            return Recognition(
                None,
                f"the headers fit {best[3].label} only by columns most exports"
                " share (such as Id, Name, Owner); choose the table",
            )
        tied = " and ".join(s[3].label for s in (best, *rivals))
        return Recognition(
            None, f"the headers fit {tied} equally well; choose the table"
        )
    closest = [s for s in scored if s[0]][:2]
    if not closest:
        reason = "the headers match no column of any table; choose the table and"
        return Recognition(None, reason + " map its columns")
    names = "; ".join(_lacking(s[3], s[2]) for s in closest)
    return Recognition(None, f"the headers fit no table; the closest are {names}")


def _recognise_object(obj: str, headers: Sequence[str]) -> Recognition:
    """An export of a known Salesforce object is its table's, or no table's."""
    shown = "Task and Event" if obj == "Activity" else obj
    name = OBJECT_TABLES.get("Task" if obj == "Activity" else obj)
    if name is None:
        return Recognition(
            None,
            f"the file is a Salesforce {shown} export, which no table holds",
            obj,
        )
    table = schema.TABLES[name]
    _, _, missing = _fit(table, headers, own_id=True)
    if missing:
        words = ", ".join(label(table, c) for c in missing)
        reason = f"the file is a Salesforce {shown} export, read as {table.label},"
        return Recognition(None, f"{reason} but it lacks {words}", obj)
    return Recognition(name, "", obj)


def recognise_table(headers: list[str], ids: Sequence[str] = ()) -> str | None:
    """The table the headers (and `Id` values) belong to, or None."""
    return recognise(headers, ids).table
