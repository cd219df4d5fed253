"""Read, normalise and check CSV exports (SPEC sections 2 and 3) -> an import report.

A file is decoded and tidied in Python (encoding, line endings, the report-export
footer, blank lines), written as UTF-8 to a temporary file and read by DuckDB with
every field as text. The checks and the typed table are then built in SQL, so a
million-row export is never looped over in Python. Nothing is committed unless the
whole upload is free of errors.

Numbers: an optional currency sign (£ $ €) before or after the number, commas as
thousands separators (`1,234.50`) and, in decimal columns only, a decimal comma
with one or two decimals (`12,5`); an integer column also accepts `12.0` and
`12.00` (but `1.000` is refused: it may mean a thousand). A decimal must be below
10^15 in size (a double holds cents exactly up to there; a 1 MB run of digits would
otherwise be stored as infinity), an integer within BIGINT. Ids: an 18-character id
counts as the 15-character id that begins it (case-sensitively) for duplicates and
partner matching, so two 18-character ids that share their first 15 characters are
duplicates too; ids are stored as written.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics import schema, store
from analytics.schema import DATE, DECIMAL, DUCKDB_TYPES, INT, TEXT, Column, Table

ERROR, WARNING = "error", "warning"
# Problems reported per column and rule; the rest are summed in one line.
MAX_PER_RULE = 1000
# Characters of a value quoted in a problem.
MAX_VALUE_CHARS = 200
# The largest file accepted, in MB: the app's upload limit (.streamlit/config.toml
# server.maxUploadSize), overridden by $AMD_MAX_FILE_MB.
MAX_FILE_MB_ENV = "AMD_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 1024
MB = 1024 * 1024
# Fields beyond the header that a row may carry before DuckDB refuses the file;
# any non-empty one is reported as "more fields than the header".
EXTRA_FIELDS = 8
TRIM_CHARS = " \t\r\n\u00a0"
PLACEHOLDERS = [p.upper() for p in schema.PLACEHOLDER_IDS]
DELIMITERS = {",": "','", ";": "';'", "\t": "'\t'"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
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
PARTNER_CHILDREN = ("clients", "activities", "account_plans", "contacts")
DEFAULT_LABEL = " (default: column could not tell)"

# Date forms, as RE2 patterns (our own constants, spliced into the macros below).
_TIME = (
    r"(?:,?[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?"
)
_ISO = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_SLASH = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
_NAMED = r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s,-]+(\d{4}|\d{2})"
# quotas.month also takes a month alone: 2026-11, 11/2026, Nov 2026.
_YM = r"\d{4}[-/.]\d{1,2}"
_MY = r"\d{1,2}[-/.]\d{4}"
_MN = r"([A-Za-z]{3,9})\.?[\s,-]+(\d{4}|\d{2})"
MONTH_NAMES = (
    "['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']"
)
# Numbers: plain, or with a currency sign or code and thousands separators.
_PLAIN_INT = r"[+-]?\d+"
_PLAIN_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_WHOLE = r"[+-]?\d+(\.0{1,2})?"
_CURRENCY = r"(?:[£$€]|GBP|EUR|USD)"
_MONEY = rf"[+-]?\s*{_CURRENCY}?\s*[+-]?[0-9.,]+\s*{_CURRENCY}?"
_THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"
_DECIMAL_COMMA = r"[+-]?\d+,\d{1,2}"
_FRACTION = r"[+-]?(\d+\.\d*|\.\d+|\d+,\d{1,2})"
# Decimals at or above this size are refused as too large.
MAX_DECIMAL = "1e15"

# The SQL helpers every file check uses. Values arrive as parameters; only these
# constant patterns are spliced in. The placeholder fast path relies on every
# placeholder id starting with '#' or '0'.
MACROS = f"""
create or replace temp macro clean_value_slow(v, chars, placeholders) as
    case when list_contains(placeholders, upper(trim(v, chars))) then null
         else nullif(trim(v, chars), '') end;
create or replace temp macro clean_value(v, chars, placeholders) as
    case
        when v is null then null
        when contains(chars, left(v, 1)) or contains(chars, right(v, 1))
            then clean_value_slow(v, chars, placeholders)
        when left(v, 1) in ('#', '0') and list_contains(placeholders, upper(v))
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
create or replace temp macro date_text(v) as
    split_part(split_part(split_part(v, ' ', 1), 'T', 1), ',', 1);
create or replace temp macro date_pieces(v, form) as
    case
        when form in ('iso', 'slash', 'ym', 'my')
            then string_split(translate(date_text(v), '/.', '--'), '-')
        when form = 'named' then list_value(
            regexp_extract(v, '^{_NAMED}', 1), regexp_extract(v, '^{_NAMED}', 2),
            regexp_extract(v, '^{_NAMED}', 3))
        when form = 'mn' then list_value(
            regexp_extract(v, '^{_MN}', 1), regexp_extract(v, '^{_MN}', 2))
    end;
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
    case when regexp_full_match(s, '{_WHOLE}')
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
create or replace temp macro id_key(v) as
    case when length(v) = 18 then left(v, 15) else v end;
"""

codecs.register_error(
    "latin1_fallback", lambda e: (e.object[e.start : e.end].decode("latin-1"), e.end)
)


# --- results -------------------------------------------------------------------


@dataclass
class Problem:
    """One finding; `row` as in the user's file (header = row 1), `column` the
    file's header text. `count` > 1 sums rows left out of the report."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str  # "error" | "warning"
    count: int = 1


@dataclass
class FileReport:
    """What was found in one file."""

    file: str
    table: str | None = None
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    mapping: dict[str, str] = field(default_factory=dict)  # header -> canonical
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)  # header -> form
    footer_lines: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


@dataclass
class ImportReport:
    """Every file's report and all problems, errors first."""

    files: list[FileReport]
    problems: list[Problem]
    version: str | None = None  # set when the upload was committed
    check_only: bool = True

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def error_count(self) -> int:
        return sum(p.count for p in self.problems if p.severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(p.count for p in self.problems if p.severity == WARNING)

    def format_text(self) -> str:
        """The report as the CLI prints it."""
        lines = []
        for report in self.files:
            lines.extend(_format_file(report))
        if self.problems:
            lines.append("problems:")
            lines.extend(f"  {_format_problem(p)}" for p in self.problems)
        lines.append(self.outcome())
        return "\n".join(lines)

    def outcome(self) -> str:
        """The last line: committed, blocked or checked."""
        if self.version:
            return f"committed as version {self.version}"
        if not self.check_only and not self.ok:
            return f"blocked: {self.error_count} errors, nothing changed"
        return f"checked: {self.error_count} errors, {self.warning_count} warnings"

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (for display and download)."""
        frame = pd.DataFrame(
            [
                (p.severity, p.file, p.row, p.column, p.value, p.reason)
                for p in self.problems
            ],
            columns=["severity", "file", "row", "column", "value", "reason"],
        )
        frame["row"] = frame["row"].astype("Int64")
        return frame


@dataclass
class ImportResult:
    report: ImportReport
    upload: store.Upload | None
    tables: dict[str, pa.Table]


def _format_file(report: FileReport) -> list[str]:
    table = report.table or "(not recognised)"
    lines = [
        f"{report.file}: table {table}, {report.rows} rows, encoding {report.encoding},"
        f" delimiter {DELIMITER_NAMES.get(report.delimiter, report.delimiter)}"
    ]
    if report.mapping:
        pairs = ", ".join(f"{h} -> {c}" for h, c in report.mapping.items())
        lines.append(f"  columns: {pairs}")
    if report.ignored:
        lines.append(f"  ignored: {', '.join(report.ignored)}")
    if report.missing:
        lines.append(f"  missing: {', '.join(report.missing)}")
    if report.date_formats:
        forms = ", ".join(f"{h}: {f}" for h, f in report.date_formats.items())
        lines.append(f"  date formats: {forms}")
    if report.footer_lines:
        lines.append(f"  footer lines removed: {report.footer_lines}")
    return lines


def _format_problem(problem: Problem) -> str:
    where = problem.file if problem.row is None else f"{problem.file}:{problem.row}"
    if problem.column is not None:
        shown = "" if problem.value is None else f"={_short(problem.value)}"
        where += f" {problem.column}{shown}"
    return f"{problem.severity}: {where}: {problem.reason}"


def _clip(value: str) -> str:
    """A value as a problem quotes it: at most MAX_VALUE_CHARS characters (a 1 MB
    cell would otherwise be repeated whole in the report)."""
    if len(value) <= MAX_VALUE_CHARS:
        return value
    return value[: MAX_VALUE_CHARS - 3] + "..."


def _short(value: str, limit: int = 60) -> str:
    text = value.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- headers -------------------------------------------------------------------


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
    problems: list[tuple[str | None, str]] = field(default_factory=list)


def _match_headers(
    table: Table, headers: list[str], chosen: dict[str, str] | None
) -> _Match:
    """Assign headers to canonical columns: the user's choices first, then names and
    aliases; two headers for one column are an error naming both."""
    match = _Match()
    for canonical, header in (chosen or {}).items():
        if canonical not in table.column_names:
            match.problems.append(
                (header, f"{canonical} is not a column of {table.name}")
            )
        elif header not in headers:
            match.problems.append((header, f"header '{header}' is not in the file"))
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
                (header, f"headers '{first}' and '{header}' both mean {canonical}")
            )
        else:
            match.columns[canonical] = index
            match.mapping[header] = canonical
    return match


# --- text ----------------------------------------------------------------------


class NotCsvText(Exception):
    """The bytes are not CSV text."""


_CONTROL = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20)) + b"\x7f"


class MixedEncodings(NotCsvText):
    """Some lines are UTF-8 and others are not: no one decoding reads them all."""


# How UTF-8 writes the accented letters, symbols and curly quotes a Windows-1252
# file would hold as one byte; in Windows-1252 text these pairs (`Ã©`, `Â£`,
# `â€™`) are almost only ever such UTF-8 misread.
_UTF8_LATIN = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x80-\xbf]")


def decode(content: bytes) -> tuple[str, str]:
    """Text and encoding name: a BOM decides, else valid UTF-8, else Windows-1252
    (Latin-1 for its five undefined bytes). Raises NotCsvText for binary data and
    MixedEncodings for a file with UTF-8 and other lines."""
    utf16 = _utf16_codec(content)
    if utf16 is not None:
        try:
            text = content.decode(utf16)
        except UnicodeDecodeError as error:
            raise NotCsvText("it is not valid UTF-16 text") from error
        _check_control(text.encode("utf-8"))
        return text, "UTF-16" if utf16 == "utf-16" else "UTF-16 (no byte-order mark)"
    _check_control(content)
    if content.startswith(codecs.BOM_UTF8):
        try:
            return content[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as error:
            raise NotCsvText("it starts with a UTF-8 mark but is not UTF-8") from error
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_LATIN.search(content):
        _check_mixed(content)
    name = "Windows-1252" if re.search(rb"[\x80-\x9f]", content) else "ISO-8859-1"
    return content.decode("cp1252", errors="latin1_fallback"), name


def _utf16_codec(content: bytes) -> str | None:
    """ "utf-16" for a UTF-16 byte-order mark; "utf-16-le"/"-be" for text without
    one whose every other byte is NUL (as ASCII text in UTF-16 is); else None."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(content) < 4 or len(content) % 2:
        return None
    half = len(content) // 2
    for codec, zeros, other in (
        ("utf-16-le", content[1::2], content[0::2]),
        ("utf-16-be", content[0::2], content[1::2]),
    ):
        if zeros.count(0) >= 0.9 * half and other.count(0) == 0:
            return codec
    return None


def _check_mixed(content: bytes) -> None:
    """Raise MixedEncodings naming a UTF-8 line and a line that is not UTF-8. The
    last line may end inside a character (the start of a file read for its header)."""
    utf8_line = other_line = None
    lines = content.split(b"\n")
    for number, line in enumerate(lines, start=1):
        try:
            codecs.getincrementaldecoder("utf-8")().decode(
                line, final=number < len(lines)
            )
        except UnicodeDecodeError:
            other_line = other_line or (number, line)
        else:
            if utf8_line is None and _UTF8_LATIN.search(line):
                utf8_line = (number, line)
        if utf8_line and other_line:
            raise MixedEncodings(
                f"the file mixes text encodings: line {utf8_line[0]} is UTF-8"
                f" ({_sample(utf8_line[1], 'utf-8')}) but line {other_line[0]} is"
                f" not ({_sample(other_line[1], 'cp1252')}); save the whole file"
                " again in one encoding (UTF-8)"
            )


def _sample(line: bytes, encoding: str) -> str:
    text = line.decode(encoding, errors="replace").strip()
    return "'" + _short(text) + "'"


def _check_control(data: bytes) -> None:
    if b"\x00" in data:
        raise NotCsvText("it contains NUL bytes (a binary file, not CSV text)")
    controls = len(data) - len(data.translate(None, _CONTROL))
    if controls > max(8, len(data) // 1000):
        raise NotCsvText("it contains binary data, not CSV text")


def _normalise_newlines(text: str) -> str:
    """CRLF and a lone CR end a line like LF (Python's universal newlines): a stray
    CR left in a file with LF line ends would stop Python's and DuckDB's readers."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _choose_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: the most frequent outside quotes in the header."""
    bare = re.sub(r'"(?:[^"]|"")*"', "", header_line)
    counts = {d: bare.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _is_blank(line: str, delimiter: str) -> bool:
    return not line.replace(delimiter, "").strip(TRIM_CHARS)


def _is_footer_line(line: str, delimiter: str) -> bool:
    """A single-field line: one quoted field, or text without quotes or delimiters
    (trailing empty fields allowed, as a spreadsheet pads them)."""
    d = re.escape(delimiter)
    text = line.strip(TRIM_CHARS)
    quoted = rf'"(?:[^"]|"")*"(?:\s*{d})*'
    bare = rf"[^\"{d}]+(?:\s*{d})*"
    return bool(text) and bool(re.fullmatch(quoted, text) or re.fullmatch(bare, text))


def split_footer(text: str, delimiter: str) -> tuple[str, int]:
    """The text without the report-export footer, and how many footer lines went.

    A footer is a trailing block of single-field lines (`"Grand Totals (5 records)"`,
    `"Confidential Information - Do Not Distribute"`, `Copyright (c) ...`,
    `"Generated By: ..."`, the company name) set apart by at least one blank line."""
    tail_start = max(0, len(text) - 65536)
    if tail_start:
        tail_start = (
            text.index("\n", tail_start) + 1 if "\n" in text[tail_start:] else 0
        )
    lines = text[tail_start:].split("\n")
    # Walk up over blank and single-field lines (a report footer may hold blank lines
    # of its own between `Grand Totals` and `Confidential ...`); the block is a footer
    # when it has footer lines and is set apart from the data by a blank line.
    i, footer = len(lines) - 1, 0
    while i > 0 and len(lines) - i <= 40:
        if _is_blank(lines[i], delimiter):
            i -= 1
        elif _is_footer_line(lines[i], delimiter):
            footer += 1
            i -= 1
        else:
            break
    first = i + 1
    while first < len(lines) and not _is_blank(lines[first], delimiter):
        first += 1  # footer-like lines right under the data are data
    footer = sum(1 for line in lines[first:] if not _is_blank(line, delimiter))
    if not footer:
        return text, 0
    end = tail_start + sum(len(line) + 1 for line in lines[:first])
    return text[:end].rstrip("\n") + "\n", footer


def _mark_blank_lines(body: str) -> str:
    """Put a space on empty lines outside quotes: DuckDB skips empty lines, and a
    row number must count them as the user's spreadsheet does."""
    pieces, last, counted, parity = [], 0, 0, 0
    pos = body.find("\n\n")
    while pos != -1:
        parity = (parity + body.count('"', counted, pos)) % 2
        counted = pos
        if parity == 0:
            pieces.append(body[last : pos + 1])
            pieces.append(" ")
            last = pos + 1
        pos = body.find("\n\n", pos + 1)
    pieces.append(body[last:])
    return "".join(pieces)


@dataclass
class _Text:
    body: str  # header line and data, ready for DuckDB
    headers: list[str]
    delimiter: str
    footer_lines: int
    unreadable_header: str = ""


def prepare_text(text: str) -> _Text:
    """Line endings, an Excel `sep=` line, leading blank lines, the delimiter, the
    header and the footer (no headers, and the reason, when the header row cannot
    be read)."""
    text = _normalise_newlines(text)
    forced = re.match(r"sep=([,;\t])\n", text)
    if forced:
        text = text[forced.end() :]
    text = re.sub(r"^(?:[ \t\u00a0]*\n)+", "", text)
    end = text.find("\n")
    first_line = text if end == -1 else text[:end]
    delimiter = forced.group(1) if forced else _choose_delimiter(first_line)
    reader = csv.reader(
        io.StringIO(text[: len(first_line) + 65536]), delimiter=delimiter
    )
    try:
        first_row, unreadable = next(reader, []), ""
    except csv.Error:  # NUL and stray CR are gone: a field beyond the csv limit
        first_row, unreadable = (
            [],
            (
                "the header row cannot be read: a field in it is longer than"
                f" {csv.field_size_limit():,} characters (or a quote in it never"
                " closes)"
            ),
        )
    headers = [h.replace("\ufeff", "").strip(TRIM_CHARS) for h in first_row]
    body, footer = split_footer(text, delimiter)
    if not body.endswith("\n"):
        body += "\n"
    return _Text(_mark_blank_lines(body), headers, delimiter, footer, unreadable)


# --- one file ------------------------------------------------------------------


def _words(name: str) -> str:
    return name.replace("_", " ")


class _FileCheck:
    """Checks one file in a shared in-memory DuckDB connection and leaves its typed
    rows in `typed_<k>` (with `_row`, the user's row number) for cross-file checks."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, k: int, name: str, workdir: Path
    ):
        self.con = con
        self.k = k
        self.workdir = workdir
        self.report = FileReport(file=name)
        self.headers: list[str] = []
        self.columns: dict[str, int] = {}  # canonical -> field index
        self.typed = False  # typed_<k> exists
        # date column -> (day_first, an example row of the winning order)
        self.conflicts: dict[str, tuple[bool, dict]] = {}

    # -- problems
    def add(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        reason: str,
        severity: str = ERROR,
        count: int = 1,
    ) -> None:
        self.report.problems.append(
            Problem(self.report.file, row, column, value, reason, severity, count)
        )

    def collect(
        self,
        sql: str,
        params: dict,
        column: str | None,
        reason: Callable[[tuple], str],
        rule: str,
        severity: str = ERROR,
    ) -> None:
        """Report the rows a query returns as (_row, value, ...): the first
        MAX_PER_RULE, then one line for the rest."""
        rows = self.con.execute(
            f"select *, count(*) over () as _total from ({sql}) order by _row"
            f" limit {MAX_PER_RULE}",
            params,
        ).fetchall()
        for found in rows:
            found = tuple(_clip(v) if isinstance(v, str) else v for v in found)
            self.add(found[0], column, found[1], reason(found), severity)
        if rows and rows[0][-1] > len(rows):
            rest = rows[0][-1] - len(rows)
            self.add(None, column, None, f"{rest} more rows: {rule}", severity, rest)

    def header_of(self, canonical: str) -> str:
        return self.headers[self.columns[canonical]]

    # -- the steps
    def run(
        self,
        content: bytes,
        table: str | None,
        mapping: dict[str, str] | None,
        day_first: bool,
    ) -> None:
        prepared = self.prepare(content)
        if prepared is None:
            return
        self.headers = prepared.headers
        self.report.delimiter = prepared.delimiter
        self.report.footer_lines = prepared.footer_lines
        if not any(self.headers):
            self.add(None, None, None, "the file has no header row")
            return
        chosen = self.choose_table(table, mapping)
        path = self.write_body(prepared)
        del prepared  # the text is on disk for DuckDB now: free it before the read
        if path is None or not self.load(path):
            return
        self.report_blank_headers(chosen)
        if self.report.rows == 0:
            self.add(None, None, None, "the file has a header but no data rows")
            return
        if chosen is not None and not self.report.missing:
            self.build_typed(chosen, day_first)
            self.check_values(chosen)

    def prepare(self, content: bytes) -> _Text | None:
        """The tidied text (the decoded text is freed on return: a 1 GB file is
        held as bytes and tidied text, not also as the text in between)."""
        text = self.decode_text(content)
        if text is None:
            return None
        prepared = prepare_text(text)
        if prepared.unreadable_header:
            self.add(None, None, None, prepared.unreadable_header)
            return None
        return prepared

    def decode_text(self, content: bytes) -> str | None:
        if len(content) > max_file_bytes():
            self.add(None, None, None, too_large(len(content)))
            return None
        if not content:
            self.add(None, None, None, "the file is empty")
            return None
        try:
            text, self.report.encoding = decode(content)
        except MixedEncodings as error:
            self.add(None, None, None, str(error))
            return None
        except NotCsvText as error:
            self.add(None, None, None, f"the file is not CSV text: {error}")
            return None
        if not text.strip(TRIM_CHARS + "\ufeff"):
            self.add(None, None, None, "the file is empty")
            return None
        return text

    def choose_table(
        self, table: str | None, mapping: dict[str, str] | None
    ) -> Table | None:
        if table is not None and table not in schema.TABLES:
            names = ", ".join(schema.TABLES)
            self.add(None, None, table, f"unknown table '{table}' (one of {names})")
            return None
        if table is None:
            table = self.recognise(mapping)
            if table is None:
                return None
        chosen = schema.TABLES[table]
        self.report.table = table
        match = _match_headers(chosen, self.headers, mapping)
        self.columns = match.columns
        self.report.mapping = match.mapping
        for header, reason in match.problems:
            self.add(1, header, None, reason)
        for index in match.ignored:
            if self.headers[index]:
                self.report.ignored.append(self.headers[index])
        self.report.missing = [
            c.name for c in chosen.columns if c.required and c.name not in match.columns
        ]
        for name in self.report.missing:
            aliases = ", ".join(chosen.column(name).aliases)
            self.add(
                1,
                name,
                None,
                f"required column {name} is missing (accepted: {aliases})",
            )
        return chosen

    def recognise(self, mapping: dict[str, str] | None) -> str | None:
        headers = self.headers + list((mapping or {}).keys())
        found = _candidates(headers)
        if found and (len(found) == 1 or found[0][1] > found[1][1]):
            return found[0][0]
        if found:
            tied = " and ".join(name for name, n in found if n == found[0][1])
            reason = f"the headers fit {tied} equally well; name the table (--table)"
        else:
            reason = (
                "the headers do not match any table's required columns;"
                " name the table (--table) and map the columns"
            )
        self.add(1, None, None, reason)
        return None

    def write_body(self, prepared: _Text) -> Path | None:
        """The tidied text as a UTF-8 file for DuckDB (None, with the problem
        reported, when a quoted field never closes: DuckDB would drop it silently).
        Written in slices, so a 1 GB text is not also held encoded whole."""
        if prepared.body.count('"') % 2:
            row = _unclosed_quote_row(prepared.body, prepared.delimiter)
            if row is not None:
                self.add(
                    row,
                    None,
                    None,
                    "a quoted field is never closed (a '\"' is missing)",
                )
                return None
        path = self.workdir / f"file{self.k}.csv"
        body, step = prepared.body, 1 << 24
        with open(path, "w", encoding="utf-8", newline="") as handle:
            for start in range(0, len(body), step):
                handle.write(body[start : start + step])
        return path

    def load(self, path: Path) -> bool:
        """DuckDB reads the tidied text; `clean_<k>` holds trimmed values with
        placeholders as null, blank rows dropped, `_row` the user's row number."""
        width = len(self.headers) + EXTRA_FIELDS
        names = [f"c{i}" for i in range(width)]
        columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
        try:
            self.con.execute(
                f"create or replace table raw_{self.k} as select * from read_csv($path,"
                f" columns={columns}, auto_detect=false, header=true,"
                f" delim={DELIMITERS[self.report.delimiter]}, quote='\"', escape='\"',"
                " comment='', new_line='\\n', null_padding=true, parallel=false,"
                " skip=0, max_line_size=20000000)",
                {"path": str(path)},
            )
        except duckdb.Error as error:
            self.add(*_read_error(str(error)))
            return False
        finally:
            path.unlink(missing_ok=True)
        kept, rest = self.split_columns(names)
        values = ", ".join(
            f"clean_value({n}, $chars, $placeholders) as {n}"
            if i < len(self.headers)
            else f"nullif(trim({n}), '') as {n}"
            for i, n in kept
        )
        # The columns no check reads are only looked at to tell blank rows, in one
        # list expression: one expression per column costs DuckDB seconds per
        # thousand columns.
        rest_filled = "false"
        if rest:
            rest_filled = (
                f"len(list_filter(list_value({', '.join(rest)}),"
                " lambda v: clean_value(v, $chars, $placeholders) is not null)) > 0"
            )
        kept_names = ", ".join(n for _, n in kept)
        self.con.execute(
            f"""
            create or replace table clean_{self.k} as
            with cleaned as (
                select rowid + 2 as _row, {values}, {rest_filled} as _rest_filled
                from raw_{self.k}
            ),

            final as (
                select * exclude (_rest_filled) from cleaned
                where coalesce({kept_names}) is not null or _rest_filled
            )

            select * from final
            """,
            {"chars": TRIM_CHARS, "placeholders": PLACEHOLDERS},
        )
        self.con.execute(f"drop table raw_{self.k}")
        self.report.rows = self.scalar(f"select count(*) from clean_{self.k}")
        self.check_extra_fields()
        return True

    def split_columns(
        self, names: list[str]
    ) -> tuple[list[tuple[int, str]], list[str]]:
        """The columns kept in `clean_<k>` (matched, without a header, beyond the
        header) as (index, name), and the others, read only to tell blank rows."""
        used = set(self.columns.values())
        kept, rest = [], []
        for i, name in enumerate(names):
            if i >= len(self.headers) or i in used or not self.headers[i]:
                kept.append((i, name))
            else:
                rest.append(name)
        return kept, rest

    def scalar(self, sql: str, params: dict | None = None) -> object:
        return self.con.execute(sql, params or {}).fetchone()[0]

    def check_extra_fields(self) -> None:
        n = len(self.headers)
        extra = ", ".join(f"c{i}" for i in range(n, n + EXTRA_FIELDS))
        self.collect(
            f"select _row, coalesce({extra}) as value from clean_{self.k}"
            f" where coalesce({extra}) is not null",
            {},
            None,
            lambda r: f"the row has more fields than the header ({n} columns)",
            "more fields than the header",
        )

    def report_blank_headers(self, chosen: Table | None) -> None:
        """Columns without a header are ignored, and named only if they hold data."""
        if chosen is None:
            return
        for index, header in enumerate(self.headers):
            if not header and index not in self.columns.values():
                if self.scalar(f"select count(c{index}) from clean_{self.k}"):
                    self.report.ignored.append(f"(column {index + 1}, no header)")
        for header in self.report.ignored:
            self.add(1, header, None, "column ignored: it matches no column", WARNING)

    # -- typed values
    def build_typed(self, table: Table, day_first: bool) -> None:
        """`typed_<k>`: the canonical columns typed, with the raw text beside dates
        and numbers (`<name>__raw`) for the checks."""
        present = [c for c in table.columns if c.name in self.columns]
        dates = [c for c in present if c.type == DATE]
        decisions = self.decide_date_orders(dates, day_first)
        selects, params = ["_row"], {}
        for column in present:
            selects.extend(self.typed_select(column, decisions, params))
        self.con.execute(
            f"""
            create or replace table typed_{self.k} as
            with {self.date_parts_ctes(dates)},

            final as (
                select {", ".join(selects)} from parts
            )

            select * from final
            """,
            params,
        )
        self.con.execute(f"drop table clean_{self.k}")
        self.typed = True

    def date_parts_ctes(self, dates: list[Column]) -> str:
        """CTEs ending in `parts`: the cleaned rows plus, per date column, its form
        (iso, slash, named; ym, my, mn for a month alone) and its parts."""
        forms, pieces = ["*"], ["*"]
        for column in dates:
            v, x = f"c{self.columns[column.name]}", column.name
            macro = "month_form" if x == "month" else "date_form"
            forms.append(f"{macro}({v}) as {x}__form")
            pieces.append(f"date_pieces({v}, {x}__form) as {x}__pieces")
        derived = ["*"] + [_date_parts_sql(c.name) for c in dates]
        return f"""
            formed as (
                select {", ".join(forms)} from clean_{self.k}
            ),

            split as (
                select {", ".join(pieces)} from formed
            ),

            parts as (
                select {", ".join(derived)} from split
            )
        """

    def decide_date_orders(
        self, dates: list[Column], day_first: bool
    ) -> dict[str, bool]:
        """Day-first (True) or month-first per date column, from one scan."""
        if not dates:
            return {}
        aggregates = ", ".join(
            _evidence_sql(c.name, self.columns[c.name]) for c in dates
        )
        found = self.con.execute(
            f"with {self.date_parts_ctes(dates)} select {aggregates} from parts"
        ).fetchone()
        return {
            c.name: self.decide_date_order(c, day_first, found[6 * i : 6 * i + 6])
            for i, c in enumerate(dates)
        }

    def decide_date_order(
        self, column: Column, day_first: bool, evidence: tuple
    ) -> bool:
        """Day-first or month-first for this column's slash dates: a first part above
        12 says day-first, a second part above 12 month-first; the majority wins and
        the rows that contradict it are errors. Undecided: the default, and a warning.
        """
        header = self.header_of(column.name)
        days, months, slashes, isos, first_day, first_month = evidence
        if days or months:
            chosen = days > months or (days == months and day_first)
            self.report.date_formats[header] = "day-first" if chosen else "month-first"
            if days and months:
                self.conflicts[column.name] = (
                    chosen,
                    first_day if chosen else first_month,
                )
            return chosen
        if slashes:
            label = "day-first" if day_first else "month-first"
            self.report.date_formats[header] = label + DEFAULT_LABEL
            self.add(
                None,
                header,
                None,
                f"no date in this column has a part above 12, so its slash dates"
                f" were read as {label} (the default)",
                WARNING,
            )
            return day_first
        if isos:
            self.report.date_formats[header] = "ISO"
        return day_first

    def typed_select(
        self, column: Column, decisions: dict[str, bool], params: dict
    ) -> list[str]:
        v, x = f"c{self.columns[column.name]}", column.name
        if column.type == TEXT:
            if column.default is None:
                return [f"{v} as {x}"]
            params[f"default_{x}"] = column.default
            return [f"coalesce({v}, $default_{x}) as {x}"]
        if column.type in (INT, DECIMAL):
            parse = "parse_int" if column.type == INT else "parse_decimal"
            return [f"{parse}({v}) as {x}", f"{v} as {x}__raw"]
        params[f"day_first_{x}"] = decisions[x]
        slash = (
            f"case when $day_first_{x} then make_ymd({x}__y, {x}__b, {x}__a)"
            f" else make_ymd({x}__y, {x}__a, {x}__b) end"
        )
        other = f"make_ymd({x}__y, {x}__m, {x}__d)"
        value = f"case when {x}__form = 'slash' then {slash} else {other} end"
        if x == "month":
            value = f"cast(date_trunc('month', {value}) as date)"
        return [
            f"{value} as {x}",
            f"{v} as {x}__raw",
            f"{x}__form",
            f"{x}__a",
            f"{x}__b",
        ]

    # -- checks on typed values
    def check_values(self, table: Table) -> None:
        for column in table.columns:
            if column.name not in self.columns:
                continue
            if column.required and not (
                column.name == "partner_id" and table.name in PARTNER_CHILDREN
            ):
                self.check_required(column)
            if column.type == DATE:
                self.check_dates(table, column)
            elif column.type in (INT, DECIMAL):
                self.check_numbers(column)
            allowed = ALLOWED_VALUES.get((table.name, column.name))
            if allowed:
                self.check_allowed(column, allowed)
        if table.id_column and table.id_column in self.columns:
            self.check_unique(table.id_column)
        for earlier, later in table.date_order:
            if earlier in self.columns and later in self.columns:
                self.check_date_order(earlier, later)
        if table.name == "quotas" and not self.report.missing:
            self.check_quota_months()

    def check_required(self, column: Column) -> None:
        # SPEC 3 (errors): a required value that is empty. One row per empty cell.
        raw = f"{column.name}__raw" if column.type != TEXT else column.name
        self.collect(
            f"select _row, '' from typed_{self.k} where {raw} is null",
            {},
            self.header_of(column.name),
            lambda r: f"required {column.name} is empty",
            f"required {column.name} is empty",
        )

    def check_dates(self, table: Table, column: Column) -> None:
        # SPEC 3: "unparseable date" is an error, "future dates" a warning.
        # One row per offending cell.
        x, header = column.name, self.header_of(column.name)
        self.collect(
            f"select _row, {x}__raw from typed_{self.k}"
            f" where {x}__raw is not null and {x}__form is null",
            {},
            header,
            lambda r: (
                f"'{r[1]}' is not a date (expected e.g. 2026-11-03 or 03/11/2026)"
            ),
            "not a date",
        )
        conflict = "false"
        if x in self.conflicts:
            day_first, example = self.conflicts[x]
            conflict = self.check_date_conflicts(x, header, day_first, example)
        self.collect(
            f"select _row, {x}__raw from typed_{self.k} where {x} is null"
            f" and {x}__form is not null and not coalesce(({conflict}), false)",
            {},
            header,
            lambda r: f"date '{r[1]}' is not a real date",
            "not a real date",
        )
        if (table.name, x) not in FUTURE_ALLOWED:
            today = dt.date.today()
            self.collect(
                f"select _row, {x}__raw from typed_{self.k} where {x} > $today",
                {"today": today},
                header,
                lambda r: f"date '{r[1]}' is in the future (after {today:%Y-%m-%d})",
                "date in the future",
                WARNING,
            )

    def check_date_conflicts(
        self, x: str, header: str, day_first: bool, example: dict
    ) -> str:
        """Rows whose slash date can only be read the other way round."""
        if day_first:
            condition = (
                f"{x}__form = 'slash' and {x}__b between 13 and 31 and {x}__a <= 12"
            )
            theirs, ours = "month-first", "day-first"
        else:
            condition = (
                f"{x}__form = 'slash' and {x}__a between 13 and 31 and {x}__b <= 12"
            )
            theirs, ours = "day-first", "month-first"
        note = f"row {example['r']} '{example['v']}'"
        self.collect(
            f"select _row, {x}__raw from typed_{self.k} where {condition}",
            {},
            header,
            lambda r: (
                f"date '{r[1]}' is {theirs}, but other dates in this column are"
                f" {ours} (e.g. {note})"
            ),
            f"{theirs} date in a {ours} column",
        )
        return condition

    def check_numbers(self, column: Column) -> None:
        # SPEC 3: "unparseable ... number", "negative aim/target" are errors.
        # One row per offending cell.
        x, header = column.name, self.header_of(column.name)
        whole = column.type == INT
        self.collect(
            f"""
            select _row, {x}__raw,
                regexp_full_match(number_text({x}__raw), '{_WHOLE}') as digits,
                regexp_full_match(number_text({x}__raw), '{_FRACTION}') as fraction
            from typed_{self.k} where {x} is null and {x}__raw is not null
            """,
            {},
            header,
            lambda r: _number_reason(r[1], r[2], r[3], whole),
            "not a number" if not whole else "not a whole number",
        )
        if column.nonneg:
            self.collect(
                f"select _row, {x}__raw from typed_{self.k} where {x} < 0",
                {},
                header,
                lambda r: f"{_words(x)} '{r[1]}' is negative; it cannot be below 0",
                f"negative {_words(x)}",
            )

    def check_allowed(self, column: Column, allowed: tuple[str, ...]) -> None:
        # SPEC 3 (warnings): "unknown league or status values". One row per cell.
        x = column.name
        expected = ", ".join(allowed)
        self.collect(
            f"select _row, {x} from typed_{self.k}"
            f" where {x} is not null and not list_contains($allowed, {x})",
            {"allowed": list(allowed)},
            self.header_of(x),
            lambda r: f"unknown {_words(x)} '{r[1]}' (expected one of: {expected})",
            f"unknown {_words(x)}",
            WARNING,
        )

    def check_unique(self, x: str) -> None:
        """Duplicate ids; an 18-character id is the 15-character id that begins it."""
        # SPEC 3: "duplicate id" is an error. One row per repeat, naming the first.
        self.collect(
            f"""
            with keyed as (
                select _row, {x}, id_key({x}) as key from typed_{self.k}
                where {x} is not null
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
            self.header_of(x),
            lambda r: (
                f"duplicate {x} '{r[1]}' (also on row {r[2]}"
                + ("" if r[1] == r[3] else f" as '{r[3]}'")
                + ")"
            ),
            f"duplicate {x}",
        )

    def check_date_order(self, earlier: str, later: str) -> None:
        # SPEC 3: "repurposed or churn date before the added date" is an error.
        # One row per client.
        self.collect(
            f"select _row, {later}__raw, {earlier}__raw from typed_{self.k}"
            f" where {later} < {earlier}",
            {},
            self.header_of(later),
            lambda r: (
                f"{_words(later)} '{r[1]}' is before the {_words(earlier)} '{r[2]}'"
            ),
            f"{_words(later)} before {_words(earlier)}",
        )

    def check_quota_months(self) -> None:
        """Quotas are "one row per AM and month": a second row for both is an error."""
        self.collect(
            f"""
            with firsts as (
                select _row, account_manager, month, month__raw,
                    min(_row) over (partition by account_manager, month) as first_row
                from typed_{self.k}
                where month is not null and account_manager is not null
            ),

            final as (
                select _row, month__raw, account_manager, month, first_row
                from firsts where _row > first_row
            )

            select * from final
            """,
            {},
            self.header_of("month"),
            lambda r: (
                f"duplicate quota for {r[2]} in {r[3]:%Y-%m} (also on row {r[4]})"
            ),
            "duplicate quota month",
        )

    def arrow(self, table: Table) -> pa.Table:
        """The typed rows in file order with every canonical column."""
        selects = [
            c.name
            if c.name in self.columns
            else f"cast(null as {DUCKDB_TYPES[c.type]}) as {c.name}"
            for c in table.columns
        ]
        return self.con.sql(
            f"select {', '.join(selects)} from typed_{self.k} order by _row"
        ).to_arrow_table()


def _evidence_sql(x: str, index: int) -> str:
    """Per date column: rows saying day-first, rows saying month-first, slash dates,
    ISO dates, and the first row of each kind of evidence."""
    day = f"{x}__form = 'slash' and {x}__a between 13 and 31 and {x}__b <= 12"
    month = f"{x}__form = 'slash' and {x}__b between 13 and 31 and {x}__a <= 12"
    example = f"struct_pack(r := _row, v := c{index})"
    return f"""
        count(*) filter (where {day}),
        count(*) filter (where {month}),
        count(*) filter (where {x}__form = 'slash'),
        count(*) filter (where {x}__form in ('iso', 'ym')),
        arg_min({example}, _row) filter (where {day}),
        arg_min({example}, _row) filter (where {month})
    """


def _date_parts_sql(x: str) -> str:
    """Year, month and day of a date value as text, by its form; slash dates keep
    both numbers (`a`, `b`) until the column's order is known."""
    p = f"{x}__pieces"
    return f"""
        case when {x}__form = 'slash' then try_cast({p}[1] as integer) end as {x}__a,
        case when {x}__form = 'slash' then try_cast({p}[2] as integer) end as {x}__b,
        case {x}__form
            when 'iso' then {p}[1] when 'ym' then {p}[1] when 'my' then {p}[2]
            when 'mn' then {p}[2] else {p}[3]
        end as {x}__y,
        case {x}__form
            when 'iso' then {p}[2] when 'ym' then {p}[2] when 'my' then {p}[1]
            when 'named' then cast(month_number({p}[2]) as varchar)
            when 'mn' then cast(month_number({p}[1]) as varchar)
        end as {x}__m,
        case {x}__form
            when 'iso' then {p}[3] when 'named' then {p}[1] when 'slash' then null
            else '1'
        end as {x}__d
    """


def _number_reason(value: str, digits: bool, fraction: bool, whole: bool) -> str:
    """Why a number did not parse: a number in form is too large (a decimal column
    parses every fraction, so only its size can refuse it)."""
    if digits or (fraction and not whole):
        return f"'{value}' is too large"
    if whole and fraction:
        return f"'{value}' is not a whole number"
    return f"'{value}' is not a number"


def _unclosed_quote_row(body: str, delimiter: str) -> int | None:
    """The row whose quoted field never closes (DuckDB would drop it silently);
    only run when the quotes do not pair up."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=True)
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error:
        return rows + 1
    return None


def _read_error(message: str) -> tuple[int | None, None, None, str]:
    """A DuckDB CSV error as (row, column, value, reason) in plain words."""
    found = re.search(r"Line: (\d+)", message)
    row = int(found.group(1)) if found else None
    if "unterminated quote" in message:
        reason = "a quoted field is never closed (a missing '\"')"
    elif "Expected Number of Columns" in message:
        reason = "the row has far more fields than the header"
    elif "line size" in message.lower():
        reason = "a line is too long to be a CSV row"
    else:
        reason = "the file could not be read as CSV: " + message.splitlines()[0]
    return row, None, None, reason


# --- uploads -------------------------------------------------------------------


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(MACROS)
    return con


def read_file(
    name: str,
    content: bytes,
    table: str | None = None,
    mapping: dict[str, str] | None = None,
    day_first: bool = True,
) -> tuple[FileReport, pa.Table | None]:
    """Read and check one file on its own (no cross-file checks). The table is
    None when the file has errors. `mapping`: canonical column -> the file's header."""
    with _connect() as con, tempfile.TemporaryDirectory() as workdir:
        check = _FileCheck(con, 0, name, Path(workdir))
        check.run(content, table, mapping, day_first)
        _sort(check.report.problems, [name])
        if check.report.ok and check.typed:
            return check.report, check.arrow(schema.TABLES[check.report.table])
        return check.report, None


def check_files(
    directory: Path,
    files: list[tuple[str, bytes]],
    tables: dict[str, str] | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
) -> ImportResult:
    """Check an upload in full without committing: every file, then the checks across
    files (one file per table; partners of this upload, else of the current dataset)."""
    tables, mappings = tables or {}, mappings or {}
    with _connect() as con, tempfile.TemporaryDirectory() as workdir:
        checks = []
        for k, (name, content) in enumerate(files):
            check = _FileCheck(con, k, name, Path(workdir))
            check.run(content, tables.get(name), mappings.get(name), True)
            checks.append(check)
        _check_one_file_per_table(checks)
        _check_partners(con, Path(directory), checks)
        names = [c.report.file for c in checks]
        for check in checks:
            _sort(check.report.problems, names)
        problems = [p for c in checks for p in c.report.problems]
        _sort(problems, names)
        if not files:
            problems.append(
                Problem("", None, None, None, "no files were uploaded", ERROR)
            )
        report = ImportReport([c.report for c in checks], problems)
        arrow = {
            c.report.table: c.arrow(schema.TABLES[c.report.table])
            for c in checks
            if c.typed and c.report.ok
        }
        return ImportResult(report, None, arrow)


def _sort(problems: list[Problem], names: list[str]) -> None:
    order = {name: i for i, name in enumerate(names)}

    def key(p: Problem) -> tuple:
        # File-level problems first, then by row; a "N more rows" line last.
        row = p.row if p.row is not None else (math.inf if p.count > 1 else 0)
        return (p.severity != ERROR, order.get(p.file, -1), row)

    problems.sort(key=key)


def _check_one_file_per_table(checks: list[_FileCheck]) -> None:
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
            )
        else:
            seen[table] = check.report.file


def _check_partners(
    con: duckdb.DuckDBPyConnection, directory: Path, checks: list[_FileCheck]
) -> None:
    """Warn about rows whose partner_id is empty or not among the partners (of this
    upload, else of the current dataset): they go to `(unknown partner)`."""
    children = [
        c
        for c in checks
        if c.typed and c.report.table in PARTNER_CHILDREN and "partner_id" in c.columns
    ]
    if not children:
        return
    _load_partner_keys(con, directory, checks)
    # SPEC 3 (warnings): "a client or activity whose partner_id is empty (or a
    # placeholder) or not in partners" is kept under (unknown partner). One row per
    # orphan row.
    for check in children:
        check.collect(
            f"""
            select _row, partner_id from typed_{check.k} as t
            where partner_id is null
                or not exists (
                    select 1 from partner_keys as p where p.key = id_key(t.partner_id)
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
            WARNING,
        )


def _load_partner_keys(
    con: duckdb.DuckDBPyConnection, directory: Path, checks: list[_FileCheck]
) -> None:
    partners = next(
        (c for c in checks if c.typed and c.report.table == "partners"), None
    )
    if partners is not None:
        source = f"typed_{partners.k}"
    else:
        version = store.current_version(directory)
        if version is None:
            con.execute("create or replace table partner_keys (key varchar)")
            return
        con.execute(
            "attach $path as current_dataset (read_only)",
            {"path": str(store.version_path(directory, version))},
        )
        source = "current_dataset.partners"
    con.execute(
        "create or replace table partner_keys as"
        " select distinct id_key(partner_id) as key"
        f" from {source} where partner_id is not null"
    )
    if partners is None:
        con.execute("detach current_dataset")


def import_files(
    directory: Path,
    files: list[tuple[str, bytes]],
    tables: dict[str, str] | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
    commit: bool = True,
) -> ImportResult:
    """Check the upload; when it has no errors (and `commit`), replace its tables in
    one atomic commit with the files archived unchanged."""
    return _import(Path(directory), files, tables, mappings, commit, kind="upload")


def _import(
    directory: Path,
    files: list[tuple[str, bytes]],
    tables: dict[str, str] | None,
    mappings: dict[str, dict[str, str]] | None,
    commit: bool,
    kind: str,
) -> ImportResult:
    result = check_files(directory, files, tables, mappings)
    result.report.check_only = not commit
    if not commit or not result.report.ok:
        return result
    contents = dict(files)
    archived = {
        f.table: (f.file, contents[f.file])
        for f in result.report.files
        if f.table is not None
    }
    note = ", ".join(name for name, _ in files)
    result.upload = store.commit(
        directory, result.tables, files=archived, kind=kind, note=note
    )
    result.report.version = result.upload.version
    return result


def import_paths(
    directory: Path,
    paths: Sequence[Path | str],
    table: str | None = None,
    commit: bool = True,
) -> ImportResult:
    """import_files for files on disk; `table` names the table of every file. A file
    above the size limit blocks the upload before any file is read."""
    sizes = {Path(p).name: os.stat(p).st_size for p in paths}
    if any(size > max_file_bytes() for size in sizes.values()):
        return _refuse_large(sizes, commit)
    files = [(Path(p).name, Path(p).read_bytes()) for p in paths]
    tables = {name: table for name, _ in files} if table else None
    return import_files(directory, files, tables, commit=commit)


def max_file_bytes() -> int:
    """The largest file the importer reads: $AMD_MAX_FILE_MB (default 1024) MB."""
    megabytes = float(os.environ.get(MAX_FILE_MB_ENV) or DEFAULT_MAX_FILE_MB)
    return int(megabytes * MB)


def too_large(size: int) -> str:
    """The reason a file of `size` bytes is refused."""
    return (
        f"the file is {size / MB:,.1f} MB, above the limit of"
        f" {max_file_bytes() / MB:g} MB ({MAX_FILE_MB_ENV}); split it or raise"
        " the limit"
    )


def _refuse_large(sizes: dict[str, int], commit: bool) -> ImportResult:
    """The report of an upload blocked by files above the size limit (unread)."""
    reports = []
    for name, size in sizes.items():
        report = FileReport(file=name)
        if size > max_file_bytes():
            report.problems.append(
                Problem(name, None, None, None, too_large(size), ERROR)
            )
        reports.append(report)
    problems = [p for r in reports for p in r.problems]
    return ImportResult(
        ImportReport(reports, problems, check_only=not commit), None, {}
    )


def import_demo(directory: Path) -> str:
    """Commit every demo CSV in data/demo (partners.csv, clients.csv, ...) as one
    upload of kind "demo"; returns the new version."""
    paths = sorted(p for p in store.DEMO_DIR.glob("*.csv") if p.stem in schema.TABLES)
    if not paths:
        raise store.StoreError(f"no demo CSV files in {store.DEMO_DIR}")
    files = [(p.name, p.read_bytes()) for p in paths]
    tables = {p.name: p.stem for p in paths}
    result = _import(Path(directory), files, tables, None, commit=True, kind="demo")
    if result.upload is None:
        raise store.StoreError(
            "the demo data has errors:\n" + result.report.format_text()
        )
    return result.upload.version
