"""Downloads (SPEC section 3): every CSV and Excel download neutralises text cells
that start with `=`, `+`, `-` or `@` (formula injection) with a leading apostrophe,
while numbers, negative ones included and numbers written as text, stay numbers.
CSV files are UTF-8 with a BOM, so Excel reads accents right; times of day are
kept. The same holds for the `export` command's files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics import export, ingest
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = ["=", "+", "-", "@"]


def frame() -> pd.DataFrame:
    """Text in an object and a string column, numbers with negatives and gaps."""
    return pd.DataFrame(
        {
            "name": pd.Series(
                ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1:A2)", "a=b"],
                dtype=object,
            ),
            "label": pd.Series(["=1+2", "plain", None, "-x", " @x"], dtype="string"),
            "count": pd.Series([3, -2, 0, -5, 7], dtype="int64"),
            "rate": [-0.5, 0.25, None, -1.75, 0.0],
            "gaps": pd.Series([-4, None, 2, None, -1], dtype="Int64"),
            "whole": [-3.0, 2.0, None, 5.0, 0.0],  # counts with a gap, as floats
            "day": [dt.date(2026, 1, 5), None, dt.date(2026, 2, 1), None, None],
        }
    )


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel looks for
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_each_formula_prefix_is_neutralised(prefix: str):
    df = pd.DataFrame({"text": [f"{prefix}cmd|' /C calc'!A0", "safe"]})
    out = export.neutralise(df)
    assert out["text"].tolist() == [f"'{prefix}cmd|' /C calc'!A0", "safe"]
    assert csv_rows(export.to_csv_bytes(df)) == [
        ["text"],
        [f"'{prefix}cmd|' /C calc'!A0"],
        ["safe"],
    ]


def test_neutralise_leaves_numbers_and_other_text_alone():
    out = export.neutralise(frame())
    assert out["name"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "+1",  # a number written as text is read as that number, never run
        "-1",
        "'@SUM(A1:A2)",
        "a=b",
    ]
    assert out["label"].tolist()[:2] == ["'=1+2", "plain"]
    assert out["label"].tolist()[3:] == ["'-x", " @x"]  # a leading space is text
    assert pd.isna(out["label"].tolist()[2])
    assert out["count"].tolist() == [3, -2, 0, -5, 7]
    assert str(out["count"].dtype) == "int64"
    assert out["rate"].tolist()[:2] == [-0.5, 0.25]
    assert out["gaps"].tolist()[0] == -4


def test_csv_download_neutralises_text_and_keeps_numbers():
    assert csv_rows(export.to_csv_bytes(frame())) == [
        ["name", "label", "count", "rate", "gaps", "whole", "day"],
        [
            '\'=HYPERLINK("http://x","y")',
            "'=1+2",
            "3",
            "-0.5",
            "-4",
            "-3",
            "2026-01-05",
        ],
        ["+1", "plain", "-2", "0.25", "", "2", ""],
        ["-1", "", "0", "", "2", "", "2026-02-01"],
        ["'@SUM(A1:A2)", "'-x", "-5", "-1.75", "", "5", ""],
        ["a=b", " @x", "7", "0.0", "-1", "0", ""],
    ]


def test_excel_download_has_no_formulas_and_real_numbers():
    book = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes(frame(), "data")))
    sheet = book["data"]
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    assert all(kind != "f" for row in cells for _, kind in row)  # no formula cell
    name, label, count, rate = (cells[1][i] for i in range(4))
    assert name == ('\'=HYPERLINK("http://x","y")', "s")
    assert label == ("'=1+2", "s")
    assert count == (3, "n")
    assert rate == (-0.5, "n")
    assert [row[0][0] for row in cells[1:]] == [
        '\'=HYPERLINK("http://x","y")',
        "+1",
        "-1",
        "'@SUM(A1:A2)",
        "a=b",
    ]
    assert [row[2] for row in cells[1:]] == [
        (3, "n"),
        (-2, "n"),
        (0, "n"),
        (-5, "n"),
        (7, "n"),
    ]


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("-5", "-5"),  # the problems list quotes a bad aim as text: still -5
        ("+12.5", "+12.5"),
        ("-1e3", "-1e3"),
        ("-.5", "-.5"),
        ("-5 units", "'-5 units"),
        ("--5", "'--5"),
        ("-", "'-"),
        ("=5", "'=5"),
        ("@5", "'@5"),
    ],
)
def test_only_formula_looking_text_is_neutralised(value: str, kept: str):
    df = pd.DataFrame({"value": pd.Series([value], dtype=object)})
    assert csv_rows(export.to_csv_bytes(df)) == [["value"], [kept]]
    book = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes(df)))
    assert book.active["A2"].value == kept


def test_csv_has_a_bom_and_accents_survive_excel():
    df = pd.DataFrame({"contact_name": ["Zoë Müller", "Åsa Ørsted"]})
    content = export.to_csv_bytes(df)
    # BOM, then UTF-8: "ë" is c3 ab, "ü" is c3 bc
    assert content == (
        b"\xef\xbb\xbfcontact_name\n"
        b"Zo\xc3\xab M\xc3\xbcller\n"
        b"\xc3\x85sa \xc3\x98rsted\n"
    )
    assert content.decode("utf-8-sig").splitlines()[1] == "Zoë Müller"


def test_times_of_day_are_kept_and_plain_dates_stay_dates():
    df = pd.DataFrame(
        {
            "committed_at": pd.to_datetime(
                ["2026-12-01 07:24:25", "2026-11-30 00:00:00"]
            ),
            "zoned": pd.to_datetime(
                ["2026-12-01T07:24:25+01:00", "2026-11-30T23:30:00+00:00"], utc=True
            ),
            "day": pd.to_datetime(["2026-12-01", "2026-11-30"]),
        }
    )
    # The zoned column in UTC: 07:24:25+01:00 is 06:24:25 UTC. "day" has only
    # midnights: dates alone.
    assert csv_rows(export.to_csv_bytes(df)) == [
        ["committed_at", "zoned", "day"],
        ["2026-12-01 07:24:25", "2026-12-01 06:24:25", "2026-12-01"],
        ["2026-11-30 00:00:00", "2026-11-30 23:30:00", "2026-11-30"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes(df))).active
    assert sheet["A2"].value == dt.datetime(2026, 12, 1, 7, 24, 25)
    assert sheet["A2"].number_format == "yyyy-mm-dd h:mm:ss"  # openpyxl's own
    assert sheet["B2"].value == dt.datetime(2026, 12, 1, 6, 24, 25)
    assert sheet["C3"].value == dt.datetime(2026, 11, 30)
    assert sheet["C3"].number_format == "yyyy-mm-dd"


def test_excel_columns_are_wide_enough_for_a_long_reason():
    reason = "'31/02/2026' is not a date (expected e.g. 2026-11-03 or 03/11/2026)"
    df = pd.DataFrame({"row": [4], "reason": [reason]})
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes(df))).active
    assert sheet["B2"].value == reason  # whole, not cut
    # widths: the longest text + 2, at least 8 + 2: "row" -> 10; the reason is
    # 12 ("'31/02/2026'") + 15 (" is not a date ") + 15 ("(expected e.g. ") + 10
    # + 4 (" or ") + 10 + 1 (")") = 67 characters -> 69
    assert sheet.column_dimensions["A"].width == 10
    assert sheet.column_dimensions["B"].width == 69
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold


def test_export_command_neutralises_names_from_the_data(tmp_path: Path):
    directory = tmp_path / "store"
    files = [
        (
            "partners.csv",
            b"Account ID,Account Name,Account Owner,League,Account Status,Plan Aim\n"
            b'P1,"=HYPERLINK(""x"")",-Ann,Premiership,Handover,4\n'
            b"P2,Plain Ltd,@bob,+Other,,\n",
        ),
        (
            "clients.csv",
            b"CRN,Account ID,Created Date,Repurposed Date,Churned Date\n"
            b"C1,P1,2024-02-05,2024-02-20,\n"
            b"C2,P1,2024-02-10,,2024-02-27\n"
            b"C3,P2,2024-01-15,,\n",
        ),
        (
            "activities.csv",
            b"Activity ID,Account ID,Assigned,Type,Subject,Status,Date\n"
            b"A1,P1,-Ann,Task,Account Management Notes,Open,2024-02-01\n"
            b"A2,P2,@bob,Call,Check-in,Completed,2024-02-26\n",
        ),
    ]
    result = ingest.import_files(directory, files)
    assert result.report.ok, result.report.format_text()
    out = tmp_path / "out"
    done = run_cli(
        "--data-dir", directory, "export", "--as-of", "2024-02-28", "--out", out
    )
    assert done.returncode == 0, done.stdout + done.stderr

    # As of Wed 2024-02-28 (week from Mon 02-26, month from 02-01):
    # P1 (Premiership) has C1 (added 02-05, repurposed 02-20) and C2 (added 02-10,
    # churned 02-27): total 2, active 1 (C2 churned), repurposed 1, aim 4 ->
    # progress 1/4 = 0.25, added this month 2, churned this week 1, never
    # touched (its only activity is the open notes task), has the notes task.
    # P2 (unknown league "+Other", after the four) has C3 (added 01-15): total 1,
    # active 1, no aim, none added this month, last touch the call on 02-26 -> 2
    # days, no notes task.
    assert csv_rows((out / "partner_report.csv").read_bytes()) == [
        [
            "league",
            "account_status",
            "partner_id",
            "partner_name",
            "account_manager",
            "clients_total",
            "clients_active",
            "clients_repurposed",
            "business_plan_aim",
            "plan_progress",
            "added_this_month",
            "churned_this_week",
            "days_since_touch",
            "has_notes_task",
        ],
        ["Premiership", "Handover", "P1", '\'=HYPERLINK("x")', "'-Ann"]
        + ["2", "1", "1", "4", "0.25", "2", "1", "", "true"],
        ["'+Other", "", "P2", "Plain Ltd", "'@bob"]
        + ["1", "1", "0", "", "", "0", "0", "2", "false"],
    ]
    # P1: never touched; P2: no notes task. In partner report order.
    assert csv_rows((out / "attention.csv").read_bytes()) == [
        ["partner_id", "partner_name", "account_manager", "reasons"],
        ["P1", '\'=HYPERLINK("x")', "'-Ann", "no touch in 30+ days"],
        ["P2", "Plain Ltd", "'@bob", "no notes task"],
    ]
    churn = csv_rows((out / "weekly_churn.csv").read_bytes())
    # The last week (from 02-26): C3 was active at its start under "+Other".
    assert ["2024-02-26", "'+Other", "0", "1", "0.0"] in churn
    pace = csv_rows((out / "quota_pace.csv").read_bytes())
    assert sorted({row[0] for row in pace[1:]}) == ["'-Ann", "'@bob"]
    for path in out.glob("*.csv"):
        for row in csv_rows(path.read_bytes())[1:]:
            assert not any(c[:1] in ("=", "+", "@") for c in row), (path.name, row)
