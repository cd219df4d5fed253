"""The check's database becomes the new version: each file is read once into it,
typed, and the commit keeps those rows in place. What is stored must be exactly the
dataset's tables and columns, with the values as the upload's checks settled them
(retyped in place where the read guessed otherwise) and without the rows the
checks only looked at (blank rows, rows left out of a partial import)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics import ingest, rollups, schema, store

PARTNERS = b"Account ID,Account Name,Account Owner\nP1,Alpha,Ann Lee\nP2,Beta,Bob Ray\n"


def stored(directory: Path, sql: str) -> list[tuple]:
    with store.connect(directory) as con:
        return con.execute(sql).fetchall()


def test_values_read_otherwise_are_retyped_and_blank_rows_not_stored(tmp_path):
    # A semicolon file: its decimals are commas (12,50 and 1.234,50 can only be
    # read so); its slash dates are month-first (03/13 and 12/31 have a second
    # part above 12), so the ambiguous 02/01/2024 is 1 February. Row 4 is blank.
    clients = (
        b"CRN;Account ID;Created Date;Amount\n"
        b"C1;P1;03/13/2024;12,50\n"
        b"C2;P1;02/01/2024;7\n"
        b"\n"
        b"C3;P2;12/31/2023;1.234,50\n"
    )
    directory = tmp_path / "store"
    result = ingest.import_files(
        directory, [("partners.csv", PARTNERS), ("clients.csv", clients)]
    )
    assert result.report.ok, result.report.format_text()
    assert stored(
        directory,
        "select client_id, added_date, monthly_value from clients order by client_id",
    ) == [
        ("C1", dt.date(2024, 3, 13), 12.5),
        ("C2", dt.date(2024, 2, 1), 7.0),  # month-first, as the column says
        ("C3", dt.date(2023, 12, 31), 1234.5),  # 1.234,50: point thousands
    ]
    # Only the dataset's tables, each with exactly its columns in their order:
    # nothing of the check (the text of dates, their forms, `_blank`) is left.
    with store.connect(directory) as con:
        names = {r[0] for r in con.execute("show tables").fetchall()}
        for name, table in store.ALL_TABLES.items():
            columns = [d[0] for d in con.execute(f"select * from {name}").description]
            assert columns == table.column_names
    derived = set(rollups.TABLES)  # the staging tables and rollups, built after
    assert not [
        n
        for n in names
        if n not in store.ALL_TABLES and not n.startswith("stg_") and n not in derived
    ]
    assert stored(directory, "select count(*) from partners") == [(2,)]


def test_a_partial_import_stores_the_rows_without_errors(tmp_path):
    # Row 3 (C2) has 2024-13-05, month 13: not a real date; left out on request.
    clients = (
        b"CRN,Account ID,Created Date\n"
        b"C1,P1,2024-01-05\n"
        b"C2,P1,2024-13-05\n"
        b"C3,P2,2024-02-07\n"
    )
    directory = tmp_path / "store"
    result = ingest.import_files(
        directory,
        [("partners.csv", PARTNERS), ("clients.csv", clients)],
        skip_bad_rows=True,
    )
    assert result.upload is not None
    assert [
        (p.row, p.code) for p in result.report.problems if p.severity == ingest.ERROR
    ] == [(3, "date.not_real")]
    assert stored(
        directory, "select client_id, added_date from clients order by 1"
    ) == [
        ("C1", dt.date(2024, 1, 5)),
        ("C3", dt.date(2024, 2, 7)),
    ]
    assert result.upload.tables["clients"] == 2


def test_a_check_without_commit_leaves_the_dataset_unchanged(tmp_path):
    directory = tmp_path / "store"
    ingest.import_files(directory, [("partners.csv", PARTNERS)])
    before = store.current_version(directory)
    checked = ingest.check_files(directory, [("partners.csv", PARTNERS)])
    # The check's typed rows are readable; nothing was committed.
    assert [r["partner_id"] for r in checked.tables["partners"].to_pylist()] == [
        "P1",
        "P2",
    ]
    assert store.current_version(directory) == before
    columns = checked.tables["partners"].column_names
    assert columns == schema.TABLES["partners"].column_names
