"""Compare the clients of two committed uploads by CRN: which clients were added,
removed, churned, repurposed or moved to another partner between them."""

from __future__ import annotations

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
# Grain: one row per client and change, in CHANGES order, then by CRN.
COMPARE_SQL = """
with old_clients as (
    select
        client_id,
        client_name,
        partner_id,
        coalesce(partner_key(partner_id), '') as partner_key,
        added_date,
        repurposed_date,
        churned_date
    from old.clients
),

new_clients as (
    select
        client_id,
        client_name,
        partner_id,
        coalesce(partner_key(partner_id), '') as partner_key,
        added_date,
        repurposed_date,
        churned_date
    from new.clients
),

matched as (
    select
        coalesce(n.client_id, o.client_id) as client_id,
        coalesce(n.client_name, o.client_name) as client_name,
        o.client_id is not null as in_old,
        n.client_id is not null as in_new,
        o.partner_id as old_partner_id,
        n.partner_id as new_partner_id,
        o.partner_key as old_partner_key,
        n.partner_key as new_partner_key,
        coalesce(n.added_date, o.added_date) as added_date,
        o.repurposed_date as old_repurposed_date,
        n.repurposed_date as new_repurposed_date,
        o.churned_date as old_churned_date,
        n.churned_date as new_churned_date
    from old_clients as o
    full outer join new_clients as n on n.client_id = o.client_id
),

changes as (
    select 1 as change_order, 'added' as change, * from matched
    where in_new and not in_old
    union all
    select 2, 'removed', * from matched
    where in_old and not in_new
    union all
    select 3, 'churned', * from matched
    where in_old and in_new
        and old_churned_date is null and new_churned_date is not null
    union all
    select 4, 'repurposed', * from matched
    where in_old and in_new
        and old_repurposed_date is null and new_repurposed_date is not null
    union all
    select 5, 'moved', * from matched
    where in_old and in_new and old_partner_key <> new_partner_key
),

old_partners as (
    select
        partner_key(partner_id) as partner_key,
        any_value(partner_name) as partner_name
    from old.partners
    group by all
),

new_partners as (
    select
        partner_key(partner_id) as partner_key,
        any_value(partner_name) as partner_name
    from new.partners
    group by all
),

final as (
    select
        client_id,
        change,
        client_name,
        old_partner_id,
        new_partner_id,
        op.partner_name as old_partner_name,
        np.partner_name as new_partner_name,
        added_date,
        old_repurposed_date,
        new_repurposed_date,
        old_churned_date,
        new_churned_date
    from changes
    left join old_partners as op on op.partner_key = changes.old_partner_key
    left join new_partners as np on np.partner_key = changes.new_partner_key
    order by change_order, client_id
)

select * from final
"""


def compare_clients(
    directory: Path, old_version: str, new_version: str
) -> pd.DataFrame:
    """One row per client and change between two committed versions (COLUMNS);
    dates as `datetime.date`, None when empty."""
    paths = [store.version_path(directory, v) for v in (old_version, new_version)]
    missing = [
        v
        for v, p in zip((old_version, new_version), paths, strict=True)
        if not p.exists()
    ]
    if missing:
        raise store.StoreError(f"no such upload in {directory}: {', '.join(missing)}")
    with duckdb.connect(config=db.limits()) as con:  # bounded as every reader
        db.create_macros(con)
        con.execute("attach ? as old (read_only)", [str(paths[0])])
        con.execute("attach ? as new (read_only)", [str(paths[1])])
        frame = con.execute(COMPARE_SQL).df()
    return _plain_dates(frame)[COLUMNS]


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
        frame = con.execute(COMPARE_SQL).df()
    return _plain_dates(frame)[COLUMNS]


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
