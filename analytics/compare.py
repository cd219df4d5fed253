"""Compare the clients of two committed uploads by CRN: which clients were added,
removed, churned, repurposed or moved to another partner between them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics import db, store

CHANGES = ("added", "removed", "churned", "repurposed", "moved")
COLUMNS = [
    "client_id",
    "change",
    "client_name",
    "old_partner_id",
    "new_partner_id",
    "old_partner_name",
    "new_partner_name",
    "added_date",
    "old_repurposed_date",
    "new_repurposed_date",
    "old_churned_date",
    "new_churned_date",
]

# Clients matched by CRN (client_id) between the old and the new version.
#   added:      the CRN is only in the new version
#   removed:    the CRN is only in the old version
#   churned:    no churn date in the old version, one in the new
#   repurposed: no repurposed date in the old version, one in the new
#   moved:      the partner changed (partner ids compared as Salesforce ids: an
#               18-character id is the same partner as its first 15 characters)
# A client can have several changes (moved and churned): one row for each.
# The match joins only what the rules compare (CRN, partner key, two flags), so
# its memory does not grow with the other columns; the rows' other values are
# read for the changed clients alone (ROWS_SQL).
# Grain: one row per client and change; change_order is its place in CHANGES.
CHANGES_SQL = """
with old_clients as (
    select
        client_id,
        coalesce(partner_key(partner_id), '') as partner_key,
        churned_date is not null as churned,
        repurposed_date is not null as repurposed
    from {old}.clients
),

new_clients as (
    select
        client_id,
        coalesce(partner_key(partner_id), '') as partner_key,
        churned_date is not null as churned,
        repurposed_date is not null as repurposed
    from {new}.clients
),

matched as (
    select
        coalesce(n.client_id, o.client_id) as client_id,
        [
            case when o.client_id is null then 1 end,
            case when n.client_id is null then 2 end,
            case when not o.churned and n.churned then 3 end,
            case when not o.repurposed and n.repurposed then 4 end,
            case when o.partner_key <> n.partner_key then 5 end
        ] as change_orders
    from old_clients as o
    full outer join new_clients as n on n.client_id = o.client_id
)

select client_id, change_order
from (select client_id, unnest(change_orders) as change_order from matched)
where change_order is not null
"""

# The rows of the changes in table `changes` (CHANGES_SQL), COLUMNS, in CHANGES
# order, then by CRN.
ROWS_SQL = """
with old_partners as (
    select
        partner_key(partner_id) as partner_key,
        any_value(partner_name) as partner_name
    from {old}.partners
    group by all
),

new_partners as (
    select
        partner_key(partner_id) as partner_key,
        any_value(partner_name) as partner_name
    from {new}.partners
    group by all
),

picked as (
    select * from changes
    order by change_order, client_id
    limit $limit
),

final as (
    select
        p.client_id,
        list_extract($changes, p.change_order) as change,
        coalesce(n.client_name, o.client_name) as client_name,
        o.partner_id as old_partner_id,
        n.partner_id as new_partner_id,
        op.partner_name as old_partner_name,
        np.partner_name as new_partner_name,
        coalesce(n.added_date, o.added_date) as added_date,
        o.repurposed_date as old_repurposed_date,
        n.repurposed_date as new_repurposed_date,
        o.churned_date as old_churned_date,
        n.churned_date as new_churned_date,
        p.change_order
    from picked as p
    left join {old}.clients as o on o.client_id = p.client_id
    left join {new}.clients as n on n.client_id = p.client_id
    left join old_partners as op
        on op.partner_key = coalesce(partner_key(o.partner_id), '')
    left join new_partners as np
        on np.partner_key = coalesce(partner_key(n.partner_id), '')
)

select * exclude (change_order) from final
order by change_order, client_id
"""


@dataclass(frozen=True)
class Comparison:
    """What changed between two versions: clients per change (every change, in
    CHANGES order) and the first rows of the changes (COLUMNS), `more` when there
    are more."""

    counts: pd.DataFrame
    rows: pd.DataFrame
    more: bool


def compare_clients(
    directory: Path,
    old_version: str,
    new_version: str,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """One row per client and change between two committed versions (COLUMNS);
    dates as `datetime.date`, None when empty. `con`: a connection whose database
    runs the comparison (the app's reader, so that it works within the memory
    that reader already has); default a new in-memory one."""
    with _versions(directory, old_version, new_version, con) as (cur, names):
        return _rows(cur, names, None)


def compare_summary(
    directory: Path,
    old_version: str,
    new_version: str,
    rows: int,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Comparison:
    """compare_clients's counts per change and its first `rows` rows, the other
    rows' values never read (two 5M-client versions can differ in millions)."""
    with _versions(directory, old_version, new_version, con) as (cur, names):
        first = _rows(cur, names, rows + 1)
        return Comparison(_counts(cur), first.head(rows), len(first) > rows)


def compare_upload(
    directory: Path, version: str, clients: object, partners: object | None = None
) -> pd.DataFrame:
    """What committing an upload's `clients` (an Arrow table or DataFrame with the
    canonical columns) would change against committed `version`, as
    compare_clients does after the commit; partner names from the upload's
    `partners` when it has them, else from `version`."""
    path = store.version_path(directory, version)
    if not path.exists():
        raise store.StoreError(f"no such upload in {directory}: {version}")
    with duckdb.connect(config=db.limits()) as con:  # bounded as every reader
        db.create_macros(con)
        con.execute("attach ? as old (read_only)", [str(path)])
        con.execute("create schema new")
        con.register("upload_clients", clients)
        con.execute("create view new.clients as select * from upload_clients")
        if partners is None:
            con.execute("create view new.partners as select * from old.partners")
        else:
            con.register("upload_partners", partners)
            con.execute("create view new.partners as select * from upload_partners")
        return _rows(con, {"old": "old", "new": "new"}, None)


@contextmanager
def _versions(
    directory: Path,
    old_version: str,
    new_version: str,
    con: duckdb.DuckDBPyConnection | None,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, str]]]:
    """A cursor of `con` (default: a new bounded in-memory database with the rule
    macros) with the two version files attached, and their names there ("old",
    "new": names of this call's own, as other cursors share the database)."""
    paths = [store.version_path(directory, v) for v in (old_version, new_version)]
    missing = [
        v
        for v, p in zip((old_version, new_version), paths, strict=True)
        if not p.exists()
    ]
    if missing:
        raise store.StoreError(f"no such upload in {directory}: {', '.join(missing)}")
    own = con is None
    if own:
        con = duckdb.connect(config=db.limits())  # bounded as every reader
        db.create_macros(con)
    tag = uuid.uuid4().hex
    names = {"old": f"compare_old_{tag}", "new": f"compare_new_{tag}"}
    cur = con.cursor()
    try:
        for path, name in zip(paths, names.values(), strict=True):
            cur.execute(f"attach ? as {name} (read_only)", [str(path)])  # our names
        yield cur, names
    finally:
        for name in names.values():
            cur.execute(f"detach database if exists {name}")
        cur.close()
        if own:
            con.close()


def _rows(
    cur: duckdb.DuckDBPyConnection, names: dict[str, str], limit: int | None
) -> pd.DataFrame:
    """The changes' rows (the first `limit`; None: all) between the databases
    `names` gives as "old" and "new"; the match is made once per cursor (a temp
    table of its own)."""
    match = CHANGES_SQL.format(**names)
    cur.execute(f"create temp table if not exists changes as {match}")
    frame = cur.execute(
        ROWS_SQL.format(**names), {"limit": limit, "changes": list(CHANGES)}
    ).df()
    return _plain_dates(frame)[COLUMNS]


def _counts(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Clients per change of the cursor's `changes`, every change, zeros included."""
    found = dict(
        cur.execute(
            "select change_order, count(*) from changes group by change_order"
        ).fetchall()
    )
    return pd.DataFrame(
        {
            "change": list(CHANGES),
            "clients": [int(found.get(i, 0)) for i in range(1, len(CHANGES) + 1)],
        }
    )


def change_counts(changes: pd.DataFrame) -> pd.DataFrame:
    """Clients per change, every change listed (zeros included), in CHANGES order."""
    counts = changes["change"].value_counts()
    return pd.DataFrame(
        {"change": list(CHANGES), "clients": [int(counts.get(c, 0)) for c in CHANGES]}
    )


def _plain_dates(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column.endswith("_date"):
            frame[column] = pd.Series(
                [None if pd.isna(v) else v.date() for v in frame[column]],
                index=frame.index,
                dtype=object,
            )
    return frame
