"""The importer at scale: files read from disk in pieces (never held whole), the same
rows and row numbers whichever way DuckDB reads them, memory set by bytes not by
lines, records counted in the archive, and a full disk reported and cleaned up."""

from __future__ import annotations

import errno
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import __main__ as cli
from analytics import ingest, store
from analytics.ingest import lines, read, text

ROOT = Path(__file__).resolve().parent.parent
PARTNERS = (
    b"Account ID,Account Name,Account Owner,League\n"
    b"P1,Alpha Books,Ann Lee,Premiership\n"
    b"P2,Beta Ledger,Bob Ray,1st Division\n"
)


def rows_and_problems(path: Path) -> tuple[list[tuple], list[tuple]]:
    """The typed partner rows and the (row, column, reason) of every problem."""
    result = ingest.check_files(path.parent / "store", [(path.name, path)])
    found = [(p.row, p.column, p.reason) for p in result.report.problems]
    table = result.tables.get("partners")
    rows = (
        []
        if table is None
        else [
            (r["partner_id"], r["partner_name"], r["league"]) for r in table.to_pylist()
        ]
    )
    return rows, found


# A partners file with what makes the text be rewritten: blank lines (one inside a
# quoted name, which is data), a quoted field over two lines, a non-ASCII name, and
# a footer after a blank line. Rows: header 1, P1 2, blank 3, P2 4 (its name runs
# over two lines), blank 5 and 6, P3 7 (unknown league), P4 8; then the footer.
MESSY = (
    "Account ID,Account Name,Account Owner,League\n"
    "P1,Alpha Books,Ann Lee,Premiership\n"
    "\n"
    'P2,"Beta\n\nLedger",Bob Ray,1st Division\n'
    "\n"
    "\n"
    "P3,Café Numbers,Cy Dee,Gold\n"
    "P4,Delta,Di Eve,Premiership\n"
    "\n"
    '"Grand Totals (4 records)"\n'
)
# (CRLF inside the quoted name reads as LF, as every line end does.)
MESSY_ROWS = [
    ("P1", "Alpha Books", "Premiership"),
    ("P2", "Beta\n\nLedger", "1st Division"),
    ("P3", "Café Numbers", "Gold"),
    ("P4", "Delta", "Premiership"),
]
MESSY_PROBLEMS = [
    (
        7,
        "League",
        "unknown league 'Gold' (expected one of: Champions League, Premiership,"
        " 1st Division, 2nd Division)",
    )
]


@pytest.mark.parametrize(
    "encoding, newline",
    [("utf-8", "\n"), ("utf-8", "\r\n"), ("cp1252", "\r\n")]
    + [("utf-16", "\r\n"), ("utf-16-le", "\n")],
)
@pytest.mark.parametrize("chunk", [3, 4, 7, 1 << 23])
def test_a_file_read_in_small_pieces_gives_the_same_rows_and_row_numbers(
    tmp_path: Path, monkeypatch, encoding: str, newline: str, chunk: int
):
    # Pieces of 3, 4 and 7 bytes split CRLF pairs, the bytes of 'é' in UTF-8 and
    # UTF-16 (told without a BOM by the NUL at every other byte, counted across
    # pieces of odd size) and the blank lines at every place; the rows and row
    # numbers must not move.
    monkeypatch.setattr(text, "CHUNK", chunk)
    path = tmp_path / "partners.csv"
    path.write_bytes(MESSY.replace("\n", newline).encode(encoding))
    assert rows_and_problems(path) == (MESSY_ROWS, MESSY_PROBLEMS)


def test_empty_lines_get_the_headers_empty_fields_in_bounded_parts(monkeypatch):
    # Three columns split by ';': an empty line becomes ';;' (three empty fields,
    # so the parallel read takes it). Five empty lines after row 2 (the run is six
    # LFs: the line's own end, then five) come back two lines at a time.
    monkeypatch.setattr(lines, "MARKED_PART", 2)
    head = lines.Head(["a", "b", "c"], ";")
    marker = lines.BlankMarker(head.blank_fill)
    parts = list(marker.parts("1;2;3\n\n\n\n\n\n4;5;6\n"))
    assert parts == ["1;2;3", "\n", ";;\n;;\n", ";;\n;;\n", ";;\n", "4;5;6\n"]
    # a header of one column: a space
    assert lines.Head(["a"], ",").blank_fill == " "


def test_a_file_read_in_place_and_a_rewritten_one_give_the_same_rows(tmp_path: Path):
    # The LF file is read by DuckDB as it is; the CRLF one is rewritten first.
    lines = ["Account ID,Account Name,Account Owner,League", "P1,Alpha,Ann,Gold"]
    for name, newline in (("lf", "\n"), ("crlf", "\r\n")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "partners.csv").write_bytes((newline.join(lines) + newline).encode())
    expected = (
        [("P1", "Alpha", "Gold")],
        [
            (
                2,
                "League",
                "unknown league 'Gold' (expected one of: Champions League,"
                " Premiership, 1st Division, 2nd Division)",
            )
        ],
    )
    assert rows_and_problems(tmp_path / "lf" / "partners.csv") == expected
    assert rows_and_problems(tmp_path / "crlf" / "partners.csv") == expected


def test_a_short_row_makes_the_parallel_read_fall_back_with_the_same_result(
    tmp_path: Path,
):
    # Row 3 has three fields of four: the parallel read (as many columns as the
    # header) refuses it, the serial one pads it; its league is missing, which is
    # allowed, and row 4 is still row 4.
    path = tmp_path / "partners.csv"
    path.write_bytes(
        b"Account ID,Account Name,Account Owner,League\n"
        b"P1,Alpha,Ann,Premiership\n"
        b"P2,Beta,Bob\n"
        b"P3,Gamma,Cy,Gold\n"
    )
    rows, found = rows_and_problems(path)
    assert rows == [
        ("P1", "Alpha", "Premiership"),
        ("P2", "Beta", None),
        ("P3", "Gamma", "Gold"),
    ]
    assert [(r, c) for r, c, _ in found] == [(4, "League")]


def test_the_manifest_counts_records_not_lines(tmp_path: Path):
    # Two activities; A1's comment runs over three lines, so the file has 5 lines
    # but 2 records.
    activities = tmp_path / "activities.csv"
    activities.write_bytes(
        b"Activity ID,Account ID,Assigned,Type,Status,Date,Comments\n"
        b'A1,P1,Ann Lee,Call,Completed,2024-01-05,"line one\nline two\nline three"\n'
        b"A2,P2,Bob Ray,Call,Completed,2024-01-06,short\n"
    )
    partners = tmp_path / "partners.csv"
    partners.write_bytes(PARTNERS)
    result = ingest.import_paths(tmp_path / "store", [partners, activities])
    assert result.report.ok, result.report.format_text()
    archived = {f.table: f.rows for f in store.uploads(tmp_path / "store")[0].files}
    assert archived == {"partners": 2, "activities": 2}


def test_files_given_as_paths_are_archived_unchanged(tmp_path: Path):
    partners = tmp_path / "partners.csv"
    partners.write_bytes(PARTNERS)
    result = ingest.import_paths(tmp_path / "store", [partners])
    version = result.upload.version
    assert store.archived_file(tmp_path / "store", version, "partners") == (
        "partners.csv",
        PARTNERS,
    )


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


class FreeSpace:
    free = 5 * 1024 * 1024  # 5 MB


def test_a_full_disk_during_the_commit_changes_nothing_and_leaves_no_files(
    tmp_path: Path, monkeypatch
):
    directory = tmp_path / "store"
    first = ingest.import_files(directory, [("partners.csv", PARTNERS)])
    before = (store.current_version(directory), store.table_checksums(directory))
    archive_before = sorted(p.name for p in (directory / "archive").iterdir())
    clients = tmp_path / "clients.csv"
    clients.write_bytes(b"CRN,Account ID,Created Date\nC1,P1,2024-01-05\n")
    # The disk fills when the new version's file is made durable: by then the
    # file is archived and the version written, so both must be removed.
    monkeypatch.setattr(store, "_fsync", no_space)
    monkeypatch.setattr(store.shutil, "disk_usage", lambda path: FreeSpace)
    result = ingest.import_paths(directory, [clients])
    assert result.upload is None
    # needed: the clients file (28 + 17 = 45 bytes) plus a dataset the size of the
    # current one, rounded up to whole MB
    current = store.version_path(directory, before[0]).stat().st_size
    needed = -(-(45 + current) // MB)
    assert [(p.code, p.reason) for p in result.report.problems[:1]] == [
        (
            "disk.full",
            f"the disk is full (5 MB free, {needed} MB needed); nothing was"
            " changed: free some space and try again",
        )
    ]
    assert result.report.outcome() == "blocked: 1 error, nothing changed"
    assert (store.current_version(directory), store.table_checksums(directory)) == (
        before
    )
    assert sorted(p.name for p in (directory / "archive").iterdir()) == archive_before
    assert sorted(p.name for p in (directory / "versions").iterdir()) == [
        f"{first.upload.version}.duckdb"
    ]
    del result
    gc.collect()
    assert [p.name for p in directory.glob(".import-*")] == []


def test_a_full_disk_while_one_of_two_files_is_read_stops_the_upload_cleanly(
    tmp_path: Path, monkeypatch
):
    # The clients file's text is made ready in a thread and read on a reader's
    # thread beside the partners file; its tidied copy fills the disk. The error
    # reaches the caller, nothing is committed and the check's folder is removed.
    directory = tmp_path / "store"
    directory.mkdir()
    prepare = read.prepare

    def full_for_clients(check, source):
        if check.report.file == "clients.csv":
            no_space()
        return prepare(check, source)

    monkeypatch.setattr(read, "prepare", full_for_clients)
    monkeypatch.setattr(ingest.upload.shutil, "disk_usage", lambda path: FreeSpace)
    clients = b"CRN,Account ID,Created Date\nC1,P1,2024-01-05\n"
    files = [("partners.csv", PARTNERS), ("clients.csv", clients)]
    result = ingest.import_files(directory, files)
    assert result.upload is None
    # needed: the two files, 116 + 45 bytes, rounded up to whole MB
    assert [(p.code, p.reason) for p in result.report.problems] == [
        (
            "disk.full",
            "the disk is full (5 MB free, 1 MB needed); nothing was changed: free"
            " some space and try again",
        )
    ]
    assert store.current_version(directory) is None
    del result
    gc.collect()
    assert [p.name for p in directory.glob(".import-*")] == []


def test_the_cli_exits_3_when_the_disk_is_full(tmp_path: Path, monkeypatch, capsys):
    directory = tmp_path / "store"
    partners = tmp_path / "partners.csv"
    partners.write_bytes(PARTNERS)
    monkeypatch.setattr(store, "_fsync", no_space)
    monkeypatch.setattr(store.shutil, "disk_usage", lambda path: FreeSpace)
    code = cli.main(["import", str(partners), "--data-dir", str(directory)])
    out = capsys.readouterr().out
    assert code == 3
    assert "error: the disk is full (5 MB free, 1 MB needed)" in out
    assert store.current_version(directory) is None


MB = 1024 * 1024
BLANK_LINES_CHILD = """
import sys
from pathlib import Path
from analytics import ingest
path = Path(sys.argv[1])
result = ingest.import_paths(path.parent / "store", [path], commit=False)
print([(p.row, p.column) for p in result.report.problems], result.report.files[0].rows)
print([int(line.split()[1]) // 1024 for line in open("/proc/self/status")
       if line.startswith("VmHWM:")][0])
"""


@pytest.mark.slow
def test_ten_million_blank_lines_take_memory_by_bytes_not_lines(tmp_path: Path):
    # A header, 10 million blank lines (rows 2 to 10,000,001) and one partner with an
    # unknown league on row 10,000,002: under 300 MB, and the row number is right.
    path = tmp_path / "partners.csv"
    with open(path, "wb") as handle:
        handle.write(b"Account ID,Account Name,Account Owner,League\n")
        handle.write(b"\n" * 10_000_000)
        handle.write(b"P1,Alpha,Ann,Gold\n")
    done = subprocess.run(
        [sys.executable, "-c", BLANK_LINES_CHILD, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    problems, peak = done.stdout.splitlines()[-2:]
    assert problems == "[(10000002, 'League')] 1"
    assert int(peak) < 300
