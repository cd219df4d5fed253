"""Save 1440x900 screenshots of the Dashboard, the Partner report and a Partner
detail on the demo data: docs/dashboard.png, docs/partner_report.png,
docs/partner_detail.png.

    python scripts/screenshots_core.py [--out docs]

Runs the real app (`streamlit run app.py`) on a temporary copy of the demo data in
Debian's Chromium, like the browser tests. The detail shown is the first Champions
League partner of the report.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import dates, partners, store  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, wait_for_app  # noqa: E402


def start_app(data: Path) -> tuple[subprocess.Popen, str]:
    """The app on a free port with `data` as its dataset; returns (process, url)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env={**os.environ, store.DATA_DIR_ENV: str(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("streamlit did not start")


def showcase_partner(data: Path) -> str:
    """The first Champions League partner of the report on the app's data."""
    with store.connect(data) as con:
        as_of = dates.default_as_of(store.latest_date(con))
        report = partners.partner_report(con, as_of, league="Champions League")
    return report["partner_id"].iloc[0]


def shoot(page, url: str, path: Path, ready: str, wide: bool = False) -> None:
    """Open `url`, wait for the `ready` selector and the page to settle, save;
    `wide` collapses the sidebar first (the partner report's eleven columns need
    the room at 1440 pixels)."""
    page.goto(url)
    wait_for_app(page)
    if wide:
        page.locator('[data-testid="stSidebar"]').hover()
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    page.locator(ready).first.wait_for(state="attached")
    page.wait_for_timeout(1500)  # plotly and the grids finish drawing
    page.screenshot(path=str(path))
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        server, url = start_app(data)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(60_000)
                # The first visit imports the demo data and runs before st.navigation
                # knows the url paths: warm up on the home page.
                page.goto(url)
                wait_for_app(page)
                page.locator("h1").first.wait_for()
                partner = showcase_partner(data)
                shoot(page, url, args.out / "dashboard.png", ".plotly")
                shoot(
                    page,
                    f"{url}/partner?partner={partner}",
                    args.out / "partner_detail.png",
                    '[data-testid="stDataFrame"] table td',
                )
                shoot(
                    page,
                    f"{url}/partners",
                    args.out / "partner_report.png",
                    '[data-testid="stDataFrame"] table td',
                    wide=True,
                )
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
