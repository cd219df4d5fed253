"""What bounds the server's memory: DuckDB's limit per reading connection, one
cache entry per result however a page spells the call, and a long list cached and
drawn as its first rows with its count (the Activity page's open tasks)."""

from __future__ import annotations

import datetime as dt

from analytics import db, store
from tests.test_pages_hygiene import ACTIVITY_PAGE, PARTNERS, frame, metric, task
from ui import common


def memory_limit(data_dir) -> str:
    with store.connect(data_dir) as con:
        return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_duckdb_memory_limit_from_the_environment(make_data_dir, monkeypatch):
    data_dir = make_data_dir(partners=PARTNERS)
    monkeypatch.delenv(db.MEMORY_ENV, raising=False)
    # the default 128 MB: 128,000,000 bytes / 1,048,576 = 122.07 MiB
    assert memory_limit(data_dir) == "122.0 MiB"
    monkeypatch.setenv(db.MEMORY_ENV, "64")
    # 64,000,000 / 1,048,576 = 61.04 MiB
    assert memory_limit(data_dir) == "61.0 MiB"


def test_spill_folder_is_the_process_own(monkeypatch, tmp_path):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(db.tempfile, "tempdir", None)  # read TMPDIR again
    monkeypatch.setattr(db.os, "getpid", lambda: 4242)
    assert db.limits()["temp_directory"] == str(tmp_path / "amd-duckdb-4242")


def partner_report(con, as_of, account_manager=None, league=None):
    """A stand-in with the shape of an analytics report's signature."""


def test_one_cache_key_however_the_call_is_spelled():
    day = dt.date(2026, 11, 18)
    alone = common.arguments(partner_report, {"as_of": day})
    spelled = common.arguments(
        partner_report, {"league": None, "as_of": day, "account_manager": None}
    )
    # the defaults filled in, in the signature's order: the same dict, same order
    assert list(alone.items()) == [
        ("as_of", day),
        ("account_manager", None),
        ("league", None),
    ]
    assert list(spelled.items()) == list(alone.items())


def many_tasks() -> list[dict]:
    """10,003 open tasks on Alder (P1), none of them the notes task: the first 3
    due 2026-11-10 (overdue at D = 2026-11-18 by 8 days), the rest due 2026-12-01
    (not overdue)."""
    return [
        task(
            f"T{n:05d}",
            "P1",
            "Ann",
            "Follow up",
            "Not Started",
            "2026-11-10" if n < 3 else "2026-12-01",
        )
        for n in range(10_003)
    ]


def test_open_tasks_draw_their_first_rows_and_count_all(make_data_dir, run_app):
    data_dir = make_data_dir(partners=PARTNERS, activities=many_tasks())
    at = run_app(data_dir, page=ACTIVITY_PAGE, query={"as_of": "2026-11-18"})
    assert not at.exception
    # 3 overdue of 10,003 open (every task counted, not only the rows drawn)
    assert metric(at, "Overdue tasks") == ("3", "10,003 open")
    tasks = frame(at, "open_tasks_pick")
    assert len(tasks) == common.MAX_ROWS == 10_000  # 3 more in the download
    # oldest due first: the three overdue ones, 18 - 10 = 8 days each
    assert list(tasks["days_overdue"].head(4)) == [8, 8, 8, 0]
    captions = [c.value for c in at.caption]
    assert "Showing the first 10,000 rows; the download has them all." in captions

    at.toggle(key="overdue").set_value(True).run()
    assert not at.exception
    overdue = frame(at, "open_tasks_pick")
    assert list(overdue["activity_id"]) == ["T00000", "T00001", "T00002"]
    assert not any(c.value.startswith("Showing") for c in at.caption)
