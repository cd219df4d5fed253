"""Two app processes behind haproxy on loopback (scripts/serve_many.py), over one
data folder, in Debian's Chromium: each browser is kept on one process by
haproxy's cookie; a commit made in one process is seen by the other on its next
rerun; eight sessions keep reading while commits land, without an error."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.request

import pandas as pd
import pytest
from playwright.sync_api import expect

from analytics import store
from tests.conftest import ROOT, commit_tables, free_port, wait_for_app
from tests.test_access import TABLES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def balanced(tmp_path_factory):
    """serve_many.py with two processes; yields (base URL, data folder, run folder)."""
    folder = tmp_path_factory.mktemp("many")
    data = commit_tables(folder / "store", **TABLES)
    port, apps = free_port(), [free_port(), free_port()]
    server = subprocess.Popen(
        [
            sys.executable, "scripts/serve_many.py",
            "--port", str(port),
            "--app-ports", ",".join(map(str, apps)),
            "--data-dir", str(data),
            "--run-dir", str(folder / "run"),
            "--cookie-secret", "one secret for both",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        assert server.stdout.readline().startswith(f"serving {url}")
        deadline = time.monotonic() + 30
        while True:  # haproxy listens a moment after it is started
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, "haproxy did not answer"
                time.sleep(0.2)
        yield url, data, folder / "run"
    finally:
        server.terminate()
        server.wait(timeout=30)


def node(context) -> str:
    """The app process haproxy keeps this browser on (its cookie)."""
    return next(c["value"] for c in context.cookies() if c["name"] == "AMD_NODE")


def metric_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]', has_text=label)
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_commit_in_one_process_is_seen_by_the_other_on_its_next_rerun(
    browser, balanced
):
    url, data, _ = balanced
    contexts = [
        browser.new_context(viewport={"width": 1440, "height": 900}) for _ in "AB"
    ]
    first, second = (context.new_page() for context in contexts)
    for page in (first, second):
        page.goto(f"{url}/data")
        wait_for_app(page)
    # round robin: the two browsers are on the two processes, and stay there
    assert {node(c) for c in contexts} == {"app1", "app2"}
    assert metric_value(second, "Dataset version") == "#1"

    first.get_by_role("tab", name="Uploads history").click()
    first.get_by_text("Yes, replace every table with the demo data").click()
    wait_for_app(first)
    first.get_by_role("button", name="Reset to demo data").click()
    wait_for_app(first)
    expect(
        first.get_by_text("Reset to the demo data as dataset version #2")
    ).to_be_visible()

    second.locator("h1").first.click()  # focus the app, then its rerun shortcut
    second.keyboard.press("r")
    wait_for_app(second)
    assert metric_value(second, "Dataset version") == "#2"
    assert {node(c) for c in contexts} == {"app1", "app2"}
    for context in contexts:
        context.close()


def test_eight_sessions_read_while_commits_land(browser, balanced):
    url, data, run = balanced
    contexts = [
        browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(8)
    ]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.goto(f"{url}/partners?as_of=2026-11-04")
    done = threading.Event()
    versions = []

    def commit_partners() -> None:
        # four commits of the partners table, Acorn renamed each time
        for n in range(4):
            renamed = [
                {**p, "partner_name": f"Acorn {n}"}
                if p["partner_name"] == "Acorn"
                else p
                for p in TABLES["partners"]
            ]
            versions.append(
                store.commit(data, {"partners": pd.DataFrame(renamed)}).version
            )
        done.set()

    writer = threading.Thread(target=commit_partners)
    writer.start()
    while not done.is_set():
        for page in pages:  # each session reruns on whatever version is current
            page.keyboard.press("r")
        for page in pages:
            wait_for_app(page, settle_ms=100)
    writer.join()
    assert len(versions) == 4
    for page in pages:
        page.keyboard.press("r")
        wait_for_app(page)  # fails on any exception box
        # the four partners committed, and the (unknown partner) of clients whose
        # partner is not among them (C6 of the fixture; the demo's after a reset)
        expect(page.get_by_text("5 partners ·")).to_be_visible()
    assert {node(c) for c in contexts} == {"app1", "app2"}
    for log in run.glob("app*.log"):
        assert "Traceback" not in log.read_text(), log.name
    for context in contexts:
        context.close()
