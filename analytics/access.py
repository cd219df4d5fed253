"""Who may see what: a viewer resolved from the users table, and a book: the
dataset narrowed to the account managers a viewer may see.

The boundary is drawn in SQL, under every report rather than in each one: an AM's
or a manager's reports run on an in-memory DuckDB database whose tables and views
have the names of the committed version's, filtered to their book, so every report
function, chart, table and download sees that book and nothing else, whatever
filter or URL parameter it is given. An admin reads the committed version itself.

Why a separate in-memory database rather than TEMP views on a cursor: temp views
do shadow the tables for unqualified names, also on a read-only connection, but
they belong to one cursor, and report helpers open their own cursor of the
connection they are given (`con.cursor()`), which sees no temp view. The objects
of an in-memory database are seen by all its cursors.

Why views for the large tables and copies for the small: copying a whole book
into memory took 1.8 s and 250 MB for a fifth of a 1M-client dataset (1.5 GB for
all of it), as DuckDB keeps in-memory tables uncompressed; views over the attached
version file cost 0.07 s and ~40 MB, and the small per-partner and per-AM tables
copied keep their semi-joins cheap (scripts/bench_books.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROLES = ("am", "manager", "admin")
INACTIVE_VALUES = {"false", "f", "0", "no", "n", "inactive"}

# How each table of a committed version is narrowed to a set of account managers,
# in the order they are made: a `where` over the source table `src.<name>`, which
# may read the narrowed tables made before it and `scope_account_managers`.
# The pseudo-partner `(unknown partner)` (partner_id '') has no account manager,
# so it and its clients and activities are left out of every book.
_IN_BOOK = "in (select account_manager from scope_account_managers)"
NARROWED = {
    "stg_partners": f"account_manager {_IN_BOOK}",
    "partners": "partner_id in (select partner_id from stg_partners)",
    "stg_clients": "partner_id in (select partner_id from stg_partners)",
    "clients": "client_id in (select client_id from stg_clients)",
    "stg_activities": "partner_id in (select partner_id from stg_partners)",
    "activities": "activity_id in (select activity_id from stg_activities)",
    "stg_account_plans": "partner_id in (select partner_id from stg_partners)",
    "account_plans": "plan_id in (select plan_id from stg_account_plans)",
    "stg_contacts": "partner_id in (select partner_id from stg_partners)",
    "contacts": "contact_id in (select contact_id from stg_contacts)",
    "stg_quotas": f"trim(account_manager) {_IN_BOOK}",
    "quotas": f"trim(account_manager) {_IN_BOOK}",
    "manual_quotas": f"trim(account_manager) {_IN_BOOK}",
    "rollup_partner_days": "partner_id in (select partner_id from stg_partners)",
    "rollup_partner_clients": "partner_id in (select partner_id from stg_partners)",
    "rollup_client_days": f"account_manager {_IN_BOOK}",
    "rollup_activity_days": f"partner_account_manager {_IN_BOOK}",
    "rollup_partner_activity": "partner_id in (select partner_id from stg_partners)",
}
# Tables shown whole: who is who (names shown for owner ids) is not anyone's book.
SHARED = ("users", "stg_users")
# Tables of one row per partner, AM or user: copied into the book's memory (small),
# the others are views over the version file.
COPIED = {
    "stg_partners",
    "partners",
    "stg_quotas",
    "quotas",
    "manual_quotas",
    "users",
    "stg_users",
    "rollup_client_days",
    "rollup_partner_clients",
    "rollup_activity_days",
}


class AccessDenied(Exception):
    """The signed-in person may not see this (not in the users table, inactive,
    or asking for a book outside theirs); the message is for them."""


@dataclass(frozen=True)
class Viewer:
    """A person using the app: `team` is the account managers whose books they
    see (their own name for an AM; theirs and their reports' for a manager)."""

    email: str
    name: str
    role: str
    team: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def account_managers(self, view_as: str | None = None) -> tuple[str, ...] | None:
        """The account managers whose books this viewer sees now, A-Z; None for
        everything (an admin not viewing as anyone). `view_as` narrows to one AM
        of the viewer's books; any other name is refused."""
        if view_as is None:
            return None if self.is_admin else self.team
        if self.is_admin or view_as in self.team:
            return (view_as,)
        raise AccessDenied(f"{view_as} is not in the books you may see.")


LOCAL_ADMIN = Viewer(email="", name="Local admin", role="admin")


def find_viewer(
    con: duckdb.DuckDBPyConnection, email: str, admin_emails: Iterable[str] = ()
) -> Viewer:
    """The viewer signed in as `email`, from the users table (matched ignoring
    case). `admin_emails` are admins even before a users file is imported (the
    first admin imports it). Raises AccessDenied for anyone else not in the
    table, and for an inactive user."""
    wanted = _fold(email)
    users = _users(con)
    if wanted in {_fold(e) for e in admin_emails}:
        row = next((u for u in users if _fold(u["email"]) == wanted), None)
        return Viewer(email, (row or {}).get("name") or email, "admin")
    matches = [u for u in users if wanted and _fold(u["email"]) == wanted]
    if not matches:
        raise AccessDenied(
            f"{email} is not in the app's users list. Ask an admin to add you to the"
            " users file (Email, Role) and import it on the Data page."
        )
    active = [u for u in matches if _fold(u["is_active"]) not in INACTIVE_VALUES]
    if not active:
        raise AccessDenied(f"{email} is marked inactive in the users list.")
    user = active[0]
    reports = {
        u["name"] for u in users if u is not user and _manages(user, u["manager"])
    }
    role = _fold(user["role"])
    if role not in ROLES:  # blank or a Salesforce role name: a manager has reports
        role = "manager" if reports else "am"
    team = {user["name"], *(reports if role == "manager" else ())}
    return Viewer(email, user["name"], role, tuple(sorted(team)))


def _users(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every row of the users table (none in a dataset from before it existed)."""
    cur = con.cursor()
    try:
        known = cur.execute(
            "select count(*) from duckdb_tables() where table_name = 'users'"
            " and database_name = current_database()"
        ).fetchone()[0]
        if not known:
            return []
        cur.execute(
            "select user_id, trim(name) as name, email, trim(manager) as manager,"
            " role, is_active from users where nullif(trim(name), '') is not null"
        )
        columns = [d[0] for d in cur.description]
        return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def _manages(user: dict, manager: str | None) -> bool:
    """Whether a user's `manager` cell (a name or a user id) names `user`."""
    if not manager:
        return False
    return _fold(manager) == _fold(user["name"]) or (
        bool(user["user_id"]) and _id15(manager) == _id15(user["user_id"])
    )


def _id15(user_id: str) -> str:
    """An 18-character Salesforce id is the 15-character id plus a checksum."""
    user_id = user_id.strip()
    return user_id[:15] if len(user_id) == 18 else user_id


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


def book(
    version_file: str | os.PathLike, account_managers: Iterable[str]
) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the tables of the committed `version_file`
    narrowed to the books of `account_managers` (the names as the partners file
    has them), the version attached read-only under it. A table not listed in
    NARROWED or SHARED shows no rows, so a new table shows nothing until its rule
    is written here."""
    con = duckdb.connect(":memory:")
    con.execute("create table scope_account_managers (account_manager varchar)")
    con.execute(
        "insert into scope_account_managers select unnest(?::varchar[])",
        [sorted(set(account_managers))],
    )
    con.execute("attach ? as src (read_only)", [str(Path(version_file))])
    names = [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = 'src'"
            " and schema_name = 'main'"
        ).fetchall()
    ]
    ordered = [n for n in NARROWED if n in names] + [
        n for n in names if n not in NARROWED
    ]
    for name in ordered:
        where = NARROWED.get(name) or ("true" if name in SHARED else "false")
        kind = "table" if name in COPIED else "view"
        # table names come from the version file's own catalog, never from input
        con.execute(
            f'create {kind} "{name}" as select * from src."{name}" where {where}'
        )
    _copy_macros(con)
    return con


def _copy_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate the version file's stored macros, which report SQL may call
    (DuckDB's catalog gives their parameters without default values)."""
    rows = con.execute(
        "select function_name, parameters, macro_definition, function_type"
        " from duckdb_functions() where database_name = 'src'"
        " and function_type in ('macro', 'table_macro')"
    ).fetchall()
    pending = list(rows)
    while pending:  # a macro may call another: create each once its callees exist
        waiting = []
        for name, parameters, definition, kind in pending:
            body = f"table {definition}" if kind == "table_macro" else f"({definition})"
            try:
                con.execute(f'create macro "{name}"({", ".join(parameters)}) as {body}')
            except duckdb.CatalogException:
                waiting.append((name, parameters, definition, kind))
        if len(waiting) == len(pending):
            raise RuntimeError(f"cannot copy the macros {[w[0] for w in waiting]}")
        pending = waiting
