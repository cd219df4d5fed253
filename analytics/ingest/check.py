"""The check of one file: decode and tidy the text, read it with DuckDB, match the
headers, type the values and run the rules, leaving the typed rows in `typed_<k>`
(with `_row`, the user's row number) for the checks across files and the commit.

Ids: an 18-character id counts as the 15-character id that begins it
(case-sensitively) for duplicates and partner matching, so two 18-character ids
that share their first 15 characters are duplicates too; ids are stored as written.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa

from analytics import schema, store
from analytics.ingest import rules
from analytics.ingest.headers import match_headers
from analytics.ingest.kinds import activity_type_select, extra_columns
from analytics.ingest.parse import (
    DateOrder,
    NumberMarks,
    date_parts_ctes,
    evidence_sql,
    number_marks,
    parsed_excluded,
    parsed_selects,
    settle_date_orders,
    typed_select,
)
from analytics.ingest.partial import ROW_CODES, record_bad_rows
from analytics.ingest.recognise import recognise, sample_ids
from analytics.ingest.report import (
    ERROR,
    MAX_PER_RULE,
    WARNING,
    FileReport,
    Problem,
    clip,
)
from analytics.ingest.rules import EXTRA_FIELDS
from analytics.ingest.text import (
    CHUNK,
    DELIMITERS,
    NUL_MARK,
    TRIM_CHARS,
    Body,
    MixedEncodings,
    NotCsvText,
    detect,
    tidy,
    unclosed_quote_row,
)
from analytics.schema import DATE, DECIMAL, DUCKDB_TYPES, INT, Column, Table

# The largest file accepted, in MB: the app's upload limit (.streamlit/config.toml
# server.maxUploadSize), overridden by $AMD_MAX_FILE_MB.
MAX_FILE_MB_ENV = "AMD_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 1024
MB = 1024 * 1024
PLACEHOLDERS = [p.upper() for p in schema.PLACEHOLDER_IDS]


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


class FileCheck:
    """Checks one file in a DuckDB database shared by the upload's files and leaves
    its typed rows in the view `typed_<k>` (with `_row`, the user's row number) for
    the checks across files and the commit."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, k: int, name: str, workdir: Path
    ):
        self.con = con
        self.k = k
        self.workdir = workdir
        self.report = FileReport(file=name)
        self.headers: list[str] = []
        self.columns: dict[str, int] = {}  # canonical -> field index
        # columns rules read beside the canonical ones (see kinds.extra_columns)
        self.extras: dict[str, int] = {}
        self.derived: set[str] = set()  # canonical columns a rule added to typed
        self.nuls = 0  # NUL bytes in the text, marked for removal
        self.marks: dict[str, NumberMarks] = {}  # number column -> decimal mark
        self.typed = False  # typed_<k> exists
        self.width = 0  # columns read: the header's, plus EXTRA_FIELDS if needed
        self.numbered = False  # raw_<k> has `_row` (read serially)
        # date column -> (day_first, an example row of the winning order)
        self.conflicts: dict[str, tuple[bool, dict]] = {}
        self.pending: Table | None = None  # to type once the date orders are settled
        self.evidence: dict[str, tuple] = {}  # date column -> evidence_sql

    # -- problems
    def add(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        reason: str,
        code: str,
        severity: str = ERROR,
        count: int = 1,
    ) -> None:
        self.report.problems.append(
            Problem(self.report.file, row, column, value, reason, severity, count, code)
        )

    def collect(
        self,
        sql: str,
        params: dict,
        column: str | None,
        reason: Callable[[tuple], str],
        rule: str,
        code: str,
        severity: str = ERROR,
    ) -> None:
        """Report the rows a query returns as (_row, value, ...): the first
        MAX_PER_RULE, then one line for the rest (every row of a row-level error
        kept for a partial import)."""
        if severity == ERROR and code in ROW_CODES:
            record_bad_rows(self, sql, params, code, rule)
        rows = self.con.execute(
            f"select *, count(*) over () as _total from ({sql}) order by _row"
            f" limit {MAX_PER_RULE}",
            params,
        ).fetchall()
        for found in rows:
            found = tuple(clip(v) if isinstance(v, str) else v for v in found)
            self.add(found[0], column, found[1], reason(found), code, severity)
        if rows and rows[0][-1] > len(rows):
            rest = rows[0][-1] - len(rows)
            more = f"{rest} more rows: {rule}"
            self.add(None, column, None, more, code, severity, rest)

    def header_of(self, canonical: str) -> str:
        return self.headers[self.columns[canonical]]

    # -- the steps
    def run(
        self,
        source: bytes | Path,
        table: str | None,
        mapping: dict[str, str] | None,
        day_first: bool,
    ) -> None:
        """The whole check of a file on its own (its date order from itself)."""
        self.start(source, table, mapping)
        self.finish(settle_date_orders([self.evidence], day_first)[0])

    def finish(self, orders: dict[str, DateOrder]) -> None:
        """Type the values with the date orders settled for the upload, then run
        the rules (nothing to do when the file stopped before)."""
        if self.pending is not None:
            self.build_typed(self.pending, orders)
            rules.check_values(self, self.pending)

    def start(
        self, source: bytes | Path, table: str | None, mapping: dict[str, str] | None
    ) -> None:
        """Read the file (given as bytes or as a path) up to its date evidence
        (`evidence`), and `pending`, the table to type it as once the upload's
        date orders are settled."""
        body = self.prepare(source)
        if body is None:
            return
        self.headers = body.head.headers
        self.report.delimiter = body.head.delimiter
        self.report.footer_lines = body.footer_lines
        if not any(self.headers):
            self.add(None, None, None, "the file has no header row", "header.none")
            return
        ids = sample_ids(_sample_text(body.path), body.head.delimiter, self.headers)
        chosen = self.choose_table(table, mapping, ids)
        typing = chosen if chosen is not None and not self.report.missing else None
        try:
            loaded = self.load(body.path, typing)
        finally:
            if body.path != source:  # a copy made for DuckDB, not the user's file
                body.path.unlink(missing_ok=True)
        if not loaded:
            return
        self.report_blank_headers(chosen)
        if self.report.rows == 0:
            reason = "the file has a header but no data rows"
            self.add(None, None, None, reason, "file.no_rows")
            return
        if typing is not None:
            self.pending = typing
            self.evidence = self.date_evidence(typing)

    def prepare(self, source: bytes | Path) -> Body | None:
        """The file's text as DuckDB reads it (None, with the problem reported,
        when it is not CSV text or its header cannot be read)."""
        if isinstance(source, bytes):
            size, original = len(source), None

            def open_bytes() -> BinaryIO:
                return io.BytesIO(source)
        else:
            size, original = source.stat().st_size, source

            def open_bytes() -> BinaryIO:
                return open(source, "rb")

        if size > max_file_bytes():
            self.add(None, None, None, too_large(size), "file.too_large")
            return None
        if not size:
            self.add(None, None, None, "the file is empty", "file.empty")
            return None
        target = self.workdir / f"file{self.k}.csv"
        try:
            encoding = detect(open_bytes)
            self.report.encoding = encoding.name
            self.nuls = encoding.nuls
            body = tidy(open_bytes, encoding, target, original)
        except MixedEncodings as error:
            self.add(None, None, None, str(error), "file.mixed_encoding")
        except NotCsvText as error:
            reason = f"the file is not CSV text: {error}"
            self.add(None, None, None, reason, "file.not_text")
        else:
            if body.empty:
                self.add(None, None, None, "the file is empty", "file.empty")
            elif body.head.unreadable_header:
                reason = body.head.unreadable_header
                self.add(None, None, None, reason, "header.unreadable")
            else:
                return body
        target.unlink(missing_ok=True)
        return None

    def choose_table(
        self, table: str | None, mapping: dict[str, str] | None, ids: list[str]
    ) -> Table | None:
        if table is not None and table not in schema.TABLES:
            names = ", ".join(schema.TABLES)
            reason = f"unknown table '{table}' (one of {names})"
            self.add(None, None, table, reason, "table.unknown")
            return None
        found = recognise(self.headers + list(mapping or {}), ids)
        self.report.salesforce_object = found.salesforce_object
        if table is None:
            if found.table is None:
                self.add(1, None, None, found.reason, "table.unrecognised")
                return None
            table = found.table
        chosen = schema.TABLES[table]
        self.report.table = table
        match = match_headers(chosen, self.headers, mapping)
        self.columns = match.columns
        self.extras = extra_columns(chosen, self.headers, self.columns)
        self.report.mapping = match.mapping
        for header, reason, code in match.problems:
            self.add(1, header, None, reason, code)
        for index in match.ignored:
            if self.headers[index] and index not in self.extras.values():
                self.report.ignored.append(self.headers[index])
        self.report.missing = [
            c.name for c in chosen.columns if c.required and c.name not in match.columns
        ]
        for name in self.report.missing:
            aliases = ", ".join(chosen.column(name).aliases)
            reason = f"required column {name} is missing (accepted: {aliases})"
            self.add(1, name, None, reason, "column.missing")
        return chosen

    def load(self, path: Path, typing: Table | None) -> bool:
        """DuckDB reads the text in one pass; the view `clean_<k>` gives trimmed
        values with placeholders as null, blank rows dropped, `_row` the user's
        row number and, when the file is to be typed (`typing`), its dates and
        numbers parsed."""
        present = [
            c for c in (typing.columns if typing else ()) if c.name in self.columns
        ]
        found_nuls = self.find_nuls(path) if self.nuls else []
        if not self.read(path, present):
            return False
        if self.nuls:
            rules.nul_bytes(self, found_nuls)
        if self.numbered:
            view = f"select * from raw_{self.k}"
        else:
            kept, rest = self.split_columns([f"c{i}" for i in range(self.width)])
            rest_filled = "exclude (_rest_filled)" if rest else ""
            view = (
                f"select rowid + 2 as _row, * {rest_filled}"
                f" from raw_{self.k} where {_filled(kept, rest)}"
            )
        self.con.execute(f"create or replace view clean_{self.k} as {view}")
        self.report.rows = self.scalar(f"select count(*) from clean_{self.k}")
        if self.width > len(self.headers):
            rules.extra_fields(self)
        return True

    def read(self, path: Path, present: list[Column]) -> bool:
        """`raw_<k>`: the file's rows (see read_csv). Read first in parallel with
        as many columns as the header; a file whose rows do not all fit that (or
        that DuckDB cannot read so) is read again one line at a time, with room for
        EXTRA_FIELDS more fields, after checking that its quotes pair up."""
        n = len(self.headers)
        try:
            self.width = n
            self.read_csv(path, n, present, "null_padding=false, parallel=true")
            return True
        except duckdb.Error:
            pass
        if _odd_quotes(path):
            with open(path, encoding="utf-8", newline="") as lines:
                row = unclosed_quote_row(lines, self.report.delimiter)
            if row is not None:
                reason = "a quoted field is never closed (a '\"' is missing)"
                self.add(row, None, None, reason, "row.unclosed_quote")
                return False
        try:
            options = "null_padding=true, parallel=false"
            self.width, self.numbered = n + EXTRA_FIELDS, True
            self.read_csv(path, self.width, present, options)
            return True
        except duckdb.Error as error:
            if store.is_disk_full(error):
                raise
            self.add(*read_error(str(error)), "file.unreadable")
            return False

    def read_csv(
        self, path: Path, width: int, present: list[Column], options: str
    ) -> None:
        """`raw_<k>` in file order from the file read with `width` columns: the
        values trimmed, placeholders as null, of the columns kept (see
        split_columns), whether any other field is filled (`_rest_filled`), and
        the dates and numbers of the `present` columns parsed (see parse)."""
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        kept, rest = self.split_columns([f"c{i}" for i in range(width)])

        def text(n: str) -> str:  # NUL bytes found are removed (see find_nuls)
            return f"replace({n}, $mark, '')" if self.nuls else n

        values = [
            f"clean_value({text(n)}, $chars, $placeholders) as {n}"
            if i < len(self.headers)
            else f"nullif(trim({text(n)}), '') as {n}"
            for i, n in kept
        ]
        # The columns no check reads are only looked at to tell blank rows, in one
        # list expression: one expression per column costs DuckDB seconds per
        # thousand columns.
        if rest:
            values.append(
                f"len(list_filter(list_value({', '.join(rest)}),"
                f" lambda v: clean_value({text('v')}, $chars, $placeholders)"
                " is not null)) > 0"
                " as _rest_filled"
            )
        dates = self.date_columns(present)
        parsed = [f"* {parsed_excluded(dates)}"]
        for column in present:
            parsed.extend(parsed_selects(column, f"c{self.columns[column.name]}"))
        # Read serially, the rows are numbered as read and the blank ones dropped
        # at once (a file of blank lines takes no room); read in parallel, they are
        # numbered by their place in raw_<k> (see load).
        number, blank = "", "cleaned"
        if self.numbered:
            number = "row_number() over () + 1 as _row,"
            rest_filled = "exclude (_rest_filled)" if rest else ""
            blank = f"(select * {rest_filled} from cleaned where {_filled(kept, rest)})"
        self.con.execute(
            f"""
            create or replace table raw_{self.k} as
            with cleaned as (
                select {number} {", ".join(values)}
                from read_csv($path, columns={{{columns}}},
                    auto_detect=false, header=true,
                    delim={DELIMITERS[self.report.delimiter]}, quote='"', escape='"',
                    comment='', new_line='\\n', {options}, skip=0,
                    max_line_size=20000000)
            ),

            kept as (
                select * from {blank}
            ),

            {date_parts_ctes("kept", dates)},

            final as (
                select {", ".join(parsed)} from parts
            )

            select * from final
            """,
            {
                "path": str(path),
                "chars": TRIM_CHARS,
                "placeholders": PLACEHOLDERS,
                **({"mark": NUL_MARK} if self.nuls else {}),
            },
        )

    def find_nuls(self, path: Path) -> list[tuple[int, int]]:
        """(row, field index) of each field holding a NUL byte (kept as NUL_MARK
        in the text until here), read as the serial read numbers rows; none when
        the file cannot be read so (its read reports why)."""
        width = len(self.headers) + EXTRA_FIELDS
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        found = " union all ".join(
            f"select _row, {i} as i from lines where contains(c{i}, $mark)"
            for i in range(width)
        )
        try:
            return self.con.execute(
                f"""
                with lines as (
                    select row_number() over () + 1 as _row, *
                    from read_csv($path, columns={{{columns}}},
                        auto_detect=false, header=true,
                        delim={DELIMITERS[self.report.delimiter]}, quote='"',
                        escape='"', comment='', new_line='\\n', null_padding=true,
                        parallel=false, skip=0, max_line_size=20000000)
                )
                {found} order by _row, i
                """,
                {"path": str(path), "mark": NUL_MARK},
            ).fetchall()
        except duckdb.Error as error:
            if store.is_disk_full(error):
                raise
            return []

    def split_columns(
        self, names: list[str]
    ) -> tuple[list[tuple[int, str]], list[str]]:
        """The columns kept in `clean_<k>` (matched, without a header, beyond the
        header) as (index, name), and the others, read only to tell blank rows."""
        used = set(self.columns.values()) | set(self.extras.values())
        kept, rest = [], []
        for i, name in enumerate(names):
            if i >= len(self.headers) or i in used or not self.headers[i]:
                kept.append((i, name))
            else:
                rest.append(name)
        return kept, rest

    def scalar(self, sql: str, params: dict | None = None) -> object:
        return self.scalar_row(sql, params)[0]

    def scalar_row(self, sql: str, params: dict | None = None) -> tuple:
        return self.con.execute(sql, params or {}).fetchone()

    def report_blank_headers(self, chosen: Table | None) -> None:
        """Columns without a header are ignored, and named only if they hold data."""
        if chosen is None:
            return
        for index, header in enumerate(self.headers):
            if not header and index not in self.columns.values():
                if self.scalar(f"select count(c{index}) from clean_{self.k}"):
                    self.report.ignored.append(f"(column {index + 1}, no header)")
        for header in self.report.ignored:
            reason = "column ignored: it matches no column"
            self.add(1, header, None, reason, "column.ignored", WARNING)

    # -- typed values
    def build_typed(self, table: Table, orders: dict[str, DateOrder]) -> None:
        """`typed_<k>`: a view of the canonical columns typed, with the raw text
        beside dates and numbers (`<name>__raw`) for the checks."""
        present = [c for c in table.columns if c.name in self.columns]
        self.report_date_orders(orders)
        numbers = {
            c.name: f"c{self.columns[c.name]}"
            for c in present
            if c.type in (INT, DECIMAL)
        }
        self.marks = number_marks(
            self.con, f"clean_{self.k}", numbers, self.report.delimiter
        )
        selects = ["_row"]
        for column in present:
            v = f"c{self.columns[column.name]}"
            order, marks = orders.get(column.name), self.marks.get(column.name)
            selects.extend(typed_select(column, v, order, marks))
        selects.extend(f"c{index} as {name}" for name, index in self.extras.items())
        if table.name == "activities":
            selects = activity_type_select(self, selects)
        self.con.execute(
            f"create or replace view typed_{self.k} as"
            f" select {', '.join(selects)} from clean_{self.k}"
        )
        self.typed = True

    def date_columns(self, present: list[Column]) -> dict[str, str]:
        """Date column -> the clean column holding its text."""
        return {c.name: f"c{self.columns[c.name]}" for c in present if c.type == DATE}

    def date_evidence(self, table: Table) -> dict[str, tuple]:
        """Per date column, what its slash dates say of their order (one scan)."""
        present = [c for c in table.columns if c.name in self.columns]
        dates = self.date_columns(present)
        if not dates:
            return {}
        aggregates = ", ".join(evidence_sql(x, v) for x, v in dates.items())
        found = self.scalar_row(f"select {aggregates} from clean_{self.k}")
        return {x: found[6 * i : 6 * i + 6] for i, x in enumerate(dates)}

    def report_date_orders(self, orders: dict[str, DateOrder]) -> None:
        """Each date column's form in the report; the default warned about."""
        for x, order in orders.items():
            header = self.header_of(x)
            if order.label:
                self.report.date_formats[header] = order.label
            if order.example is not None:
                self.conflicts[x] = (order.day_first, order.example)
            if order.defaulted:
                label = "day-first" if order.day_first else "month-first"
                reason = (
                    "no date in this upload has a part above 12, so this column's"
                    f" slash dates were read as {label} (the default)"
                )
                self.add(None, header, None, reason, "date.order_default", WARNING)

    def drop(self) -> None:
        """Free the file's rows (once they are committed)."""
        names = (("view", "typed"), ("view", "typed_all"), ("view", "clean"))
        for kind, name in (*names, ("table", "raw"), ("table", "bad")):
            self.con.execute(f"drop {kind} if exists {name}_{self.k}")
        self.typed = False

    def arrow(self, table: Table) -> pa.Table:
        """The typed rows in file order with every canonical column."""
        selects = [
            c.name
            if c.name in self.columns or c.name in self.derived
            else f"cast(null as {DUCKDB_TYPES[c.type]}) as {c.name}"
            for c in table.columns
        ]
        return self.con.sql(
            f"select {', '.join(selects)} from typed_{self.k} order by _row"
        ).to_arrow_table()


def read_error(message: str) -> tuple[int | None, None, None, str]:
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


def _filled(kept: list[tuple[int, str]], rest: list[str]) -> str:
    """The condition of a row that is not blank."""
    filled = []
    if kept:
        filled.append(f"coalesce({', '.join(n for _, n in kept)}) is not null")
    if rest:
        filled.append("_rest_filled")
    return " or ".join(filled)


def _sample_text(path: Path) -> str:
    """The start of a tidied file (UTF-8), for the ids that tell its object."""
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        return handle.read(1 << 16)


def _odd_quotes(path: Path) -> bool:
    """Whether the quotes of a file do not pair up."""
    quotes = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            quotes += chunk.count(b'"')
    return quotes % 2 == 1
