"""Remembered column mappings: kept per table and header layout in mappings.json."""

from __future__ import annotations

import json

from analytics.mappings import (
    MAPPINGS_FILE,
    layout_key,
    load_mapping,
    remembered_table,
    save_mapping,
)

HEADERS = ["Ref", "Account ID", "Opened On"]


def test_saved_mapping_comes_back_for_the_same_headers(tmp_path):
    save_mapping(
        tmp_path, "clients", HEADERS, {"client_id": "Ref", "added_date": "Opened On"}
    )
    assert load_mapping(tmp_path, "clients", HEADERS) == {
        "client_id": "Ref",
        "added_date": "Opened On",
    }


def test_same_layout_in_another_order_and_spelling_is_recognised(tmp_path):
    save_mapping(tmp_path, "clients", HEADERS, {"client_id": "Ref"})
    # "REF" normalises to "ref" like "Ref"; order does not matter; the mapping is
    # given back in this file's own spelling.
    assert load_mapping(tmp_path, "clients", ["opened on", "ACCOUNT_ID", "REF"]) == {
        "client_id": "REF"
    }


def test_other_headers_or_table_have_no_mapping(tmp_path):
    save_mapping(tmp_path, "clients", HEADERS, {"client_id": "Ref"})
    assert load_mapping(tmp_path, "clients", [*HEADERS, "Extra"]) == {}
    assert load_mapping(tmp_path, "partners", HEADERS) == {}


def test_empty_mapping_forgets_and_bad_file_counts_as_none(tmp_path):
    save_mapping(tmp_path, "clients", HEADERS, {"client_id": "Ref"})
    save_mapping(tmp_path, "clients", HEADERS, {})
    assert json.loads((tmp_path / MAPPINGS_FILE).read_text()) == {}
    (tmp_path / MAPPINGS_FILE).write_text("not json")
    assert load_mapping(tmp_path, "clients", HEADERS) == {}


def test_layout_key_names_the_table():
    key = layout_key("clients", HEADERS)
    assert key.startswith("clients:") and len(key) == len("clients:") + 16
    assert key == layout_key("clients", ["opened_on", "ref", "Account: Account ID"])


def test_remembered_table_for_a_layout_mapped_before(tmp_path):
    assert remembered_table(tmp_path, HEADERS) is None
    save_mapping(tmp_path, "clients", HEADERS, {"client_id": "Ref"})
    assert remembered_table(tmp_path, ["REF", "opened on", "Account ID"]) == "clients"
    assert remembered_table(tmp_path, ["Ref", "Account ID"]) is None
