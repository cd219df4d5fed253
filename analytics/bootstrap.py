"""The first use of a dataset folder: the demo data when nothing is committed yet."""

from __future__ import annotations

from pathlib import Path

from analytics import store
from analytics.ingest import import_demo


def ensure_dataset(directory: Path) -> str:
    """The current version, importing the demo data first when the folder is empty."""
    version = store.current_version(directory)
    if version is None:
        version = import_demo(directory)
    return version
