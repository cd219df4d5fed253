"""Remembered column mappings: kept per table and header layout in mappings.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.mappings import (
    MAPPINGS_FILE,
    layout_key,
    load_mapping,
    remembered_table,
    save_mapping,
)

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.mark.slow  # separate processes or a served app
def test_two_processes_saving_at_once_keep_every_mapping(tmp_path):
    # Two processes each remember 200 different layouts (headers "A<p>-<i>") into
    # one folder at the same time: 2 x 200 = 400 entries kept, and neither process
    # fails (the save is a read-modify-write of one file).
    script = (
        "import sys; from pathlib import Path\n"
        "from analytics.mappings import save_mapping\n"
        "p = sys.argv[1]\n"
        "for i in range(200):\n"
        "    save_mapping(Path(sys.argv[2]), 'clients', [f'A{p}-{i}'],\n"
        "                 {'client_id': f'A{p}-{i}'})\n"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(p), str(tmp_path)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in (1, 2)
    ]
    errors = [child.communicate()[1] for child in children]
    assert [child.returncode for child in children] == [0, 0], errors
    entries = json.loads((tmp_path / MAPPINGS_FILE).read_text())
    assert len(entries) == 400
    assert load_mapping(tmp_path, "clients", ["A2-199"]) == {"client_id": "A2-199"}
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
