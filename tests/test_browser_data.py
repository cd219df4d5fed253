"""The Data page in a real browser: files chosen through the uploader's file input,
the import report, errors that change nothing, commit, and restore.

Each test runs its own server on its own small dataset, so the uploads here never
change the demo data the other browser tests share."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analytics import store
from tests.conftest import commit_tables, serve_app, wait_for_app

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
    expect(page.get_by_text("Committed as dataset version #2 (")).to_be_visible()
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
    expect(chosen).to_have_value(re.compile(r"^#1 · .* · upload · no files$"))
    page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Restored upload #1 as dataset version #3")).to_be_visible()
    wait_for_app(page)
    expect(tile(page, "Partners")).to_have_text("1")
    history = page.get_by_role("tab", name="Uploads history")
    expect(history).to_have_attribute("aria-selected", "true")  # still on this tab
    assert store.uploads(data)[0].kind == "restore"
