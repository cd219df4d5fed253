"""analytics.versions: version names, the tables each upload replaced, the tables
still holding the demo data, and clearing an optional table, on hand-made
histories committed through the real store."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import store, versions
from tests.conftest import copy_dataset

PARTNERS = pd.DataFrame(
    {"partner_id": ["P1"], "partner_name": ["Alpha"], "account_manager": ["Ann"]}
)
CONTACTS = pd.DataFrame(
    {"contact_id": ["K1", "K2"], "partner_id": ["P1", "P1"], "contact_name": ["A", "B"]}
)


@pytest.mark.parametrize(
    ("version", "name"),
    [
        ("000006-20261201T072425", "#6 (1 Dec 2026 07:24)"),
        ("000123-20270315T235959", "#123 (15 Mar 2027 23:59)"),
        ("000001-garbled", "#1"),
        ("not-a-version", "not-a-version"),
    ],
)
def test_version_name(version: str, name: str):
    assert versions.version_name(version) == name


def test_version_number():
    assert versions.version_number("000006-20261201T072425") == "#6"


def test_replaced_tables_from_files_and_changed_counts(tmp_path):
    data = tmp_path / "store"
    store.commit(data, {"partners": PARTNERS, "contacts": CONTACTS})  # 1
    store.commit(  # 2: a partners file (same one row: replaced for its file)
        data, {"partners": PARTNERS}, files={"partners": ("p.csv", b"x\n1\n")}
    )
    versions.clear_table(data, "contacts")  # 3: contacts 2 -> 0, no file
    store.restore(data, store.uploads(data)[-1].version)  # 4: back to #1
    history = store.uploads(data)  # newest first
    replaced = [
        versions.replaced_tables(u, history[i + 1] if i + 1 < len(history) else None)
        for i, u in enumerate(history)
    ]
    # #4 restores #1: contacts 0 -> 2; #3 empties contacts; #2 has a partners file;
    # #1, the first, made the seven tables (manual_quotas empty, so not listed).
    assert replaced == [
        ["contacts"],
        ["contacts"],
        ["partners"],
        [
            "partners",
            "clients",
            "activities",
            "quotas",
            "account_plans",
            "contacts",
            "users",
        ],
    ]
    assert versions.restored_version(history[0]) == history[-1].version


def test_demo_tables_follow_the_uploads_and_restores(demo_dir, tmp_path):
    data = copy_dataset(demo_dir, tmp_path / "store")  # the demo imported
    demo = store.current_version(data)
    everything = ["partners", "clients", "activities", "quotas"]
    everything += ["account_plans", "contacts"]
    assert versions.demo_tables(data) == everything
    # a real partners file: the other five tables still hold the demo data
    store.commit(data, {"partners": PARTNERS}, files={"partners": ("p.csv", b"")})
    assert versions.demo_tables(data) == everything[1:]
    versions.clear_table(data, "account_plans")  # empty: no longer the demo's
    assert versions.demo_tables(data) == ["clients", "activities", "quotas", "contacts"]
    store.restore(data, demo)  # all demo again
    assert versions.demo_tables(data) == everything


def test_clear_table_is_a_new_version_keeping_the_rest(tmp_path):
    data = tmp_path / "store"
    first = store.commit(data, {"partners": PARTNERS, "contacts": CONTACTS})
    cleared = versions.clear_table(data, "contacts")
    assert (cleared.kind, cleared.note) == ("clear", "cleared contacts")
    assert (cleared.tables["contacts"], cleared.tables["partners"]) == (0, 1)
    assert store.current_version(data) == cleared.version
    with store.connect(data, first.version) as con:  # the old version is kept
        assert con.execute("select count(*) from contacts").fetchone() == (2,)


@pytest.mark.parametrize("name", ["partners", "clients", "activities", "leads", ""])
def test_only_optional_tables_can_be_cleared(tmp_path, name: str):
    data = tmp_path / "store"
    store.commit(data, {"partners": PARTNERS})
    with pytest.raises(ValueError, match="is not an optional table"):
        versions.clear_table(data, name)
    assert len(store.uploads(data)) == 1


def test_plans_is_account_plans():
    assert versions.optional_table("plans") == "account_plans"
