"""Partial import, an explicit choice (SPEC section 3): when only row-level
errors block (a bad date or number, a duplicate id, a date before the added
date...), the upload may be committed without those rows. The left-out rows are
written as CSV (the file's own header and fields, then `reason`), archived with
the upload and counted in the report."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from analytics.ingest.lines import prepare_text
from analytics.ingest.report import ERROR, ImportReport
from analytics.ingest.text import decode

if TYPE_CHECKING:
    from analytics.ingest.check import FileCheck

# Errors that belong to one row: leaving the row out leaves the rest sound.
ROW_CODES = frozenset(
    {
        "value.required",
        "date.unparseable",
        "date.not_real",
        "date.order_conflict",
        "date.before",
        "date.too_early",
        "number.unparseable",
        "number.negative",
        "id.duplicate",
        "quota.duplicate",
        "row.extra_fields",
        "row.header_repeat",
    }
)
REJECTED_SUFFIX = ".rejected.csv"


def record_bad_rows(check: FileCheck, sql: str, params: dict, code: str, rule: str):
    """Keep every row a row-level error rule finds in `bad_<k>` (the report
    quotes only the first MAX_PER_RULE); the rows found, as `sql` gives them, are
    left in the table `found_<k>` (the rule's query runs once)."""
    check.con.execute(
        f"create table if not exists bad_{check.k}"
        " (_row bigint, code varchar, rule varchar)"
    )
    check.con.execute(f"create or replace temp table found_{check.k} as {sql}", params)
    check.con.execute(
        f"insert into bad_{check.k} select _row, $bad_code, $bad_rule"
        f" from found_{check.k}",
        {"bad_code": code, "bad_rule": rule},
    )


def skippable(report: ImportReport) -> bool:
    """Whether every error is a row-level one (so a partial import may go on)."""
    errors = [p for p in report.problems if p.severity == ERROR]
    return bool(errors) and all(p.code in ROW_CODES for p in errors)


def drop_bad_rows(check: FileCheck) -> dict[int, str]:
    """Remove the rows with errors from `typed_<k>`; {row: reason} of those left
    out (the reported reason, else the rule's words for rows beyond the report)."""
    if (
        not check.typed
        or not check.con.execute(
            "select count(*) from information_schema.tables where table_name = $t",
            {"t": f"bad_{check.k}"},
        ).fetchone()[0]
    ):
        return {}
    reasons: dict[int, list[str]] = {}
    for p in check.report.problems:
        if p.severity == ERROR and p.row is not None:
            reasons.setdefault(p.row, []).append(p.reason)
    rows = check.con.execute(
        f"select _row, string_agg(distinct rule, '; ') from bad_{check.k}"
        " group by _row order by _row"
    ).fetchall()
    # typed_<k> is a view: it becomes the same rows without the bad ones (and
    # the commit leaves them out of the stored table, see FileCheck.finalize)
    check.con.execute(f"alter view typed_{check.k} rename to typed_all_{check.k}")
    check.con.execute(
        f"create view typed_{check.k} as select * from typed_all_{check.k}"
        f" where _row not in (select _row from bad_{check.k})"
    )
    check.left_out = True
    return {row: "; ".join(reasons.get(row, [rule])) for row, rule in rows}


def rejected_csv(content: bytes | Path, rejected: dict[int, str]) -> bytes:
    """The left-out rows as the user's file (its bytes or its path) had them, with
    a `reason` column (UTF-8 with a BOM, so that Excel opens it right)."""
    if not isinstance(content, bytes):
        content = Path(content).read_bytes()
    text, _ = decode(content)
    prepared = prepare_text(text.replace("\x00", ""))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    reader = csv.reader(io.StringIO(prepared.body), delimiter=prepared.delimiter)
    for number, fields in enumerate(reader, start=1):
        if number == 1:
            writer.writerow([*fields, "reason"])
        elif number in rejected:
            writer.writerow([*fields, rejected[number]])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def rejected_name(name: str) -> str:
    """`clients.csv` -> `clients.rejected.csv`."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem + REJECTED_SUFFIX
