"""Save 1440x900 screenshots of the performance pages on the demo data:
docs/quota_pace.png, docs/repurposing.png, docs/weekly_churn.png.

    python scripts/screenshots_performance.py [--as-of 2026-11-20] [--out docs]

Runs the real app (`streamlit run app.py`) on a temporary copy of the demo data in
Debian's Chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, wait_for_app  # noqa: E402

APP_ROOT = ROOT

SHOTS = (
    ("quota", "quota_pace.png"),
    ("repurposing", "repurposing.png"),
    ("churn", "weekly_churn.png"),
)


def start_app(data: Path, root: Path):
    """The app on a free port with `data` as its dataset; returns (process, url)."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request

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
        cwd=root,
        env={**os.environ, "AMD_DATA_DIR": str(data)},
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default=None, help="as-of date in the URL")
    parser.add_argument("--out", type=Path, default=APP_ROOT / "docs")
    parser.add_argument("--app-dir", type=Path, default=APP_ROOT)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        server, url = start_app(Path(data), args.app_dir)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(60_000)
                query = f"?as_of={args.as_of}" if args.as_of else ""
                # The first visit to a fresh server imports the demo data and runs
                # before st.navigation knows the url paths: warm up on the home page.
                page.goto(url)
                wait_for_app(page)
                page.locator("h1").first.wait_for()
                for path, name in SHOTS:
                    page.goto(f"{url}/{path}{query}")
                    wait_for_app(page)
                    page.locator("h1").first.wait_for()
                    page.locator(".plotly").first.wait_for()
                    page.wait_for_timeout(1500)  # let plotly finish drawing
                    page.screenshot(path=str(args.out / name))
                    print(args.out / name)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
