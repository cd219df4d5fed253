"""Headers: which table a file's headers belong to and which column each means."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analytics import schema
from analytics.schema import Table


def normalise(header: str) -> str:
    """A header as it is matched (see schema.normalise_header)."""
    return schema.normalise_header(header)


# Headers a column takes only when none of its other names is in the file, so that
# an export holding both does not name the column twice: `Owner.Name` beside
# `OwnerId`, `ActivityDate` beside `ActivityDateTime` (an Event export), `Name`
# beside `Username` (a User export), `Type` beside `Task/Event`.
FALLBACKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("partners", "account_manager"): ("OwnerId",),
    ("activities", "account_manager"): ("OwnerId",),
    ("quotas", "account_manager"): ("OwnerId",),
    ("account_plans", "account_manager"): ("OwnerId",),
    ("activities", "activity_date"): ("ActivityDateTime", "StartDateTime"),
    ("activities", "partner_id"): ("WhatId",),
    ("activities", "activity_type"): ("Task/Event",),
    ("users", "name"): ("User Name",),
}


def _fallbacks(table: Table) -> dict[str, str]:
    """Normalised fallback header -> canonical column."""
    return {
        normalise(alias): column
        for (name, column), aliases in FALLBACKS.items()
        if name == table.name
        for alias in aliases
    }


def _lookup(table: Table) -> dict[str, str]:
    """Normalised name or alias -> canonical column (fallbacks left out)."""
    fallbacks = _fallbacks(table)
    return {
        normalise(alias): column.name
        for column in table.columns
        for alias in (column.name, *column.aliases)
        if normalise(alias) not in fallbacks
    }


def lookup(table: Table) -> dict[str, str]:
    """Every normalised header the table takes -> canonical column."""
    return {**_fallbacks(table), **_lookup(table)}


def _matched_columns(table: Table, headers: Iterable[str]) -> set[str]:
    found = lookup(table)
    return {found[key] for key in map(normalise, headers) if key in found}


@dataclass
class _Match:
    columns: dict[str, int] = field(default_factory=dict)  # canonical -> index
    mapping: dict[str, str] = field(default_factory=dict)
    ignored: list[int] = field(default_factory=list)
    # (header, reason, problem code)
    problems: list[tuple[str | None, str, str]] = field(default_factory=list)


def match_headers(
    table: Table, headers: list[str], chosen: dict[str, str] | None
) -> _Match:
    """Assign headers to canonical columns: the user's choices first, then names and
    aliases; two headers for one column are an error naming both."""
    match = _Match()
    for canonical, header in (chosen or {}).items():
        if canonical not in table.column_names:
            reason = f"{canonical} is not a column of {table.name}"
            match.problems.append((header, reason, "column.mapping"))
        elif header not in headers:
            reason = f"header '{header}' is not in the file"
            match.problems.append((header, reason, "column.mapping"))
        else:
            index = headers.index(header)
            match.columns[canonical] = index
            match.mapping[header] = canonical
    used = set(match.columns.values())
    lookup = _lookup(table)
    for index, header in enumerate(headers):
        canonical = lookup.get(normalise(header))
        if index in used:
            continue
        if canonical is None or canonical in (chosen or {}):
            match.ignored.append(index)
        elif canonical in match.columns:
            first = headers[match.columns[canonical]]
            match.problems.append(
                (
                    header,
                    f"headers '{first}' and '{header}' both mean {canonical}",
                    "column.duplicate",
                )
            )
        else:
            match.columns[canonical] = index
            match.mapping[header] = canonical
    _use_fallbacks(table, headers, match)
    return match


def _use_fallbacks(table: Table, headers: list[str], match: _Match) -> None:
    """Columns still unmatched take their first fallback header in the file."""
    keys = [normalise(h) for h in headers]
    for (name, canonical), aliases in FALLBACKS.items():
        if name != table.name or canonical in match.columns:
            continue
        for alias in aliases:
            index = next(
                (i for i in match.ignored if keys[i] == normalise(alias)), None
            )
            if index is not None:
                match.ignored.remove(index)
                match.columns[canonical] = index
                match.mapping[headers[index]] = canonical
                break
