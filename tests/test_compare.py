"""compare_clients: two hand-made committed versions of the clients table."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import db, store
from analytics.compare import CHANGES, change_counts, compare_clients, compare_summary
from tests.conftest import commit_tables, d

PARTNERS = [
    {"partner_id": pid, "partner_name": name, "account_manager": "Ann"}
    for pid, name in [("P1", "Alpha"), ("P2", "Beta"), ("0015000000AbCdE", "Gamma")]
]


def client(crn: str, partner: str, added: str, repurposed=None, churned=None) -> dict:
    return {
        "client_id": crn,
        "partner_id": partner,
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


OLD_CLIENTS = [
    client("C1", "P1", "2026-01-05"),  # kept as it is
    client("C2", "P1", "2026-01-06"),  # churns in the new file
    client("C3", "P1", "2026-02-01"),  # repurposed and moved to P2 in the new file
    client("C4", "P2", "2026-02-02", churned="2026-03-01"),  # not in the new file
    # 15-character id here, the 18-character id of the same partner in the new file
    client("C5", "0015000000AbCdE", "2026-02-03"),
    # already repurposed; its date corrected in the new file: no change
    client("C6", "P2", "2026-01-10", repurposed="2026-02-10"),
]

NEW_CLIENTS = [
    client("C1", "P1", "2026-01-05"),
    client("C2", "P1", "2026-01-06", churned="2026-04-02"),
    client("C3", "P2", "2026-02-01", repurposed="2026-03-15"),
    client("C5", "0015000000AbCdEAAQ", "2026-02-03"),
    client("C6", "P2", "2026-01-10", repurposed="2026-02-12"),
    client("C7", "P2", "2026-04-01"),  # a new CRN
]


@pytest.fixture
def versions(tmp_path):
    """A dataset with two committed uploads: (directory, old version, new version)."""
    commit_tables(tmp_path, partners=PARTNERS, clients=OLD_CLIENTS)
    commit_tables(tmp_path, partners=PARTNERS, clients=NEW_CLIENTS)
    new, old = (u.version for u in store.uploads(tmp_path))
    return tmp_path, old, new


# added C7; removed C4; churned C2; C3 both repurposed and moved (two rows);
# C1 unchanged, C5 same partner (18 = 15 + checksum), C6 was already repurposed.
EVERY_CHANGE = [
    ("added", "C7"),
    ("removed", "C4"),
    ("churned", "C2"),
    ("repurposed", "C3"),
    ("moved", "C3"),
]


def pairs(changes) -> list[tuple[str, str]]:
    return list(zip(changes["change"], changes["client_id"], strict=True))


def test_every_change_found_once_in_order(versions):
    directory, old, new = versions
    changes = compare_clients(directory, old, new)
    assert pairs(changes) == EVERY_CHANGE


def test_rows_carry_old_and_new_values(versions):
    directory, old, new = versions
    rows = compare_clients(directory, old, new).set_index(["change", "client_id"])
    moved = rows.loc[("moved", "C3")]
    assert (moved["old_partner_id"], moved["new_partner_id"]) == ("P1", "P2")
    assert moved["new_repurposed_date"] == d("2026-03-15")
    churned = rows.loc[("churned", "C2")]
    assert churned["old_churned_date"] is None
    assert churned["new_churned_date"] == d("2026-04-02")
    added = rows.loc[("added", "C7")]
    assert pd.isna(added["old_partner_id"]) and added["new_partner_id"] == "P2"
    assert added["added_date"] == d("2026-04-01")
    removed = rows.loc[("removed", "C4")]
    assert removed["old_partner_id"] == "P2" and pd.isna(removed["new_partner_id"])
    assert removed["old_churned_date"] == d("2026-03-01")


def test_counts_list_every_change(versions):
    directory, old, new = versions
    counts = change_counts(compare_clients(directory, old, new))
    # one each of added, removed, churned, repurposed, moved (C3 counted twice)
    assert counts.to_dict("records") == [{"change": c, "clients": 1} for c in CHANGES]


def test_reverse_direction_swaps_added_and_removed(versions):
    directory, old, new = versions
    changes = compare_clients(directory, new, old)
    # C7 only in the (now) old one -> removed; C4 only in the new one -> added;
    # no churn or repurposing date appears going backwards; C3 moved P2 -> P1.
    assert list(zip(changes["change"], changes["client_id"], strict=True)) == [
        ("added", "C4"),
        ("removed", "C7"),
        ("moved", "C3"),
    ]


def test_same_version_has_no_changes(versions):
    directory, _, new = versions
    changes = compare_clients(directory, new, new)
    assert changes.empty
    assert change_counts(changes)["clients"].sum() == 0


def test_unknown_version_is_an_error(versions):
    directory, old, _ = versions
    with pytest.raises(store.StoreError, match="no-such"):
        compare_clients(directory, old, "no-such")


def test_summary_counts_every_change_and_keeps_the_first_rows(versions):
    directory, old, new = versions
    summary = compare_summary(directory, old, new, rows=2)
    # the five changes hold one client each (C7 added, C4 removed, C2 churned,
    # C3 repurposed and moved); the first two rows in order, more behind them
    assert summary.counts.to_dict("records") == [
        {"change": c, "clients": 1} for c in CHANGES
    ]
    assert list(summary.rows["client_id"]) == ["C7", "C4"]
    assert summary.more
    # all five rows fit in 5: nothing more
    assert not compare_summary(directory, old, new, rows=5).more


def test_compare_in_a_readers_database_leaves_it_as_it_was(versions):
    directory, old, new = versions
    with db.connect(store.version_path(directory, new)) as reader:
        before = reader.execute("select database_name from duckdb_databases()").df()
        changes = compare_clients(directory, old, new, reader)
        after = reader.execute("select database_name from duckdb_databases()").df()
    # the same five rows as in a database of its own; both files detached again
    assert pairs(changes) == EVERY_CHANGE
    assert after.equals(before)
