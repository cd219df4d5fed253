"""Untrusted text in the real app (issue 14, items 12 and 13), in Chromium: the
dataframe toolbar offers no download of raw cells (`=HYPERLINK(...)`), and a
hostile dataset's names show as text, not bold, coloured or as images."""

from __future__ import annotations

import pytest

from tests.conftest import commit_tables, serve_app, wait_for_app
from tests.test_pages_hostile import (
    ACTIVITIES,
    BOLD,
    CLIENTS,
    IMAGE,
    PARTNERS,
    QUOTAS,
)
from ui.safe import WORD_JOINER

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile")
    commit_tables(
        data / "store",
        partners=PARTNERS,
        clients=CLIENTS,
        activities=ACTIVITIES,
        quotas=QUOTAS,
    )
    with serve_app(data / "store", data / "server.log") as url:
        yield url


def test_dataframe_toolbar_offers_no_raw_download(page, hostile_app):
    page.goto(f"{hostile_app}/partners?as_of=2026-11-20")
    wait_for_app(page)
    table = page.get_by_test_id("stDataFrame").first
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    toolbar.wait_for(state="attached")
    labels = [
        b.get_attribute("aria-label") or b.inner_text()
        for b in toolbar.get_by_role("button").all()
    ]
    assert "Search" in labels  # the toolbar is there, with search and fullscreen
    assert not [label for label in labels if "ownload" in label], labels


def test_hostile_names_show_as_text(page, hostile_app):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{hostile_app}/churn?as_of=2026-11-20")
    wait_for_app(page)
    warning = page.get_by_test_id("stAlertContentWarning").get_by_test_id(
        "stMarkdownContainer"
    )
    # P1 (**bold** Ltd) lost 2 clients this week; its name is text, not bold.
    text = warning.inner_text().replace(WORD_JOINER, "")
    assert text == f"2+ clients churned this week: {BOLD} (2)"
    assert warning.locator("strong").count() == 0

    page.goto(f"{hostile_app}/partner?as_of=2026-11-20&partner=P2")
    wait_for_app(page)
    headings = [
        h.inner_text().replace(WORD_JOINER, "")
        for h in page.get_by_test_id("stHeading").all()
    ]
    assert IMAGE in headings  # the partner's name (P2), under the page title
    account = page.get_by_test_id("stMarkdownContainer").filter(has_text="Partner ID")
    assert "Partner ID: P2" in account.first.inner_text()
    # No image from the data was fetched or drawn, no link from it made.
    assert not [url for url in requests if "127.0.0.1:1/" in url]
    assert page.locator('img[src*="127.0.0.1:1"]').count() == 0
    links = page.locator('a[href*="127.0.0.1:1"]')
    assert links.count() == 0
