"""Data access every subject module shares: the SQL runner `query`, the macros that
hold the row-level rules (sql/macros.sql), and the connection to one committed
version file.

A version file written since the macros exist holds them (store.commit calls
`create_macros` before it builds the staging tables), so a read-only connection
sees them. A file written before, or with older rules, is read through an
in-memory database that attaches it and rebuilds the macros, the staging tables
and the rollups (analytics/rollups.py) there: the file itself is never changed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics import rollups
from analytics.schema import MANUAL_QUOTAS, NO_LEAGUE, TABLES

SQL_DIR = Path(__file__).with_name("sql")
MACROS_SQL = SQL_DIR / "macros.sql"
STAGING_SQL = SQL_DIR / "staging.sql"
# The tables a version file stores (schema.TABLES and the targets typed in the app).
STORED_TABLES = (*TABLES, MANUAL_QUOTAS.name)
# DuckDB's memory for a reading connection (its buffer pool and query working
# memory; beyond it a query spills to a temporary folder): its default, 80% of
# the machine's memory per connection, let one app process grow to gigabytes.
MEMORY_ENV = "AMD_DUCKDB_MEMORY_MB"
DEFAULT_MEMORY_MB = 128


def rules_version() -> str:
    """A fingerprint of the macros, the staging SQL and the rollups: a file built
    with other rules is rebuilt in memory when read."""
    text = NO_LEAGUE + MACROS_SQL.read_text() + STAGING_SQL.read_text()
    text += rollups.ROLLUPS_SQL
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the rule macros (and the rules' fingerprint) in `con`'s database."""
    # the label from schema.NO_LEAGUE, our own constant (league_name uses it)
    con.execute(f"create or replace macro no_league() as '{NO_LEAGUE}'")
    con.execute(MACROS_SQL.read_text())
    con.execute(f"create or replace macro rules_version() as '{rules_version()}'")


def has_current_rules(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        # fetchall: a result left unfinished blocks the connection's next query.
        (found,) = con.execute("select rules_version()").fetchall()[0]
        return found == rules_version()
    except duckdb.Error:
        return False


def built_with_current_rules(path: Path) -> bool:
    """Whether the version file at `path` has the current macros and staging tables
    (opened as `connect` opens it: DuckDB refuses a second configuration)."""
    with duckdb.connect(str(path), read_only=True, config=limits()) as con:
        return has_current_rules(con)


def limits() -> dict[str, str]:
    """DuckDB settings of every reading connection: at most $AMD_DUCKDB_MEMORY_MB
    (default 128), spilling beyond it to a folder of this process's own under the
    system's temporary folder (a version file's folder may be read-only, and two
    processes must not share spill files)."""
    megabytes = int(os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_MB)
    spill = Path(tempfile.gettempdir()) / f"amd-duckdb-{os.getpid()}"
    return {"memory_limit": f"{megabytes}MB", "temp_directory": str(spill)}


def set_limits(con: duckdb.DuckDBPyConnection) -> None:
    """Apply `limits()` to a connection opened elsewhere (e.g. a book)."""
    for name, value in limits().items():
        con.execute(f"set {name} = ?", [value])  # names from limits() only


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the version file at `path`, with the current
    macros and staging tables (rebuilt in memory for a file made before them),
    within `limits()`."""
    con = duckdb.connect(str(path), read_only=True, config=limits())
    if has_current_rules(con):
        return con
    con.close()
    memory = duckdb.connect(config=limits())
    memory.execute("attach ? as stored (read_only)", [str(path)])
    for table in STORED_TABLES:
        memory.execute(f"create view {table} as select * from stored.{table}")
    create_macros(memory)
    memory.execute(STAGING_SQL.read_text())
    rollups.build(memory)
    return memory


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
        frame[column] = _as_dates(frame[column])
    return frame


def _as_dates(values: pd.Series) -> pd.Series:
    """A DATE column as `datetime.date` objects, None when empty (vectorised for
    datetime64: a Python loop took 0.6 s over 150k dates)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.date.astype(object).where(values.notna(), None)
    return pd.Series(
        [None if pd.isna(v) else v.date() for v in values],
        index=values.index,
        dtype=object,
    )
