"""Bad input (SPEC section 3): every file in a corpus generated here is either
imported exactly or refused with a message naming the problem (and its row and
column where it has one), and a refused upload leaves the committed dataset as it
was: the same current version and the same checksum for every table.

A representative subset runs through the CLI (`python -m analytics import`, exit 1
when blocked); the rest through `ingest.import_paths`. Fixture dates are in 2024 so
none is "in the future"."""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from analytics import ingest, store
from tests.conftest import copy_dataset, run_cli

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

PARTNERS = (
    b"Account ID,Account Name,Account Owner,League,Business Plan Aim\n"
    b"P1,Alpha Books,Ann Lee,Premiership,10\n"
    b"P2,Beta Ledger,Bob Ray,,5\n"
)
CLIENTS = (
    b"CRN,Account ID,Created Date,Amount\nC1,P1,2024-01-05,100\nC2,P2,2024-01-06,50\n"
)
ACTIVITIES = (
    b"Activity ID,Account ID,Assigned,Type,Status,Date\n"
    b"A1,P1,Ann Lee,Call,Completed,2024-01-05\n"
)
HEADER = "CRN,Account ID,Created Date,Amount\n"
NAMED = "CRN,Account ID,Created Date,Opportunity Name\n"


@pytest.fixture(scope="module")
def dataset_template(tmp_path_factory) -> Path:
    """A committed dataset: partners P1, P2; clients C1, C2; activity A1."""
    directory = tmp_path_factory.mktemp("template") / "store"
    result = ingest.import_files(
        directory,
        [
            ("partners.csv", PARTNERS),
            ("clients.csv", CLIENTS),
            ("activities.csv", ACTIVITIES),
        ],
    )
    assert result.report.ok and result.upload is not None
    return directory


@pytest.fixture
def dataset(dataset_template: Path, tmp_path: Path) -> Path:
    """The template dataset, copied for this test (which may change it)."""
    return copy_dataset(dataset_template, tmp_path / "store")


def snapshot(directory: Path) -> tuple[str | None, dict[str, str]]:
    return store.current_version(directory), store.table_checksums(directory)


@contextmanager
def unchanged(directory: Path) -> Iterator[None]:
    """The current version and every table's checksum are the same afterwards."""
    before = snapshot(directory)
    yield
    assert snapshot(directory) == before


def errors(report: ingest.ImportReport) -> list[tuple]:
    return [
        (p.row, p.column, p.reason) for p in report.problems if p.severity == "error"
    ]


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def refused(directory: Path, path: Path, **options) -> list[tuple]:
    """Import `path`, which must be blocked without changing the dataset; its
    errors as (row, column, reason)."""
    with unchanged(directory):
        result = ingest.import_paths(directory, [path], **options)
    assert not result.report.ok and result.upload is None
    assert result.report.outcome().startswith("blocked:")
    return errors(result.report)


def imported(directory: Path, path: Path, **options) -> ingest.ImportReport:
    result = ingest.import_paths(directory, [path], **options)
    assert result.report.ok, result.report.format_text()
    assert store.current_version(directory) == result.upload.version
    return result.report


def cli(directory: Path, path: Path) -> subprocess.CompletedProcess:
    """The import command, run in-process (tests/conftest.py run_cli)."""
    return run_cli("--data-dir", directory, "import", path)


def cli_refused(directory: Path, path: Path) -> list[str]:
    """Run the CLI import, which must exit 1 and change nothing; its problem lines."""
    with unchanged(directory):
        done = cli(directory, path)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout.splitlines()
    assert out[-1].startswith("blocked:")
    return [line.strip() for line in out if line.startswith("  error")]


def rows(directory: Path, sql: str, params: list | None = None) -> list[tuple]:
    with store.connect(directory) as con:
        return con.execute(sql, params or []).fetchall()


# --- refused through the CLI (exit 1) -----------------------------------------


def test_empty_file_cli(dataset: Path, tmp_path: Path):
    path = write(tmp_path / "clients.csv", b"")
    assert cli_refused(dataset, path) == ["error: clients.csv: the file is empty"]


def test_header_only_cli(dataset: Path, tmp_path: Path):
    path = write(tmp_path / "clients.csv", HEADER.encode())
    assert cli_refused(dataset, path) == [
        "error: clients.csv: the file has a header but no data rows"
    ]


def test_binary_junk_cli(dataset: Path, tmp_path: Path):
    junk = random.Random(7).randbytes(64 * 1024)  # 64 KB of seeded random bytes
    path = write(tmp_path / "clients.csv", junk)
    assert cli_refused(dataset, path) == [
        "error: clients.csv: the file is not CSV text:"
        " it contains NUL bytes (a binary file, not CSV text)"
    ]


def test_truncated_mid_quote_cli(dataset: Path, tmp_path: Path):
    # The file stops inside the quoted partner id of row 3.
    content = HEADER + 'C3,P1,2024-01-05,1\nC4,"P1,2024-'
    path = write(tmp_path / "clients.csv", content.encode())
    assert cli_refused(dataset, path) == [
        "error: clients.csv:3: a quoted field is never closed (a '\"' is missing)"
    ]


def test_mixed_encodings_cli(dataset: Path, tmp_path: Path):
    # Line 2 saved as Windows-1252 (é = E9), line 3 as UTF-8 (ë = C3 AB): no single
    # decoding reads both, so the file is refused rather than read as mojibake.
    content = (
        NAMED.encode()
        + "C3,P1,2024-01-05,Café\n".encode("cp1252")
        + "C4,P1,2024-01-05,Zoë\n".encode()
    )
    path = write(tmp_path / "clients.csv", content)
    assert cli_refused(dataset, path) == [
        "error: clients.csv: the file mixes text encodings: line 3 is UTF-8"
        " ('C4,P1,2024-01-05,Zoë') but line 2 is not ('C3,P1,2024-01-05,Café');"
        " save the whole file again in one encoding (UTF-8)"
    ]


def test_impossible_date_cli(dataset: Path, tmp_path: Path):
    path = write(tmp_path / "clients.csv", (HEADER + "C3,P1,31/02/2026,1\n").encode())
    assert cli_refused(dataset, path) == [
        "error: clients.csv:2 Created Date=31/02/2026:"
        " date '31/02/2026' is not a real date"
    ]


def test_number_beyond_bigint_cli(dataset: Path, tmp_path: Path):
    # 9223372036854775808 = 2^63, one above BIGINT's largest value.
    content = (
        "Account ID,Account Name,Account Owner,Business Plan Aim\n"
        "P1,Alpha Books,Ann Lee,9223372036854775808\n"
    )
    path = write(tmp_path / "partners.csv", content.encode())
    assert cli_refused(dataset, path) == [
        "error: partners.csv:2 Business Plan Aim=9223372036854775808:"
        " '9223372036854775808' is too large"
    ]


def test_sql_looking_header_is_ignored_and_nothing_is_dropped_cli(
    dataset: Path, tmp_path: Path
):
    content = (
        'CRN,Account ID,Created Date,"x""; DROP TABLE clients; --"\n'
        "C3,P1,2024-01-05,'); DROP TABLE partners; --\n"
    )
    path = write(tmp_path / "clients.csv", content.encode())
    done = cli(dataset, path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '  ignored: x"; DROP TABLE clients; --' in done.stdout.splitlines()
    assert (
        '  warning: clients.csv:1 x"; DROP TABLE clients; --:'
        " column ignored: it matches no column"
    ) in done.stdout.splitlines()
    # Every table is still there: clients replaced by the 1 new row, partners
    # and activities as committed by the fixture (2 and 1 rows).
    assert rows(dataset, "select client_id from clients") == [("C3",)]
    assert rows(dataset, "select count(*) from partners") == [(2,)]
    assert rows(dataset, "select count(*) from activities") == [(1,)]


# --- refused through ingest.import_paths ---------------------------------------


def test_binary_without_nul_bytes(dataset: Path, tmp_path: Path):
    # Control characters only (no NUL): 31 control bytes x 100 > 8 allowed.
    path = write(tmp_path / "clients.csv", bytes(range(1, 32)) * 100)
    assert refused(dataset, path) == [
        (None, None, "the file is not CSV text: it contains binary data, not CSV text")
    ]


def test_an_isolated_nul_byte_in_a_text_file_is_removed_and_warned(
    dataset: Path, tmp_path: Path
):
    # SPEC 2: isolated NUL bytes inside fields are removed, with one warning.
    content = (HEADER + "C3,P1,2024-01-05,1\x00\n").encode()
    path = write(tmp_path / "clients.csv", content)
    result = ingest.import_paths(dataset, [path])
    assert [(p.code, p.reason) for p in result.report.problems] == [
        (
            "text.nul_removed",
            "1 NUL byte was removed from 1 field in row 2 (column Amount)",
        )
    ]
    assert result.tables["clients"].column("monthly_value").to_pylist() == [1.0]


def test_truncated_utf16(dataset: Path, tmp_path: Path):
    # A UTF-16 mark followed by an odd number of bytes: the last character is cut.
    content = ("\ufeff" + HEADER + "C3,P1,2024-01-05,1\n").encode("utf-16-le")[:-1]
    path = write(tmp_path / "clients.csv", content)
    assert refused(dataset, path) == [
        (None, None, "the file is not CSV text: it is not valid UTF-16 text")
    ]


def test_duplicate_ids(dataset: Path, tmp_path: Path):
    content = HEADER + "C3,P1,2024-01-05,1\nC4,P1,2024-01-05,1\nC3,P2,2024-01-06,2\n"
    path = write(tmp_path / "clients.csv", content.encode())
    assert refused(dataset, path) == [
        (4, "CRN", "duplicate client_id 'C3' (also on row 2)")
    ]


def test_bad_and_impossible_dates(dataset: Path, tmp_path: Path):
    content = HEADER + (
        "C3,P1,31/02/2026,1\n"  # row 2: 31 February
        "C4,P1,29/02/2025,1\n"  # row 3: 2025 is not a leap year
        "C5,P1,2026-02-30,1\n"  # row 4: ISO, 30 February
        "C6,P1,2026-13-01,1\n"  # row 5: month 13
        "C7,P1,00/01/2026,1\n"  # row 6: day 0
        "C8,P1,yesterday,1\n"  # row 7: not a date at all
    )
    path = write(tmp_path / "clients.csv", content.encode())
    assert refused(dataset, path) == [
        (2, "Created Date", "date '31/02/2026' is not a real date"),
        (3, "Created Date", "date '29/02/2025' is not a real date"),
        (4, "Created Date", "date '2026-02-30' is not a real date"),
        (5, "Created Date", "date '2026-13-01' is not a real date"),
        (6, "Created Date", "date '00/01/2026' is not a real date"),
        (
            7,
            "Created Date",
            "'yesterday' is not a date (expected e.g. 2026-11-03 or 03/11/2026)",
        ),
    ]


def test_negative_numbers(dataset: Path, tmp_path: Path):
    clients = write(
        tmp_path / "clients.csv", (HEADER + "C3,P1,2024-01-05,-5\n").encode()
    )
    assert refused(dataset, clients) == [
        (2, "Amount", "monthly value '-5' is negative; it cannot be below 0")
    ]
    partners = write(
        tmp_path / "partners.csv",
        b"Account ID,Account Name,Account Owner,Business Plan Aim\nP1,A,Ann,-1\n",
    )
    assert refused(dataset, partners) == [
        (
            2,
            "Business Plan Aim",
            "business plan aim '-1' is negative; it cannot be below 0",
        )
    ]


def test_huge_numbers(dataset: Path, tmp_path: Path):
    content = HEADER + (
        "C3,P1,2024-01-05,100000000000000000000000000000\n"  # 10^29
        'C4,P1,2024-01-05,"1,000,000,000,000,000.00"\n'  # 10^18 with separators
        "C5,P1,2024-01-05,999999999999999.50\n"  # just below 10^15: accepted
    )
    path = write(tmp_path / "clients.csv", content.encode())
    assert refused(dataset, path) == [
        (2, "Amount", "'100000000000000000000000000000' is too large"),
        (3, "Amount", "'1,000,000,000,000,000.00' is too large"),
    ]


def test_largest_bigint_aim_imports_exactly(dataset: Path, tmp_path: Path):
    content = (
        "Account ID,Account Name,Account Owner,Business Plan Aim\n"
        "P1,Alpha Books,Ann Lee,9223372036854775807\n"  # 2^63 - 1
    )
    imported(dataset, write(tmp_path / "partners.csv", content.encode()))
    assert rows(dataset, "select business_plan_aim from partners") == [
        (9223372036854775807,)
    ]


def test_one_megabyte_number_is_refused_with_a_short_message(
    dataset: Path, tmp_path: Path
):
    digits = "9" * MB
    path = write(
        tmp_path / "clients.csv", (HEADER + f"C3,P1,2024-01-05,{digits}\n").encode()
    )
    found = refused(dataset, path)
    # The value is quoted cut to 200 characters: 197 nines and "...".
    shown = "9" * 197 + "..."
    assert found == [(2, "Amount", f"'{shown}' is too large")]


def test_one_megabyte_header_cell(dataset: Path, tmp_path: Path):
    content = NAMED.rstrip("\n") + ",x" + "h" * MB + "\nC3,P1,2024-01-05,a,b\n"
    path = write(tmp_path / "clients.csv", content.encode())
    assert refused(dataset, path) == [
        (
            None,
            None,
            "the header row cannot be read: a field in it is longer than 131,072"
            " characters (or a quote in it never closes)",
        )
    ]


def test_a_stray_carriage_return_ends_a_line(dataset: Path, tmp_path: Path):
    # LF line ends with one CR inside row 2: the CR ends the line there (as in
    # universal newlines), so row 2 lacks its date and row 3 its id and date.
    content = "CRN,Account ID,Created Date\nC3,P1\r,2024-01-05\n"
    path = write(tmp_path / "clients.csv", content.encode())
    assert refused(dataset, path) == [
        (2, "Created Date", "required added_date is empty"),
        (3, "CRN", "required client_id is empty"),
        (3, "Created Date", "required added_date is empty"),
    ]


def test_sql_in_a_table_name_or_mapping_is_an_error_not_a_query(dataset: Path):
    content = (NAMED + "C3,P1,2024-01-05,x\n").encode()
    with unchanged(dataset):
        result = ingest.import_files(
            dataset,
            [("clients.csv", content)],
            tables={"clients.csv": "clients; drop table partners"},
        )
    assert errors(result.report) == [
        (
            None,
            None,
            "unknown table 'clients; drop table partners' (one of partners,"
            " clients, activities, quotas, account_plans, contacts, users)",
        )
    ]
    with unchanged(dataset):
        result = ingest.import_files(
            dataset,
            [("clients.csv", content)],
            tables={"clients.csv": "clients"},
            mappings={"clients.csv": {"client_name": "x'); drop table clients; --"}},
        )
    assert errors(result.report) == [
        (
            1,
            "x'); drop table clients; --",
            "header 'x'); drop table clients; --' is not in the file",
        )
    ]


@pytest.mark.slow  # a large file
def test_an_error_in_a_file_of_ten_thousand_columns(dataset: Path, tmp_path: Path):
    header = ",".join(
        ["CRN", "Account ID", "Created Date"] + [f"x{i}" for i in range(10_000)]
    )
    row = ",".join(["C3", "P1", "2024-13-05"] + ["v"] * 10_000)
    path = write(tmp_path / "clients.csv", f"{header}\n{row}\n".encode())
    assert refused(dataset, path) == [
        (2, "Created Date", "date '2024-13-05' is not a real date")
    ]


# --- imported exactly ---------------------------------------------------------


def test_utf16_with_and_without_a_byte_order_mark(dataset: Path, tmp_path: Path):
    text = NAMED + "C3,P1,2024-01-05,Łódź Zoë\n"  # not in Windows-1252
    for name, content, encoding in [
        ("bom.csv", ("\ufeff" + text).encode("utf-16-le"), "UTF-16"),
        ("le.csv", text.encode("utf-16-le"), "UTF-16 (no byte-order mark)"),
        ("be.csv", text.encode("utf-16-be"), "UTF-16 (no byte-order mark)"),
    ]:
        report = imported(dataset, write(tmp_path / name, content))
        assert report.files[0].encoding == encoding
        assert rows(dataset, "select client_id, client_name from clients") == [
            ("C3", "Łódź Zoë")
        ]


def test_formula_cells_import_unchanged_as_text(dataset: Path, tmp_path: Path):
    # Formula-looking cells are valid text; they are neutralised only on download.
    content = NAMED + (
        'C3,P1,2024-01-05,"=HYPERLINK(""http://evil.example"",""x"")"\n'
        "C4,P1,2024-01-05,+1\n"
        "C5,P1,2024-01-05,-1\n"
        "C6,P1,2024-01-05,@SUM(A1:A9)\n"
        "C7,P1,2024-01-05,=1+2\n"
    )
    imported(dataset, write(tmp_path / "clients.csv", content.encode()))
    assert rows(dataset, "select client_id, client_name from clients order by 1") == [
        ("C3", '=HYPERLINK("http://evil.example","x")'),
        ("C4", "+1"),
        ("C5", "-1"),
        ("C6", "@SUM(A1:A9)"),
        ("C7", "=1+2"),
    ]


@pytest.mark.slow  # a large file
def test_one_megabyte_text_cell_imports_whole(dataset: Path, tmp_path: Path):
    name = "é" + "x" * (MB - 2) + "é"  # 1,048,576 characters
    content = (NAMED + f'C3,P1,2024-01-05,"{name}"\n').encode()
    imported(dataset, write(tmp_path / "clients.csv", content))
    found = rows(
        dataset, "select length(client_name), client_name = ? from clients", [name]
    )
    assert found == [(MB, True)]


@pytest.mark.slow  # a large file
def test_ten_thousand_columns_import_and_are_listed_as_ignored(
    dataset: Path, tmp_path: Path
):
    extra = [f"x{i}" for i in range(10_000)]
    header = ",".join(["CRN", "Account ID", "Created Date"] + extra)
    row = ",".join(["C3", "P1", "2024-01-05"] + ["v"] * 10_000)
    blank = ",".join(["", "", ""] + ["#N/A"] * 10_000)  # placeholders only: blank
    path = write(tmp_path / "clients.csv", f"{header}\n{row}\n{blank}\n".encode())
    report = imported(dataset, path)
    assert report.files[0].ignored == extra
    assert report.files[0].rows == 1
    assert report.warning_count == 10_000
    assert rows(dataset, "select client_id, partner_id, added_date from clients") == [
        ("C3", "P1", dt.date(2024, 1, 5))
    ]


def test_blank_rows_are_told_by_every_column(dataset: Path, tmp_path: Path):
    # Row 3 has only a placeholder in an ignored column: blank, skipped. Row 4 has
    # text in an ignored column only: a row, so its empty required values block.
    content = (
        "CRN,Account ID,Created Date,Notes\nC3,P1,2024-01-05,x\n,,,#N/A\n,,,some text\n"
    )
    path = write(tmp_path / "clients.csv", content.encode())
    assert refused(dataset, path) == [
        (4, "CRN", "required client_id is empty"),
        (4, "Created Date", "required added_date is empty"),
    ]


# --- the size limit -------------------------------------------------------------


def test_bytes_above_the_limit_are_refused_before_decoding(dataset: Path, monkeypatch):
    monkeypatch.setenv(ingest.MAX_FILE_MB_ENV, "1")
    # 1.5 MB of NUL bytes: decoded, it would be "not CSV text"; the size comes first.
    content = b"\x00" * (MB + MB // 2)
    with unchanged(dataset):
        result = ingest.import_files(dataset, [("clients.csv", content)])
    assert errors(result.report) == [
        (
            None,
            None,
            "the file is 1.5 MB, above the limit of 1 MB (AMD_MAX_FILE_MB);"
            " split it or raise the limit",
        )
    ]


def test_a_file_above_the_limit_is_refused_from_its_size(
    dataset: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv(ingest.MAX_FILE_MB_ENV, "2")
    path = tmp_path / "clients.csv"
    with open(path, "wb") as handle:
        handle.truncate(3 * MB)  # sparse: 3 MB that take no disk
    assert refused(dataset, path) == [
        (
            None,
            None,
            "the file is 3.0 MB, above the limit of 2 MB (AMD_MAX_FILE_MB);"
            " split it or raise the limit",
        )
    ]


def _limit_memory() -> None:  # pragma: no cover (runs in the child)
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 * MB, 3 * 1024 * MB))


@pytest.mark.slow  # a large file
def test_the_cli_refuses_a_file_above_the_default_limit_without_reading_it(
    dataset: Path, tmp_path: Path
):
    # A sparse 8 GB file under the default 1024 MB limit, in a child allowed 3 GB
    # of memory: reading it whole would fail with MemoryError, not this message.
    path = tmp_path / "clients.csv"
    with open(path, "wb") as handle:
        handle.truncate(8 * 1024 * MB)
    env = {k: v for k, v in os.environ.items() if k != ingest.MAX_FILE_MB_ENV}
    with unchanged(dataset):
        done = subprocess.run(
            [sys.executable, "-m", "analytics", "--data-dir", str(dataset)]
            + ["import", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            preexec_fn=_limit_memory,
        )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[-2:] == [
        "  error: clients.csv: the file is 8,192.0 MB, above the limit of 1024 MB"
        " (AMD_MAX_FILE_MB); split it or raise the limit",
        "blocked: 1 error, nothing changed",
    ]


# --- a 200 MB file --------------------------------------------------------------


@pytest.mark.slow
def test_200_mb_file_with_errors_near_the_end_reports_their_rows(
    dataset: Path, tmp_path: Path
):
    """A valid 200 MB clients file but for two rows at its end: the errors name
    them, and nothing is committed."""
    pad = "n" * 190
    n = 200 * MB // len(f"C0000000,P1,2024-01-05,{pad}\n") + 1
    path = tmp_path / "clients.csv"
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(NAMED)
        for start in range(0, n, 100_000):
            handle.write(
                "".join(
                    f"C{i:07d},P1,2024-01-05,{pad}\n"
                    for i in range(start, min(start + 100_000, n))
                )
            )
        handle.write(f"C{n:07d},P1,31/02/2026,{pad}\n")  # row n + 2
        handle.write(f"C0000000,P1,2024-01-05,{pad}\n")  # row n + 3, a repeat
    assert path.stat().st_size > 200 * MB
    try:
        found = refused(dataset, path)
    finally:
        path.unlink()  # 200 MB need not outlive the test
    assert found == [
        (n + 2, "Created Date", "date '31/02/2026' is not a real date"),
        (n + 3, "CRN", "duplicate client_id 'C0000000' (also on row 2)"),
    ]
