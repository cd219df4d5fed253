"""Reading the files of an upload (read_files, two at a time): each one's text made
ready for DuckDB (see text), then read once, in parallel where the rows allow,
into the table `stage.file_<k>` of the check's database on disk: the canonical
columns typed as they will be stored (a number with a decimal point, a slash date
read day-first), then what the checks read beside them (the text of dates and
numbers, a date's form and its month-first reading, columns without a header,
fields beyond the header) and `_blank`. The rows are in file order, blank ones
included, so `rowid + 2` is the user's row number. Committed, this file becomes
the new version's: its rows are written once."""

from __future__ import annotations

import io
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import duckdb

from analytics import schema, store
from analytics.ingest.kinds import activity_type_select
from analytics.ingest.lines import DELIMITERS, NUL_MARK, TRIM_CHARS
from analytics.ingest.parse import MACROS, date_parts_ctes, stage_selects
from analytics.ingest.rules import EXTRA_FIELDS
from analytics.ingest.text import (
    CHUNK,
    Body,
    MixedEncodings,
    NotCsvText,
    detect,
    tidy,
    unclosed_quote_row,
)
from analytics.schema import DATE, DUCKDB_TYPES, Table

if TYPE_CHECKING:
    from analytics.ingest.check import FileCheck

# The largest file accepted, in MB: the app's upload limit (.streamlit/config.toml
# server.maxUploadSize), overridden by $AMD_MAX_FILE_MB.
MAX_FILE_MB_ENV = "AMD_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 1024
MB = 1024 * 1024
PLACEHOLDERS = [p.upper() for p in schema.PLACEHOLDER_IDS]
# The check's database on disk, attached to its connection (see upload.Workspace).
STAGE = "stage"
READERS = 2  # files checked at a time (see Readers)


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


class Readers:
    """Up to READERS threads that run file checks, each thread on a cursor of `con`
    of its own (with the checks' macros): DuckDB runs a statement of each at once.
    A file under 320 MB (one DuckDB buffer) is read by one of DuckDB's threads, so
    the clients are read beside the activities, and their rules run beside. The
    check of one file runs in the caller's thread, on `con`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, files: int):
        self.con = con
        self.pool = ThreadPoolExecutor(READERS) if files > 1 else None
        self.local = threading.local()
        self.cursors: list[duckdb.DuckDBPyConnection] = []

    def submit(self, step: Callable[..., None], check: FileCheck, *args) -> Future:
        """Run `step(check, *args)` with `check` on a thread's cursor; its
        seconds."""
        if self.pool is not None:
            return self.pool.submit(self._run, step, check, args)
        done: Future = Future()
        try:
            done.set_result(_timed(step, check, args))
        except BaseException as error:
            done.set_exception(error)
        return done

    def _run(self, step: Callable[..., None], check: FileCheck, args: tuple) -> float:
        cursor = getattr(self.local, "cursor", None)
        if cursor is None:
            cursor = self.local.cursor = self.con.cursor()
            self.cursors.append(cursor)
            cursor.execute(MACROS)
        check.con = cursor
        try:
            return _timed(step, check, args)
        finally:
            check.con = self.con

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        for cursor in self.cursors:
            cursor.close()


def _timed(step: Callable[..., None], check: FileCheck, args: tuple) -> float:
    started = time.monotonic()
    step(check, *args)
    return time.monotonic() - started


def read_files(
    readers: Readers,
    checks: list[FileCheck],
    files: Sequence[tuple[str, bytes | Path]],
    tables: Mapping[str, str],
    mappings: Mapping[str, dict[str, str]],
    progress: Callable[[str, str, int, float], None],
) -> None:
    """Start the check of each file (FileCheck.start), smallest first: its text is
    made ready (prepare: Python, one core) in a thread while `readers` read the
    files before it. `progress` is told of each file in that order, from this
    thread."""
    order = sorted(range(len(files)), key=lambda k: store.source_size(files[k][1]))

    def start(check: FileCheck, body: Future) -> None:
        name, content = files[check.k]
        check.start(content, body.result(), tables.get(name), mappings.get(name))

    with ThreadPoolExecutor(1) as pool:
        bodies = {k: pool.submit(prepare, checks[k], files[k][1]) for k in order}
        reads = {k: readers.submit(start, checks[k], bodies[k]) for k in order}
        try:
            for k in order:
                seconds = reads[k].result()
                progress("read", files[k][0], checks[k].report.rows, seconds)
        finally:  # a file that stopped the upload: the others are not read
            for waiting in (*reads.values(), *bodies.values()):
                waiting.cancel()


def prepare(check: FileCheck, source: bytes | Path) -> Body | None:
    """The file's text as DuckDB reads it (None, with the problem reported, when
    it is not CSV text or its header cannot be read)."""
    if isinstance(source, bytes):
        size, original = len(source), None

        def open_bytes() -> BinaryIO:
            return io.BytesIO(source)
    else:
        size, original = source.stat().st_size, source

        def open_bytes() -> BinaryIO:
            return open(source, "rb")

    if size > max_file_bytes():
        check.add(None, None, None, too_large(size), "file.too_large")
        return None
    if not size:
        check.add(None, None, None, "the file is empty", "file.empty")
        return None
    target = check.workdir / f"file{check.k}.csv"
    try:
        encoding = detect(open_bytes)
        check.report.encoding = encoding.name
        check.nuls = encoding.nuls
        body = tidy(open_bytes, encoding, target, original)
    except MixedEncodings as error:
        check.add(None, None, None, str(error), "file.mixed_encoding")
    except NotCsvText as error:
        reason = f"the file is not CSV text: {error}"
        check.add(None, None, None, reason, "file.not_text")
    else:
        if body.empty:
            check.add(None, None, None, "the file is empty", "file.empty")
        elif body.head.unreadable_header:
            reason = body.head.unreadable_header
            check.add(None, None, None, reason, "header.unreadable")
        else:
            return body
    target.unlink(missing_ok=True)
    return None


def read(check: FileCheck, path: Path, typing: Table | None) -> bool:
    """`stage.file_<k>`: the file's rows (see read_csv). Read first in parallel with
    as many columns as the header; a file whose rows do not all fit that (or that
    DuckDB cannot read so) is read again one line at a time, with room for
    EXTRA_FIELDS more fields, after checking that its quotes pair up."""
    n = len(check.headers)
    try:
        check.width = n
        read_csv(check, path, n, typing, "null_padding=false, parallel=true")
        return True
    except duckdb.Error as error:
        if store.is_disk_full(error):
            raise
    if _odd_quotes(path):
        with open(path, encoding="utf-8", newline="") as lines:
            row = unclosed_quote_row(lines, check.report.delimiter)
        if row is not None:
            reason = "a quoted field is never closed (a '\"' is missing)"
            check.add(row, None, None, reason, "row.unclosed_quote")
            return False
    try:
        check.width = n + EXTRA_FIELDS
        options = "null_padding=true, parallel=false"
        read_csv(check, path, check.width, typing, options)
        return True
    except duckdb.Error as error:
        if store.is_disk_full(error):
            raise
        check.add(*read_error(str(error)), "file.unreadable")
        return False


def read_csv(
    check: FileCheck, path: Path, width: int, typing: Table | None, options: str
) -> None:
    """`stage.file_<k>` in file order from the file read with `width` columns: the
    values trimmed, placeholders as null; typed as the table `typing` (when the
    file is to be typed) in its column order, with what the checks read beside
    (see stage_selects); the columns without a header and the fields beyond it;
    `_blank`, whether every field is empty."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    kept, rest = split_columns(check, [f"c{i}" for i in range(width)])

    def text(n: str) -> str:  # NUL bytes found are removed (see find_nuls)
        return f"replace({n}, $mark, '')" if check.nuls else n

    values = [
        f"clean_value({text(n)}, $chars, $placeholders) as {n}"
        if i < len(check.headers)
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
    typed, checked, dates = _typed_selects(check, typing)
    matched = set(check.columns.values())
    checked += [
        n
        for i, n in kept
        if i not in matched and (i >= len(check.headers) or not check.headers[i])
    ]
    checked.append(f"not ({_filled(kept, rest)}) as _blank")
    check.con.execute(
        f"""
        create or replace table {STAGE}.file_{check.k} as
        with cleaned as (
            select {", ".join(values)}
            from read_csv($path, columns={{{columns}}},
                auto_detect=false, header=true,
                delim={DELIMITERS[check.report.delimiter]}, quote='"', escape='"',
                comment='', new_line='\\n', {options}, skip=0,
                max_line_size=20000000)
        ),

        {date_parts_ctes("cleaned", dates)},

        final as (
            select {", ".join(typed + checked)} from parts
        )

        select * from final
        """,
        {
            "path": str(path),
            "chars": TRIM_CHARS,
            "placeholders": PLACEHOLDERS,
            **({"mark": NUL_MARK} if check.nuls else {}),
        },
    )


def _typed_selects(
    check: FileCheck, typing: Table | None
) -> tuple[list[str], list[str], dict[str, str]]:
    """The select items of the canonical columns of `typing` (every one, in its
    order: those the file lacks as null), those the checks read beside, and the
    date columns (canonical name -> the column holding its text)."""
    if typing is None:
        return [], [], {}
    typed, checked = [], []
    for column in typing.columns:
        index = check.columns.get(column.name)
        if index is None:
            kind = DUCKDB_TYPES[column.type]
            value, beside = f"cast(null as {kind}) as {column.name}", []
        else:
            value, beside = stage_selects(column, f"c{index}")
        if column.name == "activity_type" and typing.name == "activities":
            base = None if index is None else value.removesuffix(" as activity_type")
            value = activity_type_select(check, base)
        typed.append(value)
        checked.extend(beside)
    dates = {
        c.name: f"c{check.columns[c.name]}"
        for c in typing.columns
        if c.type == DATE and c.name in check.columns
    }
    return typed, checked, dates


def find_nuls(check: FileCheck, path: Path) -> list[tuple[int, int]]:
    """(row, field index) of each field holding a NUL byte (kept as NUL_MARK in
    the text until here), read as the serial read numbers rows; none when the file
    cannot be read so (its read reports why)."""
    width = len(check.headers) + EXTRA_FIELDS
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    found = " union all ".join(
        f"select _row, {i} as i from lines where contains(c{i}, $mark)"
        for i in range(width)
    )
    try:
        return check.con.execute(
            f"""
            with lines as (
                select row_number() over () + 1 as _row, *
                from read_csv($path, columns={{{columns}}},
                    auto_detect=false, header=true,
                    delim={DELIMITERS[check.report.delimiter]}, quote='"',
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
    check: FileCheck, names: list[str]
) -> tuple[list[tuple[int, str]], list[str]]:
    """The columns read one by one (matched, without a header, beyond the
    header) as (index, name), and the others, read only to tell blank rows."""
    used = set(check.columns.values()) | set(check.extras.values())
    kept, rest = [], []
    for i, name in enumerate(names):
        if i >= len(check.headers) or i in used or not check.headers[i]:
            kept.append((i, name))
        else:
            rest.append(name)
    return kept, rest


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


def sample_text(path: Path) -> str:
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
