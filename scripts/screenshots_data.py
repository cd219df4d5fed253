"""Save screenshots of the data keeper's flows on the Data page into docs/.

    python scripts/screenshots_data.py [--out docs]

On a temporary copy of the demo data, in Debian's Chromium at 1440x900 (sidebar
open) and 1280x720: the first real upload of partners and clients over the demo
(what the commit replaces and changes, before it), the sidebar after it, a file
mapped by hand and then pre-set from the remembered mapping (one status box), the
uploads history with the tables each upload replaced, and clearing a table.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.ingest import import_demo  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_app, wait_for_app  # noqa: E402

DEMO = ROOT / "data" / "demo"
SIZES = {"": (1440, 900), "_small": (1280, 720)}


def demo_rows(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((DEMO / name).read_text())))


def real_exports() -> dict[str, bytes]:
    """A "real" upload: the first 80 demo partners renamed, and their clients,
    some missing, some newly churned, one moved."""
    partners = demo_rows("partners.csv")
    header, body = partners[0], partners[1:81]
    for i, row in enumerate(body):
        row[1] = f"Partner {i + 1:02d} Ltd"
    kept = {row[0] for row in body}
    clients = demo_rows("clients.csv")
    rows = [r for r in clients[1:] if r[1] in kept][:-5]  # 5 clients missing
    for row in rows[:3]:
        if not row[5]:
            row[5] = "2026-11-27"  # newly churned
    rows[10][1] = body[0][0]  # moved to the first partner
    out = {}
    for name, table in (("Partners.csv", [header, *body]),
                        ("Clients.csv", [clients[0], *rows])):  # fmt: skip
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(table)
        out[name] = text.getvalue().encode()
    return out


UNNAMED_CLIENTS = b"Ref,Account ID,Created Date\n"


def settle(page) -> None:
    wait_for_app(page)
    page.wait_for_timeout(1200)


def choose(page, folder: Path, files: dict[str, bytes]) -> None:
    paths = []
    for name, content in files.items():
        (folder / name).write_bytes(content)
        paths.append(str(folder / name))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(paths)
    page.get_by_text("Import report").wait_for(timeout=60_000)
    settle(page)


def scroll_to(page, text: str) -> None:
    page.get_by_text(text).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label` (typed, then Enter)."""
    box = page.get_by_role("combobox", name=label).first
    box.click()
    box.fill(option)
    page.keyboard.press("Enter")
    settle(page)


def save(page, path: Path) -> None:
    page.screenshot(path=str(path))
    print(path)


def flows(page, url: str, folder: Path, out: Path, suffix: str) -> None:
    page.goto(f"{url}/data")
    settle(page)
    exports = real_exports()
    choose(page, folder, exports)
    save(page, out / f"data_first_upload_report{suffix}.png")
    scroll_to(page, "Commit replaces")
    save(page, out / f"data_first_upload_changes{suffix}.png")
    page.get_by_role("button", name="Commit").click()
    page.get_by_text("Committed as dataset version").wait_for(timeout=60_000)
    settle(page)
    save(page, out / f"data_first_upload_committed{suffix}.png")

    partner = exports["Partners.csv"].decode().splitlines()[1].split(",")[0]
    unnamed = UNNAMED_CLIENTS + f"X1,{partner},2026-11-02\n".encode()
    page.goto(f"{url}/data")
    settle(page)
    choose(page, folder, {"export.csv": unnamed})
    pick(page, "Table", "Clients")
    pick(page, "CRN", "Ref")
    save(page, out / f"data_mapping_by_hand{suffix}.png")
    page.get_by_role("button", name="Commit").click()
    page.get_by_text("Committed as dataset version").wait_for(timeout=60_000)
    settle(page)
    page.goto(f"{url}/data")
    settle(page)
    choose(page, folder, {"export-next.csv": unnamed})
    page.get_by_text(re.compile(r"^Checked 1 file: ")).click()
    scroll_to(page, "Which files and columns are accepted")
    save(page, out / f"data_mapping_remembered{suffix}.png")

    page.goto(f"{url}/data?tab=Uploads+history")
    settle(page)
    save(page, out / f"data_history{suffix}.png")
    scroll_to(page, "Clear an optional table")
    page.get_by_text("Yes, empty").click()
    settle(page)
    page.get_by_role("button", name="Clear this table").click()
    page.get_by_text("Cleared").first.wait_for()
    settle(page)
    save(page, out / f"data_cleared{suffix}.png")


def large_upload(page, url: str, big: Path, out: Path, suffix: str) -> None:
    """The status box while a large upload is checked (partners and clients from
    `python -m analytics demo --clients 300000 --out BIG`), then when done."""
    page.goto(f"{url}/data")
    settle(page)
    files = [str(big / "partners.csv"), str(big / "clients.csv")]
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    page.get_by_text("Checking the files as found…").wait_for(timeout=120_000)
    scroll_to(page, "Which files and columns are accepted")
    save(page, out / f"data_large_checking{suffix}.png")
    page.get_by_text("Import report").wait_for(timeout=300_000)
    settle(page)
    page.get_by_text(re.compile(r"^Checked 2 files: ")).click()
    scroll_to(page, "Which files and columns are accepted")
    save(page, out / f"data_large_checked{suffix}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--large", type=Path, help="a demo folder with large files")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for suffix, (width, height) in SIZES.items():
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                import_demo(folder / "store")
                with serve_app(folder / "store", folder / "server.log") as url:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.set_default_timeout(60_000)
                    flows(page, url, folder, out, suffix)
                    if args.large:
                        large_upload(page, url, args.large, out, suffix)
                    page.close()
        browser.close()


if __name__ == "__main__":
    main()
