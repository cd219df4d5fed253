"""Save screenshots of every page on the demo data into docs/: 1440x900 with the
sidebar open, and for the screens an AM keeps open all day (the partner report, the
Dashboard and its call list, the week and month calendar, Quota pace) also 1280x720
(`*_1280.png`) and a 390x844 phone (`*_phone.png`).

    python scripts/screenshots.py [--out docs] [--only dashboard calendar_week ...]

`--only` takes only the named screenshots (file names without `.png` or the size
suffix), leaving the others as they are.

Imports the demo data into a temporary folder, runs the real app on it once
(`serve_app`, as the browser tests do) and opens each page in Debian's Chromium at
the app's default as-of date (the demo data's latest date). The partner detail
shows the first Champions League partner of the report; import_report_errors.png is
the Data page after choosing a broken clients export (nothing is committed).
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

from analytics import dates, partners, store  # noqa: E402
from analytics.ingest import import_demo  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_app, wait_for_app  # noqa: E402

CHART = ".plotly"
TABLE = '[data-testid="stDataFrame"] table td'
UPLOADER = '[data-testid="stFileUploaderDropzone"] button'
# (file in docs/, URL path, what shows once the page has drawn, heading to scroll
# to or None)
PAGES = (
    ("repurposing.png", "repurposing", CHART, None),
    ("weekly_churn.png", "churn", CHART, None),
    ("activity.png", "activity", CHART, None),
    ("account_plans.png", "plans", CHART, None),
    ("data_upload.png", "data", UPLOADER, None),
)
# The all-day screens, at every size below.
ALL_DAY = (
    ("partner_report", "partners", TABLE, None),
    ("dashboard", "", CHART, None),
    ("dashboard_calls", "", CHART, "Call today"),
    ("calendar_week", "activity?view=Week", TABLE, "Calendar"),
    ("calendar_month", "activity?view=Month", CHART, "Calendar"),
    ("quota_pace", "quota", CHART, None),
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
# suffix -> browser context options
SIZES = {
    "": {"viewport": {"width": 1440, "height": 900}},
    "_1280": {"viewport": {"width": 1280, "height": 720}},
    "_phone": {
        "viewport": {"width": 390, "height": 844},
        "user_agent": IPHONE,
        "is_mobile": True,
        "has_touch": True,
    },
}
FOOTER = (
    '\r\n"Grand Totals (24 records)"\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
)


def showcase_partner(data: Path) -> str:
    """The first Champions League partner of the report on the demo data."""
    with store.connect(data) as con:
        as_of = dates.default_as_of(store.latest_date(con))
        report = partners.partner_report(con, as_of, league="Champions League")
    return report["partner_id"].iloc[0]


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


def settle(page, ready: str) -> None:
    """Wait for the script to finish, for `ready` and for plotly and the grids to
    finish drawing."""
    wait_for_app(page)
    page.locator(ready).first.wait_for(state="attached")
    page.wait_for_timeout(1500)


def save(page, path: Path) -> None:
    page.screenshot(path=str(path))
    print(path)


def shoot(page, url: str, path: Path, ready: str, heading: str | None) -> None:
    """Open `url` and save it once drawn, scrolled to `heading` if given."""
    page.goto(url)
    settle(page, ready)
    if heading:
        section = page.locator("h3", has_text=heading).first
        section.evaluate("h => h.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
    save(page, path)


def shoot_import_errors(page, url: str, folder: Path, path: Path) -> None:
    """The Data page's import report for a broken clients export."""
    page.goto(f"{url}/data")
    settle(page, UPLOADER)
    export = folder / "Clients report 2026-11-20.csv"
    export.write_bytes(broken_clients_export())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(export)
    )
    page.get_by_text("Import report").wait_for()
    settle(page, TABLE)
    heading = page.locator("h3", has_text="Import report")
    heading.evaluate("h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    save(page, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--only", nargs="+", metavar="NAME")
    args = parser.parse_args()
    out, only = args.out, args.only
    out.mkdir(parents=True, exist_ok=True)

    def wanted(name: str) -> bool:
        return only is None or name.removesuffix(".png") in only

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "store"
        import_demo(data)
        partner = showcase_partner(data)
        with (
            serve_app(data, folder / "server.log") as url,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for suffix, options in SIZES.items():
                context = browser.new_context(**options)
                page = context.new_page()
                page.set_default_timeout(60_000)
                for name, path, ready, heading in ALL_DAY:
                    if wanted(name):
                        shoot(
                            page,
                            f"{url}/{path}",
                            out / f"{name}{suffix}.png",
                            ready,
                            heading,
                        )
                if suffix == "":
                    for name, path, ready, heading in PAGES:
                        if wanted(name):
                            shoot(page, f"{url}/{path}", out / name, ready, heading)
                    if wanted("import_report_errors"):
                        shoot_import_errors(
                            page, url, folder, out / "import_report_errors.png"
                        )
                    if wanted("partner_detail"):
                        detail = f"{url}/partner?partner={partner}"
                        shoot(page, detail, out / "partner_detail.png", TABLE, None)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
