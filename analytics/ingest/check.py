"""The check of one file: decode and tidy the text, read it with DuckDB, match the
headers, type the values and run the rules, leaving the typed rows in `typed_<k>`
(with `_row`, the user's row number) for the checks across files and the commit.

Ids: an 18-character id counts as the 15-character id that begins it
(case-sensitively) for duplicates and partner matching, so two 18-character ids
that share their first 15 characters are duplicates too; ids are stored as written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from analytics import schema
from analytics.ingest import rules
from analytics.ingest.headers import match_headers
from analytics.ingest.kinds import extra_columns
from analytics.ingest.parse import (
    DateOrder,
    NumberMarks,
    date_parts_ctes,
    evidence_sql,
    number_marks,
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
    DELIMITERS,
    TRIM_CHARS,
    MixedEncodings,
    NotCsvText,
    PreparedText,
    decode,
    mark_nuls,
    prepare_text,
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
        # columns rules read beside the canonical ones (see kinds.extra_columns)
        self.extras: dict[str, int] = {}
        self.derived: set[str] = set()  # canonical columns a rule added to typed
        self.nuls = 0  # NUL bytes in the text, marked for removal
        self.marks: dict[str, NumberMarks] = {}  # number column -> decimal mark
        self.typed = False  # typed_<k> exists
        # date column -> (day_first, an example row of the winning order)
        self.conflicts: dict[str, tuple[bool, dict]] = {}
        self.pending: Table | None = None
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
        content: bytes,
        table: str | None,
        mapping: dict[str, str] | None,
        day_first: bool,
    ) -> None:
        """The whole check of a file on its own (its date order from itself)."""
        self.start(content, table, mapping)
        self.finish(settle_date_orders([self.evidence], day_first)[0])

    def finish(self, orders: dict[str, DateOrder]) -> None:
        """Type the values with the date orders settled for the upload, then run
        the rules (nothing to do when the file stopped before)."""
        if self.pending is not None:
            self.build_typed(self.pending, orders)
            rules.check_values(self, self.pending)

    def start(
        self, content: bytes, table: str | None, mapping: dict[str, str] | None
    ) -> None:
        """Read the file up to its date evidence (`evidence`), and `pending`, the
        table to type it as once the upload's date orders are settled."""
        prepared = self.prepare(content)
        if prepared is None:
            return
        self.headers = prepared.headers
        self.report.delimiter = prepared.delimiter
        self.report.footer_lines = prepared.footer_lines
        if not any(self.headers):
            self.add(None, None, None, "the file has no header row", "header.none")
            return
        ids = sample_ids(prepared.body, prepared.delimiter, self.headers)
        chosen = self.choose_table(table, mapping, ids)
        path = self.write_body(prepared)
        del prepared  # the text is on disk for DuckDB now: free it before the read
        if path is None or not self.load(path):
            return
        self.report_blank_headers(chosen)
        if self.report.rows == 0:
            reason = "the file has a header but no data rows"
            self.add(None, None, None, reason, "file.no_rows")
            return
        if chosen is not None and not self.report.missing:
            self.pending = chosen
            self.evidence = self.date_evidence(chosen)

    def prepare(self, content: bytes) -> PreparedText | None:
        """The tidied text (the decoded text is freed on return: a 1 GB file is
        held as bytes and tidied text, not also as the text in between)."""
        text = self.decode_text(content)
        if text is None:
            return None
        prepared = prepare_text(text)
        if prepared.unreadable_header:
            self.add(None, None, None, prepared.unreadable_header, "header.unreadable")
            return None
        return prepared

    def decode_text(self, content: bytes) -> str | None:
        if len(content) > max_file_bytes():
            self.add(None, None, None, too_large(len(content)), "file.too_large")
            return None
        if not content:
            self.add(None, None, None, "the file is empty", "file.empty")
            return None
        try:
            text, self.report.encoding = decode(content)
        except MixedEncodings as error:
            self.add(None, None, None, str(error), "file.mixed_encoding")
            return None
        except NotCsvText as error:
            reason = f"the file is not CSV text: {error}"
            self.add(None, None, None, reason, "file.not_text")
            return None
        if "\x00" in text:
            self.nuls = text.count("\x00")
            text = mark_nuls(text)
        if not text.strip(TRIM_CHARS + "\ufeff"):
            self.add(None, None, None, "the file is empty", "file.empty")
            return None
        return text

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

    def write_body(self, prepared: PreparedText) -> Path | None:
        """The tidied text as a UTF-8 file for DuckDB (None, with the problem
        reported, when a quoted field never closes: DuckDB would drop it silently).
        Written in slices, so a 1 GB text is not also held encoded whole."""
        if prepared.body.count('"') % 2:
            row = unclosed_quote_row(prepared.body, prepared.delimiter)
            if row is not None:
                reason = "a quoted field is never closed (a '\"' is missing)"
                self.add(row, None, None, reason, "row.unclosed_quote")
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
            self.add(*read_error(str(error)), "file.unreadable")
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
        if self.nuls:
            rules.nul_bytes(self)
        self.con.execute(f"drop table raw_{self.k}")
        self.report.rows = self.scalar(f"select count(*) from clean_{self.k}")
        rules.extra_fields(self)
        return True

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
        return self.con.execute(sql, params or {}).fetchone()[0]

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
        """`typed_<k>`: the canonical columns typed, with the raw text beside dates
        and numbers (`<name>__raw`) for the checks."""
        present = [c for c in table.columns if c.name in self.columns]
        dates = self.date_columns(present)
        self.report_date_orders(orders)
        selects, params = ["_row"], {}
        numbers = {
            c.name: f"c{self.columns[c.name]}"
            for c in present
            if c.type in (INT, DECIMAL)
        }
        self.marks = number_marks(
            self.con, f"clean_{self.k}", numbers, self.report.delimiter
        )
        for column in present:
            v = f"c{self.columns[column.name]}"
            order, marks = orders.get(column.name), self.marks.get(column.name)
            selects.extend(typed_select(column, v, order, params, marks))
        selects.extend(f"c{index} as {name}" for name, index in self.extras.items())
        self.con.execute(
            f"""
            create or replace table typed_{self.k} as
            with {date_parts_ctes(f"clean_{self.k}", dates)},

            final as (
                select {", ".join(selects)} from parts
            )

            select * from final
            """,
            params,
        )
        self.con.execute(f"drop table clean_{self.k}")
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
        found = self.con.execute(
            f"with {date_parts_ctes(f'clean_{self.k}', dates)}"
            f" select {aggregates} from parts"
        ).fetchone()
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
