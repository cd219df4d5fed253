"""Sign-in end to end in Debian's Chromium against a real OpenID provider on
127.0.0.1 (oidc-provider-mock: its authorize form takes the subject, which is the
email here), on the fixture of tests/test_access.py: Ann owns Acorn and Birch, Bob
Cedar, Cid Dune; Meg manages Ann and Bob; Eve is not in the users table.

With $AMD_WRITE_DOCS set, also takes the screenshots in docs/ of the sign-in page
and of an AM's and a manager's Dashboard."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, commit_tables, free_port, serve_app, wait_for_app
from tests.test_access import TABLES

pytestmark = pytest.mark.browser
AS_OF = "as_of=2026-11-04"


@contextlib.contextmanager
def running_provider(**config):
    """The OpenID provider on a free loopback port; yields its base URL."""
    import werkzeug.serving
    from oidc_provider_mock import app

    server = werkzeug.serving.make_server("127.0.0.1", 0, app(**config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextlib.contextmanager
def serving_with_sign_in(folder: Path, provider: str):
    """The app with sign-in on, on the fixture, its secrets in a file of its own."""
    commit_tables(folder / "store", **TABLES)
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "one secret for every app process"\n'
        'client_id = "account-management"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {"STREAMLIT_SECRETS_FILES": str(secrets)}
    with serve_app(folder / "store", folder / "server.log", port, env) as url:
        yield url


@pytest.fixture(scope="module")
def team_url(tmp_path_factory):
    with running_provider() as provider:
        with serving_with_sign_in(tmp_path_factory.mktemp("team"), provider) as url:
            yield url


def sign_in(page, url: str, email: str) -> None:
    """Open the app, press Sign in, and authorize `email` at the provider."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)


def downloaded_partners(page) -> list[str]:
    """The partner names of the partner report's CSV download."""
    button = page.locator('[data-testid="stDownloadButton"] button').first
    with page.expect_download() as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    return [row["partner_name"] for row in csv.DictReader(io.StringIO(text))]


def open_report(page, url: str, query: str = AS_OF) -> None:
    page.goto(f"{url}/partners?{query}")
    wait_for_app(page)


def screenshot(page, name: str) -> None:
    """docs/<name> when $AMD_WRITE_DOCS is set (a test run leaves docs/ alone):
    AMD_WRITE_DOCS=1 python -m pytest tests/test_browser_team.py"""
    if os.environ.get("AMD_WRITE_DOCS"):
        page.wait_for_timeout(500)  # let the charts finish drawing
        page.screenshot(path=str(ROOT / "docs" / name))


def test_a_signed_out_visitor_sees_only_the_sign_in_page(page, team_url):
    page.goto(f"{team_url}/partners?{AS_OF}")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Account Management Dashboard")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    screenshot(page, "sign_in.png")


def test_an_am_sees_only_their_partners_in_the_report_and_its_download(page, team_url):
    sign_in(page, team_url, "ann@example.com")
    expect(page.locator("h1").first).to_have_text("Dashboard")
    expect(page.get_by_text("Signed in as Ann (am)")).to_be_visible()
    page.goto(f"{team_url}/?{AS_OF}")
    wait_for_app(page)
    screenshot(page, "dashboard_am.png")
    open_report(page, team_url)
    # Champions League (Birch) before Premiership (Acorn)
    assert downloaded_partners(page) == ["Birch", "Acorn"]
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_text("Partner report")).to_be_visible()
    expect(nav.get_by_text("Data", exact=True)).to_have_count(0)


def test_an_am_cannot_open_the_data_page_or_widen_the_book_by_url(page, team_url):
    sign_in(page, team_url, "ann@example.com")
    page.goto(f"{team_url}/data")
    wait_for_app(page)
    expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Restore")).to_have_count(0)
    open_report(page, team_url, f"{AS_OF}&am=Bob")
    expect(page.get_by_text("Bob is not in the books you may see.")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    page.goto(f"{team_url}/quota?{AS_OF}")
    wait_for_app(page)
    expect(page.get_by_text("Quota pace").first).to_be_visible()
    expect(page.get_by_role("button", name="Enter a target")).to_have_count(0)


def test_a_manager_sees_the_team_and_views_as_one_am(page, team_url):
    sign_in(page, team_url, "meg@example.com")
    page.goto(f"{team_url}/?{AS_OF}")
    wait_for_app(page)
    screenshot(page, "dashboard_manager.png")
    open_report(page, team_url)
    # no league first (Cedar), then Champions League (Birch), Premiership (Acorn)
    assert downloaded_partners(page) == ["Cedar", "Birch", "Acorn"]
    page.get_by_role("combobox", name="View as").click()
    page.get_by_role("option", name="Bob", exact=True).click()
    wait_for_app(page)
    assert "view_as=Bob" in page.url
    assert downloaded_partners(page) == ["Cedar"]


def test_a_user_not_in_the_table_is_refused(page, team_url):
    sign_in(page, team_url, "eve@example.com")
    expect(
        page.get_by_text("eve@example.com is not in the app's users list")
    ).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(0)


def test_an_expired_id_token_signs_out(page, tmp_path):
    # ID tokens of this provider live 15 s; Streamlit's cookie would keep 30 days.
    lifetime = dt.timedelta(seconds=15)
    with running_provider(access_token_max_age=lifetime) as provider:
        with serving_with_sign_in(tmp_path, provider) as url:
            sign_in(page, url, "ann@example.com")
            signed_in = time.monotonic()  # after the token was issued
            expect(page.get_by_text("Signed in as Ann (am)")).to_be_visible()
            left = lifetime.total_seconds() + 1 - (time.monotonic() - signed_in)
            page.wait_for_timeout(max(left, 0) * 1000)
            page.goto(f"{url}/partners?{AS_OF}")
            # the app signs out, also at the provider, which asks to confirm
            page.get_by_role("button", name="End session").click()
            wait_for_app(page)
            expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)
