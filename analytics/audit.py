"""The audit trail: every upload, restore, clear, reset and target edit, with who,
when, what and the dataset versions before and after.

Kept in the data folder as `audit.jsonl`, one JSON object per line, only ever
appended to: each entry is written with one `write` under an exclusive lock on
`audit.lock` (threads and processes, like the store's commits) and synced, so two
app processes never interleave their lines. A line cut short by a crash is skipped
when the trail is read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analytics import store

try:
    import fcntl
except ImportError:  # Windows: entries are serialised within one process only
    fcntl = None

AUDIT_FILE = "audit.jsonl"
ACTIONS = ("upload", "restore", "clear", "reset", "target")
COLUMNS = ["at", "who", "action", "what", "version_before", "version_after"]
_lock = threading.Lock()
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    at: str  # UTC, ISO 8601 to the second
    who: str
    action: str  # one of ACTIONS
    what: str
    version_before: str | None
    version_after: str | None


def record(
    directory: Path,
    who: str,
    action: str,
    what: str,
    version_before: str | None,
    version_after: str | None,
) -> Entry:
    """Append one entry to the trail and return it."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, not {action!r}")
    entry = Entry(
        at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        who=who,
        action=action,
        what=what,
        version_before=version_before,
        version_after=version_after,
    )
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode()
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory):
        fd = os.open(directory / AUDIT_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    return entry


def audited(
    directory: Path,
    who: str,
    action: str,
    what: str,
    change: Callable[[], T],
    version_of: Callable[[T], str | None] = lambda result: result.version,
) -> T:
    """Run `change` (a commit) and record it with the version current before it
    began and the version it made (`version_of` its result); nothing is recorded
    when it raises or makes no version."""
    before = store.current_version(directory)
    result = change()
    after = version_of(result)
    if after is not None:
        record(directory, who, action, what, before, after)
    return result


def entries(directory: Path) -> pd.DataFrame:
    """The trail, newest first, columns COLUMNS (`at` as a UTC timestamp)."""
    rows = []
    try:
        lines = (directory / AUDIT_FILE).read_bytes().splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        try:
            rows.append(json.loads(line))
        except ValueError:  # cut short by a crash while it was written
            continue
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame.iloc[::-1].reset_index(drop=True)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with _lock, open(directory / "audit.lock", "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
