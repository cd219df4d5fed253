"""The Data page in a real browser: files chosen through the uploader's file input,
the import report, errors that change nothing, commit, and restore.

Each test runs its own server on its own small dataset, so the uploads here never
change the demo data the other browser tests share."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from analytics import mappings, store, versions
from tests.conftest import commit_tables, serve_app, wait_for_app
from tests.test_pages_data import (
    COMPARE_CLIENTS_CSV,
    COMPARE_START,
    UNNAMED_CLIENTS_CSV,
)
from ui.words import table_label

pytestmark = pytest.mark.browser

# Before any upload: one partner with one client (dataset version #1).
START = {
    "partners": [
        {"partner_id": "Z1", "partner_name": "Zeta", "account_manager": "Zed Zane"}
    ],
    "clients": [{"client_id": "Z-1", "partner_id": "Z1", "added_date": "2026-01-02"}],
}

PARTNERS_CSV = (
    b"Account ID;Account Name;Account Owner;League Table;Created Date\r\n"
    b"P1;Alpha Accounts;Ann Archer;Premiership;03/11/2025\r\n"
    b"P2;Beta Books;Ann Archer;;25/12/2025\r\n"
    b"P3;Gamma Co;Bob Baker;1st Division;05/01/2026\r\n"
)
CLIENTS_CSV = (
    b"CRN,Account ID,Created Date,Repurposed Date\n"
    b"C1,P1,2026-01-05,2026-02-01\n"
    b"C2,P3,2026-01-06,\n"
)
# Row 3 has a date nobody can read.
BROKEN_CLIENTS_CSV = b"CRN,Account ID,Created Date\nC1,Z1,2026-01-05\nC2,Z1,someday\n"


@pytest.fixture
def data_app(tmp_path):
    """(url, data folder): the app on START in its own folder, on a free port."""
    data = commit_tables(tmp_path / "data", **START)
    with serve_app(data, tmp_path / "server.log") as url:
        yield url, data


def open_data_page(page, url: str) -> None:
    page.goto(f"{url}/data")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Data")


def tile(page, label: str):
    """The value of the KPI tile labelled `label`."""
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]')


def grid_row(page, header: str, index: int) -> list[str]:
    """The cells of row `index` of the first dataframe with a column `header`, read
    from the grid's accessible table (the canvas draws the same values)."""
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text=header).first
    grid.scroll_into_view_if_needed()
    row = grid.locator("tbody tr").nth(index)
    return [cell.strip() for cell in row.locator("td").all_text_contents()]


def choose_files(page, tmp_path, files: dict[str, bytes]) -> None:
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(paths)
    expect(page.get_by_text("Import report")).to_be_visible(timeout=30_000)
    wait_for_app(page)


def test_broken_file_shows_the_error_and_changes_nothing(page, data_app, tmp_path):
    url, data = data_app
    before = store.table_checksums(data)
    open_data_page(page, url)
    expect(tile(page, "Dataset version")).to_have_text("#1")
    choose_files(page, tmp_path, {"clients.csv": BROKEN_CLIENTS_CSV})

    expect(tile(page, "Errors")).to_have_text("1")
    # the error row: file, row 3 (header = row 1), the column, the value, the reason
    # (the problem code beside its message: SPEC 3)
    assert grid_row(page, "Reason", 0) == [
        "error",
        "date.unparseable",
        "clients.csv",
        "3",
        "Created Date",
        "someday",
        "'someday' is not a date (expected e.g. 2026-11-03 or 03/11/2026)",
    ]
    expect(page.get_by_text("nothing was changed")).to_be_visible()
    expect(page.get_by_role("button", name="Commit")).to_be_disabled()
    expect(tile(page, "Clients")).to_have_text("1")
    assert store.table_checksums(data) == before


def test_commit_then_restore(page, data_app, tmp_path):
    url, data = data_app
    open_data_page(page, url)
    choose_files(
        page, tmp_path, {"partners.csv": PARTNERS_CSV, "clients.csv": CLIENTS_CSV}
    )
    # no errors: 2 files, 3 + 2 rows read
    expect(tile(page, "Errors")).to_have_text("0")
    expect(tile(page, "Rows read")).to_have_text("5")
    page.get_by_role("button", name="Commit").click()
    expect(
        page.get_by_text(re.compile(r"^Committed as dataset version #2 \("))
    ).to_be_visible()
    wait_for_app(page)
    expect(tile(page, "Dataset version")).to_have_text("#2")
    expect(tile(page, "Partners")).to_have_text("3")
    expect(tile(page, "Clients")).to_have_text("2")

    page.get_by_role("tab", name="Uploads history").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"[?&]tab=Uploads(\+|%20)history"))  # shareable
    restore = page.get_by_role("button", name="Restore")
    expect(restore).to_be_disabled()
    page.get_by_text("Yes, make this upload's data current again").click()
    wait_for_app(page)
    # the only earlier upload, #1, is preselected
    chosen = page.get_by_role("combobox", name="Upload to restore")
    expect(chosen).to_have_value(re.compile(r"^#1 \(.+\) · upload: no files$"))
    page.get_by_role("button", name="Restore").click()
    expect(
        page.get_by_text(
            re.compile(r"^Restored upload #1 \(.+\) as dataset version #3 \(")
        )
    ).to_be_visible()
    wait_for_app(page)
    expect(tile(page, "Partners")).to_have_text("1")
    history = page.get_by_role("tab", name="Uploads history")
    expect(history).to_have_attribute("aria-selected", "true")  # still on this tab
    assert store.uploads(data)[0].kind == "restore"


def download(page, button) -> bytes:
    with page.expect_download() as event:
        button.click()
    return Path(event.value.path()).read_bytes()


def below(page, text: str, button: str):
    """The first button named `button` after the element with `text`."""
    anchor = page.get_by_text(text).first
    return anchor.locator(f"xpath=following::button[contains(., '{button}')][1]")


# Row 2: a negative aim (an error quoting the value -5); row 3: a formula name.
NEGATIVE_AIM_CSV = (
    b"Account ID,Account Name,Account Owner,Business Plan Aim\n"
    b"P1,Zo\xc3\xab M\xc3\xbcller Ltd,Ann Archer,-5\n"
    b"P2,=HYPERLINK(1),Ann Archer,3\n"
)


def test_problems_download_as_csv_with_a_bom_and_as_excel(page, data_app, tmp_path):
    url, _ = data_app
    open_data_page(page, url)
    choose_files(page, tmp_path, {"partners.csv": NEGATIVE_AIM_CSV})
    expect(tile(page, "Errors")).to_have_text("1")
    csv_bytes = download(page, below(page, "Select a row to read", "Download CSV"))
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(csv_bytes[3:].decode("utf-8"))))
    # the problem code beside its message (SPEC 3)
    header = ["severity", "code", "file", "row", "column", "value", "reason"]
    assert rows[0] == header
    # the value -5 stays -5 (a number, not a formula)
    first = ["error", "number.negative", "partners.csv", "2", "Business Plan Aim"]
    assert rows[1][:6] == [*first, "-5"]
    xlsx = download(page, below(page, "Select a row to read", "Download Excel"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    # the row number is a number there; the value -5 the same text
    row = ["error", "number.negative", "partners.csv", 2, "Business Plan Aim", "-5"]
    assert [c.value for c in sheet[2]][:6] == row
    assert sheet["G2"].value == rows[1][6]  # the whole reason


def test_what_the_commit_changes_then_the_original_file(page, tmp_path):
    # Current: Alpha (P1) with C1, C2, C4 and Beta (P2) with C3. The upload moves
    # C1 to Beta, churns C2, repurposes C3, drops C4 and adds C5, C6.
    data = commit_tables(tmp_path / "data", **COMPARE_START)
    with serve_app(data, tmp_path / "server.log") as url:
        open_data_page(page, url)
        choose_files(page, tmp_path, {"clients.csv": COMPARE_CLIENTS_CSV})
        expect(
            page.get_by_text(
                "+2 added, 1 missing, 1 newly churned, 1 newly repurposed, 1 moved"
            )
        ).to_be_visible()
        expect(page.get_by_text("Commit replaces Clients;")).to_be_visible()
        page.get_by_role("button", name="Commit").click()
        expect(
            page.get_by_text(re.compile(r"^Committed as dataset version #2 \("))
        ).to_be_visible()
        wait_for_app(page)
        expect(tile(page, "Clients")).to_have_text("5")

        page.get_by_role("tab", name="Uploads history").click()
        wait_for_app(page)
        # the file committed as #2, downloaded unchanged from the archive
        # 57 bytes of header + rows of 19 (C1), 29 (C2), 29 (C3), 19 (C5), 19 (C6)
        original = page.get_by_role("button", name="clients.csv (172 bytes)")
        assert download(page, original) == COMPARE_CLIENTS_CSV


def test_remembered_mapping_leaves_one_status_box(page, data_app, tmp_path):
    url, data = data_app
    headers = ["Ref", "Account ID", "Created Date"]
    mappings.save_mapping(data, "clients", headers, {"client_id": "Ref"})
    open_data_page(page, url)
    choose_files(page, tmp_path, {"export.csv": UNNAMED_CLIENTS_CSV})
    boxes = page.get_by_text(re.compile(r"^Checked 1 file: "))
    expect(boxes).to_have_count(1)
    expect(boxes).to_have_text(re.compile(r"^Checked 1 file: 0 errors, 0 warnings"))
    expect(page.get_by_text(re.compile(r"\b1 error"))).to_have_count(0)
    # the stages, with the file's size and the mapping used
    boxes.click()
    expect(page.get_by_text("Read export.csv: 62 bytes")).to_be_visible()
    expect(
        page.get_by_text("Used the mapping remembered for export.csv: CRN ← Ref")
    ).to_be_visible()
    found = re.compile(r"^Checked the files as found: export.csv 2 rows \(")
    expect(page.get_by_text(found)).to_be_visible()
    expect(page.get_by_role("button", name="Commit")).to_be_enabled()


def test_clear_a_table(page, tmp_path):
    contacts = [
        {"contact_id": "K1", "partner_id": "Z1", "contact_name": "Zoë Müller"},
        {"contact_id": "K2", "partner_id": "Z1", "contact_name": "Bo"},
    ]
    data = commit_tables(tmp_path / "data", **START, contacts=contacts)
    with serve_app(data, tmp_path / "server.log") as url:
        page.goto(f"{url}/data?tab=Uploads+history")
        wait_for_app(page)
        clear = page.get_by_role("button", name="Clear this table")
        expect(clear).to_be_disabled()
        page.get_by_text("Yes, empty Contacts").click()
        wait_for_app(page)
        clear.click()
        expect(
            page.get_by_text("Cleared Contacts (2 rows) as dataset version #2 (")
        ).to_be_visible()
        wait_for_app(page)
        expect(page.get_by_text("The optional tables are empty.")).to_be_visible()
    assert store.uploads(data)[0].tables["contacts"] == 0


def test_first_real_upload_over_the_demo(page, tmp_path):
    data = tmp_path / "fresh"  # the app imports the demo data on first use
    with serve_app(data, tmp_path / "server.log") as url:
        open_data_page(page, url)
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text(re.compile(r"Demo data$"))).to_be_visible()
        choose_files(
            page, tmp_path, {"partners.csv": PARTNERS_CSV, "clients.csv": CLIENTS_CSV}
        )
        expect(page.get_by_text("Commit replaces Partners and Clients")).to_be_visible()
        page.get_by_role("button", name="Commit").click()
        expect(
            page.get_by_text(re.compile(r"^Committed as dataset version #2 \("))
        ).to_be_visible()
        wait_for_app(page)
        # the sidebar says which tables still hold the demo data, if any
        left = [table_label(t) for t in versions.demo_tables(data)]
        badge = sidebar.get_by_text(re.compile(r"Demo data$"))
        if left:
            expect(badge).to_be_visible()
            caption = sidebar.get_by_text(re.compile("still holds? the demo data"))
            expect(caption).to_contain_text(left[0])
        else:
            expect(badge).to_have_count(0)
