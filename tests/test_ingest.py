"""The CSV importer (SPEC sections 2 and 3): every accepted quirk gives exactly the
rows written in the test, every error blocks the upload and leaves the committed
dataset byte-for-byte as it was, and the warnings are reported but kept.

Fixture dates are in 2022-2024 so that none of them is "in the future" on the day
the tests run (the future-date test uses 2099)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analytics import ingest, store
from tests.conftest import copy_dataset


def lines(*rows: str, newline: str = "\n") -> str:
    """The rows of a CSV file joined with `newline`, ending with one."""
    return newline.join(rows) + newline


def utf8(*rows: str, newline: str = "\n") -> bytes:
    return lines(*rows, newline=newline).encode("utf-8")


def read(name: str, content: bytes, **options) -> tuple[ingest.FileReport, list[dict]]:
    """Read one file that must have no errors; its report and rows as dicts."""
    report, table = ingest.read_file(name, content, **options)
    assert report.ok, [p.reason for p in report.problems]
    return report, table.to_pylist()


def problems(report, severity: str | None = None) -> list[tuple]:
    """(row, column, reason) of every problem, optionally of one severity."""
    return [
        (p.row, p.column, p.reason)
        for p in report.problems
        if severity is None or p.severity == severity
    ]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


PARTNERS = utf8(
    "Account ID,Account Name,Account Owner,League,RB Account Status,"
    "Business Plan Aim,Created Date",
    "P1,Alpha Books,Ann Lee,Premiership,Handover,10,2023-05-01",
    "P2,Beta Ledger,Bob Ray,1st Division,Active in AM,5,2023-06-01",
)
CLIENTS = utf8(
    "CRN,Account ID,Opportunity Name,Created Date,Repurposed Date,Churned Date,Amount",
    "C1,P1,Client One,2024-01-05,2024-02-01,,100",
    "C2,P2,Client Two,2024-01-06,,2024-03-01,50.5",
)
ACTIVITIES = utf8(
    "Activity ID,Account ID,Assigned,Type,Subject,Status,Date,Completed Date,Comments",
    "A1,P1,Ann Lee,Task,Account Management Notes,Open,2024-01-05,,notes",
    "A2,P2,Bob Ray,Call,Check-in,Completed,2024-01-08,2024-01-08,",
)
CLIENT_HEADER = "CRN,Account ID,Created Date,Repurposed Date,Churned Date,Amount"


@pytest.fixture(scope="module")
def dataset_template(tmp_path_factory) -> Path:
    """A committed dataset of 2 partners, 2 clients and 2 activities."""
    directory = tmp_path_factory.mktemp("template") / "store"
    result = ingest.import_files(
        directory,
        [
            ("partners.csv", PARTNERS),
            ("clients.csv", CLIENTS),
            ("activities.csv", ACTIVITIES),
        ],
    )
    assert result.report.ok and result.report.problems == []
    return directory


@pytest.fixture
def dataset(dataset_template: Path, tmp_path: Path) -> Path:
    """The template dataset, copied for this test (which may change it)."""
    return copy_dataset(dataset_template, tmp_path / "store")


def blocked(directory: Path, files: list[tuple[str, bytes]], **options):
    """Import files that must be blocked; prove the dataset did not change."""
    version = store.current_version(directory)
    checksums = store.table_checksums(directory)
    result = ingest.import_files(directory, files, **options)
    assert not result.report.ok
    assert result.upload is None
    assert store.current_version(directory) == version
    assert store.table_checksums(directory) == checksums
    assert result.report.outcome().startswith("blocked: ")
    return result.report


# --- encodings ----------------------------------------------------------------


def test_utf8_with_bom_is_read_and_the_bom_is_not_in_the_first_header():
    content = b"\xef\xbb\xbf" + utf8("CRN,Account ID,Created Date", "C1,P1,2024-01-05")
    report, rows = read("clients.csv", content)
    assert report.encoding == "UTF-8 with BOM"
    assert report.mapping == {
        "CRN": "client_id",
        "Account ID": "partner_id",
        "Created Date": "added_date",
    }
    assert [(r["client_id"], r["partner_id"], r["added_date"]) for r in rows] == [
        ("C1", "P1", d("2024-01-05"))
    ]


def test_windows_1252_with_pound_curly_quote_and_no_break_spaces():
    text = lines(
        "CRN;Account ID;Opportunity Name;Created Date;Amount",
        "C1;P1;O\u2019Brien Books\u00a0;\u00a005/01/2024;\u00a3\u00a01,200.50\u00a0",
        newline="\r\n",
    )
    report, rows = read("clients.csv", text.encode("cp1252"))
    # ’ is byte 0x92, defined only in Windows-1252.
    assert report.encoding == "Windows-1252"
    assert report.delimiter == ";"
    # no-break spaces trimmed; £1,200.50 -> 1200.5; 05/01/2024 day-first by default
    assert rows[0]["client_name"] == "O\u2019Brien Books"
    assert rows[0]["monthly_value"] == 1200.5
    assert rows[0]["added_date"] == d("2024-01-05")


def test_iso_8859_1_accents_and_no_break_spaces():
    text = lines(
        "Account ID,Account Name,Account Owner",
        "P1,\u00a0Caf\u00e9 Comptabilit\u00e9\u00a0,Ren\u00e9e M\u00fcller",
    )
    report, rows = read("partners.csv", text.encode("latin-1"))
    assert report.encoding == "ISO-8859-1"
    assert rows[0]["partner_name"] == "Caf\u00e9 Comptabilit\u00e9"
    assert rows[0]["account_manager"] == "Ren\u00e9e M\u00fcller"


def test_utf16_with_bom_is_decoded():
    content = lines("CRN,Account ID,Created Date", "C1,P1,2024-01-05").encode("utf-16")
    report, rows = read("clients.csv", content)
    assert report.encoding == "UTF-16"
    assert rows[0]["client_id"] == "C1"


# --- delimiters, line endings, quoting ----------------------------------------


def test_semicolon_delimiter_keeps_commas_inside_values():
    content = utf8(
        "Account ID;Account Name;Account Owner",
        "P1;Smith, Jones & Co;Ann Lee",
        "P2;Beta;Bob Ray",
    )
    report, rows = read("partners.csv", content)
    assert report.delimiter == ";"
    assert [r["partner_name"] for r in rows] == ["Smith, Jones & Co", "Beta"]


def test_delimiter_is_decided_outside_quotes_in_the_header():
    # Four commas inside the quoted header, three semicolons outside: semicolon.
    content = utf8(
        '"Account ID";"Account Name";"Account Owner";"Notes, a, b, c, d"',
        "P1;Alpha;Ann;x",
    )
    report, rows = read("partners.csv", content)
    assert report.delimiter == ";"
    assert report.ignored == ["Notes, a, b, c, d"]
    assert rows[0]["partner_name"] == "Alpha"


def test_crlf_line_endings_and_crlf_inside_a_quoted_value():
    content = (
        b"Activity ID,Account ID,Assigned,Date,Comments\r\n"
        b'A1,P1,Ann,2024-01-05,"first\r\nsecond"\r\n'
        b"A2,P1,Ann,2024-01-06,plain\r\n"
    )
    report, rows = read("activities.csv", content)
    assert [r["comments"] for r in rows] == ["first\nsecond", "plain"]


def test_quoted_commas_doubled_quotes_and_newlines():
    content = utf8(
        "Activity ID,Account ID,Assigned,Subject,Date,Comments",
        'A1,P1,Ann,"Call, then email",2024-01-05,"He said ""yes"", then:',
        "",
        'line three"',
        "A2,P1,Ann,Plain,2024-01-06,",
    )
    report, rows = read("activities.csv", content)
    assert report.rows == 2
    assert rows[0]["subject"] == "Call, then email"
    assert rows[0]["comments"] == 'He said "yes", then:\n\nline three'
    assert rows[1]["activity_id"] == "A2"


def test_a_multi_line_record_is_one_row_when_numbering_problems():
    # Row 2 spans three physical lines; the bad date is on the second record: row 3.
    content = utf8(
        "Activity ID,Account ID,Assigned,Date,Comments",
        'A1,P1,Ann,2024-01-05,"one',
        "two",
        'three"',
        "A2,P1,Ann,someday,",
    )
    report, _ = ingest.read_file("activities.csv", content)
    assert problems(report, "error") == [
        (3, "Date", "'someday' is not a date (expected e.g. 2026-11-03 or 03/11/2026)")
    ]


def test_blank_lines_between_rows_are_skipped_but_counted_in_row_numbers():
    # header 1, C1 2, blank 3, delimiters only 4, C2 5 -> the bad date is row 5
    content = utf8(
        "CRN,Account ID,Created Date", "C1,P1,2024-01-05", "", ",,", "C2,P1,x"
    )
    report, _ = ingest.read_file("clients.csv", content)
    assert report.rows == 2
    assert problems(report, "error") == [
        (
            5,
            "Created Date",
            "'x' is not a date (expected e.g. 2026-11-03 or 03/11/2026)",
        )
    ]


def test_an_excel_sep_line_sets_the_delimiter_and_is_not_a_row():
    content = utf8("sep=;", "CRN;Account ID;Created Date", "C1;P1;2024-01-05")
    report, rows = read("clients.csv", content)
    assert report.delimiter == ";"
    assert rows[0]["client_id"] == "C1"


# --- the report-export footer -------------------------------------------------

SALESFORCE_FOOTER = [
    "",
    "",
    '"Grand Totals (2 records)"',
    '"Confidential Information - Do Not Distribute"',
    '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."',
]


@pytest.mark.parametrize(
    ("footer", "removed"),
    [
        pytest.param(SALESFORCE_FOOTER, 3, id="two-blank-lines-and-(c)"),
        pytest.param(
            ["", '"Copyright \u00a9 2000-2024 salesforce.com, inc."'],
            1,
            id="copyright-sign",
        ),
        pytest.param(
            [
                "",
                "",
                '"Generated By: Ann Lee  05/01/2024 10:31"',
                '"Acme Bookkeeping Ltd"',
            ],
            2,
            id="generated-by-and-company",
        ),
        pytest.param(
            [",,", '"Grand Totals (2 records)",,', "Acme Bookkeeping Ltd,,"],
            2,
            id="padded-by-a-spreadsheet",
        ),
        pytest.param(
            ["", "Grand Totals (2 records)", "", ""], 1, id="unquoted-trailing-blank"
        ),
        pytest.param(
            [
                "",
                '"Grand Totals (2 records)"',
                "",
                "",
                '"Confidential Information - Do Not Distribute"',
                '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
            ],
            3,
            id="blank-lines-inside-the-footer",
        ),
    ],
)
def test_report_footer_is_removed_by_content(footer: list[str], removed: int):
    content = utf8(
        "CRN,Account ID,Created Date", "C1,P1,2024-01-05", "C2,P1,2024-01-06", *footer
    )
    report, rows = read("clients.csv", content)
    assert report.footer_lines == removed
    assert [r["client_id"] for r in rows] == ["C1", "C2"]


def test_trailing_lines_without_a_blank_line_before_them_are_data():
    # No blank line: the last line is a row (and its missing date is an error).
    content = utf8("CRN,Account ID,Created Date", "C1,P1,2024-01-05", '"Grand Totals"')
    report, _ = ingest.read_file("clients.csv", content)
    assert report.footer_lines == 0
    assert report.rows == 2
    assert (3, "Created Date", "required added_date is empty") in problems(report)


def test_a_quoted_comment_ending_the_file_is_not_taken_for_a_footer():
    content = utf8(
        "Activity ID,Account ID,Assigned,Date,Comments",
        'A1,P1,Ann,2024-01-05,"first paragraph',
        "",
        "Thanks",
        'Bye"',
    )
    report, rows = read("activities.csv", content)
    assert report.footer_lines == 0
    assert rows[0]["comments"] == "first paragraph\n\nThanks\nBye"


# --- placeholders and Salesforce ids ------------------------------------------


def test_placeholder_ids_and_na_read_as_empty():
    content = utf8(
        "CRN,Account ID,Opportunity Name,Created Date,Amount",
        "C1,000000000000000AAA,#N/A,2024-01-05,#N/A",
        "C2,#N/A,Two,2024-01-06,3",
    )
    report, rows = ingest.read_file("clients.csv", content)
    values = [
        (r["partner_id"], r["client_name"], r["monthly_value"])
        for r in rows.to_pylist()
    ]
    assert values == [(None, None, None), (None, "Two", 3.0)]
    assert problems(report, "error") == []


def test_an_18_character_id_duplicates_the_15_character_id_it_begins_with():
    content = utf8(
        "CRN,Account ID,Created Date",
        "0061t00000AbCdE,P1,2024-01-05",
        "0061t00000abcde,P1,2024-01-05",
        "0061t00000AbCdEAAX,P1,2024-01-06",
    )
    report, _ = ingest.read_file("clients.csv", content)
    # Row 4 begins with row 2's id; row 3 differs in case, so it is another record.
    assert problems(report, "error") == [
        (
            4,
            "CRN",
            "duplicate client_id '0061t00000AbCdEAAX'"
            " (also on row 2 as '0061t00000AbCdE')",
        )
    ]


def test_18_character_partner_ids_match_15_character_partners_case_sensitively(
    tmp_path: Path,
):
    partners = utf8(
        "Account ID,Account Name,Account Owner",
        "0011t00000AbCdE,Alpha,Ann",
    )
    clients = utf8(
        "CRN,Account ID,Created Date",
        "C1,0011t00000AbCdEAAQ,2024-01-05",
        "C2,0011t00000abcdeAAQ,2024-01-05",
    )
    result = ingest.import_files(
        tmp_path, [("partners.csv", partners), ("clients.csv", clients)]
    )
    # C1's id begins with the partner's 15 characters; C2's only in another case.
    assert problems(result.report) == [
        (
            3,
            "Account ID",
            "partner_id '0011t00000abcdeAAQ' is not among the partners:"
            " the row is kept under (unknown partner)",
        )
    ]
    # Ids are stored as written; staging resolves the 15/18 match.
    assert result.tables["clients"].column("partner_id").to_pylist() == [
        "0011t00000AbCdEAAQ",
        "0011t00000abcdeAAQ",
    ]
    with store.connect(tmp_path) as con:
        resolved = con.execute(
            "select client_id, partner_id from stg_clients order by client_id"
        ).fetchall()
    assert resolved == [("C1", "0011t00000AbCdE"), ("C2", "")]


# --- dates --------------------------------------------------------------------


def test_every_date_form_reads_as_its_date():
    content = utf8(
        "CRN,Account ID,Created Date",
        "C1,P1,2024-11-03",
        "C2,P1,2024-11-03T09:15:00.000Z",
        "C3,P1,2024-11-03 09:15:00",
        "C4,P1,2024-11-03T23:30:00.000-05:00",
        "C5,P1,03/11/2024",
        "C6,P1,3/11/24",
        "C7,P1,03/11/2024 14:05",
        "C8,P1,29/11/2024",
        "C9,P1,3-Nov-2024",
    )
    report, rows = read("clients.csv", content)
    # C8's 29 can only be a day: the column is day-first, so 03/11 is 3 November.
    # Datetimes count by their date, without shifting the time zone (C4).
    assert report.date_formats == {"Created Date": "day-first"}
    assert [r["added_date"] for r in rows] == [d("2024-11-03")] * 7 + [
        d("2024-11-29"),
        d("2024-11-03"),
    ]
    assert report.problems == []


def test_day_first_or_month_first_is_decided_per_column():
    content = utf8(
        "CRN,Account ID,Created Date,Repurposed Date",
        "C1,P1,05/01/2022,02/10/2022",
        "C2,P1,25/01/2022,11/29/2022 8:17:49 PM",
    )
    report, rows = read("clients.csv", content)
    # Created Date: 25 is a day -> day-first; Repurposed Date: 29 is a day in the
    # second place -> month-first.
    assert report.date_formats == {
        "Created Date": "day-first",
        "Repurposed Date": "month-first",
    }
    assert [(r["added_date"], r["repurposed_date"]) for r in rows] == [
        (d("2022-01-05"), d("2022-02-10")),
        (d("2022-01-25"), d("2022-11-29")),
    ]


def test_a_column_that_cannot_tell_uses_day_first_and_says_so():
    content = utf8(
        "CRN,Account ID,Created Date", "C1,P1,03/04/2024", "C2,P1,12/01/2024"
    )
    report, table = ingest.read_file("clients.csv", content)
    assert report.date_formats == {
        "Created Date": "day-first (default: column could not tell)"
    }
    assert problems(report) == [
        (
            None,
            "Created Date",
            "no date in this upload has a part above 12, so this column's slash"
            " dates were read as day-first (the default)",
        )
    ]
    assert table.column("added_date").to_pylist() == [d("2024-04-03"), d("2024-01-12")]


def test_the_default_can_be_month_first():
    content = utf8("CRN,Account ID,Created Date", "C1,P1,03/04/2024")
    report, table = ingest.read_file("clients.csv", content, day_first=False)
    assert report.date_formats == {
        "Created Date": "month-first (default: column could not tell)"
    }
    assert table.column("added_date").to_pylist() == [d("2024-03-04")]


def test_two_digit_years_are_in_this_century():
    content = utf8("CRN,Account ID,Created Date", "C1,P1,31/12/99", "C2,P1,1/2/05")
    _, rows = read("clients.csv", content)
    assert [r["added_date"] for r in rows] == [d("2099-12-31"), d("2005-02-01")]


def test_quota_month_accepts_a_month_or_any_date_and_stores_the_first():
    content = utf8(
        "AM,Month,Target",
        "Ann,2024-03,4",
        "Bob,2024-03-17,5",
        "Cy,17/03/2024,6",
        "Di,03/2024,7",
        "Ed,Mar 2024,8",
    )
    report, rows = read("quotas.csv", content)
    assert report.table == "quotas"
    assert [(r["account_manager"], r["month"], r["clients_target"]) for r in rows] == [
        ("Ann", d("2024-03-01"), 4),
        ("Bob", d("2024-03-01"), 5),
        ("Cy", d("2024-03-01"), 6),
        ("Di", d("2024-03-01"), 7),
        ("Ed", d("2024-03-01"), 8),
    ]


# --- numbers ------------------------------------------------------------------


def test_numbers_with_currency_thousands_and_decimal_comma():
    content = utf8(
        "CRN,Account ID,Created Date,Amount",
        'C1,P1,2024-01-05,"\u00a31,234.50"',
        "C2,P1,2024-01-05,GBP 20",
        "C4,P1,2024-01-05,7 \u20ac",
        "C5,P1,2024-01-05,.5",
    )
    _, rows = read("clients.csv", content)
    assert [r["monthly_value"] for r in rows] == [1234.5, 20.0, 7.0, 0.5]
    # A decimal comma in a column of its own (one mark per column: issue 14).
    content = utf8("CRN,Account ID,Created Date,Amount", 'C3,P1,2024-01-05,"12,5"')
    _, rows = read("clients.csv", content)
    assert [r["monthly_value"] for r in rows] == [12.5]


def test_integers_accept_thousands_separators_and_a_zero_fraction():
    content = utf8(
        "Account ID,Account Name,Account Owner,Business Plan Aim",
        'P1,A,Ann,"1,200"',
        "P2,B,Bob,12.0",
        "P3,C,Cy,+3",
    )
    _, rows = read("partners.csv", content)
    assert [r["business_plan_aim"] for r in rows] == [1200, 12, 3]


# --- headers ------------------------------------------------------------------


def test_object_prefixes_and_report_labels_match_like_api_names():
    report_export = utf8(
        "Opportunity: CRN,Account: Account ID,Opportunity: Created Date",
        "C1,P1,2024-01-05",
    )
    data_loader = utf8("CRN,AccountId,CreatedDate", "C1,P1,2024-01-05")
    label_report, label_rows = read("report.csv", report_export)
    api_report, api_rows = read("extract.csv", data_loader)
    assert label_report.table == api_report.table == "clients"
    assert label_report.mapping == {
        "Opportunity: CRN": "client_id",
        "Account: Account ID": "partner_id",
        "Opportunity: Created Date": "added_date",
    }
    assert api_report.mapping == {
        "CRN": "client_id",
        "AccountId": "partner_id",
        "CreatedDate": "added_date",
    }
    assert label_rows == api_rows


def test_recognise_table_from_headers():
    assert ingest.recognise_table(["Account ID", "Account Name", "Owner Name"]) == (
        "partners"
    )
    assert ingest.recognise_table(["CRN", "AccountId", "CreatedDate"]) == "clients"
    assert (
        ingest.recognise_table(["Task ID", "Related To ID", "Assigned", "Due Date"])
        == "activities"
    )
    assert ingest.recognise_table(["AM", "Period", "Quota"]) == "quotas"
    # Nothing fits, or partners, account plans and contacts fit equally (3 each).
    assert ingest.recognise_table(["Foo", "Bar"]) is None
    assert ingest.recognise_table(["Id", "Name", "Owner", "Account ID"]) is None


def test_a_table_named_by_hand_overrides_recognition(tmp_path: Path):
    content = utf8("Id,Name,Owner,Account ID", "X1,Alpha,Ann,P1")
    result = ingest.check_files(
        tmp_path, [("people.csv", content)], tables={"people.csv": "contacts"}
    )
    assert result.report.files[0].table == "contacts"
    rows = result.tables["contacts"].to_pylist()
    assert [(r["contact_id"], r["partner_id"], r["contact_name"]) for r in rows] == [
        ("X1", "P1", "Alpha")
    ]


def test_a_users_mapping_names_the_header_for_a_column():
    content = utf8("Account ID,Practice,Account Owner,Account Name", "P1,Alpha,Ann,Old")
    report, rows = read("partners.csv", content, mapping={"partner_name": "Practice"})
    # The header chosen by the user wins; the one that would have matched is ignored.
    assert rows[0]["partner_name"] == "Alpha"
    assert report.mapping["Practice"] == "partner_name"
    assert report.ignored == ["Account Name"]


def test_a_mapping_lets_a_file_with_unknown_headers_be_recognised_and_read():
    content = utf8("Ref,Practice,Date", "C1,P1,2024-01-05")
    mapping = {"client_id": "Ref", "partner_id": "Practice", "added_date": "Date"}
    report, rows = read("odd.csv", content, mapping=mapping)
    assert report.table == "clients"
    assert [(r["client_id"], r["partner_id"], r["added_date"]) for r in rows] == [
        ("C1", "P1", d("2024-01-05"))
    ]


# --- warnings (kept) -----------------------------------------------------------


def test_orphans_and_empty_partner_ids_are_warnings_and_kept(tmp_path: Path):
    clients = utf8(
        "CRN,Account ID,Created Date",
        "C1,P1,2024-01-05",
        "C2,P9,2024-01-05",
        "C3,,2024-01-05",
        "C4,000000000000000AAA,2024-01-05",
    )
    result = ingest.import_files(
        tmp_path, [("partners.csv", PARTNERS), ("clients.csv", clients)]
    )
    kept = " the row is kept under (unknown partner)"
    assert result.report.ok
    assert problems(result.report, "warning") == [
        (3, "Account ID", "partner_id 'P9' is not among the partners:" + kept),
        (4, "Account ID", "partner_id is empty:" + kept),
        (5, "Account ID", "partner_id is empty:" + kept),
    ]
    with store.connect(tmp_path) as con:
        # 4 clients kept: C1 with P1, the other 3 with the (unknown partner) ''.
        assert con.execute(
            "select partner_id, count(*) from stg_clients group by all order by all"
        ).fetchall() == [("", 3), ("P1", 1)]


def test_partners_of_the_current_dataset_are_used_when_none_are_uploaded(
    dataset: Path,
):
    activities = utf8(
        "Activity ID,Account ID,Assigned,Date",
        "A9,P2,Bob,2024-02-01",
        "A10,P7,Bob,2024-02-01",
    )
    result = ingest.check_files(dataset, [("activities.csv", activities)])
    # P2 is a partner of the committed dataset, P7 is not.
    assert problems(result.report) == [
        (
            3,
            "Account ID",
            "partner_id 'P7' is not among the partners: the row is kept under"
            " (unknown partner)",
        )
    ]


def test_unknown_league_status_and_training_status_are_warnings(tmp_path: Path):
    partners = utf8(
        "Account ID,Account Name,Account Owner,League,Account Status",
        "P1,A,Ann,Premier League,Gold",
        "P2,B,Bob,Premiership,Handover",
    )
    contacts = utf8(
        "Contact ID,Account ID,Full Name,Training Status",
        "K1,P1,Kim,Started",
        "K2,P2,Lee,Completed",
    )
    result = ingest.import_files(
        tmp_path, [("partners.csv", partners), ("contacts.csv", contacts)]
    )
    assert result.report.ok and result.upload is not None
    assert problems(result.report) == [
        (
            2,
            "League",
            "unknown league 'Premier League' (expected one of: Champions League,"
            " Premiership, 1st Division, 2nd Division)",
        ),
        (
            2,
            "Account Status",
            "unknown account status 'Gold' (expected one of: Key Account Management,"
            " Handover, Fast-Track, Active in AM)",
        ),
        (
            2,
            "Training Status",
            "unknown training status 'Started' (expected one of: Not enrolled,"
            " Enrolled, Completed)",
        ),
    ]
    # Kept as written.
    assert result.tables["partners"].column("league").to_pylist() == [
        "Premier League",
        "Premiership",
    ]


def test_ignored_columns_are_listed_and_warned():
    content = utf8(
        "CRN,Account ID,Created Date,Stage,Probability (%)", "C1,P1,2024-01-05,Won,100"
    )
    report, _ = ingest.read_file("clients.csv", content)
    assert report.ignored == ["Stage", "Probability (%)"]
    assert problems(report) == [
        (1, "Stage", "column ignored: it matches no column"),
        (1, "Probability (%)", "column ignored: it matches no column"),
    ]


def test_future_dates_are_warnings():
    content = utf8(
        "Activity ID,Account ID,Assigned,Date,Completed Date",
        "A1,P1,Ann,2099-01-05,2099-01-06",
    )
    report, table = ingest.read_file("activities.csv", content)
    today = dt.date.today().isoformat()
    # A due date ahead is normal for a task; a completion date ahead is not.
    assert problems(report) == [
        (2, "Completed Date", f"date '2099-01-06' is in the future (after {today})")
    ]
    assert table.column("completed_date").to_pylist() == [d("2099-01-06")]


def test_many_problems_of_one_kind_are_reported_up_to_the_limit_then_counted():
    rows = [f"C{i},P1,not-a-date" for i in range(1, 1201)]
    content = utf8("CRN,Account ID,Created Date", *rows)
    report, _ = ingest.read_file("clients.csv", content)
    errors = [p for p in report.problems if p.severity == "error"]
    # 1200 bad rows: 1000 named (rows 2..1001), then one line for the other 200.
    assert len(errors) == 1001
    assert errors[0].row == 2 and errors[999].row == 1001
    assert (errors[-1].row, errors[-1].count, errors[-1].reason) == (
        None,
        200,
        "200 more rows: not a date",
    )
    assert ingest.ImportReport([report], report.problems).error_count == 1200


# --- errors (block the upload, change nothing) ---------------------------------


def test_missing_required_column_blocks(dataset: Path):
    content = utf8("CRN,Account ID", "C1,P1")
    report = blocked(
        dataset, [("clients.csv", content)], tables={"clients.csv": "clients"}
    )
    assert problems(report, "error") == [
        (
            1,
            "added_date",
            "required column added_date is missing"
            " (accepted: Created Date, CreatedDate, Added Date, Date Added)",
        )
    ]
    assert report.files[0].missing == ["added_date"]


def test_empty_required_value_blocks(dataset: Path):
    content = utf8(CLIENT_HEADER, "C3,P1,2024-01-05,,,", ",P1,2024-01-05,,,")
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [(3, "CRN", "required client_id is empty")]


def test_unparseable_date_blocks(dataset: Path):
    content = utf8(CLIENT_HEADER, "C3,P1,2024-01-05,,,", "C4,P1,next week,,,")
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [
        (
            3,
            "Created Date",
            "'next week' is not a date (expected e.g. 2026-11-03 or 03/11/2026)",
        )
    ]


def test_impossible_date_blocks(dataset: Path):
    content = utf8(CLIENT_HEADER, "C3,P1,31/02/2024,,,", "C4,P1,29/02/2024,,,")
    report = blocked(dataset, [("clients.csv", content)])
    # 2024 is a leap year: 29/02 exists, 31/02 never does.
    assert problems(report, "error") == [
        (2, "Created Date", "date '31/02/2024' is not a real date")
    ]


def test_slash_dates_read_both_ways_in_one_column_block_the_odd_rows(dataset: Path):
    content = utf8(
        CLIENT_HEADER,
        "C3,P1,25/01/2024,,,",
        "C4,P1,26/01/2024,,,",
        "C5,P1,01/27/2024,,,",
    )
    report = blocked(dataset, [("clients.csv", content)])
    # Two rows say day-first, one says month-first: the one is the error.
    assert report.files[0].date_formats == {"Created Date": "day-first"}
    assert problems(report, "error") == [
        (
            4,
            "Created Date",
            "date '01/27/2024' is month-first, but other dates in this column are"
            " day-first (e.g. row 2 '25/01/2024')",
        )
    ]


def test_unparseable_number_blocks(dataset: Path):
    content = utf8(CLIENT_HEADER, "C3,P1,2024-01-05,,,ten")
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [(2, "Amount", "'ten' is not a number")]


def test_fraction_in_an_integer_column_blocks(dataset: Path):
    content = utf8("AM,Month,Target", "Ann,2024-03,2.5")
    report = blocked(dataset, [("quotas.csv", content)])
    assert problems(report, "error") == [(2, "Target", "'2.5' is not a whole number")]


def test_integer_too_large_for_bigint_blocks(dataset: Path):
    # BIGINT holds up to 9223372036854775807 (19 digits); this has 20.
    content = utf8("AM,Month,Target", "Ann,2024-03,99999999999999999999")
    report = blocked(dataset, [("quotas.csv", content)])
    assert problems(report, "error") == [
        (2, "Target", "'99999999999999999999' is too large")
    ]


def test_negative_aim_and_target_block(dataset: Path):
    partners = utf8(
        "Account ID,Account Name,Account Owner,Business Plan Aim", "P1,A,Ann,-5"
    )
    quotas = utf8("AM,Month,Target", "Ann,2024-03,-1")
    report = blocked(dataset, [("partners.csv", partners), ("quotas.csv", quotas)])
    assert problems(report, "error") == [
        (
            2,
            "Business Plan Aim",
            "business plan aim '-5' is negative; it cannot be below 0",
        ),
        (2, "Target", "clients target '-1' is negative; it cannot be below 0"),
    ]


def test_duplicate_id_blocks_naming_both_rows(dataset: Path):
    content = utf8(
        CLIENT_HEADER,
        "C3,P1,2024-01-05,,,",
        "C4,P1,2024-01-05,,,",
        "C3,P2,2024-01-06,,,",
    )
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [
        (4, "CRN", "duplicate client_id 'C3' (also on row 2)")
    ]


def test_repurposed_or_churned_before_added_blocks(dataset: Path):
    content = utf8(
        CLIENT_HEADER,
        "C3,P1,2024-03-10,2024-03-09,,",
        "C4,P1,2024-03-10,2024-03-10,2024-03-01,",
    )
    report = blocked(dataset, [("clients.csv", content)])
    # Same-day repurposing (row 3) is fine; a day before (row 2) is not.
    assert problems(report, "error") == [
        (
            2,
            "Repurposed Date",
            "repurposed date '2024-03-09' is before the added date '2024-03-10'",
        ),
        (
            3,
            "Churned Date",
            "churned date '2024-03-01' is before the added date '2024-03-10'",
        ),
    ]


def test_empty_file_blocks(dataset: Path):
    report = blocked(dataset, [("clients.csv", b"")])
    assert problems(report, "error") == [(None, None, "the file is empty")]


def test_header_without_rows_blocks(dataset: Path):
    report = blocked(
        dataset, [("clients.csv", utf8(CLIENT_HEADER, *SALESFORCE_FOOTER))]
    )
    assert problems(report, "error") == [
        (None, None, "the file has a header but no data rows")
    ]


def test_binary_file_blocks(dataset: Path):
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4\x00\x00"
    report = blocked(dataset, [("clients.xlsx", xlsx)])
    # The first bytes of a zip archive, without a workbook in it: named as such.
    assert problems(report, "error") == [
        (None, None, "the file is not CSV text: it is a zip archive, not a CSV file")
    ]
    assert report.problems[0].file == "clients.xlsx"


def test_row_with_more_fields_than_the_header_blocks(dataset: Path):
    content = utf8(
        "CRN,Account ID,Created Date", "C3,P1,2024-01-05", "C4,P1,2024-01-05,extra"
    )
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [
        (3, None, "the row has more fields than the header (3 columns)")
    ]


def test_row_with_far_more_fields_than_the_header_blocks(dataset: Path):
    # 3 + 20 fields: beyond what is read as extra fields, DuckDB refuses the row.
    wide = "C4,P1,2024-01-05" + ",x" * 20
    content = utf8("CRN,Account ID,Created Date", "C3,P1,2024-01-05", wide)
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [
        (3, None, "the row has far more fields than the header")
    ]


def test_a_quoted_field_never_closed_blocks(dataset: Path):
    content = utf8(
        "CRN,Account ID,Created Date", 'C3,"P1,2024-01-05', "C4,P1,2024-01-05"
    )
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [
        (2, None, "a quoted field is never closed (a '\"' is missing)")
    ]


def test_two_headers_for_one_column_block_naming_both(dataset: Path):
    content = utf8("CRN,Account ID,AccountId,Created Date", "C3,P1,P1,2024-01-05")
    report = blocked(dataset, [("clients.csv", content)])
    assert problems(report, "error") == [
        (1, "AccountId", "headers 'Account ID' and 'AccountId' both mean partner_id")
    ]


def test_unrecognised_table_blocks_and_asks_for_the_table(dataset: Path):
    report = blocked(dataset, [("mystery.csv", utf8("Foo,Bar", "1,2"))])
    assert problems(report, "error") == [
        (
            1,
            None,
            "the headers match no column of any table; choose the table and map its"
            " columns",
        )
    ]


def test_two_files_for_one_table_block(dataset: Path):
    files = [("a.csv", CLIENTS), ("b.csv", CLIENTS)]
    report = blocked(dataset, files)
    assert problems(report, "error") == [
        (None, None, "two files for the table clients: 'a.csv' and 'b.csv'; upload one")
    ]


def test_one_bad_file_blocks_the_good_files_of_the_same_upload(dataset: Path):
    bad = utf8(CLIENT_HEADER, "C3,P1,31/02/2024,,,")
    good = utf8("Account ID,Account Name,Account Owner", "P1,Alpha,Ann")
    report = blocked(dataset, [("partners.csv", good), ("clients.csv", bad)])
    errors = [(p.file, p.row) for p in report.problems if p.severity == "error"]
    assert errors == [("clients.csv", 2)]


# --- commits ------------------------------------------------------------------


def test_an_upload_of_activities_keeps_the_other_tables(dataset: Path):
    before = store.table_checksums(dataset)
    activities = utf8(
        "Activity ID,Account ID,Assigned,Type,Status,Date",
        "A7,P1,Ann Lee,Email,Completed,2024-02-01",
    )
    result = ingest.import_files(dataset, [("activities.csv", activities)])
    assert result.upload is not None
    after = store.table_checksums(dataset)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"activities"}
    with store.connect(dataset) as con:
        assert con.execute(
            "select activity_id, activity_type from activities"
        ).fetchall() == [("A7", "Email")]
        assert con.execute("select count(*) from clients").fetchone() == (2,)


def test_first_upload_into_an_empty_folder_may_be_partial(tmp_path: Path):
    result = ingest.import_files(tmp_path, [("clients.csv", CLIENTS)])
    # No partners anywhere: both clients are kept under (unknown partner).
    assert [p.severity for p in result.report.problems] == ["warning", "warning"]
    assert result.upload.tables["clients"] == 2
    assert result.upload.tables["partners"] == 0


def test_committed_files_are_archived_unchanged(tmp_path: Path):
    content = b"\xef\xbb\xbf" + utf8(
        "CRN,Account ID,Created Date", "C1,P1,2024-01-05", *SALESFORCE_FOOTER
    )
    result = ingest.import_files(tmp_path, [("export.csv", content)])
    assert store.archived_file(tmp_path, result.upload.version, "clients") == (
        "export.csv",
        content,
    )


def test_check_only_commits_nothing(tmp_path: Path):
    result = ingest.import_files(tmp_path, [("clients.csv", CLIENTS)], commit=False)
    assert result.upload is None
    assert store.current_version(tmp_path) is None
    assert result.report.outcome() == "checked: 0 errors, 2 warnings"


def test_typed_values_are_stored(dataset: Path):
    with store.connect(dataset) as con:
        rows = con.execute("select * from clients order by client_id").fetchall()
    assert rows == [
        ("C1", "P1", "Client One", d("2024-01-05"), d("2024-02-01"), None, 100.0),
        ("C2", "P2", "Client Two", d("2024-01-06"), None, d("2024-03-01"), 50.5),
    ]


def test_import_demo_commits_every_demo_csv(tmp_path: Path, monkeypatch):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "partners.csv").write_bytes(PARTNERS)
    (demo / "clients.csv").write_bytes(CLIENTS)
    (demo / "notes.txt").write_text("not a table")
    monkeypatch.setattr(store, "DEMO_DIR", demo)
    version = ingest.import_demo(tmp_path / "store")
    upload = store.uploads(tmp_path / "store")[0]
    assert (upload.version, upload.kind) == (version, "demo")
    assert sorted(f.table for f in upload.files) == ["clients", "partners"]


# --- the printed report ---------------------------------------------------------


def test_format_text_lists_each_file_and_each_problem(dataset: Path):
    content = utf8(
        "CRN,Account ID,Created Date,Stage",
        "C3,P1,31/02/2024,Won",
    )
    result = ingest.import_files(dataset, [("clients.csv", content)])
    assert result.report.format_text().splitlines() == [
        "clients.csv: table clients, 1 rows, encoding UTF-8, delimiter comma",
        "  columns: CRN -> client_id, Account ID -> partner_id,"
        " Created Date -> added_date",
        "  ignored: Stage",
        # 31 can only be a day, so the column is day-first (and 31 February fails).
        "  date formats: Created Date: day-first",
        "summary:",
        "  clients.csv Created Date: 1 error (date.not_real), first rows 2",
        "  clients.csv Stage: 1 warning (column.ignored), first rows 1",
        "problems:",
        "  error: clients.csv:2 Created Date=31/02/2024: date '31/02/2024' is not a"
        " real date",
        "  warning: clients.csv:1 Stage: column ignored: it matches no column",
        "blocked: 1 error, nothing changed",
    ]


def test_problems_frame_has_one_row_per_problem(dataset: Path):
    content = utf8(CLIENT_HEADER, "C3,P1,2024-01-05,,,-4")
    result = ingest.check_files(dataset, [("clients.csv", content)])
    frame = result.report.problems_frame()
    assert list(frame.columns) == [
        "severity",
        "code",
        "file",
        "row",
        "column",
        "value",
        "reason",
    ]
    assert frame.to_dict("records") == [
        {
            "severity": "error",
            "code": "number.negative",
            "file": "clients.csv",
            "row": 2,
            "column": "Amount",
            "value": "-4",
            "reason": "monthly value '-4' is negative; it cannot be below 0",
        }
    ]
