"""Headers: which table a file's headers belong to and which column each means."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from analytics import schema
from analytics.schema import Table


def normalise(header: str) -> str:
    """A header as it is matched (see schema.normalise_header)."""
    return schema.normalise_header(header)


def _lookup(table: Table) -> dict[str, str]:
    """Normalised name or alias -> canonical column."""
    return {
        normalise(alias): column.name
        for column in table.columns
        for alias in (column.name, *column.aliases)
    }


def _matched_columns(table: Table, headers: Iterable[str]) -> set[str]:
    lookup = _lookup(table)
    return {lookup[key] for key in map(normalise, headers) if key in lookup}


def _candidates(headers: Sequence[str]) -> list[tuple[str, int]]:
    """Tables whose required columns all match, with how many columns match."""
    found = []
    for table in schema.TABLES.values():
        matched = _matched_columns(table, headers)
        required = {c.name for c in table.columns if c.required}
        if required <= matched:
            found.append((table.name, len(matched)))
    return sorted(found, key=lambda pair: -pair[1])


def recognise_table(headers: list[str]) -> str | None:
    """The table a file's headers belong to: every required column matched, most
    matched columns wins; None when no table fits or two fit equally."""
    found = _candidates(headers)
    if not found or (len(found) > 1 and found[0][1] == found[1][1]):
        return None
    return found[0][0]


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
    return match


def recognise_reason(headers: Sequence[str]) -> tuple[str | None, str]:
    """The table the headers fit best, or None and the reason none could be chosen."""
    found = _candidates(headers)
    if found and (len(found) == 1 or found[0][1] > found[1][1]):
        return found[0][0], ""
    if found:
        tied = " and ".join(name for name, n in found if n == found[0][1])
        return None, f"the headers fit {tied} equally well; name the table (--table)"
    return None, (
        "the headers do not match any table's required columns;"
        " name the table (--table) and map the columns"
    )
