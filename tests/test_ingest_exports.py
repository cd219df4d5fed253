"""Real Salesforce export shapes (SPEC section 2): Data Loader extracts and weekly
Data Export files in API names, Event and User exports, spreadsheet re-saves.

Each fixture is a few lines written here, shaped like the real file; ids carry the
object's key prefix as Salesforce writes them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import ingest


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def read(name: str, content: bytes, **options):
    report, table = ingest.read_file(name, content, **options)
    return report, (table.to_pylist() if table is not None else None)


def errors(report) -> list[tuple]:
    return [(p.code, p.row, p.column) for p in report.problems if p.severity == "error"]


# --- which table a file is -----------------------------------------------------

OPPORTUNITY = csv_bytes(
    "Id,AccountId,Name,Amount,StageName,CloseDate,CreatedDate,OwnerId",
    "0061x00000AbCdEAAZ,0011x00000PqRsTAA1,Alpha Ltd,120.50,Closed Won,"
    "2024-03-31,2024-01-05T09:15:00.000Z,0051x00000MnOpQAA1",
)


def test_an_opportunity_data_loader_extract_is_read_as_clients():
    report, rows = read("Opportunity.csv", OPPORTUNITY)
    assert report.table == "clients"
    assert report.salesforce_object == "Opportunity"
    assert rows == [
        {
            "client_id": "0061x00000AbCdEAAZ",
            "partner_id": "0011x00000PqRsTAA1",
            "client_name": "Alpha Ltd",
            "added_date": dt.date(2024, 1, 5),
            "repurposed_date": None,
            "churned_date": None,
            "monthly_value": 120.5,
        }
    ]
    # StageName, CloseDate and OwnerId belong to no clients column.
    assert report.ignored == ["StageName", "CloseDate", "OwnerId"]


def test_an_opportunity_export_without_its_created_date_is_not_account_plans():
    # Id + AccountId + Amount would fit account plans (plan_id, partner_id,
    # current_amount); StageName and the 006 prefix say Opportunity, whose table
    # (clients) lacks the added date.
    content = csv_bytes(
        "Id,AccountId,Amount,StageName,CloseDate",
        "0061x00000AbCdEAAZ,0011x00000PqRsTAA1,120,Prospecting,2024-03-31",
    )
    report, rows = read("Opportunity.csv", content)
    assert rows is None and report.table is None
    assert [(p.code, p.reason) for p in report.problems] == [
        (
            "table.unrecognised",
            "the file is a Salesforce Opportunity export, read as Clients, but it"
            " lacks Created Date",
        )
    ]


EXPORTS = {
    # object: (headers, one row) - each overlaps other tables' columns
    "Account": (
        "Id,Name,OwnerId,Industry,CreatedDate",
        "0011x00000PqRsTAA1,Alpha Ltd,0051x00000MnOpQAA1,Accounting,2024-01-02",
    ),
    "Opportunity": (
        "Id,AccountId,Name,OwnerId,Type,Description,CloseDate,CreatedDate",
        "0061x00000AbCdEAAZ,0011x00000PqRsTAA1,Beta,0051x00000MnOpQAA1,New,x,"
        "2024-03-31,2024-01-05",
    ),
    "Event": (
        "Id,AccountId,OwnerId,Subject,ActivityDate,ActivityDateTime,"
        "DurationInMinutes,Type,CreatedDate",
        "00U1x00000EvEnTAA1,0011x00000PqRsTAA1,0051x00000MnOpQAA1,QBR,2024-02-01,"
        "2024-02-01T10:00:00.000Z,60,Meeting,2024-01-20",
    ),
    "Contact": (
        "Id,AccountId,Name,OwnerId,Email,MailingCity",
        "0031x00000CoNtAAA1,0011x00000PqRsTAA1,Zoë Müller,0051x00000MnOpQAA1,"
        "z@example.com,Leeds",
    ),
    "User": (
        "Id,Name,Username,Email,IsActive,ManagerId",
        "0051x00000MnOpQAA1,Ann Lee,ann@example.com.prod,ann@example.com,true,",
    ),
}


@pytest.mark.parametrize(
    ("obj", "table", "never"),
    [
        ("Account", "partners", "users"),  # Id + Name fit users
        ("Opportunity", "clients", "account_plans"),  # Id + AccountId fit plans
        ("Opportunity", "clients", "contacts"),  # Id + AccountId fit contacts
        ("Event", "activities", "clients"),  # Id + AccountId + CreatedDate
        ("Event", "activities", "account_plans"),
        ("Contact", "contacts", "partners"),  # Id + Name + OwnerId fit partners
        ("User", "users", "partners"),  # Id + Name (+ no owner)
    ],
)
def test_an_export_of_one_object_is_never_read_as_another_table(
    obj: str, table: str, never: str
):
    headers, row = EXPORTS[obj]
    report, rows = read(f"{obj}.csv", csv_bytes(headers, row))
    assert report.salesforce_object == obj
    assert report.table == table != never
    assert len(rows) == 1


def test_the_key_prefix_alone_tells_the_object():
    # Headers that fit partners, account plans and contacts alike (Id, AccountId,
    # Name, OwnerId): the 003 prefix says Contact.
    assert (
        ingest.recognise_table(
            ["Id", "AccountId", "Name", "OwnerId"], ["0031x00000CoNtAAA1"] * 3
        )
        == "contacts"
    )
    # A Lead export is no table's.
    found = ingest.recognise(["Id", "Name", "OwnerId"], ["00Q1x00000LeAdAAA1"])
    assert (found.table, found.reason) == (
        None,
        "the file is a Salesforce Lead export, which no table holds",
    )


def test_a_weak_fit_is_not_recognised_and_the_closest_tables_are_named():
    # Id + AccountId alone fit account plans and contacts (2 columns each, both
    # shared by most exports): never committed on such a match.
    found = ingest.recognise(["Id", "AccountId", "Foo"])
    assert found.table is None
    assert found.reason == (
        "the headers fit Account plans only by columns most exports share (such as"
        " Id, Name, Owner); choose the table"
    )
    # Nothing fits: the two closest tables with what each lacks, in users' words
    # (clients match 2 columns; account plans 1 and lack only 1 required).
    found = ingest.recognise(["Account ID", "Opportunity Name"])
    assert found.reason == (
        "the headers fit no table; the closest are Clients (lacks CRN, Created"
        " Date); Account plans (lacks Plan ID)"
    )


# --- API names ---------------------------------------------------------------------


def test_owner_name_wins_over_owner_id_and_id_is_the_accounts_own_id():
    content = csv_bytes(
        "Id,Name,OwnerId,Owner.Name",
        "0011x00000PqRsTAA1,Alpha Ltd,0051x00000MnOpQAA1,Ann Lee",
    )
    report, rows = read("Account.csv", content)
    assert report.table == "partners"
    assert [(r["partner_id"], r["account_manager"]) for r in rows] == [
        ("0011x00000PqRsTAA1", "Ann Lee")
    ]
    assert report.ignored == ["OwnerId"]


def test_a_user_export_reads_name_not_username():
    headers, row = EXPORTS["User"]
    report, rows = read("User.csv", csv_bytes(headers, row))
    assert report.table == "users"
    assert rows == [
        {
            "user_id": "0051x00000MnOpQAA1",
            "name": "Ann Lee",
            "email": "ann@example.com",
            "manager": None,
            "role": None,
            "is_active": "true",
        }
    ]
    assert report.ignored == ["Username"]


# --- tasks, events and owners, committed -------------------------------------------

ANN, BOB = "0051x00000MnOpQAA1", "0051x00000ZzZzZAA2"
ACCOUNTS = csv_bytes(
    "Id,Name,OwnerId",
    f"0011x00000PqRsTAA1,Alpha Ltd,{ANN}",
    f"0011x00000UvWxYAA2,Beta LLP,{BOB}",
)
EVENTS = csv_bytes(
    "Id,AccountId,OwnerId,Subject,Type,ActivityDateTime,DurationInMinutes",
    f"00U1x00000EvEnAAA1,0011x00000PqRsTAA1,{ANN},QBR,Meeting,"
    "2024-02-01T10:00:00.000Z,60",
    f"00U1x00000EvEnBAA2,0011x00000PqRsTAA1,{ANN},Lunch,Other,"
    "2024-02-02T12:00:00.000Z,90",
    f"00U1x00000EvEnCAA3,0011x00000UvWxYAA2,{BOB},Visit,,2024-02-03T09:00:00.000Z,30",
)
USERS = csv_bytes(
    "Id,Name,Username,IsActive",
    f"{ANN[:15]},Ann Lee,ann@example.com,true",  # the 15-character form
)


def test_an_event_export_is_all_touches_and_owner_ids_show_as_names(tmp_path):
    from analytics import store

    result = ingest.import_files(
        tmp_path,
        [
            ("Account.csv", ACCOUNTS),
            ("Event.csv", EVENTS),
            ("User.csv", USERS),
        ],
    )
    assert [f.table for f in result.report.files] == ["partners", "activities", "users"]
    # Bob's id is in no user: one warning for it, at its first row (row 3 of the
    # accounts; his event row is not warned about again).
    assert [
        (p.code, p.file, p.row, p.value)
        for p in result.report.problems
        if p.code == "owner.unknown"
    ] == [("owner.unknown", "Account.csv", 3, BOB)]
    assert result.upload is not None
    with store.connect(tmp_path) as con:
        stored = con.execute(
            "select activity_id, activity_type, activity_date from activities"
            " order by activity_id"
        ).fetchall()
        # Meeting stays; Other and blank on an event are stored as Event.
        assert stored == [
            ("00U1x00000EvEnAAA1", "Meeting", dt.date(2024, 2, 1)),
            ("00U1x00000EvEnBAA2", "Event", dt.date(2024, 2, 2)),
            ("00U1x00000EvEnCAA3", "Event", dt.date(2024, 2, 3)),
        ]
        flags = con.execute(
            "select account_manager, is_touch, is_task, is_open_task"
            " from stg_activities order by activity_id"
        ).fetchall()
        # 3 of 3 events are touches and none is an open task; Ann's 18-character
        # id resolves through her 15-character user id, Bob's stays as it is.
        assert flags == [
            ("Ann Lee", True, False, False),
            ("Ann Lee", True, False, False),
            (BOB, True, False, False),
        ]
        assert con.execute(
            "select partner_name, account_manager from stg_partners order by 1"
        ).fetchall() == [("Alpha Ltd", "Ann Lee"), ("Beta LLP", BOB)]


def test_task_event_column_marks_events_and_unknown_types_are_warned():
    content = csv_bytes(
        "Activity ID,Account ID,Assigned,Task/Event,Type,Status,Date",
        "A1,P1,Ann,Event,Other,,2024-02-01",  # an event: stored Event
        "A2,P1,Ann,Task,Call,Completed,2024-02-02",  # a call task: kept Call
        "A3,P1,Ann,Task,Visit,Open,2024-02-03",  # unknown type: warned
        "A4,P1,Ann,Task,,Open,2024-02-04",  # blank: a Task
        "00U1x00000EvEnDAA4,P1,Ann,Task,Other,,2024-02-05",  # 00U: an event
    )
    report, rows = read("activities.csv", content)
    assert [(r["activity_id"], r["activity_type"]) for r in rows] == [
        ("A1", "Event"),
        ("A2", "Call"),
        ("A3", "Visit"),
        ("A4", "Task"),
        ("00U1x00000EvEnDAA4", "Event"),
    ]
    assert [(p.code, p.row, p.column, p.value) for p in report.problems] == [
        ("activity.type_unknown", 4, "Type", "Visit")
    ]


# --- date order: column, then file, then upload, then the default --------------------


def test_a_column_that_cannot_tell_takes_its_files_order():
    # Created Date is month-first (25 and 20 can only be days); Repurposed Date
    # holds only 02/03/24: month-first too, 3 February. Row 3 was added on
    # 20 February, so its repurposing on 3 February is before it: an error that
    # day-first (2 March) would have hidden.
    content = csv_bytes(
        "CRN,Account ID,Created Date,Repurposed Date",
        "C1,P1,01/25/2024,02/03/24",
        "C2,P1,02/20/2024,02/03/24",
    )
    report, rows = read("clients.csv", content)
    assert report.date_formats == {
        "Created Date": "month-first",
        "Repurposed Date": "month-first (from this file's other date columns)",
    }
    assert errors(report) == [("date.before", 3, "Repurposed Date")]


def test_a_file_that_cannot_tell_takes_the_uploads_order(tmp_path):
    partners = csv_bytes(
        "Account ID,Account Name,Account Owner,Created Date",
        "P1,Alpha,Ann,01/13/2024",  # 13 can only be the day: month-first
    )
    clients = csv_bytes("CRN,Account ID,Created Date", "C1,P1,02/03/2024")
    result = ingest.check_files(
        tmp_path, [("partners.csv", partners), ("clients.csv", clients)]
    )
    assert result.report.files[1].date_formats == {
        "Created Date": "month-first (from this upload's other files)"
    }
    # 3 February, not 2 March; and no default was used, so nothing is warned.
    assert result.tables["clients"].column("added_date").to_pylist() == [
        dt.date(2024, 2, 3)
    ]
    assert result.report.problems == []


# --- NUL bytes, binary files, Excel ---------------------------------------------------


def test_a_data_export_with_nul_led_rich_text_cells_is_read_and_warned():
    # A weekly Data Export Opportunity.csv: every field quoted, CRLF, rich-text
    # Description cells that begin with a NUL byte (rows 2 and 4).
    content = (
        b'"Id","AccountId","Name","CreatedDate","StageName","Description"\r\n'
        b'"0061x00000AAA1AAAA","0011x00000PqRsTAA1","A","2024-01-05T09:00:00.000Z",'
        b'"Won","\x00<p>first</p>"\r\n'
        b'"0061x00000AAA2AAAA","0011x00000PqRsTAA1","B","2024-01-06T09:00:00.000Z",'
        b'"Won",""\r\n'
        b'"0061x00000AAA3AAAA","0011x00000PqRsTAA1","\x00C","2024-01-07T09:00:00.000Z",'
        b'"Won","\x00"\r\n'
    )
    report, rows = read("Opportunity.csv", content)
    assert [
        (p.code, p.count, p.reason)
        for p in report.problems
        if p.code != "column.ignored"
    ] == [
        (
            "text.nul_removed",
            3,  # Description of rows 2 and 4, Name of row 4
            "3 NUL bytes were removed from 3 fields in rows 2, 4 (columns"
            " Description, Name)",
        )
    ]
    assert [r["client_name"] for r in rows] == ["A", "B", "C"]


def workbook_bytes() -> bytes:
    """A workbook as a spreadsheet saves it: a Partners and a Clients sheet with
    real dates and numbers, and an empty third sheet."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    partners = book.active
    partners.title = "Partners"
    partners.append(["Account ID", "Account Name", "Account Owner", "Created Date"])
    partners.append(["P1", "Alpha", "Ann", dt.datetime(2024, 1, 2)])
    clients = book.create_sheet("Clients")
    clients.append(["CRN", "Account ID", "Created Date", "Amount"])
    clients.append(["C1", "P1", dt.date(2024, 2, 3), 120.5])
    clients.append(["C2", "P1", dt.datetime(2024, 2, 4, 9, 30), 80])
    book.create_sheet("Sheet3")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_each_sheet_of_an_xlsx_workbook_is_a_file(tmp_path):
    from analytics import store

    content = workbook_bytes()
    result = ingest.import_files(tmp_path, [("Book.xlsx", content)])
    assert [(f.file, f.table, f.rows) for f in result.report.files] == [
        ("Book.xlsx [Partners]", "partners", 1),
        ("Book.xlsx [Clients]", "clients", 2),
    ]
    assert result.upload is not None
    with store.connect(tmp_path) as con:
        assert con.execute(
            "select client_id, added_date, monthly_value from clients order by 1"
        ).fetchall() == [
            ("C1", dt.date(2024, 2, 3), 120.5),
            ("C2", dt.date(2024, 2, 4), 80.0),
        ]
    # The workbook itself is archived, unchanged, for each of its tables.
    assert store.archived_file(tmp_path, result.upload.version, "clients") == (
        "Book.xlsx [Clients]",
        content,
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "a gzip archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "a PDF document"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
            "an Excel 97-2003 workbook (.xls)",
        ),
    ],
)
def test_a_binary_file_is_named_as_what_it_is(content: bytes, kind: str):
    report, _ = read("export.csv", content)
    assert [(p.code, p.reason) for p in report.problems] == [
        ("file.not_text", f"the file is not CSV text: it is {kind}, not a CSV file")
    ]
