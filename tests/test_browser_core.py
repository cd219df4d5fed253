"""The Dashboard, the Partner report and the Partner detail in a real browser on the
demo data: each loads with its title and no exception box; a report row opens its
partner; the sidebar's as-of date changes a KPI; a copied URL keeps its filters; and
the partner report's table shows up quickly."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote_plus, unquote_plus

import pytest
from playwright.sync_api import expect

from analytics import dates, kpis, partners, store
from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A read-only connection to the demo data (the app's server runs on its own
    copy of the same files) and its default as-of date, to know what to expect."""
    from analytics.ingest import import_demo

    folder = tmp_path_factory.mktemp("expected")
    import_demo(folder)
    con = store.connect(folder)
    as_of = dates.default_as_of(store.latest_date(con))
    yield con, as_of
    con.close()


def open_page(page, url: str, title: str) -> None:
    page.goto(url)
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(title)


def grid(page, index: int = 0):
    """The `index`-th dataframe, once its grid (canvas and accessible table) shows."""
    frame = page.locator('[data-testid="stDataFrame"]').nth(index)
    frame.scroll_into_view_if_needed()
    expect(frame.locator("table[role=grid] td").first).to_be_attached()
    return frame


def cell(frame, column: int, row: int = 0) -> str:
    """A cell's text (column 1 is the first data column)."""
    return frame.locator(f'[data-testid="glide-cell-{column}-{row}"]').text_content()


def partner_cell(frame, row: int) -> str:
    """The name a row's partner link shows (the accessible table holds the link;
    the grid draws the part after '#')."""
    return unquote_plus(cell(frame, 1, row).split("#", 1)[1])


def metric_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]', has_text=label)
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


@pytest.mark.parametrize(
    ("path", "title"),
    [("", "Dashboard"), ("partners", "Partner report"), ("partner", "Partner detail")],
)
def test_page_loads(page, app_url, path, title):
    open_page(page, f"{app_url}/{path}", title)
    if path == "":
        expect(page.locator('[data-testid="stMetric"]')).to_have_count(4)
        expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()


def test_report_first_partner(page, app_url, demo):
    con, as_of = demo
    first = partners.partner_report(con, as_of).iloc[0]
    open_page(page, f"{app_url}/partners", "Partner report")
    # The demo has partners without a league: their block comes first; its first
    # row is the first status group's subtotal, then the first partner.
    expect(page.locator("h2").first).to_have_text("No league")
    assert partner_cell(grid(page), 0).startswith("Σ ")
    assert partner_cell(grid(page), 1).endswith(first["partner_name"])
    assert cell(grid(page), 5, row=1) == str(first["clients_total"])  # Clients


def select_row(page, frame, row: int) -> None:
    """Tick the row-selection box of data row `row` (0: the first under the
    header); the grid is a canvas, so click where the box is drawn."""
    box = frame.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 * row + 17)


def expect_partner_detail(page, partner) -> None:
    page.wait_for_url(re.compile(r"/partner\?"))
    wait_for_app(page)
    assert f"partner={partner['partner_id']}" in page.url
    expect(page.locator("h1").first).to_have_text("Partner detail")
    expect(page.locator("h2").first).to_have_text(partner["partner_name"])
    clients = page.locator('[data-testid="stMetric"]', has_text="Clients").first
    expect(clients.locator('[data-testid="stMetricValue"]')).to_have_text(
        f"{partner['clients_total']:,}"
    )


def test_report_row_opens_the_partner(page, app_url, demo):
    con, as_of = demo
    first = partners.partner_report(con, as_of).iloc[0]
    open_page(page, f"{app_url}/partners", "Partner report")
    select_row(page, grid(page), 1)  # row 0 is the subtotal
    expect_partner_detail(page, first)


def test_report_row_opens_the_right_partner_after_a_filter_change(page, app_url, demo):
    """A keyed grid keeps a selection by position when its data changes
    (streamlit#17026): the row must open the partner drawn in it, by id."""
    con, as_of = demo
    handover = partners.partner_report(con, as_of, account_status="Handover")
    open_page(page, f"{app_url}/partners", "Partner report")
    # Select a subtotal row first (it opens nothing), then change the filter: the
    # same keyed grid (the first league's) now holds other rows.
    select_row(page, grid(page), 0)
    wait_for_app(page)
    assert "/partners" in page.url
    page.locator("h1").first.click()  # take the focus off the grid
    page.locator('[data-testid="stSelectbox"]', has_text="Account status").click()
    page.get_by_role("option", name="Handover", exact=True).click()
    wait_for_app(page)
    assert "status=Handover" in page.url
    first = handover.iloc[0]
    # Wait for the grid to hold the new rows (its link ends with the name).
    link = grid(page).locator('[data-testid="glide-cell-1-1"]')
    expect(link).to_have_text(re.compile(re.escape(quote_plus(first["partner_name"]))))
    select_row(page, grid(page), 1)
    expect_partner_detail(page, first)


def test_as_of_date_changes_a_kpi(page, app_url, demo):
    con, as_of = demo
    earlier = as_of - dt.timedelta(days=10)
    before = kpis.dashboard_kpis(con, as_of)["month_added"]
    after = kpis.dashboard_kpis(con, earlier)["month_added"]
    assert before != after  # the demo adds clients every working day
    open_page(page, app_url, "Dashboard")
    added_tile = page.locator(
        '[data-testid="stMetric"]', has_text="Clients added vs quota"
    )
    expect(added_tile.locator('[data-testid="stMetricValue"]')).to_have_text(
        f"{before:,}"
    )
    # The date field is three spin buttons; typing the year moves on to the month and
    # the day, and leaving the field commits the date.
    page.get_by_role("spinbutton", name="year, As of").click()
    page.keyboard.type(earlier.strftime("%Y%m%d"))
    page.locator("h1").first.click()
    wait_for_app(page)
    expect(added_tile.locator('[data-testid="stMetricValue"]')).to_have_text(
        f"{after:,}"
    )
    assert f"as_of={earlier.isoformat()}" in page.url


def test_copied_url_keeps_the_filters(page, app_url, demo):
    con, as_of = demo
    am = partners.account_managers(con)[0]
    premiership = partners.partner_report(
        con, as_of, account_manager=am, league="Premiership"
    )
    open_page(page, f"{app_url}/partners", "Partner report")
    # Choose the league in the page; it goes into the URL.
    page.locator('[data-testid="stSelectbox"]', has_text="League").click()
    page.get_by_role("option", name="Premiership", exact=True).click()
    wait_for_app(page)
    assert "league=Premiership" in page.url
    copied = f"{page.url}&am={am.replace(' ', '+')}"
    page.goto("about:blank")
    open_page(page, copied, "Partner report")
    expect(page.get_by_role("combobox", name="League")).to_have_value("Premiership")
    expect(page.get_by_role("combobox", name="Account manager")).to_have_value(am)
    expect(page.locator("h2")).to_have_text(["Premiership"])
    assert partner_cell(grid(page), 1).endswith(premiership.iloc[0]["partner_name"])
    assert "league=Premiership" in page.url and "am=" in page.url
