"""Excel workbooks (.xlsx): each sheet is read as a file of its own, named
`Book.xlsx [Sheet]`, by writing its cells as CSV text for the same checks.

openpyxl reads them (already a dependency for the Excel downloads; its read-only
mode streams rows, so a large sheet is not held whole): dates become ISO dates,
whole numbers lose their `.0`, empty sheets are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from analytics.ingest.text import binary_kind

XLSX = "an Excel workbook (.xlsx)"


class UnreadableWorkbook(Exception):
    """The bytes look like a workbook but openpyxl cannot open them."""


def is_workbook(content: bytes) -> bool:
    return binary_kind(content) == XLSX or (
        content.startswith(b"PK\x03\x04") and _has_workbook(content)
    )


def _has_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheets(content: bytes) -> list[tuple[str, bytes]]:
    """Every sheet with a cell in it, as (sheet name, CSV bytes in UTF-8)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableWorkbook(str(error)) from error
    found = []
    try:
        for sheet in book.worksheets:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            filled = False
            for row in sheet.iter_rows(values_only=True):
                cells = [_cell(v) for v in row]
                while cells and cells[-1] == "":
                    cells.pop()
                filled = filled or bool(cells)
                writer.writerow(cells)
            if filled:
                found.append((sheet.title, out.getvalue().encode("utf-8")))
    finally:
        book.close()
    return found


def expand(
    files: list[tuple[str, bytes | Path]],
) -> tuple[list[tuple[str, bytes | Path]], dict[str, str]]:
    """The upload with each workbook replaced by its sheets (`Book.xlsx [Sheet]`),
    and sheet name -> workbook name. A workbook that cannot be read stays as it
    is (its check says why)."""
    expanded, books = [], {}
    for name, content in files:
        if not isinstance(content, bytes):  # a path: read whole only if a workbook
            with open(content, "rb") as handle:
                start = handle.read(4)
            if not start.startswith(b"PK\x03\x04"):
                expanded.append((name, content))
                continue
            content = Path(content).read_bytes()
        if not is_workbook(content):
            expanded.append((name, content))
            continue
        try:
            found = sheets(content)
        except UnreadableWorkbook:
            expanded.append((name, content))
            continue
        if not found:  # no sheet holds a cell: checked as an empty file
            expanded.append((name, b""))
        for title, text in found:
            sheet_name = f"{name} [{title}]"
            expanded.append((sheet_name, text))
            books[sheet_name] = name
    return expanded, books


def for_sheets(options: dict, books: dict[str, str]) -> dict:
    """Per-file options (table, mapping) given for a workbook, for its sheets."""
    inherited = {
        sheet: options[book] for sheet, book in books.items() if book in options
    }
    return {**inherited, **options}
