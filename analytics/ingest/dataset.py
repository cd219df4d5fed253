"""The checks of an upload against the dataset it lands on (SPEC section 3,
issues 14 and 15): partners an upload drops that the current clients and
activities still use, optional tables kept from before that fit few of the new
partners, the demo's tables (cleared by a real upload of partners, and said so),
and a first upload without any required table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analytics import schema, store
from analytics.ingest.report import ERROR, WARNING, Problem

if TYPE_CHECKING:
    from analytics.ingest.check import FileCheck

BASE = "base_dataset"
# An optional table kept from before is stale when fewer than this share of its
# rows belong to the new partners (or their account managers).
STALE_SHARE = 0.5
NOUNS = {  # table -> (one, many)
    "partners": ("partner", "partners"),
    "clients": ("client", "clients"),
    "activities": ("activity", "activities"),
    "account_plans": ("plan", "plans"),
    "contacts": ("contact", "contacts"),
    "quotas": ("quota row", "quota rows"),
    "users": ("user", "users"),
}


def _count(n: int, table: str) -> str:
    one, many = NOUNS[table]
    return f"{n:,} {one if n == 1 else many}"


def demo_tables(directory: Path) -> set[str]:
    """The tables whose data is still the demo's: last replaced by the demo
    upload (a restore makes the history unknown: no table counts as demo)."""
    settled, demo = set(), set()
    for upload in store.uploads(directory):
        if upload.kind == "restore":
            break
        tables = {f.table for f in upload.files}
        if upload.kind == "clear":  # note: "cleared <table>"
            tables.add(upload.note.rsplit(" ", 1)[-1])
        for table in tables - settled:
            if upload.kind == "demo":
                demo.add(table)
            settled.add(table)
    return demo & set(schema.TABLES)


def load_keys(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    checks: list[FileCheck],
    table: str,
    column: str,
) -> None:
    """`<table>_keys (key)`: the id keys of `column` in this upload's file of
    `table`, else in the current dataset's table (none without one, or in a
    dataset from before the table existed)."""
    target = f"{table}_keys"
    own = next((c for c in checks if c.typed and c.report.table == table), None)
    version = store.current_version(directory)
    if own is None and version is None:
        con.execute(f"create or replace table {target} (key varchar)")
        return
    source = f"typed_{own.k}" if own is not None else f"{BASE}.{table}"
    if own is None:
        con.execute(
            f"attach $path as {BASE} (read_only)",
            {"path": str(store.version_path(directory, version))},
        )
    try:
        con.execute(
            f"create or replace table {target} as select distinct partner_key({column})"
            f" as key from {source} where {column} is not null"
        )
    except duckdb.CatalogException:  # the dataset has no such table yet
        con.execute(f"create or replace table {target} (key varchar)")
    finally:
        if own is None:
            con.execute(f"detach {BASE}")


def changed_tables(directory: Path, old: str | None, new: str | None) -> set[str]:
    """The tables the commits after version `old` up to `new` replaced (every
    table for a restore or the demo, whose changes are not listed)."""
    changed = set()
    for upload in store.uploads(directory):
        if (old is not None and upload.version <= old) or (
            new is not None and upload.version > new
        ):
            continue
        if upload.kind in ("upload", "clear"):
            changed |= {f.table for f in upload.files}
            if upload.kind == "clear":
                changed.add(upload.note.rsplit(" ", 1)[-1])
        elif upload.kind == "manual":
            changed.add("manual_quotas")
        else:
            return set(store.ALL_TABLES)
    return changed


def read_tables(uploaded: set[str]) -> set[str]:
    """The tables of the current dataset the checks of an upload read: partners
    (orphans) and users (owner ids); with partners, also every table they may
    orphan or leave stale."""
    if "partners" in uploaded:
        return set(schema.TABLES)
    return {"partners", "users"}


def check_against_dataset(
    con: duckdb.DuckDBPyConnection, directory: Path, checks: list[FileCheck]
) -> tuple[list[Problem], list[str]]:
    """Check the upload against the current dataset: warnings go to the partners
    file's report; returns the upload's own problems (a first upload without a
    required table) and the tables a commit must clear (the demo's, under real
    partners)."""
    uploaded = {c.report.table for c in checks if c.report.table}
    version = store.current_version(directory)
    if version is None:
        return _first_upload(checks, uploaded), []
    partners = next(
        (c for c in checks if c.typed and c.report.table == "partners"), None
    )
    if partners is None:
        return [], []
    con.execute(
        f"attach $path as {BASE} (read_only)",
        {"path": str(store.version_path(directory, version))},
    )
    try:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = $db",
                {"db": BASE},
            ).fetchall()
        }
        demo = (demo_tables(directory) - uploaded) & present
        cleared = [t for t in schema.TABLES if t in demo]
        skip = uploaded | set(cleared) | (set(schema.TABLES) - present)
        problems = [_demo_cleared(partners, cleared)] if cleared else []
        problems += _orphans(con, partners, skip)
        problems += _stale(con, partners, skip)
    finally:
        con.execute(f"detach {BASE}")
    partners.report.problems.extend(problems)
    return [], cleared


def _problem(check: FileCheck, reason: str, code: str, severity=WARNING) -> Problem:
    found = Problem(check.report.file, None, None, None, reason, severity, 1, code)
    return found


def _first_upload(checks: list[FileCheck], uploaded: set[str]) -> list[Problem]:
    """Into an empty folder, an upload holding none of the required tables would
    make a dataset of nothing but, say, quotas: refused."""
    if not uploaded or uploaded & set(schema.REQUIRED_TABLES):
        return []
    labels = ", ".join(schema.TABLES[t].label.lower() for t in schema.REQUIRED_TABLES)
    reason = (
        "there is no data yet, and this upload holds none of the required tables"
        f" ({labels}): upload them first, or with it"
    )
    found = Problem("", None, None, None, reason, ERROR, 1, "upload.required_missing")
    return [found]


def _demo_cleared(partners: FileCheck, cleared: list[str]) -> Problem:
    labels = ", ".join(schema.TABLES[t].label.lower() for t in cleared)
    reason = (
        f"the demo data's {labels} will be cleared: they belong to the demo, not to"
        " these partners; upload your own to fill them"
    )
    return _problem(partners, reason, "table.demo_cleared")


def _new_keys(partners: FileCheck) -> str:
    return (
        f"(select partner_key(partner_id) from typed_{partners.k}"
        " where partner_id is not null)"
    )


def _orphans(
    con: duckdb.DuckDBPyConnection, partners: FileCheck, replaced: set[str]
) -> list[Problem]:
    """Current clients and activities the new partners leave without a partner
    (they had one before)."""
    old = f"(select partner_key(partner_id) from {BASE}.partners)"
    counts = {}
    for table in ("clients", "activities"):
        if table in replaced:
            continue
        counts[table] = con.execute(
            f"select count(*) from {BASE}.{table}"
            f" where partner_key(partner_id) in {old}"
            f" and partner_key(partner_id) not in {_new_keys(partners)}"
        ).fetchone()[0]
    if not any(counts.values()):
        return []
    dropped, examples = con.execute(
        f"select count(*), list(partner_id order by partner_id)[1:3]"
        f" from {BASE}.partners"
        f" where partner_key(partner_id) not in {_new_keys(partners)}"
    ).fetchone()
    moved = " and ".join(_count(n, t) for t, n in counts.items() if n)
    reason = (
        f"{_count(dropped, 'partners')} of the current data not in this file (e.g."
        f" {', '.join(examples)}) still own {moved} of the current data, which"
        f" will show under {schema.UNKNOWN_PARTNER}"
    )
    return [_problem(partners, reason, "partner.dropped")]


def _stale(
    con: duckdb.DuckDBPyConnection, partners: FileCheck, replaced: set[str]
) -> list[Problem]:
    """Optional tables kept from before that fit few of the new partners."""
    keys = _new_keys(partners)
    managers = (
        f"(select account_manager from typed_{partners.k}"
        " where account_manager is not null)"
    )
    fits = {
        "account_plans": f"partner_key(partner_id) in {keys}",
        "contacts": f"partner_key(partner_id) in {keys}",
        "quotas": f"account_manager in {managers}",
        "users": f"name in {managers} or partner_key(user_id) in"
        f" (select partner_key(m) from {managers} as t(m))",
    }
    problems = []
    for table, fit in fits.items():
        if table in replaced:
            continue
        rows, matched = con.execute(
            f"select count(*), count(*) filter (where {fit}) from {BASE}.{table}"
        ).fetchone()
        if rows and matched < STALE_SHARE * rows:
            label = schema.TABLES[table].label
            reason = (
                f"{label} kept from before: {_count(rows, table)}, {matched:,} of"
                " them for these partners; clear the table if it is out of date"
            )
            problems.append(_problem(partners, reason, "table.stale"))
    return problems
