"""The check's quick ways give what its exact ways give (SPEC section 3): an ISO
date written exactly `YYYY-MM-DD` is read without the date regexes, a value is
trimmed only when its bytes say it may need it, a duplicate id is found by the
hash of its key first, and a row-level rule's rows are found once for both the
report and a partial import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics import ingest, store
from analytics.ingest.report import MAX_PER_RULE


def csv(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def codes(report) -> list[tuple]:
    return [(p.row, p.code) for p in report.problems if p.severity == "error"]


def test_dates_near_the_iso_form_read_as_before():
    content = csv(
        "CRN,Account ID,Created Date",
        "C1,P1,2024-01-05",  # row 2: exactly YYYY-MM-DD
        "C2,P1,2024/01/06",  # row 3: ISO with slashes, ten characters
        "C3,P1,2024-1-07",  # row 4: ISO with a one-digit month
        "C4,P1,2024-02-30",  # row 5: ISO form, no such day
        "C5,P1,20240-1-05",  # row 6: ten characters, a five-digit year
        "C6,P1,-024-01-05",  # row 7: ten characters, a sign
        "C7,P1,2024-01-08T10:30",  # row 8: ISO with a time
    )
    report, _ = ingest.read_file("clients.csv", content)
    # Rows 5-7 are refused: a day 30 in February is not real; a five-digit
    # year and a sign are no date form at all.
    assert codes(report) == [
        (5, "date.not_real"),
        (6, "date.unparseable"),
        (7, "date.unparseable"),
    ]
    good = csv(
        "CRN,Account ID,Created Date",
        "C1,P1,2024-01-05",
        "C2,P1,2024/01/06",
        "C3,P1,2024-1-07",
        "C7,P1,2024-01-08T10:30",
    )
    report, table = ingest.read_file("clients.csv", good)
    assert report.ok
    assert report.date_formats == {"Created Date": "ISO"}
    assert table.column("added_date").to_pylist() == [
        dt.date(2024, 1, 5),
        dt.date(2024, 1, 6),
        dt.date(2024, 1, 7),
        dt.date(2024, 1, 8),
    ]


def test_an_iso_date_beside_slash_dates_keeps_the_column_order():
    # Row 3 says day-first (13 cannot be a month); the ISO date of row 2 is read
    # as it is, whatever the order.
    content = csv(
        "CRN,Account ID,Created Date",
        "C1,P1,2024-03-04",
        "C2,P1,13/02/2024",
    )
    report, table = ingest.read_file("clients.csv", content)
    assert report.ok
    assert table.column("added_date").to_pylist() == [
        dt.date(2024, 3, 4),
        dt.date(2024, 2, 13),
    ]


def test_values_are_trimmed_and_placeholders_dropped_whatever_their_bytes():
    content = csv(
        "CRN,Account ID,Opportunity Name,Created Date",
        'C1,P1," Ann ",2024-01-05',  # spaces both sides
        "C2,P1,\u00a0Bob\u00a0,2024-01-05",  # no-break spaces
        'C3,P1,"Zoë ",2024-01-05',  # not ASCII, a trailing space
        "C4,#n/a,Café,2024-01-05",  # a placeholder in lower case
        "C5,000000000000000aaa,\tTab,2024-01-05",  # 18-character placeholder
        "C6,0014J0000iyo8vB,#N/A1,2024-01-05",  # a real id; not a placeholder
        'C7,P1,"",2024-01-05',  # quoted empty
    )
    report, table = ingest.read_file("clients.csv", content)
    assert report.ok, [p.reason for p in report.problems]
    assert table.column("client_name").to_pylist() == [
        "Ann",
        "Bob",
        "Zoë",
        "Café",
        "Tab",
        "#N/A1",
        None,
    ]
    assert table.column("partner_id").to_pylist() == [
        "P1",
        "P1",
        "P1",
        None,
        None,
        "0014J0000iyo8vB",
        "P1",
    ]


def test_duplicate_ids_name_the_first_row_of_their_key():
    content = csv(
        "CRN,Account ID,Created Date",
        "0061t00000AbCdE,P1,2024-01-05",  # row 2: first of its key
        "0061t00000XyZwV,P1,2024-01-05",  # row 3: alone
        "0061t00000AbCdEAAX,P1,2024-01-06",  # row 4: row 2's key (18 characters)
        "0061t00000AbCdE,P1,2024-01-07",  # row 5: row 2's id again
    )
    report, _ = ingest.read_file("clients.csv", content)
    assert [(p.row, p.reason) for p in report.problems if p.severity == "error"] == [
        (
            4,
            "duplicate client_id '0061t00000AbCdEAAX'"
            " (also on row 2 as '0061t00000AbCdE')",
        ),
        (5, "duplicate client_id '0061t00000AbCdE' (also on row 2)"),
    ]


def test_a_partial_import_leaves_out_every_row_of_a_rule_beyond_the_report(
    tmp_path: Path,
):
    # C1 on rows 2 to MAX_PER_RULE + 3: every row after row 2 is a duplicate,
    # MAX_PER_RULE + 1 of them: the report quotes MAX_PER_RULE and counts 1 more.
    extra = MAX_PER_RULE + 1
    rows = [f"C1,P1,2024-01-05,{n}" for n in range(extra + 1)]
    clients = csv("CRN,Account ID,Created Date,Amount", *rows, "C2,P1,2024-01-06,7")
    partners = csv("Account ID,Account Name,Account Owner", "P1,Alpha,Ann")
    files = [("partners.csv", partners), ("clients.csv", clients)]
    result = ingest.import_files(tmp_path, files, skip_bad_rows=True)
    errors = [p for p in result.report.problems if p.severity == "error"]
    quoted = [p.row for p in errors if p.row is not None]
    assert quoted == list(range(3, MAX_PER_RULE + 3))
    assert [(p.reason, p.count) for p in errors if p.row is None] == [
        ("1 more rows: duplicate client_id", 1)
    ]
    assert result.report.files[1].rejected_rows == extra
    with store.connect(tmp_path) as con:
        assert con.execute(
            "select client_id, monthly_value from clients order by 1"
        ).fetchall() == [("C1", 0.0), ("C2", 7.0)]
