"""A dataset folder's first use: the app imports the demo data into an empty
folder; every command that reads a dataset requires one and creates nothing."""

from __future__ import annotations

from pathlib import Path

from analytics import store
from analytics.ingest import import_demo


class NoDataset(store.StoreError):
    """A command that reads a dataset was given a folder without one."""


def ensure_dataset(directory: Path) -> str:
    """The current version, importing the demo data first when the folder has no
    dataset yet. Only the app calls this: it opens on demo data out of the box."""
    version = store.current_version(directory)
    if version is None:
        version = import_demo(directory)
    return version


def require_dataset(directory: Path) -> str:
    """The current version; NoDataset (nothing created) when the folder has none."""
    version = store.current_version(directory)
    if version is None:
        where = "no such folder" if not directory.exists() else "nothing committed"
        raise NoDataset(
            f"no dataset in {directory} ({where}): check --data-dir, or import"
            " files first with: python -m analytics import FILE..."
        )
    return version
