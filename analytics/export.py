"""The `export` command and every download: report tables as CSV (or Excel) with
formula cells neutralised."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import pandas as pd

from analytics import activity, churn, partners, quota, repurposing
from analytics.schema import NO_LEAGUE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells starting with = + - @ (or tab/CR) get a leading
    apostrophe, so a spreadsheet shows them as text instead of running them."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: (
                    "'" + v
                    if isinstance(v, str) and v.startswith(FORMULA_STARTS)
                    else v
                )
            )
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for a download or export: neutralised, ISO dates, empty for none,
    booleans as true/false."""
    out = neutralise(df)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            out[column] = values.astype("Int64")  # 12 not 12.0 where a count had gaps
    return out.to_csv(index=False, date_format="%Y-%m-%d", na_rep="").encode("utf-8")


def to_excel_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    neutralise(df).to_excel(buffer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def _bool_text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))


def reports(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The five SPEC section 7 reports, keyed by file name, in the app's row order."""
    report = partners.partner_report(con, as_of)
    report["league"] = report["league"].fillna(NO_LEAGUE).replace("", NO_LEAGUE)
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
