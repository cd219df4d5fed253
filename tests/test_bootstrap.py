"""The app's first use of a dataset folder: a version built with older rules is
re-committed once, so an AM's book (which reads the file's own macros and tables)
works on a dataset committed before a rules change."""

from __future__ import annotations

import duckdb

from analytics import access, bootstrap, partners, store
from tests.conftest import commit_tables, d


def test_a_version_built_with_older_rules_is_recommitted_once(tmp_path):
    commit_tables(
        tmp_path,
        partners=[
            dict(partner_id="P1", partner_name="Acorn", account_manager="Ann"),
            dict(partner_id="P2", partner_name="Birch", account_manager="Bob"),
        ],
        clients=[
            dict(client_id="C1", partner_id="P1", added_date="2026-10-01"),
            dict(client_id="C2", partner_id="P2", added_date="2026-10-02"),
        ],
    )
    old = store.current_version(tmp_path)
    # Make it an older file: its rules fingerprint and a macro the reports call
    # gone, and made before the users table.
    with duckdb.connect(str(store.version_path(tmp_path, old))) as con:
        con.execute("drop macro rules_version")
        con.execute("drop macro league_name")
        con.execute("drop table users")

    upgraded = bootstrap.ensure_dataset(tmp_path)

    assert upgraded != old
    assert store.current_version(tmp_path) == upgraded
    assert store.uploads(tmp_path)[0].note == f"rebuilt {old} with the current rules"
    # Ann's book: Acorn only, with its one client (C1, added 1 October, active).
    with access.book(store.version_path(tmp_path, upgraded), ["Ann"]) as con:
        report = partners.partner_report(con, d("2026-11-04"))
    shown = report[["partner_id", "clients_total", "clients_active"]]
    assert shown.values.tolist() == [["P1", 1, 1]]
    with store.connect(tmp_path) as con:
        assert con.execute("select count(*) from users").fetchall() == [(0,)]
    # A second start finds the current rules: nothing new is committed.
    assert bootstrap.ensure_dataset(tmp_path) == upgraded
    assert len(store.uploads(tmp_path)) == 2


def test_a_command_recommits_a_version_built_with_older_rules_once(tmp_path):
    commit_tables(
        tmp_path,
        partners=[dict(partner_id="P1", partner_name="Acorn", account_manager="Ann")],
    )
    old = store.current_version(tmp_path)
    with duckdb.connect(str(store.version_path(tmp_path, old))) as con:
        con.execute("drop macro rules_version")

    upgraded = bootstrap.require_dataset(tmp_path)

    # one version more, the rebuilt one, current; a second command finds it current
    assert upgraded != old
    assert [u.version for u in store.uploads(tmp_path)] == [upgraded, old]
    assert store.uploads(tmp_path)[0].note == f"rebuilt {old} with the current rules"
    assert bootstrap.require_dataset(tmp_path) == upgraded
    assert len(store.uploads(tmp_path)) == 2
