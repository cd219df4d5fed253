"""Shared test fixtures: small datasets written in the tests, committed through the
real store (no mocks), and the repository root."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analytics import store

ROOT = Path(__file__).resolve().parent.parent


def d(text: str) -> dt.date:
    """`d("2026-11-03")` -> a date, to keep fixtures short."""
    return dt.date.fromisoformat(text)


def frame(rows: list[dict], date_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A DataFrame from dict rows; ISO strings in `date_columns` become dates."""
    df = pd.DataFrame(rows)
    for column in date_columns:
        if column in df:
            df[column] = [d(v) if isinstance(v, str) else None for v in df[column]]
    return df


DATE_COLUMNS = (
    "created_date",
    "added_date",
    "repurposed_date",
    "churned_date",
    "activity_date",
    "completed_date",
    "month",
    "last_updated",
    "next_review_date",
    "training_completed_date",
)


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., object]:
    """make_dataset(partners=[...], clients=[...], activities=[...], quotas=[...], ...)
    commits the given tables (lists of dict rows, dates as ISO strings) into a fresh
    dataset folder and returns a read-only DuckDB connection to it. Tables not given
    are empty."""
    connections = []

    def build(**tables: list[dict]):
        directory = tmp_path / f"dataset{len(connections)}"
        frames = {
            name: frame(rows, DATE_COLUMNS) for name, rows in tables.items() if rows
        }
        store.commit(directory, frames)
        con = store.connect(directory)
        connections.append(con)
        return con

    yield build
    for con in connections:
        con.close()
