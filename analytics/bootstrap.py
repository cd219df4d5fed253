"""A dataset folder's first use: the app imports the demo data into an empty
folder; the app and every command re-commit a version built with older rules
once; a command that reads a dataset requires one and imports nothing."""

from __future__ import annotations

from pathlib import Path

from analytics import db, store
from analytics.ingest import import_demo

# Version files this process has seen built with the current rules.
_CURRENT: set[Path] = set()


class NoDataset(store.StoreError):
    """A command that reads a dataset was given a folder without one."""


def ensure_dataset(directory: Path) -> str:
    """The current version, importing the demo data first when the folder has no
    dataset yet. Only the app calls this: it opens on demo data out of the box."""
    version = store.current_version(directory)
    if version is None:
        return import_demo(directory)
    return with_current_rules(directory, version)


def with_current_rules(directory: Path, version: str) -> str:
    """`version`, or a new version with the same tables when its file was built
    with older rules (macros, staging tables, rollups): an admin's connection
    rebuilds such a file in memory on every open, but an AM's book reads the
    file's own macros and tables, so the app re-commits it once."""
    path = store.version_path(directory, version)
    if path not in _CURRENT:
        if not db.built_with_current_rules(path):
            note = f"rebuilt {version} with the current rules"
            version = store.commit(
                directory, {}, kind="restore", note=note, base_version=version
            ).version
        _CURRENT.add(store.version_path(directory, version))
    return version


def require_dataset(directory: Path) -> str:
    """The current version, re-committed once when built with older rules (as the
    app does: a reading connection's rebuild in memory runs out of its memory at
    1M clients); NoDataset (nothing created) when the folder has none."""
    version = store.current_version(directory)
    if version is None:
        where = "no such folder" if not directory.exists() else "nothing committed"
        raise NoDataset(
            f"no dataset in {directory} ({where}): check --data-dir, or import"
            " files first with: python -m analytics import FILE..."
        )
    return with_current_rules(directory, version)
