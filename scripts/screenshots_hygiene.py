"""Save 1440x900 screenshots of the Activity and Account plans pages on the demo data.

    python scripts/screenshots_hygiene.py [--out docs] [--full]

Starts the app on a temporary copy of the demo data, opens each page in Debian's
Chromium and writes docs/activity.png and docs/account_plans.png (with --full, also
a 1440x6000 image of each, *_full.png, for checking the whole layout).
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

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"activity": "activity", "account_plans": "plans"}
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data: Path, port: int) -> subprocess.Popen:
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
        env={**os.environ, "AMD_DATA_DIR": str(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("streamlit did not start in 60 s")


def wait_for_app(page) -> None:
    """Wait until the page script has run and stayed idle for 1.5 s (charts drawn)."""
    page.wait_for_selector("h1", timeout=60_000)
    idle = 0
    for _ in range(240):
        busy = page.locator(
            '[data-testid="stStatusWidget"], [data-testid="stSkeleton"]'
        ).count()
        idle = 0 if busy else idle + 1
        if idle >= 3:
            break
        page.wait_for_timeout(500)
    page.wait_for_timeout(1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        server = start_app(Path(data), port)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                # The first session of a fresh server imports the demo data: wait
                # for it on the home page so the pages below open directly.
                page.goto(f"http://127.0.0.1:{port}/")
                wait_for_app(page)
                for name, url_path in PAGES.items():
                    page.goto(f"http://127.0.0.1:{port}/{url_path}")
                    wait_for_app(page)
                    page.screenshot(path=out / f"{name}.png")
                    print(out / f"{name}.png")
                if args.full:
                    tall = browser.new_page(viewport={"width": 1440, "height": 6000})
                    for name, url_path in PAGES.items():
                        tall.goto(f"http://127.0.0.1:{port}/{url_path}")
                        wait_for_app(tall)
                        tall.screenshot(path=out / f"{name}_full.png")
                        print(out / f"{name}_full.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
