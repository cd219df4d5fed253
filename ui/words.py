"""The Data page's words in its users' vocabulary: column labels as the exports
name them (SPEC section 2's "also accepted as": CRN, Account Owner...), counts
with their plural, sizes in KB/MB, one version name, and the message that
survives a rerun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from analytics import schema, versions
from analytics.store import Upload

FLASH = "data_flash"
KIND_WORDS = {
    "upload": "upload",
    "demo": "demo data",
    "restore": "restore",
    "manual": "target typed in",
    "clear": "cleared",
}


def column_label(table: str, column: str) -> str:
    """`clients.client_id` -> `CRN`: the first header the column is accepted as
    (the Salesforce report label), else its name in words."""
    found = next((c for c in schema.TABLES[table].columns if c.name == column), None)
    if found is not None and found.aliases:
        return found.aliases[0]
    return column.replace("_", " ").capitalize()


def table_label(table: str) -> str:
    if table == schema.MANUAL_QUOTAS.name:
        return "Targets typed in"
    found = schema.TABLES.get(table)
    return found.label if found else table.replace("_", " ").capitalize()


def tables_text(tables: list[str]) -> str:
    """`["partners", "clients"]` -> `Partners and Clients`."""
    labels = [table_label(t) for t in tables]
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    """`plural(1, "error")` -> `1 error`; `plural(2, "error")` -> `2 errors`."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def size_text(size: int) -> str:
    """`33_412` -> `33 KB`; `207_300_000` -> `207.3 MB`; under 1 KB in bytes."""
    if size < 1000:
        return plural(size, "byte")
    if size < 1_000_000:
        return f"{size / 1000:,.0f} KB"
    return f"{size / 1_000_000:,.1f} MB"


def seconds_text(seconds: float) -> str:
    return f"{seconds:,.1f} s" if seconds < 60 else f"{seconds / 60:,.1f} min"


def version_name(version: str) -> str:
    """`#6 (1 Dec 2026 07:24)`, as the CLI prints it."""
    return versions.version_name(version)


def upload_what(u: Upload, name: Callable[[str], str] = str) -> str:
    """What an upload was: `upload: partners.csv, clients.csv`, `restored #2 (...)`,
    `cleared contacts`; `name` shows a file name (ui.safe.md in markdown)."""
    restored = versions.restored_version(u)
    if restored:
        return f"restored {version_name(restored)}"
    kind = KIND_WORDS.get(u.kind, u.kind)
    if u.files:
        return f"{kind}: {', '.join(name(f.name) for f in u.files)}"
    return name(u.note) if u.note else f"{kind}: no files"


def upload_label(u: Upload) -> str:
    return f"{version_name(u.version)} · {upload_what(u)}"


def committed_text(committed_at: str) -> str:
    when = dt.datetime.fromisoformat(committed_at)
    return f"{when.day} {when:%b %Y %H:%M} UTC"


def text_columns(**labels: str) -> dict:
    """Plain text columns for a column_config: `text_columns(file="File")`."""
    return {name: st.column_config.TextColumn(label) for name, label in labels.items()}


def say_after_rerun(text: str) -> None:
    st.session_state[FLASH] = text


def show_message() -> None:
    """The outcome of the last commit, restore, clear or reset (set before
    st.rerun), in a slot that is always there, so the elements below keep their
    place (and the selected tab) whether or not there is a message."""
    slot = st.empty()
    text = st.session_state.pop(FLASH, None)
    if text:
        slot.success(text, icon=":material/check_circle:")
