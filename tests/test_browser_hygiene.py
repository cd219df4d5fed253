"""The Activity and Account plans pages in a real browser on the demo data: each
loads with its title and no exception; the calendar switches view through the URL;
a bar lists its activities; the cadence rule lives in the URL; a row of the
attention list opens the partner."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.conftest import click_largest_bar, wait_for_app

pytestmark = pytest.mark.browser

HEADER_HEIGHT = 35  # Streamlit dataframe header and row heights, in pixels
ROW_HEIGHT = 35


def open_page(page, app_url: str, path: str, title: str) -> None:
    """Open `path` by its URL and wait for the page to run."""
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(title)
    # the first run on a cold cache takes a few seconds: wait for the tiles
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=30_000)
    wait_for_app(page)


def table_after(page, heading: str):
    """The first dataframe after the section heading `heading`."""
    section = page.locator("h3", has_text=heading).first
    grid = section.locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    grid.scroll_into_view_if_needed()
    return grid


def row_texts(grid, row: int) -> list[str]:
    """The cell texts of one row of a dataframe (0: the header), from the grid's
    accessible table, which is filled in once the grid has drawn."""
    cells = (
        grid.locator('[role="row"]')
        .nth(row)
        .locator('[role="gridcell"], [role="columnheader"]')
    )
    expect(cells.first).to_be_attached()
    return [cell.text_content() or "" for cell in cells.all()]


def open_first_row(page, grid) -> None:
    """Tick the selection box of the first data row (the grid is a canvas) and wait
    for the partner detail page it opens; retried while the grid settles."""
    partner_url = re.compile(r"/partner\?partner=\w+")
    for _ in range(3):
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + HEADER_HEIGHT + ROW_HEIGHT / 2)
        try:
            page.wait_for_url(partner_url, timeout=10_000, wait_until="commit")
            break
        except PlaywrightTimeoutError:
            continue
    page.wait_for_url(partner_url, wait_until="commit")
    wait_for_app(page)


def test_activity_page_loads(page, app_url):
    open_page(page, app_url, "activity", "Activity")
    tasks = table_after(page, "Open and overdue tasks")
    assert row_texts(tasks, 0)[:3] == ["Who", "Partner", "Due date"]
    who, partner, due = row_texts(tasks, 1)[:3]
    assert who and partner and re.fullmatch(r"\d{4}-\d\d-\d\d", due)


def test_activity_calendar_views(page, app_url):
    open_page(page, app_url, "activity", "Activity")
    expect(
        page.get_by_text(re.compile(r"^Week of \d\d \w{3} \d{4} · [\d,]+ items"))
    ).to_be_visible()

    page.get_by_role("radio", name="Month", exact=True).click()
    wait_for_app(page)
    assert "view=Month" in page.url
    expect(
        page.get_by_text(re.compile(r"^[A-Z][a-z]+ \d{4} · [\d,]+ items"))
    ).to_be_visible()

    page.get_by_role("radio", name="Day", exact=True).click()
    wait_for_app(page)
    assert "view=Day" in page.url
    heading = page.get_by_text(re.compile(r"^[A-Z][a-z]+day \d\d [A-Z][a-z]+ \d{4} · "))
    expect(heading).to_be_visible()
    first_day = heading.inner_text()

    page.get_by_role("button", name="Next").click()
    wait_for_app(page)
    assert "cal_date=" in page.url
    expect(heading).not_to_have_text(first_day)


def test_activity_bar_lists_its_activities(page, app_url):
    open_page(page, app_url, "activity", "Activity")
    plot = page.locator('[data-testid="stPlotlyChart"]').first
    listed = page.get_by_text(re.compile(r"^Activities in the week of "))
    click_largest_bar(page, plot, listed)
    expect(listed).to_be_visible()
    expect(listed).to_have_text(re.compile(r"week of \d\d \w{3} \d{4}$"))
    rows = listed.locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    assert row_texts(rows, 0)[:2] == ["date", "account_manager"]
    assert row_texts(rows, 1)[0]


def test_cadence_rule_in_url(page, app_url):
    open_page(page, app_url, "activity", "Activity")
    count = page.get_by_text(re.compile(r"^Partners outside their cadence \(\d+\)$"))
    count.scroll_into_view_if_needed()
    before = int(re.search(r"\((\d+)\)", count.inner_text()).group(1))

    page.get_by_text("Days allowed between touches").click()
    box = page.get_by_label("Champions League", exact=True)
    box.fill("1")
    box.press("Enter")
    wait_for_app(page)
    assert "cad_cl=1" in page.url
    # every Champions League partner not touched today is now outside its cadence
    expect(count).not_to_have_text(f"Partners outside their cadence ({before})")
    after = int(re.search(r"\((\d+)\)", count.inner_text()).group(1))
    assert after > before


def test_open_partner_from_attention_list(page, app_url):
    open_page(page, app_url, "activity", "Activity")
    grid = table_after(page, "Partners needing attention")
    partner = row_texts(grid, 1)[0]
    assert partner
    open_first_row(page, grid)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(partner)


def test_account_plans_page_loads(page, app_url):
    open_page(page, app_url, "plans", "Account plans")
    expect(
        page.locator("h3", has_text=re.compile(r"^Week \d+ of 13 · stage \d: "))
    ).to_be_visible()
    expect(page.get_by_text("The planning quarter: 13 weeks, 7 stages")).to_be_visible()
    expect(page.locator("h3", has_text="This week's checklist")).to_be_visible()
    reviews = table_after(page, "Reviews (QBRs) due this quarter")
    assert row_texts(reviews, 0)[:2] == ["When", "Review date"]
    assert row_texts(reviews, 1)[0] in ("overdue", "due this week", "due this quarter")


def test_open_partner_from_key_partners_without_plan(page, app_url):
    open_page(page, app_url, "plans", "Account plans")
    grid = page.get_by_text(re.compile(r"^Key partners without a plan")).locator(
        "xpath=following::*[@data-testid='stDataFrame'][1]"
    )
    grid.scroll_into_view_if_needed()
    partner = row_texts(grid, 1)[0]
    open_first_row(page, grid)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(partner)
