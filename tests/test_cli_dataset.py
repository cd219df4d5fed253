"""The data keeper's commands (SPEC sections 3 and 7): a command that reads a
dataset on a folder without one exits 2 and creates nothing (never the demo);
`clear TABLE` empties an optional table as a new version; sizes and paths that
cannot be right are usage errors (exit 2) with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics import store
from tests.conftest import commit_tables, run_cli

ROOT = Path(__file__).resolve().parent.parent

PARTNERS = [{"partner_id": "P1", "partner_name": "Alpha", "account_manager": "Ann"}]
CLIENTS = [{"client_id": "C1", "partner_id": "P1", "added_date": "2026-01-05"}]
CONTACTS = [
    {"contact_id": "K1", "partner_id": "P1", "contact_name": "Zoë Müller"},
    {"contact_id": "K2", "partner_id": "P1", "contact_name": "Bo"},
]


cli = run_cli  # in-process through main(argv)


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--out", "{tmp}/out"],
        ["digest", "--out", "{tmp}/digest.html"],
        ["clear", "contacts"],
    ],
)
@pytest.mark.parametrize("made", [False, True], ids=["no folder", "empty folder"])
def test_reading_a_folder_without_a_dataset_exits_2_and_creates_nothing(
    tmp_path: Path, command: list[str], made: bool
):
    data = tmp_path / "mistyped"
    if made:
        data.mkdir()
    args = [part.format(tmp=tmp_path) for part in command]
    done = cli("--data-dir", data, *args)
    assert done.returncode == 2
    assert f"no dataset in {data}" in done.stderr
    assert done.stdout == ""
    # nothing was created: no demo dataset, no export folder, no digest
    assert tree(tmp_path) == (["mistyped"] if made else [])


def test_clear_empties_one_optional_table_as_a_new_version(tmp_path: Path):
    data = commit_tables(
        tmp_path / "store", partners=PARTNERS, clients=CLIENTS, contacts=CONTACTS
    )
    first = store.current_version(data)
    done = cli("--data-dir", data, "clear", "contacts")
    assert done.returncode == 0, done.stderr
    history = store.uploads(data)
    # version 2 is the clear; version 1 (2 contacts) stays in the history
    assert [u.version for u in history][1] == first
    cleared = history[0]
    assert (cleared.kind, cleared.note) == ("clear", "cleared contacts")
    assert cleared.tables["contacts"] == 0
    assert (cleared.tables["partners"], cleared.tables["clients"]) == (1, 1)
    assert done.stdout.startswith("cleared contacts: dataset version #2 (")
    with store.connect(data, first) as con:
        assert con.execute("select count(*) from contacts").fetchone()[0] == 2


def test_clear_takes_plans_for_account_plans(tmp_path: Path):
    plans = [{"plan_id": "AP1", "partner_id": "P1", "account_manager": "Ann"}]
    data = commit_tables(tmp_path / "store", partners=PARTNERS, account_plans=plans)
    done = cli("--data-dir", data, "clear", "plans")
    assert done.returncode == 0, done.stderr
    assert store.uploads(data)[0].tables["account_plans"] == 0


@pytest.mark.parametrize("table", ["partners", "clients", "leads"])
def test_clear_refuses_a_required_or_unknown_table(tmp_path: Path, table: str):
    data = commit_tables(tmp_path / "store", partners=PARTNERS, clients=CLIENTS)
    done = cli("--data-dir", data, "clear", table)
    assert done.returncode == 2
    assert f"'{table}' is not an optional table (one of" in done.stderr
    assert len(store.uploads(data)) == 1  # nothing committed


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("--partners", "-5", "-5"),
        ("--partners", "0", "0"),
        ("--clients", "0", "0"),
        ("--activities", "-1", "-1"),
        ("--clients", "many", "'many'"),
    ],
)
def test_demo_sizes_must_be_above_zero(tmp_path: Path, option, value, shown):
    out = tmp_path / "demo"
    done = cli("demo", option, value, "--out", out)
    assert done.returncode == 2
    assert f"argument {option}: must be a whole number above 0, not {shown}" in (
        done.stderr
    )
    assert not out.exists()


def test_a_file_where_a_folder_belongs_and_back(tmp_path: Path):
    data = commit_tables(tmp_path / "store", partners=PARTNERS, clients=CLIENTS)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for command in (["demo"], ["--data-dir", str(data), "export"]):
        done = cli(*command, "--out", a_file)
        assert done.returncode == 2
        assert f"--out {a_file} is a file; give a folder" in done.stderr
    assert a_file.read_text() == "keep me"

    folder = tmp_path / "reports"
    folder.mkdir()
    done = cli("--data-dir", data, "digest", "--out", folder)
    assert done.returncode == 2
    assert f"--out {folder} is a folder; give a file name" in done.stderr
    assert list(folder.iterdir()) == []

    done = cli("--data-dir", tmp_path / "new", "import", folder)
    assert done.returncode == 2
    assert f"a folder, not a file: {folder}" in done.stderr
    assert not (tmp_path / "new").exists()


def test_import_creates_a_dataset_from_the_files_given_never_the_demo(tmp_path):
    partners = tmp_path / "partners.csv"
    partners.write_bytes(b"Account ID,Account Name,Account Owner\nP1,Alpha,Ann\n")
    data = tmp_path / "new"
    done = cli("--data-dir", data, "import", partners)
    assert done.returncode == 0, done.stdout + done.stderr
    (only,) = store.uploads(data)
    assert only.kind == "upload"
    # one partner from the file; clients and the rest empty, not the demo's
    assert only.tables["partners"] == 1
    assert only.tables["clients"] == only.tables["account_plans"] == 0


def test_export_says_when_required_tables_are_empty(tmp_path: Path):
    quotas = [{"account_manager": "Ann", "month": "2026-11-01", "clients_target": 4}]
    data = commit_tables(tmp_path / "store", quotas=quotas)  # quotas only
    out = tmp_path / "out"
    done = cli("--data-dir", data, "export", "--as-of", "2026-11-20", "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "warning: the dataset has no partners, clients or activities (required"
        " tables): the reports have headers only; import them first\n"
    )
    assert (out / "partner_report.csv").exists()


def test_export_is_quiet_when_the_required_tables_have_rows(tmp_path: Path):
    activities = [
        {
            "activity_id": "A1",
            "partner_id": "P1",
            "account_manager": "Ann",
            "activity_date": "2026-01-06",
        }
    ]
    data = commit_tables(
        tmp_path / "store", partners=PARTNERS, clients=CLIENTS, activities=activities
    )
    done = cli("--data-dir", data, "export", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
