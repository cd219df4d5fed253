"""The Dashboard's call list in a real browser on the demo data: a row's partner
name opens that partner's detail (by its id, in the same session) in one click."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from analytics import calls, dates, store
from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def third_call(tmp_path_factory) -> tuple[str, str]:
    """(id, name) of the third partner of the demo data's call list (not the first,
    so a link that opened by position or the first row would show)."""
    from analytics.ingest import import_demo

    folder = tmp_path_factory.mktemp("expected")
    import_demo(folder)
    with store.connect(folder) as con:
        listed = calls.call_list(con, dates.default_as_of(store.latest_date(con)))
    return listed["partner_id"].iloc[2], listed["partner_name"].iloc[2]


def test_call_list_name_opens_its_partner(page, app_url, third_call):
    partner_id, name = third_call
    page.goto(app_url)
    wait_for_app(page)
    links = page.locator('[data-testid="stPageLink"]').filter(has_text=name)
    links.first.click()
    page.wait_for_url(f"**/partner?partner={partner_id}")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text(f"Partner ID: {partner_id}")
