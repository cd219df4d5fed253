"""Bad usage of `python -m analytics` (SPEC section 7): exit 2 with a message saying
what to give instead, never a traceback, and nothing read or written elsewhere."""

from __future__ import annotations

import pytest

from analytics import store
from tests.conftest import commit_tables, run_cli


@pytest.mark.parametrize("command", ["export", "digest"])
@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        # date.max is 9999-12-31: the month after it does not exist
        (
            "9999-12-31",
            "--as-of: 9999-12-31 is out of range: use a date from 1900-01-01 to "
            "2999-12-31",
        ),
        ("31/12/2024", "--as-of: use YYYY-MM-DD, e.g. 2024-12-31 (not '31/12/2024')"),
        # accepted by date.fromisoformat, but not the format the CLI promises
        ("20241231", "--as-of: use YYYY-MM-DD, e.g. 2024-12-31 (not '20241231')"),
        ("2024-02-30", "--as-of: 2024-02-30 is not a date"),
    ],
)
def test_bad_as_of_exits_2_with_a_message(tmp_path, command, as_of, message):
    out = tmp_path / ("out.html" if command == "digest" else "out")
    result = run_cli(
        "--data-dir", str(tmp_path / "store"),
        command, "--as-of", as_of, "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_as_of_at_the_end_of_the_range_exports(tmp_path):
    # export needs a dataset (a folder without one exits 2): one partner
    partner = {"partner_id": "P1", "partner_name": "A", "account_manager": "Ann"}
    commit_tables(tmp_path / "store", partners=[partner])
    result = run_cli(
        "--data-dir", str(tmp_path / "store"),
        "export", "--as-of", "2999-12-31", "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "partner_report.csv").is_file()


@pytest.mark.parametrize("where", ["before", "after"])
def test_empty_data_dir_exits_2_and_touches_no_dataset(tmp_path, monkeypatch, where):
    # `--data-dir "$UNSET"` must not fall back to the default folder: with
    # AMD_DATA_DIR (the first default) naming a folder that must stay empty, a
    # fallback would fill it with the demo dataset.
    fallback = tmp_path / "fallback"
    fallback.mkdir()
    option = ["--data-dir", ""]
    args = [
        *(option if where == "before" else []),
        "export",
        *(option if where == "after" else []),
        "--out",
        str(tmp_path / "out"),
    ]
    monkeypatch.setenv(store.DATA_DIR_ENV, str(fallback))
    result = run_cli(*args)
    assert result.returncode == 2
    assert "--data-dir is empty" in result.stderr
    assert list(fallback.iterdir()) == []
    assert not (tmp_path / "out").exists()
