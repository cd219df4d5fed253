"""The rules a file and an upload are checked against (SPEC section 3), one
function per rule, each reporting under a stable problem code listed in CODES.

A rule reads a file's typed rows (`typed_<k>`: the canonical columns typed, with
`_row`, the user's row number, and the raw text beside dates and numbers as
`<name>__raw`) through `check.collect`, which reports the first MAX_PER_RULE rows
and sums the rest in one line.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from analytics import schema
from analytics.ingest import kinds
from analytics.ingest.parse import FRACTION, WHOLE, number_reason
from analytics.ingest.report import WARNING
from analytics.schema import DATE, DECIMAL, INT, TEXT, Column, Table

if TYPE_CHECKING:
    from analytics.ingest.check import FileCheck

# Every problem code, with what it means. A code never changes meaning; the
# wording of a problem may.
CODES = {
    # the file
    "file.too_large": "the file is above the size limit",
    "file.empty": "the file is empty",
    "file.not_text": "the file is not CSV text (binary data, NUL bytes)",
    "file.mixed_encoding": "the file mixes text encodings",
    "file.unreadable": "DuckDB could not read the file as CSV",
    "file.no_rows": "the file has a header but no data rows",
    "header.unreadable": "the header row cannot be read",
    "header.none": "the file has no header row",
    "table.unknown": "the named table does not exist",
    "table.unrecognised": "the headers fit no table, or two equally",
    "column.mapping": "a chosen mapping names no column or no header",
    "column.duplicate": "two headers mean the same column",
    "column.missing": "a required column is missing",
    "column.ignored": "a column matches no column and is ignored",
    # rows and values
    "row.unclosed_quote": "a quoted field is never closed",
    "text.nul_removed": "NUL bytes inside fields were removed",
    "row.extra_fields": "a row has more fields than the header",
    "value.required": "a required value is empty",
    "date.unparseable": "a value is not a date",
    "date.not_real": "a date that does not exist (31/02)",
    "date.future": "a date in the future",
    "date.too_early": "a date before 1900",
    "row.header_repeat": "a row that repeats the header row",
    "date.order_default": "no slash date could tell day-first from month-first",
    "date.order_conflict": "a slash date that can only be read the other way round",
    "date.before": "a date before the date it must follow",
    "number.unparseable": "a value is not a number (or not a whole number)",
    "number.negative": "a negative aim or target",
    "number.mixed_marks": "a number column with both a decimal comma and point",
    "value.unknown": "a league or status outside the known values",
    "id.duplicate": "an id repeated in the file",
    "quota.duplicate": "a second quota for one account manager and month",
    "activity.type_unknown": "an activity type outside Call, Email, Meeting...",
    # across files
    "upload.none": "no files were uploaded",
    "upload.duplicate_table": "two files for one table",
    "partner.not_found": "a row's partner is empty or not among the partners",
    "disk.full": "the disk filled up during the check or the commit",
    "owner.unknown": "an owner id (005...) that matches no user",
}

# Dates that are naturally in the future (due dates, planned months, reviews).
FUTURE_ALLOWED = {
    ("activities", "activity_date"),
    ("quotas", "month"),
    ("account_plans", "next_review_date"),
}
ALLOWED_VALUES = {
    ("partners", "league"): schema.LEAGUES,
    ("partners", "account_status"): schema.STATUSES,
    ("contacts", "training_status"): schema.TRAINING_STATUSES,
}
# Fields beyond the header that a row may carry before DuckDB refuses the file;
# any non-empty one is reported as "more fields than the header".
EXTRA_FIELDS = 8
PARTNER_CHILDREN = ("clients", "activities", "account_plans", "contacts")


def _words(name: str) -> str:
    return name.replace("_", " ")


def check_values(check: FileCheck, table: Table) -> None:
    """Every rule on the typed values of one file."""
    for column in table.columns:
        if column.name not in check.columns:
            continue
        if column.required and not (
            column.name == "partner_id" and table.name in PARTNER_CHILDREN
        ):
            required_value(check, column)
        if column.type == DATE:
            unparseable_date(check, column)
            conflict = "false"
            if column.name in check.conflicts:
                conflict = date_order_conflict(check, column.name)
            not_real_date(check, column, conflict)
            too_early_date(check, column)
            if (table.name, column.name) not in FUTURE_ALLOWED:
                future_date(check, column)
        elif column.type in (INT, DECIMAL):
            if check.marks[column.name].conflict:
                mixed_marks(check, column)  # its values cannot all be read
            else:
                unparseable_number(check, column)
            if column.nonneg:
                negative_number(check, column)
        allowed = ALLOWED_VALUES.get((table.name, column.name))
        if allowed:
            unknown_value(check, column, allowed)
    header_repeated(check, table)
    if table.id_column and table.id_column in check.columns:
        duplicate_id(check, table.id_column)
    for earlier, later in table.date_order:
        if earlier in check.columns and later in check.columns:
            date_before(check, earlier, later)
    if table.name == "quotas" and not check.report.missing:
        duplicate_quota(check)
    if table.name == "activities":
        kinds.settle_kinds(check)


def extra_fields(check: FileCheck) -> None:
    # A row with a non-empty field beyond the header. One row per row.
    n = len(check.headers)
    extra = ", ".join(f"c{i}" for i in range(n, n + EXTRA_FIELDS))
    check.collect(
        f"select _row, coalesce({extra}) as value from clean_{check.k}"
        f" where coalesce({extra}) is not null",
        {},
        None,
        lambda r: f"the row has more fields than the header ({n} columns)",
        "more fields than the header",
        "row.extra_fields",
    )


def nul_bytes(check: FileCheck, found: list[tuple[int, int]]) -> None:
    """NUL bytes inside fields (a Data Export's rich-text cells begin with one) are
    removed as the file is read, with one warning naming their rows and columns
    (`found`: row and field index of each field that held one)."""
    if not found:
        return
    rows = sorted({r for r, _ in found})
    headers = []
    for _, i in found:
        header = check.headers[i] if i < len(check.headers) else ""
        header = header or f"column {i + 1}"
        if header not in headers:
            headers.append(header)
    shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
    nouns = "byte was" if check.nuls == 1 else "bytes were"
    fields = "field" if len(found) == 1 else "fields"
    rows_word = "row" if len(rows) == 1 else "rows"
    columns = "column" if len(headers) == 1 else "columns"
    check.add(
        None,
        None,
        None,
        f"{check.nuls} NUL {nouns} removed from {len(found)} {fields} in"
        f" {rows_word} {shown} ({columns} {', '.join(headers)})",
        "text.nul_removed",
        WARNING,
        len(found),
    )


def required_value(check: FileCheck, column: Column) -> None:
    # SPEC 3 (errors): a required value that is empty. One row per empty cell.
    raw = f"{column.name}__raw" if column.type != TEXT else column.name
    check.collect(
        f"select _row, '' from typed_{check.k} where {raw} is null",
        {},
        check.header_of(column.name),
        lambda r: f"required {column.name} is empty",
        f"required {column.name} is empty",
        "value.required",
    )


def unparseable_date(check: FileCheck, column: Column) -> None:
    # SPEC 3: "unparseable date" is an error. One row per offending cell.
    x = column.name
    check.collect(
        f"select _row, {x}__raw from typed_{check.k}"
        f" where {x}__raw is not null and {x}__form is null",
        {},
        check.header_of(x),
        lambda r: f"'{r[1]}' is not a date (expected e.g. 2026-11-03 or 03/11/2026)",
        "not a date",
        "date.unparseable",
    )


def date_order_conflict(check: FileCheck, x: str) -> str:
    """Rows whose slash date can only be read the other way round; returns the
    condition, so that such a row is not also reported as not a real date."""
    day_first, example = check.conflicts[x]
    if day_first:
        condition = f"{x}__form = 'slash' and {x}__b between 13 and 31 and {x}__a <= 12"
        theirs, ours = "month-first", "day-first"
    else:
        condition = f"{x}__form = 'slash' and {x}__a between 13 and 31 and {x}__b <= 12"
        theirs, ours = "day-first", "month-first"
    note = f"row {example['r']} '{example['v']}'"
    check.collect(
        f"select _row, {x}__raw from typed_{check.k} where {condition}",
        {},
        check.header_of(x),
        lambda r: (
            f"date '{r[1]}' is {theirs}, but other dates in this column are"
            f" {ours} (e.g. {note})"
        ),
        f"{theirs} date in a {ours} column",
        "date.order_conflict",
    )
    return condition


def not_real_date(check: FileCheck, column: Column, conflict: str) -> None:
    # A date in form that does not exist (31/02/2024). One row per cell.
    x = column.name
    check.collect(
        f"select _row, {x}__raw from typed_{check.k} where {x} is null"
        f" and {x}__form is not null and not coalesce(({conflict}), false)",
        {},
        check.header_of(x),
        lambda r: f"date '{r[1]}' is not a real date",
        "not a real date",
        "date.not_real",
    )


def too_early_date(check: FileCheck, column: Column) -> None:
    # Issue 14: a date before 1900 (0001-01-01) is a placeholder, not a date.
    x = column.name
    check.collect(
        f"select _row, {x}__raw from typed_{check.k} where {x} < date '1900-01-01'",
        {},
        check.header_of(x),
        lambda r: f"date '{r[1]}' is before 1900",
        "date before 1900",
        "date.too_early",
    )


def header_repeated(check: FileCheck, table: Table) -> None:
    # Issue 14: a row equal to the header (a header repeated inside the file,
    # as two exports pasted together leave) is an error, not a record.
    present = [c for c in table.columns if c.name in check.columns]
    params, same = {}, []
    for i, column in enumerate(present):
        text = column.name if column.type == TEXT else f"{column.name}__raw"
        params[f"h{i}"] = check.header_of(column.name).lower()
        same.append(f"coalesce(lower({text}) = $h{i}, false)")
    check.collect(
        f"select _row, null from typed_{check.k} where {' and '.join(same)}",
        params,
        None,
        lambda r: f"row {r[0]} repeats the header row",
        "header row repeated",
        "row.header_repeat",
    )


def future_date(check: FileCheck, column: Column) -> None:
    # SPEC 3: "future dates" are a warning. One row per offending cell.
    x, today = column.name, dt.date.today()
    check.collect(
        f"select _row, {x}__raw from typed_{check.k} where {x} > $today",
        {"today": today},
        check.header_of(x),
        lambda r: f"date '{r[1]}' is in the future (after {today:%Y-%m-%d})",
        "date in the future",
        "date.future",
        WARNING,
    )


def unparseable_number(check: FileCheck, column: Column) -> None:
    # SPEC 3: "unparseable ... number" is an error. One row per offending cell.
    x = column.name
    whole = column.type == INT
    check.collect(
        f"""
        select _row, {x}__raw,
            regexp_full_match(number_text({x}__raw), '{WHOLE}') as digits,
            regexp_full_match(number_text({x}__raw), '{FRACTION}') as fraction
        from typed_{check.k} where {x} is null and {x}__raw is not null
        """,
        {},
        check.header_of(x),
        lambda r: number_reason(r[1], r[2], r[3], whole),
        "not a number" if not whole else "not a whole number",
        "number.unparseable",
    )


def mixed_marks(check: FileCheck, column: Column) -> None:
    # Issue 14: decimal marks are decided per column; a column whose values need
    # both (`12,5` and `1,234.50`) is refused, naming them.
    comma, point = check.marks[column.name].conflict
    check.add(
        None,
        check.header_of(column.name),
        None,
        f"the column mixes decimal marks: row {comma['r']} '{comma['v']}' has a"
        f" decimal comma, row {point['r']} '{point['v']}' a decimal point; save"
        " the file with one",
        "number.mixed_marks",
    )


def negative_number(check: FileCheck, column: Column) -> None:
    # SPEC 3: "negative aim/target" is an error. One row per offending cell.
    x = column.name
    check.collect(
        f"select _row, {x}__raw from typed_{check.k} where {x} < 0",
        {},
        check.header_of(x),
        lambda r: f"{_words(x)} '{r[1]}' is negative; it cannot be below 0",
        f"negative {_words(x)}",
        "number.negative",
    )


def unknown_value(check: FileCheck, column: Column, allowed: tuple[str, ...]) -> None:
    # SPEC 3 (warnings): "unknown league or status values". One row per cell.
    x = column.name
    expected = ", ".join(allowed)
    check.collect(
        f"select _row, {x} from typed_{check.k}"
        f" where {x} is not null and not list_contains($allowed, {x})",
        {"allowed": list(allowed)},
        check.header_of(x),
        lambda r: f"unknown {_words(x)} '{r[1]}' (expected one of: {expected})",
        f"unknown {_words(x)}",
        "value.unknown",
        WARNING,
    )


def duplicate_id(check: FileCheck, x: str) -> None:
    """Duplicate ids; an 18-character id is the 15-character id that begins it."""
    # SPEC 3: "duplicate id" is an error. One row per repeat, naming the first.
    # The keys are counted by their hash (a number groups faster than text);
    # only the rows whose hash repeats are grouped by the key itself.
    check.collect(
        f"""
        with repeated as (
            select hash(partner_key({x})) as h from typed_{check.k}
            where {x} is not null group by h having count(*) > 1
        ),

        keyed as (
            select _row, {x}, partner_key({x}) as key from typed_{check.k}
            where {x} is not null and hash(partner_key({x})) in (select h from repeated)
        ),

        firsts as (
            select *,
                min(_row) over (partition by key) as first_row,
                arg_min({x}, _row) over (partition by key) as first_value
            from keyed
        ),

        final as (
            select _row, {x}, first_row, first_value from firsts
            where _row > first_row
        )

        select * from final
        """,
        {},
        check.header_of(x),
        lambda r: (
            f"duplicate {x} '{r[1]}' (also on row {r[2]}"
            + ("" if r[1] == r[3] else f" as '{r[3]}'")
            + ")"
        ),
        f"duplicate {x}",
        "id.duplicate",
    )


def date_before(check: FileCheck, earlier: str, later: str) -> None:
    # SPEC 3: "repurposed or churn date before the added date" is an error.
    # One row per client.
    check.collect(
        f"select _row, {later}__raw, {earlier}__raw from typed_{check.k}"
        f" where {later} < {earlier}",
        {},
        check.header_of(later),
        lambda r: f"{_words(later)} '{r[1]}' is before the {_words(earlier)} '{r[2]}'",
        f"{_words(later)} before {_words(earlier)}",
        "date.before",
    )


def duplicate_quota(check: FileCheck) -> None:
    """Quotas are "one row per AM and month": a second row for both is an error."""
    check.collect(
        f"""
        with firsts as (
            select _row, account_manager, month, month__raw,
                min(_row) over (partition by account_manager, month) as first_row
            from typed_{check.k}
            where month is not null and account_manager is not null
        ),

        final as (
            select _row, month__raw, account_manager, month, first_row
            from firsts where _row > first_row
        )

        select * from final
        """,
        {},
        check.header_of("month"),
        lambda r: f"duplicate quota for {r[2]} in {r[3]:%Y-%m} (also on row {r[4]})",
        "duplicate quota month",
        "quota.duplicate",
    )


def one_file_per_table(checks: list[FileCheck]) -> None:
    seen: dict[str, str] = {}
    for check in checks:
        table = check.report.table
        if table is None:
            continue
        if table in seen:
            check.add(
                None,
                None,
                None,
                f"two files for the table {table}: '{seen[table]}' and"
                f" '{check.report.file}'; upload one",
                "upload.duplicate_table",
            )
        else:
            seen[table] = check.report.file


def partner_not_found(check: FileCheck) -> None:
    # SPEC 3 (warnings): "a client or activity whose partner_id is empty (or a
    # placeholder) or not in partners" is kept under (unknown partner). One row per
    # orphan row; the upload's partner keys are in `partners_keys`.
    check.collect(
        f"""
        select _row, partner_id from typed_{check.k} as t
        where partner_id is null
            or not exists (
                select 1 from partners_keys as p where p.key = partner_key(t.partner_id)
            )
        """,
        {},
        check.header_of("partner_id"),
        lambda r: (
            (
                "partner_id is empty"
                if r[1] is None
                else f"partner_id '{r[1]}' is not among the partners"
            )
            + f": the row is kept under {schema.UNKNOWN_PARTNER}"
        ),
        f"partner not found, kept under {schema.UNKNOWN_PARTNER}",
        "partner.not_found",
        WARNING,
    )
