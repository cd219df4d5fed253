"""`python -m analytics import FILE...` as a user runs it (SPEC section 7): exit 0
committed, 1 blocked by errors, 2 bad usage; and the three exports the importer
must take as they come (BOM and footer, Windows-1252 with semicolons and UK dates,
multi-line comments)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from analytics import store
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def run_import(data_dir: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """The import command, run in-process (tests/conftest.py run_cli)."""
    return run_cli("--data-dir", data_dir, "import", *args)


def run_import_in_a_subprocess(
    data_dir: Path, *args: str | Path
) -> subprocess.CompletedProcess:
    """The import command as a user starts it: a new interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "analytics", "--data-dir", str(data_dir), "import"]
        + [str(a) for a in args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def rows(data_dir: Path, sql: str) -> list[tuple]:
    with store.connect(data_dir) as con:
        return con.execute(sql).fetchall()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_salesforce_report_export_with_bom_and_footer(tmp_path: Path):
    report = (
        "\ufeff"
        '"Opportunity Name","CRN","Account: Account ID","Created Date",'
        '"Repurposed Date","Churned Date","Amount"\r\n'
        '"Smith & Co, Payroll","C1","0011t00000AbCdE","2024-01-05",'
        '"2024-02-01","","1,250.00"\r\n'
        '"Jones Ltd","C2","0011t00000AbCdE","2024-01-09","","2024-03-04","80"\r\n'
        "\r\n"
        "\r\n"
        '"Grand Totals (2 records)"\r\n'
        '"Confidential Information - Do Not Distribute"\r\n'
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\r\n'
    )
    path = write(tmp_path / "report.csv", report.encode("utf-8"))
    done = run_import_in_a_subprocess(tmp_path / "store", path)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.splitlines()
    assert out[0] == (
        "report.csv: table clients, 2 rows, encoding UTF-8 with BOM, delimiter comma"
    )
    assert "  footer lines removed: 3" in out
    # the version by the name the app uses: #1 and the commit's time (UTC)
    assert out[-1].startswith("committed as version #1 (")
    assert rows(tmp_path / "store", "select * from clients order by client_id") == [
        ("C1", "0011t00000AbCdE", "Smith & Co, Payroll", d("2024-01-05"))
        + (d("2024-02-01"), None, 1250.0),
        ("C2", "0011t00000AbCdE", "Jones Ltd", d("2024-01-09"))
        + (None, d("2024-03-04"), 80.0),
    ]


def test_windows_1252_semicolon_file_with_uk_dates(tmp_path: Path):
    text = (
        "Account ID;Account Name;Account Owner;League;Business Plan Aim;"
        "Created Date\r\n"
        "P1;Caf\u00e9 Bookkeeping\u00a0;Ann Lee;Premiership;12;13/02/2023\r\n"
        "P2;O\u2019Neill & Co;Bob Ray;2nd Division;\u00a05;02/03/2023\r\n"
    )
    path = write(tmp_path / "partners.csv", text.encode("cp1252"))
    done = run_import(tmp_path / "store", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "encoding Windows-1252, delimiter semicolon" in done.stdout
    # 13/02 settles the column as day-first, so 02/03/2023 is 2 March.
    assert "  date formats: Created Date: day-first" in done.stdout
    assert rows(tmp_path / "store", "select * from partners order by partner_id") == [
        ("P1", "Caf\u00e9 Bookkeeping", "Ann Lee", "Premiership", None, 12)
        + (d("2023-02-13"),),
        ("P2", "O\u2019Neill & Co", "Bob Ray", "2nd Division", None, 5)
        + (d("2023-03-02"),),
    ]


def test_activities_with_multi_line_comments(tmp_path: Path):
    content = (
        b"Activity ID,Account ID,Assigned,Type,Subject,Status,Date,Comments\n"
        b'A1,P1,Ann,Task,Account Management Notes,Open,2024-01-05,"Met the partner.\n'
        b"\n"
        b'Next: payroll, then ""bank feeds"".\n'
        b'- agreed"\n'
        b"A2,P1,Ann,Call,,Completed,2024-01-06,short\n"
    )
    path = write(tmp_path / "activities.csv", content)
    done = run_import(tmp_path / "store", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "activities.csv: table activities, 2 rows" in done.stdout
    assert rows(
        tmp_path / "store", "select activity_id, comments from activities order by 1"
    ) == [
        ("A1", 'Met the partner.\n\nNext: payroll, then "bank feeds".\n- agreed'),
        ("A2", "short"),
    ]


def test_errors_block_with_row_and_column_and_exit_1(tmp_path: Path):
    good = write(tmp_path / "partners.csv", b"Id,Name,Owner\nP1,Alpha,Ann\n")
    assert run_import(tmp_path / "store", good).returncode == 0
    version = store.current_version(tmp_path / "store")
    bad = write(
        tmp_path / "clients.csv",
        b"CRN,Account ID,Created Date\nC1,P1,2024-01-05\nC2,P1,31/02/2024\n",
    )
    done = run_import(tmp_path / "store", bad)
    assert done.returncode == 1
    assert (
        "error: clients.csv:3 Created Date=31/02/2024: date '31/02/2024' is not a"
        " real date"
    ) in done.stdout
    assert done.stdout.splitlines()[-1] == "blocked: 1 error, nothing changed"
    assert store.current_version(tmp_path / "store") == version


def test_check_only_reports_and_commits_nothing(tmp_path: Path):
    path = write(tmp_path / "partners.csv", b"Id,Name,Owner\nP1,Alpha,Ann\n")
    done = run_import(tmp_path / "store", "--check", path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "checked: 0 errors, 0 warnings"
    assert store.current_version(tmp_path / "store") is None


def test_table_named_on_the_command_line(tmp_path: Path):
    # Id, Name, Owner and Account ID fit partners, account plans and contacts alike.
    path = write(tmp_path / "people.csv", b"Id,Name,Owner,Account ID\nK1,Kim,Ann,P1\n")
    assert run_import(tmp_path / "store", path).returncode == 1
    # Contacts alone cannot start a dataset (issue 15): the partners come first.
    partners = write(tmp_path / "partners.csv", b"Id,Name,Owner\nP1,Alpha,Ann\n")
    assert run_import(tmp_path / "store", partners).returncode == 0
    done = run_import(tmp_path / "store", "--table", "contacts", path)
    assert done.returncode == 0, done.stdout
    assert rows(tmp_path / "store", "select contact_id, partner_id from contacts") == [
        ("K1", "P1")
    ]


def test_bad_usage_exits_2(tmp_path: Path):
    real = write(tmp_path / "partners.csv", b"Id,Name,Owner\nP1,Alpha,Ann\n")
    missing = run_import(tmp_path / "store", tmp_path / "nowhere.csv")
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    unknown = run_import(tmp_path / "store", "--table", "leads", real)
    assert unknown.returncode == 2
    assert "--table must be one of" in unknown.stderr
    assert store.current_version(tmp_path / "store") is None
