"""Column mappings chosen by hand on the Data page, remembered per file layout.

When a required column is not recognised the user picks the file's header for it;
the choice is kept in `<data dir>/mappings.json`, keyed by the table and a hash of
the file's normalised headers, so the next export with the same headers maps itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: saves are serialised within one process only
    fcntl = None

from analytics.schema import TABLES, normalise_header

MAPPINGS_FILE = "mappings.json"
LOCK_FILE = "mappings.lock"

_save_lock = threading.Lock()


def layout_key(table: str, headers: Sequence[str]) -> str:
    """`table:<hash>` of the normalised header list (order and spelling ignored)."""
    names = sorted({normalise_header(h) for h in headers})
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    return f"{table}:{digest}"


def load_all(directory: Path) -> dict[str, dict]:
    """Every remembered mapping; an unreadable file counts as none."""
    try:
        raw = json.loads((directory / MAPPINGS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def load_mapping(directory: Path, table: str, headers: Sequence[str]) -> dict[str, str]:
    """The remembered {canonical column: header} for files of `table` with these
    headers, spelled as in this file; {} when none is kept."""
    entry = load_all(directory).get(layout_key(table, headers), {})
    spelled = {normalise_header(h): h for h in headers}
    mapping = {}
    for canonical, header in entry.get("mapping", {}).items():
        actual = spelled.get(normalise_header(str(header)))
        if actual is not None:
            mapping[str(canonical)] = actual
    return mapping


def remembered_table(directory: Path, headers: Sequence[str]) -> str | None:
    """The table a mapping was remembered for with exactly these headers (the file
    was not recognised from its headers, but was mapped by hand before)."""
    entries = load_all(directory)
    return next((t for t in TABLES if layout_key(t, headers) in entries), None)


def save_mapping(
    directory: Path, table: str, headers: Sequence[str], mapping: Mapping[str, str]
) -> None:
    """Remember `mapping` for files of `table` with these headers (replacing an
    earlier one; an empty mapping forgets it)."""
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory):
        entries = load_all(directory)
        key = layout_key(table, headers)
        if mapping:
            entries[key] = {
                "table": table,
                "headers": list(headers),
                "mapping": dict(mapping),
            }
        else:
            entries.pop(key, None)
        text = json.dumps(entries, indent=2, sort_keys=True)
        _write_atomic(directory / MAPPINGS_FILE, text)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One save at a time, across threads (the lock) and processes (an flock on
    `mappings.lock`, released by the system if the process dies), so that no save
    reads the file before another's write and loses it."""
    with _save_lock, open(directory / LOCK_FILE, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _write_atomic(target: Path, text: str) -> None:
    """Replace `target` with `text` through a temporary file of its own (a reader
    sees the old file or the new, never a part)."""
    handle, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
