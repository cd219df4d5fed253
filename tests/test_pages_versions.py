"""A page shows one dataset version (issue 14): the version is read once at the
start of a run, so a commit landing while a page is drawn cannot mix the figures
of two versions on it; the open page is told that newer data exists."""

from __future__ import annotations

from analytics import partners, store, versions
from tests.conftest import commit_tables, open_expanders

AS_OF = {"as_of": "2026-11-20"}
PARTNERS = [{"partner_id": "P1", "partner_name": "Alder", "account_manager": "Ann"}]
QUOTAS = [{"account_manager": "Ann", "month": "2026-11-01", "clients_target": 4}]


def clients(added_this_month: int) -> list[dict]:
    """`added_this_month` clients of P1 added on 2026-11-02, within November."""
    return [
        {"client_id": f"C{i}", "partner_id": "P1", "added_date": "2026-11-02"}
        for i in range(added_this_month)
    ]


def sidebar_helps(at) -> list[str]:
    """The help texts of the sidebar's captions (the freshness line has the version)."""
    return [c.proto.help for c in at.sidebar.caption]


def test_a_commit_during_a_run_leaves_the_page_on_one_version(
    run_app, tmp_path, monkeypatch
):
    # Version 1: 1 client added in November; version 2: 3. The sidebar's list of
    # account managers (read before the page) commits version 2 as it runs, so
    # every figure the Dashboard reads after it would come from version 2 if the
    # version were read again: the page must show version 1 throughout.
    directory = commit_tables(
        tmp_path / "store", partners=PARTNERS, clients=clients(1), quotas=QUOTAS
    )
    first = store.current_version(directory)
    original = partners.account_managers
    committed = []

    def account_managers_then_commit(con):
        if not committed:
            commit_tables(directory, partners=PARTNERS, clients=clients(3))
            committed.append(store.current_version(directory))
        return original(con)

    at = run_app(directory, query=AS_OF)  # the Dashboard
    # Opening the table behind its quota chart: the run that commits version 2.
    monkeypatch.setattr(partners, "account_managers", account_managers_then_commit)
    at = open_expanders(at, "Table behind this chart")
    assert not at.exception
    assert committed and committed[0] != first
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Clients added vs quota"] == "1"
    # The quota chart's table: Ann added 1 of her target of 4 (version 1).
    pace = next(t.value for t in at.dataframe if "pace" in t.value.columns)
    assert list(pace["added"]) == [1]
    assert f"Dataset version {versions.version_name(first)}" in sidebar_helps(at)
    notice = "Newer data was committed: refresh to see it."
    assert at.info[0].value == notice  # above the page

    # Refreshing shows version 2 (3 clients added) and no notice.
    at.button(key="refresh_data").click().run()
    assert {m.label: m.value for m in at.metric}["Clients added vs quota"] == "3"
    assert f"Dataset version {versions.version_name(committed[0])}" in sidebar_helps(at)
    assert notice not in [i.value for i in at.info]
