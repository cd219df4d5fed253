"""The dataset's history read from the store's manifests: a version's name as users
see it, which tables each upload replaced, which tables still hold the demo data,
and clearing an optional table (a new version). Nothing here changes store.py;
it reads the records the store writes and commits through its public `commit`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analytics import store
from analytics.schema import TABLES

# The tables a user may empty (SPEC section 7, `clear TABLE`), and the short
# names the command also takes.
OPTIONAL_TABLES = tuple(name for name, table in TABLES.items() if not table.required)
TABLE_ALIASES = {"plans": "account_plans"}
RESTORED_PREFIX = "restored "


def version_name(version: str) -> str:
    """`000006-20261201T072425` -> `#6 (1 Dec 2026 07:24)`: the number and the time
    (UTC) of a committed version, the one name the app and the CLI use."""
    number, _, stamp = version.partition("-")
    if not number.isdigit():
        return version
    try:
        when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S")
    except ValueError:
        return f"#{int(number)}"
    return f"#{int(number)} ({when.day} {when:%b %Y %H:%M})"


def version_number(version: str) -> str:
    """`000006-20261201T072425` -> `#6`."""
    number = version.partition("-")[0]
    return f"#{int(number)}" if number.isdigit() else version


def restored_version(upload: store.Upload) -> str | None:
    """The version a restore made current again (from its note), else None."""
    if upload.kind == "restore" and upload.note.startswith(RESTORED_PREFIX):
        return upload.note[len(RESTORED_PREFIX) :].strip()
    return None


def replaced_tables(upload: store.Upload, previous: store.Upload | None) -> list[str]:
    """The tables `upload` replaced: every table for the first one; then those it
    archived a file for, and those whose row count changed from the upload before
    it (a cleared table, a table emptied by the upload)."""
    if previous is None:
        return [t for t in store.ALL_TABLES if t in TABLES or upload.tables.get(t)]
    with_files = {f.table for f in upload.files}
    return [
        t
        for t in store.ALL_TABLES
        if t in with_files or upload.tables.get(t) != previous.tables.get(t)
    ]


def table_origins(directory: Path) -> dict[str, store.Upload]:
    """For each table of the current dataset, the upload whose data it holds (a
    restore hands on to the upload it restored)."""
    history = store.uploads(directory)  # newest first
    position = {u.version: i for i, u in enumerate(history)}
    origins: dict[str, store.Upload] = {}
    i = position.get(store.current_version(directory) or "")
    while i is not None and i < len(history) and len(origins) < len(store.ALL_TABLES):
        upload = history[i]
        restored = restored_version(upload)
        if restored is not None:
            i = position.get(restored)
            continue
        previous = history[i + 1] if i + 1 < len(history) else None
        for table in replaced_tables(upload, previous):
            origins.setdefault(table, upload)
        i += 1
    return origins


def demo_tables(directory: Path) -> list[str]:
    """The tables (with rows) of the current dataset that still hold the demo data."""
    return [
        table
        for table, upload in table_origins(directory).items()
        if upload.kind == "demo" and upload.tables.get(table) and table in TABLES
    ]


def empty_required_tables(directory: Path, version: str) -> list[str]:
    """The required tables (partners, clients, activities) with no rows in
    `version`, read from its manifest."""
    upload = store.upload(directory, version)
    counts = upload.tables if upload else {}
    return [n for n, t in TABLES.items() if t.required and not counts.get(n)]


def optional_table(name: str) -> str:
    """The optional table a user named (`plans` for account_plans); ValueError
    for any other name."""
    table = TABLE_ALIASES.get(name, name)
    if table not in OPTIONAL_TABLES:
        names = ", ".join(sorted({*OPTIONAL_TABLES, *TABLE_ALIASES}))
        raise ValueError(f"{name!r} is not an optional table (one of {names})")
    return table


def clear_table(directory: Path, table: str) -> store.Upload:
    """Empty one optional table as a new version; the other tables stay."""
    table = optional_table(table)
    empty = pd.DataFrame(columns=TABLES[table].column_names)
    return store.commit(
        directory, {table: empty}, kind="clear", note=f"cleared {table}"
    )
