"""The check of one file: read it (see read), match the headers, type the values
and run the rules, leaving the typed rows in the view `typed_<k>` (with `_row`,
the user's row number) for the checks across files, and in `stage.file_<k>` for
the commit (see finalize).

Ids: an 18-character id counts as the 15-character id that begins it
(case-sensitively) for duplicates and partner matching, so two 18-character ids
that share their first 15 characters are duplicates too; ids are stored as written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from analytics import schema
from analytics.ingest import read, rules
from analytics.ingest.headers import match_headers
from analytics.ingest.kinds import extra_columns
from analytics.ingest.parse import (
    DateOrder,
    NumberMarks,
    evidence_sql,
    number_marks,
    settle_date_orders,
    typed_update,
)
from analytics.ingest.partial import ROW_CODES, record_bad_rows
from analytics.ingest.read import STAGE
from analytics.ingest.recognise import recognise, sample_ids
from analytics.ingest.report import (
    ERROR,
    MAX_PER_RULE,
    WARNING,
    FileReport,
    Problem,
    clip,
)
from analytics.ingest.text import Body
from analytics.schema import DATE, DECIMAL, INT, Table


class FileCheck:
    """Checks one file in a DuckDB connection shared by the upload's files and leaves
    its typed rows in the view `typed_<k>` (with `_row`, the user's row number) for
    the checks across files, over `stage.file_<k>` for the commit."""

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
        self.nuls = 0  # NUL bytes in the text, marked for removal
        self.marks: dict[str, NumberMarks] = {}  # number column -> decimal mark
        self.typed = False  # typed_<k> exists
        self.width = 0  # columns read: the header's, plus EXTRA_FIELDS if needed
        # the database of the check's views and small tables (`bad_<k>`)
        self.home = con.execute("select current_database()").fetchone()[0]
        self.left_out = False  # the rows with errors are left out (partial import)
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
            sql, params = f"select * from found_{self.k}", {}
        rows = self.con.execute(
            f"select *, count(*) over () as _total from ({sql}) order by _row"
            f" limit {MAX_PER_RULE}",
            params,
        ).fetchall()
        self.con.execute(f"drop table if exists found_{self.k}")
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
        self.start(source, read.prepare(self, source), table, mapping)
        self.finish(settle_date_orders([self.evidence], day_first)[0])

    def finish(self, orders: dict[str, DateOrder]) -> None:
        """Type the values with the date orders settled for the upload, then run
        the rules (nothing to do when the file stopped before)."""
        if self.pending is not None:
            self.build_typed(self.pending, orders)
            rules.check_values(self, self.pending)

    def start(
        self,
        source: bytes | Path,
        body: Body | None,
        table: str | None,
        mapping: dict[str, str] | None,
    ) -> None:
        """Read the file (given as bytes or as a path; `body`, its text made ready
        by read.prepare, None when that stopped) up to its date evidence
        (`evidence`), and `pending`, the table to type it as once the upload's
        date orders are settled."""
        if body is None:
            return
        self.headers = body.head.headers
        self.report.delimiter = body.head.delimiter
        self.report.footer_lines = body.footer_lines
        if not any(self.headers):
            self.add(None, None, None, "the file has no header row", "header.none")
            return
        ids = sample_ids(read.sample_text(body.path), body.head.delimiter, self.headers)
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
        """DuckDB reads the text in one pass (see read.read); the view `clean_<k>`
        gives its rows that are not blank, with `_row` the user's row number."""
        found_nuls = read.find_nuls(self, path) if self.nuls else []
        if not read.read(self, path, typing):
            return False
        if self.nuls:
            rules.nul_bytes(self, found_nuls)
        self.con.execute(
            f"create or replace view clean_{self.k} as"
            f" select rowid + 2 as _row, * exclude (_blank)"
            f" from {self.stage} where not _blank"
        )
        self.report.rows = self.scalar(f"select count(*) from clean_{self.k}")
        if self.width > len(self.headers):
            rules.extra_fields(self)
        return True

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
    @property
    def stage(self) -> str:
        """The file's rows as read (see read.read_csv)."""
        return f"{STAGE}.file_{self.k}"

    def build_typed(self, table: Table, orders: dict[str, DateOrder]) -> None:
        """`typed_<k>`: the rows typed, with the date orders and decimal marks of
        the upload (the columns read otherwise retyped in place), and the raw text
        beside dates and numbers (`<name>__raw`) for the checks."""
        present = [c for c in table.columns if c.name in self.columns]
        self.report_date_orders(orders)
        numbers = {
            c.name: f"{c.name}__raw" for c in present if c.type in (INT, DECIMAL)
        }
        self.marks = number_marks(
            self.con, f"clean_{self.k}", numbers, self.report.delimiter
        )
        updates = [
            typed_update(c, orders.get(c.name), self.marks.get(c.name)) for c in present
        ]
        updates = [u for u in updates if u is not None]
        if updates:
            self.con.execute(f"update {self.stage} set {', '.join(updates)}")
        self.con.execute(
            f"create or replace view typed_{self.k} as select * from clean_{self.k}"
        )
        self.typed = True

    def date_evidence(self, table: Table) -> dict[str, tuple]:
        """Per date column, what its slash dates say of their order (one scan)."""
        dates = [c.name for c in table.columns if c.type == DATE]
        dates = [x for x in dates if x in self.columns]
        if not dates:
            return {}
        aggregates = ", ".join(evidence_sql(x, f"{x}__raw") for x in dates)
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
        """Free what the check of the file holds in memory (its rows on disk are
        the commit's, see finalize)."""
        for name in ("typed", "typed_all", "clean"):
            self.con.execute(f"drop view if exists {name}_{self.k}")
        self.con.execute(f"drop table if exists bad_{self.k}")
        self.typed = False

    def finalize(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Make the file's rows the table `name` of the database the commit
        writes (the check's own, now the current database of `con`): without
        the blank rows (and those left out, for a partial import) and without
        the columns only the checks read."""
        table = f"file_{self.k}"
        con.execute(f"delete from {table} where _blank")
        if self.left_out:
            con.execute(
                f"delete from {table} where rowid + 2 in"
                f" (select _row from {self.home}.bad_{self.k})"
            )
        canonical = set(schema.TABLES[self.report.table].column_names)
        found = con.execute(f"select * from {table} limit 0").description
        for column in (d[0] for d in found):
            if column not in canonical:
                con.execute(f'alter table {table} drop column "{column}"')
        con.execute(f"alter table {table} rename to {name}")

    def arrow(self, table: Table) -> pa.Table:
        """The typed rows in file order with every canonical column."""
        return self.con.sql(
            f"select {', '.join(table.column_names)} from typed_{self.k} order by _row"
        ).to_arrow_table()
