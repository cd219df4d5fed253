"""Data access every subject module shares: the SQL runner `query`."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Run `sql` on its own cursor (safe when pages call from several threads);
    DATE columns come back as `datetime.date` (None when empty)."""
    cursor = con.cursor()
    try:
        cursor.execute(sql, params or {})
        date_columns = [d[0] for d in cursor.description if d[1] == "DATE"]
        frame = cursor.df()
    finally:
        cursor.close()
    for column in date_columns:
        frame[column] = pd.Series(
            [None if pd.isna(v) else v.date() for v in frame[column]],
            index=frame.index,
            dtype=object,
        )
    return frame
