"""Parsing dates and numbers in SQL: the date forms, the date-order evidence, the
number forms. Values arrive as parameters; only these constant patterns are
spliced into the SQL.

Numbers: an optional currency sign (£ $ €) before or after the number, commas as
thousands separators (`1,234.50`) and, in decimal columns only, a decimal comma
with one or two decimals (`12,5`); an integer column also accepts `12.0` and
`12.00` (but `1.000` is refused: it may mean a thousand). A decimal must be below
10^15 in size (a double holds cents exactly up to there; a 1 MB run of digits would
otherwise be stored as infinity), an integer within BIGINT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.ingest.lines import TRIM_CHARS
from analytics.schema import DATE, DECIMAL, INT, PLACEHOLDER_IDS, TEXT, Column

DEFAULT_LABEL = " (default: column could not tell)"
# Date forms, as RE2 patterns (our own constants, spliced into the macros below).
_TIME = (
    r"(?:,?[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?"
)
_ISO = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_SLASH = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
_NAMED = r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s,-]+(\d{4}|\d{2})"
# The same with each number (or month name) as a group, to take the pieces out.
_ISO_GROUPS = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_SLASH_GROUPS = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
# An ISO date of ten characters is 4, 2 and 2 digits at fixed places: its pieces
# are cut out without a regex; other lengths go by the regex.
# quotas.month also takes a month alone: 2026-11, 11/2026, Nov 2026.
_YM = r"\d{4}[-/.]\d{1,2}"
_MY = r"\d{1,2}[-/.]\d{4}"
_MN = r"([A-Za-z]{3,9})\.?[\s,-]+(\d{4}|\d{2})"
_YM_GROUPS = r"(\d{4})[-/.](\d{1,2})"
_PIECES = "['p1', 'p2', 'p3']"
_MY_GROUPS = r"(\d{1,2})[-/.](\d{4})"
MONTH_NAMES = (
    "['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']"
)
# Numbers: plain, or with a currency sign or code and thousands separators.
_PLAIN_INT = r"[+-]?\d+"
_PLAIN_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)"
WHOLE = r"[+-]?\d+(\.0{1,2})?"
_CURRENCY = r"(?:[£$€]|GBP|EUR|USD)"
_MONEY = rf"[+-]?\s*{_CURRENCY}?\s*[+-]?[0-9.,]+\s*{_CURRENCY}?"
_THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"
_DECIMAL_COMMA = r"[+-]?\d+,\d{1,2}"
FRACTION = r"[+-]?(\d+\.\d*|\.\d+|\d+,\d{1,2})"
# Decimal marks, told per column: a comma that can only be a decimal comma (not
# followed by exactly three digits, or after dot thousands), or a point that can
# only be a decimal point; `15.200` and `1,234` could be either.
_COMMA_DECIMAL = (
    r"[+-]?(\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3}){2,})"
)
_POINT_DECIMAL = (
    r"[+-]?(\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3}){2,})"
)
# A number written with a decimal comma and point thousands.
_COMMA_FORM = r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"
# Decimals at or above this size are refused as too large.
MAX_DECIMAL = "1e15"

# A value needs no trim when it is ASCII and its first and last characters are
# above a space (every character of TRIM_CHARS is a space or below, or not
# ASCII): `v < '!' or v >= chr(128)` tells the first by comparing bytes; the
# last is `substr(v, strlen(v))`, the empty string unless the value is ASCII
# (`strlen` counts bytes, `substr` characters). Other values (and the empty
# one) take the exact, slower way. Half of what `ord(right(v, 1))` costs.
assert all(c <= " " or not c.isascii() for c in TRIM_CHARS)


def _maybe_placeholder(v: str) -> str:
    """Whether the ASCII value `v` may be a placeholder id (any case): its length
    is one's and it begins with the characters before that one's first letter
    (a cheap test before `upper` and the list)."""
    tests = []
    for p in sorted({p.upper() for p in PLACEHOLDER_IDS}):
        prefix = re.match(r"[^A-Z]*", p).group().replace("'", "''")
        tests.append(f"(strlen({v}) = {len(p)} and starts_with({v}, '{prefix}'))")
    return " or ".join(tests)


# The SQL helpers every file check uses. Values arrive as parameters; only these
# constant patterns are spliced in. The partner key of an id is the
# `partner_key` macro of sql/macros.sql (db.create_macros).
MACROS = f"""
create or replace temp macro clean_value_slow(v, chars, placeholders) as
    case when list_contains(placeholders, upper(trim(v, chars))) then null
         else nullif(trim(v, chars), '') end;
create or replace temp macro clean_value(v, chars, placeholders) as
    case
        when v is null then null
        when v < '!' or v >= chr(128) or substr(v, strlen(v)) < '!'
            then clean_value_slow(v, chars, placeholders)
        when ({_maybe_placeholder("v")}) and list_contains(placeholders, upper(v))
            then null
        else v
    end;
create or replace temp macro date_form(v) as
    case
        when v is null then null
        when regexp_full_match(v, '{_ISO}{_TIME}') then 'iso'
        when regexp_full_match(v, '{_SLASH}{_TIME}') then 'slash'
        when regexp_full_match(v, '{_NAMED}{_TIME}') then 'named'
    end;
create or replace temp macro month_form(v) as
    case
        when v is null then null
        when regexp_full_match(v, '{_YM}') then 'ym'
        when regexp_full_match(v, '{_MY}') then 'my'
        when regexp_full_match(v, '{_MN}') then 'mn'
        else date_form(v)
    end;
create or replace temp macro date_pieces(v, form) as
    case
        when form = 'iso' and length(v) = 10
            then struct_pack(p1 := v[1:4], p2 := v[6:7], p3 := v[9:10])
    else case form
        when 'iso' then regexp_extract(v, '^{_ISO_GROUPS}', {_PIECES})
        when 'slash' then regexp_extract(v, '^{_SLASH_GROUPS}', {_PIECES})
        when 'named' then regexp_extract(v, '^{_NAMED}', {_PIECES})
        when 'ym' then regexp_extract(v, '^{_YM_GROUPS}()', {_PIECES})
        when 'my' then regexp_extract(v, '^{_MY_GROUPS}()', {_PIECES})
        when 'mn' then regexp_extract(v, '^{_MN}()', {_PIECES})
    end end;
create or replace temp macro month_number(name) as
    list_position({MONTH_NAMES}, lower(left(name, 3)));
create or replace temp macro full_year(y) as
    case when length(y) = 2 then 2000 + cast(y as integer) else cast(y as integer) end;
create or replace temp macro make_ymd(y, m, d) as
    try(make_date(full_year(y), cast(m as integer), cast(d as integer)));
create or replace temp macro strip_currency(v) as
    case
        when regexp_full_match(v, '{_MONEY}') then replace(replace(replace(replace(
            replace(replace(replace(v, '£', ''), '$', ''), '€', ''), 'GBP', ''),
            'EUR', ''), 'USD', ''), ' ', '')
        else v
    end;
create or replace temp macro without_thousands(s) as
    case when regexp_full_match(s, '{_THOUSANDS}') then replace(s, ',', '') else s end;
create or replace temp macro number_text(v) as
    without_thousands(strip_currency(replace(v, chr(160), ' ')));
create or replace temp macro int_text(s) as
    case when regexp_full_match(s, '{WHOLE}')
        then try_cast(regexp_replace(s, '\\.0*$', '') as bigint) end;
create or replace temp macro parse_int(v) as
    case
        when regexp_full_match(v, '{_PLAIN_INT}') then try_cast(v as bigint)
        else int_text(number_text(v))
    end;
create or replace temp macro decimal_text(s) as
    case
        when regexp_full_match(s, '{_PLAIN_DECIMAL}') then try_cast(s as double)
        when regexp_full_match(s, '{_DECIMAL_COMMA}')
            then try_cast(replace(s, ',', '.') as double)
    end;
create or replace temp macro within_size(x) as
    case when abs(x) < {MAX_DECIMAL} then x end;
create or replace temp macro parse_decimal(v) as
    within_size(case
        when regexp_full_match(v, '{_PLAIN_DECIMAL}') then try_cast(v as double)
        else decimal_text(number_text(v))
    end);
create or replace temp macro money_text(v) as strip_currency(replace(v, chr(160), ' '));
create or replace temp macro comma_number_text(v) as
    case when regexp_full_match(money_text(v), '{_COMMA_FORM}')
        then replace(replace(money_text(v), '.', ''), ',', '.')
        else money_text(v) end;
create or replace temp macro parse_int_comma(v) as int_text(comma_number_text(v));
create or replace temp macro parse_decimal_comma(v) as
    within_size(case when regexp_full_match(comma_number_text(v), '{_PLAIN_DECIMAL}')
        then try_cast(comma_number_text(v) as double) end);
"""


def evidence_sql(x: str, v: str) -> str:
    """Per date column: rows saying day-first, rows saying month-first, slash dates,
    ISO dates, and the first row of each kind of evidence."""
    day = f"{x}__form = 'slash' and {x}__a between 13 and 31 and {x}__b <= 12"
    month = f"{x}__form = 'slash' and {x}__b between 13 and 31 and {x}__a <= 12"
    example = f"struct_pack(r := _row, v := {v})"
    return f"""
        count(*) filter (where {day}),
        count(*) filter (where {month}),
        count(*) filter (where {x}__form = 'slash'),
        count(*) filter (where {x}__form in ('iso', 'ym')),
        arg_min({example}, _row) filter (where {day}),
        arg_min({example}, _row) filter (where {month})
    """


# The date of a value written exactly as DuckDB writes a date, `YYYY-MM-DD`
# (ten characters, no sign: an ISO date of ten characters, as _ISO reads it),
# else null: a cast and its text compared, a quarter of what the regexes cost.
ISO_DATE = (
    "case when length({v}) = 10 and {v} >= '0'"
    " and strftime(try_cast({v} as date), '%Y-%m-%d') = {v}"
    " then try_cast({v} as date) end"
)


def date_parts_sql(x: str) -> str:
    """Year, month and day of a date value as text, by its form; slash dates keep
    both numbers (`a`, `b`) until the column's order is known."""
    p = f"{x}__pieces"
    return f"""
        case when {x}__form = 'slash' then try_cast({p}.p1 as integer) end as {x}__a,
        case when {x}__form = 'slash' then try_cast({p}.p2 as integer) end as {x}__b,
        case {x}__form
            when 'iso' then {p}.p1 when 'ym' then {p}.p1 when 'my' then {p}.p2
            when 'mn' then {p}.p2 else {p}.p3
        end as {x}__y,
        case {x}__form
            when 'iso' then {p}.p2 when 'ym' then {p}.p2 when 'my' then {p}.p1
            when 'named' then cast(month_number({p}.p2) as varchar)
            when 'mn' then cast(month_number({p}.p1) as varchar)
        end as {x}__m,
        case {x}__form
            when 'iso' then {p}.p3 when 'named' then {p}.p1 when 'slash' then null
            else '1'
        end as {x}__d
    """


def number_reason(value: str, digits: bool, fraction: bool, whole: bool) -> str:
    """Why a number did not parse: a number in form is too large (a decimal column
    parses every fraction, so only its size can refuse it)."""
    if digits or (fraction and not whole):
        return f"'{value}' is too large"
    if whole and fraction:
        return f"'{value}' is not a whole number"
    return f"'{value}' is not a number"


def date_parts_ctes(source: str, dates: dict[str, str]) -> str:
    """CTEs ending in `parts`: the rows of `source` plus, per date column (canonical
    name -> the column holding its text), its form (iso, slash, named; ym, my, mn
    for a month alone) and its parts; `<name>__iso` is the date of a value written
    exactly `YYYY-MM-DD` (see ISO_DATE), whose form and parts need no regex."""
    isos, forms, pieces = ["*"], ["*"], ["*"]
    for x, v in dates.items():
        macro = "month_form" if x == "month" else "date_form"
        isos.append(f"{ISO_DATE.format(v=v)} as {x}__iso")
        forms.append(
            f"case when {x}__iso is not null then 'iso' else {macro}({v}) end"
            f" as {x}__form"
        )
        pieces.append(
            f"case when {x}__iso is null then date_pieces({v}, {x}__form) end"
            f" as {x}__pieces"
        )
    derived = ["*"] + [date_parts_sql(x) for x in dates]
    return f"""
        isos as (
            select {", ".join(isos)} from {source}
        ),

        formed as (
            select {", ".join(forms)} from isos
        ),

        split as (
            select {", ".join(pieces)} from formed
        ),

        parts as (
            select {", ".join(derived)} from split
        )
    """


FROM_FILE = " (from this file's other date columns)"
FROM_UPLOAD = " (from this upload's other files)"


@dataclass
class DateOrder:
    """How a date column's slash dates are read, and why."""

    day_first: bool
    label: str | None = None  # for the report's date formats; None: no dates
    defaulted: bool = False  # nothing in the upload could tell: the default
    # Rows of this column contradict its order: a row of the winning order.
    example: dict | None = None


def _order_name(day_first: bool) -> str:
    return "day-first" if day_first else "month-first"


def settle_date_orders(
    files: list[dict[str, tuple]], day_first: bool
) -> list[dict[str, DateOrder]]:
    """Day-first or month-first for every date column of every file of an upload,
    from the evidence of each column (see evidence_sql: a first part above 12 says
    day-first, a second part above 12 month-first): a column that tells is read
    as most of its dates say (the rows saying the other order are errors, see
    `example`); one that cannot tell takes its file's order (what most of the
    file's dates say), then the upload's; only where nothing tells is the
    default used."""
    votes = [
        (sum(e[0] for e in f.values()), sum(e[1] for e in f.values())) for f in files
    ]
    days, months = sum(v[0] for v in votes), sum(v[1] for v in votes)
    upload = days > months or (days == months and day_first)
    return [
        _settle_file(evidence, vote, upload if days or months else None, day_first)
        for evidence, vote in zip(files, votes, strict=True)
    ]


def _settle_file(
    evidence: dict[str, tuple],
    vote: tuple[int, int],
    upload: bool | None,
    day_first: bool,
) -> dict[str, DateOrder]:
    days, months = vote
    if days or months:
        order, why = days > months or (days == months and day_first), FROM_FILE
    elif upload is not None:
        order, why = upload, FROM_UPLOAD
    else:
        order, why = day_first, DEFAULT_LABEL
    orders = {}
    for x, (d, m, slashes, isos, first_day, first_month) in evidence.items():
        if d or m:
            # The column tells: its own majority; its other rows are errors.
            own = d > m or (d == m and day_first)
            example = (first_day if own else first_month) if d and m else None
            orders[x] = DateOrder(own, _order_name(own), False, example)
        elif slashes:
            orders[x] = DateOrder(order, _order_name(order) + why, why == DEFAULT_LABEL)
        else:
            orders[x] = DateOrder(order, "ISO" if isos else None)
    return orders


@dataclass
class NumberMarks:
    """How a number column's values are read: decimal comma (and point
    thousands) or decimal point (and comma thousands); both seen: `conflict`
    holds a row of each, {"r": row, "v": value}."""

    comma: bool
    conflict: tuple[dict, dict] | None = None


def number_marks(
    con, source: str, numbers: dict[str, str], delimiter: str
) -> dict[str, NumberMarks]:
    """The decimal mark of each number column (canonical name -> the column of
    `source` holding its text), from all its values: a value only one mark can
    explain settles it; where none does, a semicolon file writes decimal commas
    (`15.200` is fifteen thousand two hundred) and others decimal points."""
    if not numbers:
        return {}
    aggregates = []
    for v in numbers.values():
        example = f"struct_pack(r := _row, v := {v})"
        for form in (_COMMA_DECIMAL, _POINT_DECIMAL):
            aggregates.append(
                f"arg_min({example}, _row) filter"
                f" (where regexp_full_match(money_text({v}), '{form}'))"
            )
    found = con.execute(f"select {', '.join(aggregates)} from {source}").fetchone()
    marks = {}
    for i, x in enumerate(numbers):
        comma, point = found[2 * i], found[2 * i + 1]
        if comma and point:
            marks[x] = NumberMarks(delimiter == ";", (comma, point))
        else:
            marks[x] = NumberMarks(bool(comma) or (not point and delimiter == ";"))
    return marks


def stage_selects(column: Column, v: str) -> tuple[str, list[str]]:
    """The select items, over `parts` (see date_parts_ctes, which gives a date's
    form and its two slash numbers), that type column `column` from its text in
    `v` as the file is read: the value as stored (a number with a decimal point,
    a date read day-first) and what the checks read beside it: for numbers and
    dates the text (`<name>__raw`), for dates also the form, the two slash
    numbers and the month-first reading of a slash date (`<name>__v2`)."""
    x = column.name
    if column.type == TEXT:
        if column.default is None:
            return f"{v} as {x}", []
        default = column.default.replace("'", "''")
        return f"coalesce({v}, '{default}') as {x}", []
    if column.type in (INT, DECIMAL):
        parse = "parse_int" if column.type == INT else "parse_decimal"
        return f"{parse}({v}) as {x}", [f"{v} as {x}__raw"]
    day_first = f"make_ymd({x}__y, {x}__b, {x}__a)"
    month_first = f"make_ymd({x}__y, {x}__a, {x}__b)"
    other = f"coalesce({x}__iso, make_ymd({x}__y, {x}__m, {x}__d))"
    values = (
        f"case when {x}__form = 'slash' then {day_first} else {other} end",
        f"case when {x}__form = 'slash' then {month_first} end",
    )
    if x == "month":
        values = tuple(f"date_trunc('month', {d})" for d in values)
    checks = [f"{v} as {x}__raw", f"{x}__form", f"{x}__a", f"{x}__b"]
    return f"cast({values[0]} as date) as {x}", [
        *checks,
        f"cast({values[1]} as date) as {x}__v2",
    ]


def typed_update(
    column: Column, order: DateOrder | None, marks: NumberMarks | None
) -> str | None:
    """The `set` item retyping a column read otherwise than as the file was read
    (see stage_selects): slash dates month-first, numbers with decimal commas
    (`marks`) parsed from their text; None for a column read right."""
    x = column.name
    if column.type in (INT, DECIMAL) and marks is not None and marks.comma:
        parse = "parse_int_comma" if column.type == INT else "parse_decimal_comma"
        return f"{x} = {parse}({x}__raw)"
    if column.type == DATE and order is not None and not order.day_first:
        return f"{x} = case when {x}__form = 'slash' then {x}__v2 else {x} end"
    return None
