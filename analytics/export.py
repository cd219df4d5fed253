"""The `export` command and every download: report tables as CSV (or Excel) with
formula cells neutralised."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pandas as pd

from analytics import activity, churn, partners, quota, repurposing
from analytics.schema import league_names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number written as text ("-5", "+1.5", "1e3"): a spreadsheet reads it as that
# number, never as a formula, so it is left as it is.
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Excel's widest useful column, in characters: long text (a reason) shows whole up
# to here and wraps beyond.
MAX_EXCEL_WIDTH = 100


def neutral_text(value: object) -> object:
    """`=SUM(A1)` -> `'=SUM(A1)`: text a spreadsheet would run as a formula gets a
    leading apostrophe; numbers (`-5` as text too) and other values stay as they are."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where formula-looking text cells (starting with = + - @, or tab/CR,
    and not a number) get a leading apostrophe, so a spreadsheet shows them as
    text instead of running them."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutral_text)
    return out


def _datetime_text(values: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD; a column with times of day keeps them (YYYY-MM-DD HH:MM:SS,
    UTC for a zoned column)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    shown = values.dropna()
    form = "%Y-%m-%d" if (shown == shown.dt.normalize()).all() else "%Y-%m-%d %H:%M:%S"
    return values.dt.strftime(form).fillna("")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for a download or export: UTF-8 with a BOM (so Excel reads accents
    right), neutralised, ISO dates (with the time where there is one), empty for
    none, booleans as true/false."""
    out = neutralise(df)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "true", False: "false"})
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = _datetime_text(values)
        elif pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            out[column] = values.astype("Int64")  # 12 not 12.0 where a count had gaps
    return out.to_csv(index=False, date_format="%Y-%m-%d", na_rep="").encode(
        "utf-8-sig"
    )


def to_excel_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of `df`: one sheet, a bold frozen header, numbers as
    numbers, dates as dates, text always as text (never a formula) and neutralised
    like the CSV, columns wide enough for their text."""
    # imported when a workbook is asked for: openpyxl (and lxml) add 12 MB to
    # every app process that never writes one
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(_sheet_title(sheet))
    ws.freeze_panes = "A2"
    out = neutralise(df)
    columns = [_excel_values(out[c]) for c in out.columns]
    for i, (name, values) in enumerate(zip(out.columns, columns, strict=True), 1):
        longest = max([len(str(name)), *(len(str(v)) for v in values[:1000] if v)])
        width = min(max(longest, 8) + 2, MAX_EXCEL_WIDTH)
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for name in out.columns:
        cell = WriteOnlyCell(ws, value=str(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in zip(*columns, strict=True):
        ws.append([_excel_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    """A valid sheet title: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "data"


def _excel_values(values: pd.Series) -> list:
    """A column's values as Python objects openpyxl writes natively; None for none."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values):
        shown = values.dropna()
        if (shown == shown.dt.normalize()).all():  # dates alone, as the CSV has
            return [None if pd.isna(v) else v.date() for v in values]
        return [None if pd.isna(v) else v.to_pydatetime() for v in values]
    return [None if _missing(v) else _plain(v) for v in values]


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array in a cell
        return False


def _plain(value: object) -> object:
    """numpy scalars as Python ones; anything else unknown to Excel as its text."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, bool | int | float | str | dt.date):
        return value
    return str(value)


def _excel_cell(ws, value: object) -> object:
    """A value as openpyxl appends it; text starting with `=` (none is left after
    neutralising, but never trust that) as a text cell, not a formula."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _bool_text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))


def reports(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The five SPEC section 7 reports, keyed by file name, in the app's row order."""
    report = partners.partner_report(con, as_of)
    report["league"] = league_names(report["league"])
    report["has_notes_task"] = _bool_text(report["has_notes_task"])
    return {
        "partner_report.csv": report,
        "weekly_churn.csv": churn.weekly_churn(con, as_of, by="league"),
        "quota_pace.csv": quota.quota_pace(con, as_of),
        "repurposing_cohorts.csv": repurposing.cohorts(con, as_of),
        "attention.csv": activity.attention(con, as_of),
    }


def write_exports(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, out: Path
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in reports(con, as_of).items():
        path = out / name
        path.write_bytes(to_csv_bytes(df))
        written.append(path)
    return written
