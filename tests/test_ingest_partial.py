"""Partial import on request, problem codes and the summary, and the command line
at parity with the Data page (SPEC sections 3 and 7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from analytics import ingest, mappings, store, versions
from tests.test_cli_import import run_import as run_cli

PARTNERS = b"Account ID,Account Name,Account Owner\nP1,Alpha,Ann\n"
CLIENTS = (
    b"CRN,Account ID,Created Date,Amount\n"
    b"C1,P1,2024-01-05,10\n"
    b"C2,P1,2024-13-45,20\n"  # row 3: not a real date
    b'C3,P1,2024-01-07,"1,5x"\n'  # row 4: not a number
    b"C1,P1,2024-01-08,40\n"  # row 5: C1 again
    b"C5,P1,2024-01-09,50\n"
)


def test_without_the_choice_row_errors_block(tmp_path: Path):
    files = [("partners.csv", PARTNERS), ("clients.csv", CLIENTS)]
    result = ingest.import_files(tmp_path, files)
    assert result.upload is None
    assert [(p.code, p.row) for p in result.report.problems] == [
        ("date.not_real", 3),
        ("number.unparseable", 4),
        ("id.duplicate", 5),
    ]


def test_partial_import_leaves_out_the_bad_rows_and_archives_them(tmp_path: Path):
    files = [("partners.csv", PARTNERS), ("clients.csv", CLIENTS)]
    result = ingest.import_files(tmp_path, files, skip_bad_rows=True)
    assert result.upload is not None
    # 5 rows, 3 with errors (rows 3, 4, 5): C1 (row 2) and C5 (row 6) are kept.
    with store.connect(tmp_path) as con:
        assert con.execute(
            "select client_id, added_date, monthly_value from clients order by 1"
        ).fetchall() == [
            ("C1", dt.date(2024, 1, 5), 10.0),
            ("C5", dt.date(2024, 1, 9), 50.0),
        ]
    assert result.report.files[1].rejected_rows == 3
    assert result.report.outcome() == (
        f"committed as version {versions.version_name(result.upload.version)}"
        " without 3 rows with errors"
        " (left out, archived with a reason)"
    )
    rejected = result.rejected["clients.csv"]
    assert rejected.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(rejected.decode("utf-8-sig")))) == [
        ["CRN", "Account ID", "Created Date", "Amount", "reason"],
        ["C2", "P1", "2024-13-45", "20", "date '2024-13-45' is not a real date"],
        ["C3", "P1", "2024-01-07", "1,5x", "'1,5x' is not a number"],
        ["C1", "P1", "2024-01-08", "40", "duplicate client_id 'C1' (also on row 2)"],
    ]
    # Archived with the upload, with its checksum and its 3 rows counted.
    archived = {f.table: f for f in result.upload.files}
    assert archived["clients.rejected"].name == "clients.rejected.csv"
    assert archived["clients.rejected"].rows == 3
    assert archived["clients"].rows == 5


def test_a_file_level_error_is_never_skipped(tmp_path: Path):
    missing = b"CRN,Created Date\nC1,2024-01-05\n"  # no Account ID column
    files = [("partners.csv", PARTNERS), ("clients.csv", CLIENTS), ("x.csv", missing)]
    result = ingest.import_files(
        tmp_path, files, tables={"x.csv": "clients"}, skip_bad_rows=True
    )
    assert result.upload is None and store.current_version(tmp_path) is None


def test_the_summary_has_one_line_per_file_rule_and_column(tmp_path: Path):
    clients = (
        b"CRN,Account ID,Created Date\n"
        b"C1,P1,2024-02-30\nC2,P1,2024-02-31\nC3,P1,2024-01-05\nC3,P1,2024-01-06\n"
    )
    report = ingest.check_files(tmp_path, [("clients.csv", clients)]).report
    assert [
        (s.file, s.severity, s.code, s.column, s.count, s.rows)
        for s in report.summary()
    ] == [
        ("clients.csv", "error", "date.not_real", "Created Date", 2, [2, 3]),
        ("clients.csv", "error", "id.duplicate", "CRN", 1, [5]),
        # C1..C3 match no partner (there is no dataset yet): rows 2-5.
        ("clients.csv", "warning", "partner.not_found", "Account ID", 4, [2, 3, 4, 5]),
    ]


def test_cli_maps_skips_bad_rows_and_writes_the_problems(tmp_path: Path):
    partners = tmp_path / "partners.csv"
    partners.write_bytes(PARTNERS)
    clients = tmp_path / "odd.csv"
    clients.write_bytes(CLIENTS.replace(b"CRN,", b"Ref,"))
    problems = tmp_path / "problems.csv"
    done = run_cli(
        tmp_path / "store",
        partners,
        clients,
        "--map",
        "clients.client_id=Ref",
        "--skip-bad-rows",
        "--problems",
        problems,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rows left out (with errors): 3" in done.stdout
    with store.connect(tmp_path / "store") as con:
        assert con.execute("select client_id from clients order by 1").fetchall() == [
            ("C1",),
            ("C5",),
        ]
    written = list(csv.DictReader(io.StringIO(problems.read_text("utf-8-sig"))))
    assert [(r["code"], r["row"]) for r in written] == [
        ("date.not_real", "3"),
        ("number.unparseable", "4"),
        ("id.duplicate", "5"),
    ]


def test_cli_applies_a_mapping_remembered_on_the_data_page(tmp_path: Path):
    data_dir = tmp_path / "store"
    headers = ["Ref", "Practice", "Joined"]
    mappings.save_mapping(
        data_dir,
        "clients",
        headers,
        {"client_id": "Ref", "partner_id": "Practice", "added_date": "Joined"},
    )
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Ref,Practice,Joined\nC1,P1,2024-01-05\n")
    done = run_cli(data_dir, path)
    assert done.returncode == 0, done.stdout
    assert (
        "  remembered mapping (Data page): Ref -> client_id, Practice -> partner_id,"
        " Joined -> added_date"
    ) in done.stdout.splitlines()
    with store.connect(data_dir) as con:
        assert con.execute("select client_id, partner_id from clients").fetchall() == [
            ("C1", "P1")
        ]


def test_cli_refuses_a_map_naming_no_column_with_exit_2(tmp_path: Path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Ref,Practice\nC1,P1\n")
    done = run_cli(tmp_path / "store", path, "--map", "clients.crn=Ref")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "error: --map 'clients.crn=Ref': clients has no column"
    )
    assert not (tmp_path / "store").exists()


# --- issue 14: rows that are not records ------------------------------------------


def test_a_row_equal_to_the_header_is_an_error_naming_its_row(tmp_path: Path):
    partners = (
        b"Account ID,Account Name,Account Owner\n"
        b"P1,Alpha,Ann\n"
        b"Account ID,Account Name,Account Owner\n"  # row 3: two exports pasted
        b"P2,Beta,Bob\n"
    )
    report = ingest.check_files(tmp_path, [("partners.csv", partners)]).report
    assert [(p.code, p.row, p.reason) for p in report.problems] == [
        ("row.header_repeat", 3, "row 3 repeats the header row")
    ]


def test_dates_before_1900_are_errors(tmp_path: Path):
    clients = (
        b"CRN,Account ID,Created Date\n"
        b"C1,P1,0000-01-01\n"  # year 0 (DuckDB's calendar has one): before 1900
        b"C2,P1,0001-01-01\n"  # year 1: before 1900
        b"C3,P1,1899-12-31\n"
        b"C4,P1,1900-01-01\n"  # the first day accepted
    )
    report = ingest.check_files(tmp_path, [("clients.csv", clients)]).report
    assert [(p.code, p.row) for p in report.problems if p.severity == "error"] == [
        ("date.too_early", 2),
        ("date.too_early", 3),
        ("date.too_early", 4),
    ]


def test_decimal_marks_are_decided_per_column_from_all_its_values(tmp_path: Path):
    # A semicolon file: 12,5 can only be a decimal comma, so the column's points
    # are thousands: 15.200 is 15200 and 9.800 is 9800; 1,234 is 1.234.
    clients = (
        b"CRN;Account ID;Created Date;Amount\n"
        b"C1;P1;2024-01-05;15.200\n"
        b"C2;P1;2024-01-05;9.800\n"
        b"C3;P1;2024-01-05;12,5\n"
        b"C4;P1;2024-01-05;1,234\n"
    )
    result = ingest.check_files(tmp_path, [("clients.csv", clients)])
    assert result.tables["clients"].column("monthly_value").to_pylist() == [
        15200.0,
        9800.0,
        12.5,
        1.234,
    ]
    # With nothing but 15.200 in a semicolon file, the point is still thousands.
    only = b"CRN;Account ID;Created Date;Amount\nC1;P1;2024-01-05;15.200\n"
    result = ingest.check_files(tmp_path, [("clients.csv", only)])
    assert result.tables["clients"].column("monthly_value").to_pylist() == [15200.0]


def test_a_column_with_both_decimal_marks_is_refused_naming_them(tmp_path: Path):
    clients = (
        b"CRN;Account ID;Created Date;Amount\n"
        b"C1;P1;2024-01-05;12,5\n"  # only a decimal comma
        b"C2;P1;2024-01-05;1,234.50\n"  # only a decimal point
    )
    report = ingest.check_files(tmp_path, [("clients.csv", clients)]).report
    assert [
        (p.code, p.column, p.reason) for p in report.problems if p.severity == "error"
    ] == [
        (
            "number.mixed_marks",
            "Amount",
            "the column mixes decimal marks: row 2 '12,5' has a decimal comma, row 3"
            " '1,234.50' a decimal point; save the file with one",
        )
    ]


def test_progress_is_told_each_stage_with_its_file_and_rows(tmp_path: Path):
    seen = []

    def progress(stage: str, name: str, rows: int, seconds: float) -> None:
        seen.append((stage, name, rows))

    files = [("partners.csv", PARTNERS), ("clients.csv", CLIENTS.split(b"C2")[0])]
    result = ingest.import_files(tmp_path, files, progress=progress)
    assert result.upload is not None
    # 1 partner and 1 client read, then checked; the commit stores 1 + 1 rows.
    assert seen == [
        ("read", "partners.csv", 1),
        ("read", "clients.csv", 1),
        ("check", "partners.csv", 1),
        ("check", "clients.csv", 1),
        ("commit", "partners.csv, clients.csv", 2),
    ]
