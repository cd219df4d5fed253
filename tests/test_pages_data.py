"""The Data page with AppTest: upload, import report, commit, errors that change
nothing, column mapping remembered, restore, reset to demo, compare uploads."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analytics import mappings, schema, store
from tests.conftest import clicked_csv
from ui import common

PAGE = "pages/data.py"
CSV = "text/csv"

# The dataset before any upload: one partner with one client (version #1).
START = {
    "partners": [
        {"partner_id": "Z1", "partner_name": "Zeta", "account_manager": "Zed Zane"}
    ],
    "clients": [{"client_id": "Z-1", "partner_id": "Z1", "added_date": "2026-01-02"}],
}

# A report export: Windows-1252 (the en dash), semicolons, CRLF, day-first dates
# (25/12 settles it), an unknown column and a three-line footer.
PARTNERS_CSV = (
    "Account ID;Account Name;Account Owner;League Table;Business Plan Aim;"
    "Created Date;Region\r\n"
    "P1;Alpha Accounts;Ann Archer;Premiership;10;03/11/2025;North\r\n"
    "P2;Beta – Books;Ann Archer;;4;25/12/2025;South\r\n"
    "P3;Gamma & Co;Bob Baker;1st Division;;05/01/2026;East\r\n"
    "\r\n"
    '"Grand Totals (3 records)"\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
).encode("cp1252")

CLIENTS_CSV = (
    b"CRN,Account ID,Opportunity Name,Created Date,Repurposed Date,Churned Date\n"
    b"C1,P1,One,2026-01-05,2026-02-01,\n"
    b"C2,P1,Two,2026-01-06,,\n"
    b"C3,P3,Three,2026-02-01,,\n"
    b"C4,P9,Four,2026-02-02,,\n"
)

# Row 3: not a date; row 4: CRN C1 again and churned before it was added.
BROKEN_CLIENTS_CSV = (
    b"CRN,Account ID,Created Date,Churned Date\n"
    b"C1,Z1,2026-01-05,\n"
    b"C2,Z1,not a date,\n"
    b"C1,Z1,2026-01-07,2026-01-01\n"
)

# No header says CRN / Client ID: the table cannot be recognised from its headers.
UNNAMED_CLIENTS_CSV = (
    b"Ref,Account ID,Created Date\nX1,Z1,2026-03-01\nX2,Z1,2026-03-02\n"
)


# A version's time as the page names it: "1 Dec 2026 07:24".
WHEN = r"\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d"

FACTS = ["table", "rows", "encoding", "delimiter", "footer_lines", "ignored"]


def frame_with(at, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has `column`."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def upload(at, *files: tuple[str, bytes]):
    at.file_uploader(key="upload").set_value(
        [(name, data, CSV) for name, data in files]
    )
    return at.run()


def test_page_runs_on_the_demo_data(run_app, tmp_path):
    at = run_app(tmp_path / "fresh", page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Data"
    # the empty folder got the demo data as its first upload
    assert [u.kind for u in store.uploads(tmp_path / "fresh")] == ["demo"]
    assert metrics(at)["Dataset version"] == "#1"
    assert any("Up to 1,024 MB per file." in c.value for c in at.caption)
    assert not any("maxUploadSize" in c.value for c in at.caption)  # no dev words
    assert badges(at) == [DEMO_BADGE]


def test_good_upload_is_reported_then_committed(run_app, make_data_dir):
    data = make_data_dir(**START)
    at = run_app(data, page=PAGE)
    assert metrics(at)["Partners"] == "1"
    assert at.sidebar.selectbox(key="am").options == [
        "All account managers",
        "Zed Zane",
    ]

    at = upload(at, ("partners.csv", PARTNERS_CSV), ("clients.csv", CLIENTS_CSV))
    assert not at.exception
    files = frame_with(at, "encoding").set_index("file")[FACTS]
    # partners: 3 data rows (a footer of 3 lines removed), Windows-1252 because of
    # the en dash, semicolons, Region ignored; clients: 4 rows, UTF-8, commas.
    partners = ["Partners", 3, "Windows-1252", "semicolon", 3, 1]
    assert files.loc["partners.csv"].tolist() == partners
    assert files.loc["clients.csv"].tolist() == ["Clients", 4, "UTF-8", "comma", 0, 0]
    columns = frame_with(at, "file_header").set_index("file_header")
    # read as the exports name the column (SPEC 2's first "also accepted as")
    assert columns.loc["Account Owner", "read_as"] == "Account Owner"
    assert columns.loc["League Table", "read_as"] == "League Table"
    assert columns.loc["League Table", "date_format"] == ""  # blank, not "None"
    assert columns.loc["Region", "read_as"] == "(ignored)"
    # 25/12/2025 has a part above 12: the column is day-first, not by default
    assert columns.loc["Created Date", "date_format"] == "day-first"
    assert not columns.loc["Created Date", "default_used"]
    # warnings: Region ignored; C4's partner P9 is not among the partners
    assert metrics(at)["Errors"] == "0" and metrics(at)["Warnings"] == "2"
    problems = frame_with(at, "reason").fillna("")
    assert problems[["file", "row", "column", "value"]].values.tolist() == [
        ["partners.csv", 1, "Region", ""],
        ["clients.csv", 5, "Account ID", "P9"],
    ]
    assert not at.button(key="commit").disabled

    at.button(key="commit").click().run()
    assert not at.exception
    assert "Committed as dataset version #2" in at.success[0].value
    # the committed files leave the uploader: no report of them is left over
    assert at.file_uploader(key="upload-1").value in (None, [])
    assert "Import report" not in [h.value for h in at.subheader]
    shown = metrics(at)
    # 3 partners now; 4 clients (C4 kept under the unknown partner)
    assert (shown["Dataset version"], shown["Partners"], shown["Clients"]) == (
        "#2",
        "3",
        "4",
    )
    # the sidebar's cached call sees the new version: the new account managers
    assert at.sidebar.selectbox(key="am").options == [
        "All account managers",
        "Ann Archer",
        "Bob Baker",
    ]
    history = frame_with(at, "checksum")
    assert history["kind"].tolist() == ["upload", "upload"]
    assert history["current"].tolist() == [True, False]
    assert history.loc[0, "files"] == "partners.csv, clients.csv"
    assert (history.loc[0, "partners"], history.loc[0, "clients"]) == (3, 4)


def test_broken_file_shows_errors_and_changes_nothing(run_app, make_data_dir):
    data = make_data_dir(**START)
    before = (store.current_version(data), store.table_checksums(data))
    at = run_app(data, page=PAGE)
    at = upload(at, ("clients.csv", BROKEN_CLIENTS_CSV))
    assert not at.exception
    problems = frame_with(at, "reason")
    errors = problems[problems["severity"] == "error"]
    assert errors[["file", "row", "column", "value"]].values.tolist() == [
        ["clients.csv", 3, "Created Date", "not a date"],
        ["clients.csv", 4, "CRN", "C1"],
        ["clients.csv", 4, "Churned Date", "2026-01-01"],
    ]
    assert "duplicate client_id 'C1' (also on row 2)" in errors["reason"].tolist()
    assert metrics(at)["Errors"] == "3"
    assert at.button(key="commit").disabled
    assert at.error[0].value.startswith("Blocked by 3 errors: nothing was changed.")
    assert at.status[0].label.startswith("Checked 1 file: 3 errors, 0 warnings (")
    assert at.status[0].state == "error"
    # the download holds the full list
    assert any(b.label == "Download CSV" for b in at.get("download_button"))
    assert (store.current_version(data), store.table_checksums(data)) == before
    assert metrics(at)["Clients"] == "1"


def test_unrecognised_file_mapped_by_hand_and_remembered(run_app, make_data_dir):
    data = make_data_dir(**START)
    at = run_app(data, page=PAGE)
    at = upload(at, ("export.csv", UNNAMED_CLIENTS_CSV))
    assert at.button(key="commit").disabled
    table_box = next(s for s in at.selectbox if s.key.startswith("table::"))
    assert table_box.value is None
    at = table_box.set_value("clients").run()
    # CRN (client_id) is required and no header matched: the user picks "Ref"
    map_box = next(s for s in at.selectbox if s.key.startswith("map::"))
    assert map_box.label == "CRN"
    assert map_box.options == ["Ref", "Account ID", "Created Date"]
    at = map_box.set_value("Ref").run()
    assert metrics(at)["Errors"] == "0"
    columns = frame_with(at, "file_header").set_index("file_header")
    assert columns.loc["Ref", "read_as"] == "CRN"
    at.button(key="commit").click().run()
    assert not at.exception
    assert metrics(at)["Clients"] == "2"  # X1 and X2 replace the clients table
    headers = ["Ref", "Account ID", "Created Date"]
    saved = json.loads((data / mappings.MAPPINGS_FILE).read_text())
    assert saved[mappings.layout_key("clients", headers)]["mapping"] == {
        "client_id": "Ref"
    }

    # a new session with a file of the same headers maps itself
    again = run_app(data, page=PAGE)
    again = upload(again, ("next-export.csv", UNNAMED_CLIENTS_CSV))
    assert (
        next(s for s in again.selectbox if s.key.startswith("table::")).value
        == "clients"
    )
    assert next(s for s in again.selectbox if s.key.startswith("map::")).value == "Ref"
    assert metrics(again)["Errors"] == "0"
    assert not again.button(key="commit").disabled


def test_restore_an_earlier_upload(run_app, make_data_dir):
    data = make_data_dir(**START)  # version 1: 1 partner
    second = [
        *START["partners"],
        {"partner_id": "Z2", "partner_name": "Eta", "account_manager": "Zed Zane"},
    ]
    store.commit(data, {"partners": pd.DataFrame(second)})  # version 2: 2 partners
    first = store.uploads(data)[-1].version
    at = run_app(data, page=PAGE)
    assert metrics(at)["Partners"] == "2"
    assert at.button(key="restore").disabled  # not confirmed yet
    at.selectbox(key="restore_version").set_value(first)
    at.checkbox(key="restore_sure").check().run()
    at.button(key="restore").click().run()
    assert not at.exception
    assert re.fullmatch(
        rf"Restored upload #1 \({WHEN}\) as dataset version #3 \({WHEN}\)\.",
        at.success[0].value,
    )
    assert (metrics(at)["Dataset version"], metrics(at)["Partners"]) == ("#3", "1")
    assert store.uploads(data)[0].kind == "restore"
    # the box is unticked again: another restore needs another yes
    assert not at.checkbox(key="restore_sure").value
    assert at.button(key="restore").disabled


def test_reset_to_demo_data(run_app, make_data_dir):
    data = make_data_dir(**START)
    at = run_app(data, page=PAGE)
    at.checkbox(key="demo_sure").check().run()
    at.button(key="demo").click().run()
    assert not at.exception
    assert re.fullmatch(
        rf"Reset to the demo data as dataset version #2 \({WHEN}\)\.",
        at.success[0].value,
    )
    assert [u.kind for u in store.uploads(data)] == ["demo", "upload"]


@pytest.fixture
def two_client_uploads(make_data_dir):
    """Version 1 with clients C1 (P1), C2 (P1); version 2 moves C1 to P2, churns
    C2 and adds C3."""
    partners = [
        {"partner_id": p, "partner_name": p, "account_manager": "Ann"}
        for p in ("P1", "P2")
    ]
    data = make_data_dir(
        partners=partners,
        clients=[
            {"client_id": "C1", "partner_id": "P1", "added_date": "2026-01-01"},
            {"client_id": "C2", "partner_id": "P1", "added_date": "2026-01-02"},
        ],
    )
    new = pd.DataFrame(
        {
            "client_id": ["C1", "C2", "C3"],
            "partner_id": ["P2", "P1", "P2"],
            "added_date": pd.to_datetime(
                ["2026-01-01", "2026-01-02", "2026-03-01"]
            ).date,
            "churned_date": [None, pd.Timestamp("2026-03-05").date(), None],
        }
    )
    store.commit(data, {"clients": new})
    return data


COMPARE = {"tab": "Compare clients"}
CHANGE_TILES = ["Added", "Missing", "Newly churned", "Newly repurposed", "Moved"]


def test_compare_is_computed_only_when_its_tab_is_chosen(run_app, two_client_uploads):
    at = run_app(two_client_uploads, page=PAGE)
    assert not at.exception
    # the upload tab (the default) runs; the comparison of two uploads does not
    assert at.file_uploader(key="upload") is not None
    assert not any(m.label in CHANGE_TILES for m in at.metric)
    assert not [df for df in at.dataframe if "change" in df.value.columns]
    at.query_params["tab"] = COMPARE["tab"]
    at = at.run()
    # chosen: C3 added, C2 newly churned, C1 moved (see two_client_uploads)
    assert [metrics(at)[c] for c in CHANGE_TILES] == ["1", "0", "1", "0", "1"]


def test_compare_two_uploads_of_clients(run_app, two_client_uploads):
    at = run_app(two_client_uploads, page=PAGE, query=COMPARE)
    assert not at.exception
    shown = metrics(at)
    # added C3; churned C2; moved C1 (P1 -> P2); nothing missing or repurposed
    assert [shown[c] for c in CHANGE_TILES] == ["1", "0", "1", "0", "1"]
    rows = frame_with(at, "change").fillna("")
    ids = ["change", "client_id", "old_partner_id", "new_partner_id"]
    assert rows[ids].values.tolist() == [
        ["added", "C3", "", "P2"],
        ["newly churned", "C2", "P1", "P1"],
        ["moved", "C1", "P1", "P2"],
    ]


def test_compare_draws_the_first_rows_and_downloads_them_all(
    run_app, two_client_uploads, deferred_downloads, monkeypatch
):
    monkeypatch.setattr(common, "MAX_ROWS", 2)  # the app's 10,000, scaled down
    at = run_app(two_client_uploads, page=PAGE, query=COMPARE)
    # three changes (C3 added, C2 newly churned, C1 moved): the first two drawn
    assert list(frame_with(at, "change")["client_id"]) == ["C3", "C2"]
    assert any(
        c.value == "Showing the first 2 rows; the download has them all."
        for c in at.caption
    )
    # clicked after the run: every change, read again from the two uploads
    rows = clicked_csv(at, "dl-client_changes", deferred_downloads)
    assert [(r["change"], r["client_id"]) for r in rows] == [
        ("added", "C3"),
        ("newly churned", "C2"),
        ("moved", "C1"),
    ]


def test_one_status_box_when_a_remembered_mapping_fixes_the_file(
    run_app, make_data_dir
):
    data = make_data_dir(**START)
    headers = ["Ref", "Account ID", "Created Date"]
    mappings.save_mapping(data, "clients", headers, {"client_id": "Ref"})
    at = run_app(data, page=PAGE)
    at = upload(at, ("export.csv", UNNAMED_CLIENTS_CSV))
    assert not at.exception
    # As found the file is not recognised (1 error); the remembered mapping makes
    # it clients with Ref as CRN: 0 errors. One box, saying the outcome.
    (status,) = at.status
    assert re.fullmatch(
        r"Checked 1 file: 0 errors, 0 warnings \([\d.]+ s\)", status.label
    )
    assert status.state == "complete"
    stages = [m.value for m in status.markdown]
    # "Ref,Account ID,Created Date\n" 28 bytes + 2 x "X1,Z1,2026-03-01\n" 17 = 62
    assert stages[0] == "Read export.csv: 62 bytes"
    assert "Used the mapping remembered for export.csv: CRN ← Ref" in stages
    # per stage the rows of each file (X1, X2) and its seconds
    assert stages[1].startswith("Checked the files as found: export.csv 2 rows (")
    assert not any("1 error" in s for s in stages)
    assert metrics(at)["Errors"] == "0"
    assert not at.button(key="commit").disabled
    # another widget's rerun does not check again: the same single box
    at = at.checkbox(key="demo_sure").check().run()
    assert [s.label for s in at.status] == [status.label]


# The current data for the compare before a commit: partners Alpha (P1) and Beta
# (P2); clients C1..C4.
COMPARE_START = {
    "partners": [
        {"partner_id": "P1", "partner_name": "Alpha", "account_manager": "Ann"},
        {"partner_id": "P2", "partner_name": "Beta", "account_manager": "Ann"},
    ],
    "clients": [
        {"client_id": "C1", "partner_id": "P1", "added_date": "2026-01-05"},
        {"client_id": "C2", "partner_id": "P1", "added_date": "2026-01-06"},
        {"client_id": "C3", "partner_id": "P2", "added_date": "2026-01-07"},
        {"client_id": "C4", "partner_id": "P1", "added_date": "2026-01-08"},
    ],
}
# The upload: C1 moves from Alpha to Beta, C2 churns, C3 is repurposed, C4 is
# missing, C5 and C6 are new.
COMPARE_CLIENTS_CSV = (
    b"CRN,Account ID,Created Date,Repurposed Date,Churned Date\n"
    b"C1,P2,2026-01-05,,\n"
    b"C2,P1,2026-01-06,,2026-03-02\n"
    b"C3,P2,2026-01-07,2026-02-10,\n"
    b"C5,P1,2026-03-01,,\n"
    b"C6,P2,2026-03-03,,\n"
)


def test_what_the_commit_changes_is_shown_before_it(run_app, make_data_dir):
    data = make_data_dir(**COMPARE_START)
    at = run_app(data, page=PAGE)
    at = upload(at, ("clients.csv", COMPARE_CLIENTS_CSV))
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "Commit replaces Clients; the other tables stay as they are." in texts
    # added C5, C6; missing C4; newly churned C2; newly repurposed C3; moved C1
    assert (
        "**Clients against the current data:** +2 added, 1 missing, 1 newly"
        " churned, 1 newly repurposed, 1 moved"
    ) in texts
    rows = frame_with(at, "old_partner_name").fillna("")
    shown = ["change", "client_id", "old_partner_name", "new_partner_name"]
    assert rows[shown].values.tolist() == [
        ["added", "C5", "", "Alpha"],
        ["added", "C6", "", "Beta"],
        ["missing", "C4", "Alpha", ""],
        ["newly churned", "C2", "Alpha", "Alpha"],
        ["newly repurposed", "C3", "Beta", "Beta"],
        ["moved", "C1", "Alpha", "Beta"],
    ]
    assert store.uploads(data)[0].tables["clients"] == 4  # nothing committed yet
    at.button(key="commit").click().run()
    assert not at.exception
    assert metrics(at)["Clients"] == "5"  # C1, C2, C3, C5, C6


def test_clear_an_optional_table(run_app, make_data_dir):
    contacts = [
        {"contact_id": "K1", "partner_id": "Z1", "contact_name": "Zoë Müller"},
        {"contact_id": "K2", "partner_id": "Z1", "contact_name": "Bo"},
    ]
    data = make_data_dir(**START, contacts=contacts)
    at = run_app(data, page=PAGE, query={"tab": "Uploads history"})
    box = at.selectbox(key="clear_table")
    # only the optional tables with rows: contacts (quotas, plans are empty)
    assert box.options == ["Contacts (2 rows)"]
    assert at.button(key="clear").disabled  # not confirmed yet
    at.checkbox(key="clear_sure").check().run()
    at.button(key="clear").click().run()
    assert not at.exception
    assert re.fullmatch(
        rf"Cleared Contacts \(2 rows\) as dataset version #2 \({WHEN}\)\.",
        at.success[0].value,
    )
    latest = store.uploads(data)[0]
    assert (latest.kind, latest.tables["contacts"], latest.tables["clients"]) == (
        "clear",
        0,
        1,
    )
    history = frame_with(at, "replaced")
    assert history["replaced"].tolist()[0] == "Contacts"
    assert history["kind"].tolist()[0] == "cleared"
    assert any("optional tables are empty" in c.value for c in at.caption)


DEMO_BADGE = ":orange-badge[:material/science: Demo data]"  # st.badge's markdown


def badges(at) -> list[str]:
    return [m.value for m in at.sidebar.markdown if "-badge[" in m.value]


def test_demo_data_is_said_in_the_sidebar_while_it_is_current(run_app, tmp_path):
    data = tmp_path / "fresh"
    at = run_app(data, page=PAGE)  # the app imports the demo into the new folder
    assert badges(at) == [DEMO_BADGE]
    # a real partners file (through the store, which keeps the other tables)
    partners = pd.DataFrame(
        {"partner_id": ["P1"], "partner_name": ["Alpha"], "account_manager": ["Ann"]}
    )
    store.commit(data, {"partners": partners}, files={"partners": ("p.csv", b"")})
    at = run_app(data, page=PAGE)
    assert badges(at) == [DEMO_BADGE]
    assert (
        "Clients, Activities, Quotas, Account plans and Contacts still hold the"
        " demo data." in [c.value for c in at.sidebar.caption]
    )
    # every table replaced by real data: no word of the demo
    real = {
        t: pd.DataFrame(columns=schema.TABLES[t].column_names)
        for t in ("clients", "activities", "quotas", "account_plans", "contacts")
    }
    store.commit(data, real, files={t: (f"{t}.csv", b"") for t in real})
    at = run_app(data, page=PAGE)
    assert badges(at) == []
    assert not any("demo data" in c.value for c in at.sidebar.caption)


def test_one_error_is_said_in_the_singular(run_app, make_data_dir):
    data = make_data_dir(**START)
    at = run_app(data, page=PAGE)
    # row 3's date cannot be read: the only error
    at = upload(at, ("clients.csv", b"CRN,Account ID,Created Date\nC1,Z1,2026-01-05\n"
                                    b"C2,Z1,someday\n"))  # fmt: skip
    assert at.error[0].value.startswith("Blocked by 1 error: nothing was changed.")
    assert at.status[0].label.startswith("Checked 1 file: 1 error, 0 warnings (")


def test_partial_import_leaves_out_the_rows_with_errors(run_app, make_data_dir):
    data = make_data_dir(**START)
    at = run_app(data, page=PAGE)
    # rows 2 and 3 are good; row 4's date cannot be read (a row-level error only)
    at = upload(at, ("clients.csv", b"CRN,Account ID,Created Date\nC1,Z1,2026-01-05\n"
                                    b"C2,Z1,2026-01-06\nC3,Z1,someday\n"))  # fmt: skip
    assert not at.exception
    assert at.button(key="commit").disabled
    partial = at.button(key="commit_partial")
    assert partial.label == "Import without the 1 row with errors"
    partial.click().run()
    assert not at.exception
    assert "without 1 row with errors" in at.success[0].value
    # the upload replaced clients: C1 and C2 (Z-1 of the dataset is gone, C3 left out)
    assert metrics(at)["Clients"] == "2"
    with store.connect(data) as con:
        kept = con.execute("select client_id from clients order by 1").fetchall()
    assert kept == [("C1",), ("C2",)]
    # the rows left out, as the file had them, with the reason: offered as CSV
    assert any(
        b.label == "Download the rows left out of clients.csv (CSV)"
        for b in at.get("download_button")
    )
    rejected = at.session_state["data_rejected"]["clients.csv"]
    assert rejected.decode("utf-8-sig").splitlines() == [
        "CRN,Account ID,Created Date,reason",
        "C3,Z1,someday,'someday' is not a date (expected e.g. 2026-11-03 or"
        " 03/11/2026)",
    ]
