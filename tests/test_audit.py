"""The audit trail: one line per change with who, when, what and the versions
before and after, appended by several processes at once without losing a line;
and target edits from two processes at once both kept."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import audit, store
from tests.conftest import ROOT, d
from tests.test_access import TABLES
from tests.test_pages_access import AUTH, signed_in
from tests.test_pages_data import CLIENTS_CSV, PARTNERS_CSV, START, upload

ADA = signed_in("ada@example.com")
NOVEMBER = dt.date(2026, 11, 1)


def test_entries_come_back_newest_first(tmp_path):
    audit.record(tmp_path, "ada@example.com", "upload", "partners", None, "000001-x")
    audit.record(tmp_path, "ada@example.com", "reset", "demo", "000001-x", "000002-y")
    trail = audit.entries(tmp_path)
    versions = trail[["action", "version_before", "version_after"]].fillna("")
    assert versions.values.tolist() == [
        ["reset", "000001-x", "000002-y"],
        ["upload", "", "000001-x"],
    ]
    assert list(trail.columns) == audit.COLUMNS
    assert str(trail["at"].dt.tz) == "UTC"


def test_an_unknown_action_is_refused(tmp_path):
    with pytest.raises(ValueError, match="action must be one of"):
        audit.record(tmp_path, "ada", "delete", "x", None, None)


def test_a_line_cut_short_by_a_crash_is_skipped(tmp_path):
    audit.record(tmp_path, "ada", "target", "target 3 for Ann", "1", "2")
    with open(tmp_path / audit.AUDIT_FILE, "ab") as handle:
        handle.write(b'{"at": "2026-11-0')  # the crash
    assert audit.entries(tmp_path)["what"].tolist() == ["target 3 for Ann"]


def test_a_failed_change_is_not_recorded(make_data_dir):
    data = make_data_dir(partners=TABLES["partners"])

    def negative():
        return store.set_manual_target(data, "Ann", NOVEMBER, -1)

    with pytest.raises(store.StoreError):
        audit.audited(data, "ada", "target", "target -1", negative)
    assert audit.entries(data).empty


def run_at_once(*scripts: str) -> None:
    """Run Python `scripts` in separate processes at the same time (fresh
    interpreters: a forked or spawned child would inherit the AppTest state)."""
    workers = [
        subprocess.Popen([sys.executable, "-c", script], cwd=ROOT) for script in scripts
    ]
    assert [w.wait(timeout=120) for w in workers] == [0] * len(scripts)


APPEND = """
from pathlib import Path
from analytics import audit
for n in range(40):
    audit.record(Path({folder!r}), {who!r}, "target", f"edit {{n}}", None, None)
"""


@pytest.mark.slow  # separate processes or a served app
def test_two_processes_appending_at_once_keep_every_whole_line(tmp_path):
    run_at_once(*(APPEND.format(folder=str(tmp_path), who=w) for w in "AB"))
    trail = audit.entries(tmp_path)
    # 2 x 40 lines, each one whole JSON object
    assert trail.groupby("who").size().to_dict() == {"A": 40, "B": 40}
    assert len((tmp_path / audit.AUDIT_FILE).read_bytes().splitlines()) == 80


SET_TARGET = """
import datetime as dt
from pathlib import Path
from analytics import audit, store
folder = Path({folder!r})
audit.audited(
    folder, {am!r}, "target", "target {target} for {am}",
    lambda: store.set_manual_target(folder, {am!r}, dt.date(2026, 11, 1), {target}),
)
"""


@pytest.mark.slow  # separate processes or a served app
def test_two_processes_editing_targets_at_once_both_keep_theirs(make_data_dir):
    data = make_data_dir(partners=TABLES["partners"])
    first = store.current_version(data)
    run_at_once(
        *(
            SET_TARGET.format(folder=str(data), am=am, target=target)
            for am, target in [("Ann", 7), ("Bob", 9)]
        )
    )
    with store.connect(data) as con:
        kept = con.execute(
            "select account_manager, clients_target from manual_quotas order by 1"
        ).fetchall()
    assert kept == [("Ann", 7), ("Bob", 9)]
    trail = audit.entries(data)
    assert sorted(trail["who"]) == ["Ann", "Bob"]
    # versions 2 and 3 were made, one by each edit, after version 1
    assert sorted(trail["version_after"].str[:6]) == ["000002", "000003"]
    assert first.startswith("000001")


# --- in the app: each action on the Data and Quota pages leaves its line --------


def last_entry(data: Path) -> dict:
    return audit.entries(data).iloc[0].to_dict()


def test_reset_restore_and_target_edit_are_in_the_trail(run_app, make_data_dir):
    data = make_data_dir(**TABLES)
    v1 = store.current_version(data)
    at = run_app(data, page="pages/data.py", user=ADA, secrets=AUTH)
    at.checkbox(key="demo_sure").check().run()
    at.button(key="demo").click().run()
    assert not at.exception
    v2 = store.current_version(data)
    reset = last_entry(data)
    assert (reset["who"], reset["action"]) == ("ada@example.com", "reset")
    assert (reset["version_before"], reset["version_after"]) == (v1, v2)

    at.selectbox(key="restore_version").set_value(v1)
    at.checkbox(key="restore_sure").check().run()
    at.button(key="restore").click().run()
    v3 = store.current_version(data)
    restore = last_entry(data)
    assert (restore["action"], restore["what"]) == ("restore", "restored upload #1")
    assert (restore["version_before"], restore["version_after"]) == (v2, v3)
    # the trail is on the page, newest first
    shown = next(t.value for t in at.dataframe if "who" in t.value.columns)
    assert shown["action"].tolist() == ["restore", "reset"]

    at = run_app(
        data,
        page="pages/quota.py",
        query={"as_of": "2026-11-04"},
        user=ADA,
        secrets=AUTH,
    )
    at.selectbox(key="tgt_am").set_value("Bob")
    at.selectbox(key="tgt_month").set_value(d("2026-11-04"))
    at.number_input(key="tgt_value").set_value(6)
    at.button[[b.label for b in at.button].index("Save target")].click().run()
    assert not at.exception
    target = last_entry(data)
    assert (target["action"], target["what"]) == (
        "target",
        "target 6 for Bob in 2026-11",
    )
    assert target["version_before"] == v3


def test_an_upload_is_in_the_trail(run_app, make_data_dir):
    data = make_data_dir(**START)
    v1 = store.current_version(data)
    at = run_app(data, page="pages/data.py")  # local mode: the local admin
    at = upload(at, ("partners.csv", PARTNERS_CSV), ("clients.csv", CLIENTS_CSV))
    at.button(key="commit").click().run()
    assert not at.exception
    entry = last_entry(data)
    assert (entry["who"], entry["action"]) == ("Local admin", "upload")
    assert entry["what"] == "clients, partners from partners.csv, clients.csv"
    assert (entry["version_before"], entry["version_after"]) == (
        v1,
        store.current_version(data),
    )
