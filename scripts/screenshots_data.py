"""Save 1440x900 screenshots of the Data page on the demo data:
docs/data_upload.png (the page as it opens) and docs/import_report_errors.png (the
import report of a clients export with errors; nothing is committed).

    python scripts/screenshots_data.py [--out docs]

Runs the real app (`streamlit run app.py`) on a temporary copy of the demo data in
Debian's Chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.screenshots_performance import start_app  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, wait_for_app  # noqa: E402

FOOTER = (
    '\r\n"Grand Totals (24 records)"\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
)


def broken_clients_export(rows: int = 24) -> bytes:
    """The first demo clients as a report export with an extra column and a footer,
    and mistakes: an impossible date, a duplicate CRN, a churn date before the added
    date, a negative amount and an unknown partner."""
    lines = (ROOT / "data" / "demo" / "clients.csv").read_text().splitlines()
    records = list(csv.reader(lines[: rows + 1]))
    header, body = records[0] + ["Stage"], [r + ["Closed Won"] for r in records[1:]]
    body[2][3] = "31/02/2026"  # file row 4
    body[5][0] = body[0][0]  # row 7 repeats row 2's CRN
    late = next(i for i, r in enumerate(body) if i > 5 and not r[4])  # not repurposed
    body[late][3], body[late][5] = "2026-03-10", "2026-02-01"  # churned before added
    body[10][6] = "-12.50"  # row 12
    body[13][1] = "0014J0000ZZZZZZ"  # row 15
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *body])
    return (out.getvalue() + FOOTER).encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        server, url = start_app(Path(data), ROOT)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(60_000)
                # The first visit to a fresh server imports the demo data and runs
                # before st.navigation knows the url paths: warm up on the home page.
                page.goto(url)
                wait_for_app(page)
                page.locator("h1").first.wait_for()
                page.goto(f"{url}/data")
                wait_for_app(page)
                page.locator("h1", has_text="Data").wait_for()
                page.locator('[data-testid="stFileUploaderDropzone"] button').wait_for()
                page.wait_for_timeout(1000)
                page.screenshot(path=str(args.out / "data_upload.png"))
                print(args.out / "data_upload.png")

                export = Path(data) / "Clients report 2026-11-20.csv"
                export.write_bytes(broken_clients_export())
                page.locator(
                    '[data-testid="stFileUploaderDropzoneInput"]'
                ).set_input_files(str(export))
                page.get_by_text("Import report").wait_for()
                wait_for_app(page)
                page.wait_for_timeout(1000)
                heading = page.locator("h3", has_text="Import report")
                heading.evaluate("h => h.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(500)
                page.screenshot(path=str(args.out / "import_report_errors.png"))
                print(args.out / "import_report_errors.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
