"""Owner ids (SPEC section 2): an owner column holding Salesforce user ids
(`005...`, 15 or 18 characters) is shown as the user's name everywhere (staging
resolves it through the users table); an id with no user is kept as it is and
warned about once per id, at its first row."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analytics.ingest import dataset
from analytics.ingest.report import WARNING

if TYPE_CHECKING:
    from analytics.ingest.check import FileCheck

OWNER_TABLES = ("partners", "activities", "quotas", "account_plans")
USER_ID = "starts_with({0}, '005') and length({0}) in (15, 18)"


def check_owners(
    con: duckdb.DuckDBPyConnection, directory: Path, checks: list[FileCheck]
) -> None:
    """Warn once per owner id that no user has (in the first file and row)."""
    owners = [
        c
        for c in checks
        if c.typed and c.report.table in OWNER_TABLES and "account_manager" in c.columns
    ]
    if not owners:
        return
    dataset.load_keys(con, directory, checks, "users", "user_id")
    seen: set[str] = set()
    for check in owners:
        rows = con.execute(
            f"""
            select account_manager, min(_row) as first_row, count(*) as n
            from typed_{check.k}
            where {USER_ID.format("account_manager")}
                and partner_key(account_manager) not in (select key from users_keys)
            group by account_manager order by first_row
            """
        ).fetchall()
        for owner, row, count in rows:
            key = owner[:15]
            if key in seen:
                continue
            seen.add(key)
            rows_word = "row" if count == 1 else "rows"
            check.add(
                row,
                check.header_of("account_manager"),
                owner,
                f"owner id '{owner}' ({count} {rows_word}) matches no user: it is"
                " shown as it is; upload a User export to show the name",
                "owner.unknown",
                WARNING,
            )
