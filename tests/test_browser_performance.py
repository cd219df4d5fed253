"""The performance pages in a real browser on the demo data: each loads with its
title and no exception, and selecting a bar shows the rows behind it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import click_largest_bar, wait_for_app

pytestmark = pytest.mark.browser


def open_page(page, app_url: str, path: str, title: str) -> None:
    """Load a page by URL and wait for its answer tiles (the first visit to a
    fresh server imports the demo data first)."""
    page.goto(f"{app_url}/{path}")
    expect(page.locator("h1").first).to_have_text(title, timeout=90_000)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=60_000)
    wait_for_app(page)


def first_chart(page):
    return page.locator('[data-testid="stPlotlyChart"]').first


def rows_below(page, heading) -> list[dict]:
    """The rows of the table under `heading`, read from its CSV download (the
    grid itself is drawn on a canvas)."""
    button = heading.locator(
        "xpath=following::*[@data-testid='stDownloadButton'][1]//button"
    )
    with page.expect_download() as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")  # BOM
    return list(csv.DictReader(io.StringIO(text)))


def test_quota_pace_select_an_account_manager(page, app_url):
    open_page(page, app_url, "quota", "Quota pace")
    expect(page.get_by_text(re.compile(r"^Leaderboard, this month$"))).to_be_visible()
    heading = page.locator("h3", has_text=re.compile(r"^Clients .+ added this month$"))
    click_largest_bar(page, first_chart(page), heading)
    expect(heading).to_have_count(1)
    am = re.match(r"Clients (.+) added", heading.inner_text()).group(1)
    rows = rows_below(page, heading)
    assert rows, "the AM added clients this month"
    assert {row["account_manager"] for row in rows} == {am}
    # The cumulative chart below follows the clicked AM.
    chooser = page.get_by_role("combobox", name="Account manager to chart")
    expect(chooser).to_have_value(am)
    title = f"{am}: clients added this month, by working day"
    expect(page.locator(".plotly .gtitle", has_text=title)).to_have_count(1)


def test_quota_pace_period_in_url(page, app_url):
    open_page(page, app_url, "quota", "Quota pace")
    page.get_by_role("radio", name="Quarter").click()
    wait_for_app(page)
    expect(page.get_by_text("Leaderboard, this quarter")).to_be_visible()
    assert "period=Quarter" in page.url
    # The shared link opens the same view.
    open_page(page, app_url, "quota?period=Quarter", "Quota pace")
    expect(page.get_by_text("Leaderboard, this quarter")).to_be_visible()


def test_repurposing_select_a_league(page, app_url):
    open_page(page, app_url, "repurposing", "Repurposing")
    heading = page.locator("h3", has_text=re.compile(r"^Partners behind "))
    click_largest_bar(page, first_chart(page), heading)
    expect(heading).to_have_count(1)
    league = heading.inner_text().removeprefix("Partners behind ")
    rows = rows_below(page, heading)
    assert rows and {row["league"] for row in rows} == {league}


def test_repurposing_by_account_manager_in_url(page, app_url):
    open_page(page, app_url, "repurposing", "Repurposing")
    page.get_by_role("radio", name="Account manager").click()
    wait_for_app(page)
    expect(page.get_by_text("Rate and speed by account manager")).to_be_visible()
    assert "rby=Account+manager" in page.url


def test_weekly_churn_select_a_week(page, app_url):
    open_page(page, app_url, "churn", "Weekly churn")
    expect(page.get_by_text(re.compile(r"^Clients churned this week"))).to_be_visible()
    heading = page.locator("h3", has_text=re.compile(r"^Churned in the week of "))
    click_largest_bar(page, first_chart(page), heading)
    expect(heading).to_have_count(1)
    week, league = re.match(
        r"Churned in the week of (.+): (.+)$", heading.inner_text()
    ).groups()
    monday = dt.datetime.strptime(week, "%d %b %Y").date()
    rows = rows_below(page, heading)
    assert rows and {row["league"] for row in rows} == {league}
    for row in rows:
        churned = dt.date.fromisoformat(row["churned_date"])
        assert monday <= churned <= monday + dt.timedelta(days=6)
