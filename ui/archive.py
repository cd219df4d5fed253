"""The dataset's history on the Data page: the current dataset, every committed
upload (the tables it replaced, its original files to download), restore, reset
to the demo data, clearing an optional table, and two uploads' clients compared;
and the sidebar's "Demo data" notice."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import audit, compare, ingest, schema, store, versions
from analytics.export import to_csv_bytes
from ui import auth, common
from ui.safe import md
from ui.upload_report import (
    CHANGE_WORDS,
    CHANGES_CONFIG,
    change_summary,
    changes_shown,
)
from ui.words import (
    KIND_WORDS,
    committed_text,
    plural,
    say_after_rerun,
    size_text,
    table_label,
    tables_text,
    text_columns,
    upload_label,
    upload_what,
    version_name,
)


@st.cache_data(max_entries=64, show_spinner=False)
def demo_tables(directory: str, version: str) -> list[str]:
    """The tables of `version` that hold the demo data (read from the manifests;
    a version never changes, so the pair is the whole key)."""
    return versions.demo_tables(Path(directory))


def show_demo_notice() -> None:
    """In the sidebar: say so while the demo data is current (all of it, or the
    tables still holding it after a real upload)."""
    directory = store.data_dir()
    version = store.current_version(directory)
    if version is None:
        return
    demo = demo_tables(str(directory), version)
    if demo:
        st.badge("Demo data", icon=":material/science:", color="orange")
    if demo and "partners" not in demo:
        verb = "holds" if len(demo) == 1 else "hold"
        st.caption(f"{tables_text(demo)} still {verb} the demo data.")


def current_upload(directory: Path) -> store.Upload | None:
    version = store.current_version(directory)
    return store.upload(directory, version) if version else None


def show_current(directory: Path) -> None:
    """KPI tiles: the dataset the pages show now."""
    upload = current_upload(directory)
    if upload is None:
        st.info("No data has been committed yet.")
        return
    tiles = st.columns(4)
    tiles[0].metric(
        "Dataset version",
        versions.version_number(upload.version),
        help=version_name(upload.version),
        border=True,
    )
    for tile, table in zip(
        tiles[1:], ("partners", "clients", "activities"), strict=True
    ):
        tile.metric(table_label(table), f"{upload.tables.get(table, 0):,}", border=True)
    st.caption(
        f"Committed {committed_text(upload.committed_at)} ({upload_what(upload, md)})."
    )


def uploads_frame(directory: Path) -> pd.DataFrame:
    """One row per committed upload, newest first: the tables it replaced and the
    rows per table after it."""
    current = store.current_version(directory)
    history = store.uploads(directory)
    rows = []
    for i, u in enumerate(history):
        previous = history[i + 1] if i + 1 < len(history) else None
        restored = versions.restored_version(u)
        replaced = (
            f"restored {versions.version_number(restored)}"
            if restored
            else tables_text(versions.replaced_tables(u, previous)) or "none"
        )
        rows.append(
            {
                "upload": versions.version_number(u.version),  # its time is beside it
                "current": u.version == current,
                "committed_at": pd.Timestamp(u.committed_at).tz_convert(None),
                "kind": KIND_WORDS.get(u.kind, u.kind),
                "replaced": replaced,
                **{table: u.tables.get(table) for table in schema.TABLES},
                "files": ", ".join(f.name for f in u.files),
                "size": size_text(sum(f.bytes for f in u.files)) if u.files else "",
                "checksum": ", ".join(f.sha256[:10] for f in u.files),
                "note": u.note,
            }
        )
    return pd.DataFrame(rows)


UPLOADS_CONFIG = {
    "upload": st.column_config.TextColumn("Upload"),
    "current": st.column_config.CheckboxColumn("Current"),
    "committed_at": st.column_config.DatetimeColumn(
        "Committed (UTC)", format="YYYY-MM-DD HH:mm:ss"
    ),
    **text_columns(kind="Kind", replaced="Tables replaced"),
    **{
        name: st.column_config.NumberColumn(table.label, format="localized")
        for name, table in schema.TABLES.items()
    },
    **text_columns(
        files="Files", size="Size", checksum="Checksum (SHA-256, short)", note="Note"
    ),
}


def show_history(directory: Path) -> None:
    common.table(uploads_frame(directory), "uploads", UPLOADS_CONFIG)


def choose_upload(label: str, uploads: dict[str, store.Upload], **kwargs) -> str:
    """A selectbox of `uploads` (version -> record) named as users see them."""
    return st.selectbox(
        label, list(uploads), format_func=lambda v: upload_label(uploads[v]), **kwargs
    )


def show_originals(directory: Path) -> None:
    """The files an upload committed, downloadable unchanged from the archive."""
    with_files = {u.version: u for u in store.uploads(directory) if u.files}
    if not with_files:
        st.caption("No upload with files yet.")
        return
    version = choose_upload("Upload", with_files, key="originals_version")
    with st.container(horizontal=True):
        for f in with_files[version].files:
            st.download_button(
                f"{f.name} ({size_text(f.bytes)})",
                lambda table=f.table: store.archived_file(directory, version, table)[1],
                file_name=f.name,
                mime="text/csv",
                key=f"original::{version}::{f.table}",
                icon=":material/download:",
                on_click="ignore",
            )


def show_restore(directory: Path) -> None:
    """Pick an earlier upload and make its data current again (a new version)."""
    current = store.current_version(directory)
    earlier = {u.version: u for u in store.uploads(directory) if u.version != current}
    if not earlier:
        st.caption("There is no earlier upload to restore yet.")
        return
    version = choose_upload("Upload to restore", earlier, key="restore_version")
    confirmed_button(
        "Yes, make this upload's data current again",
        "Restore",
        "restore",
        ":material/history:",
        lambda: (
            f"Restored upload {version_name(version)} as dataset version"
            + " "
            + version_name(
                audit.audited(
                    directory,
                    auth.actor(),
                    "restore",
                    f"restored upload {versions.version_number(version)}",
                    lambda: store.restore(directory, version),
                ).version
            )
            + "."
        ),
    )


def confirmed_button(
    confirm: str, label: str, key: str, icon: str, action: Callable[[], str]
) -> None:
    """A box to tick and a button that runs `action` (before the rerun, so the box
    can be unticked: another click needs another yes) and shows its message."""
    sure = st.checkbox(confirm, key=f"{key}_sure", value=False)

    def run() -> None:
        with st.spinner("Working…"):
            message = action()
        st.session_state[f"{key}_sure"] = False
        say_after_rerun(message)

    st.button(label, disabled=not sure, key=key, icon=icon, on_click=run)


def show_clear(directory: Path) -> None:
    """Empty one optional table (account plans, contacts, quotas...) as a new
    version, e.g. one kept from before that belongs to other partners."""
    upload = current_upload(directory)
    counts = upload.tables if upload else {}
    filled = [t for t in versions.OPTIONAL_TABLES if counts.get(t)]
    if not filled:
        st.caption("The optional tables are empty.")
        return
    demo = set(versions.demo_tables(directory))
    table = st.selectbox(
        "Table to clear",
        filled,
        format_func=lambda t: (
            f"{table_label(t)} ({plural(counts[t], 'row')}"
            + (", demo data)" if t in demo else ")")
        ),
        key="clear_table",
    )
    confirmed_button(
        f"Yes, empty {table_label(table)}",
        "Clear this table",
        "clear",
        ":material/delete_sweep:",
        lambda: (
            f"Cleared {table_label(table)} ({plural(counts[table], 'row')}) as"
            " dataset version "
            + version_name(
                audit.audited(
                    directory,
                    auth.actor(),
                    "clear",
                    f"cleared {table}",
                    lambda: versions.clear_table(directory, table),
                ).version
            )
            + "."
        ),
    )


def show_reset(directory: Path) -> None:
    """Replace every table with the demo data (a new version; nothing is deleted)."""
    confirmed_button(
        "Yes, replace every table with the demo data",
        "Reset to demo data",
        "demo",
        ":material/restart_alt:",
        lambda: (
            "Reset to the demo data as dataset version "
            + version_name(
                audit.audited(
                    directory,
                    auth.actor(),
                    "reset",
                    "reset every table to the demo data",
                    lambda: ingest.import_demo(directory),
                    lambda version: version,
                )
            )
            + "."
        ),
    )


@st.cache_data(max_entries=4, show_spinner=False)
def _comparison(directory: str, old: str, new: str) -> compare.Comparison:
    """Client changes between two versions: counts and the first rows a grid
    draws; a version file never changes, so the pair of versions is the whole key.
    Run in the app's reading connection, within the memory it already has."""
    with common.cursor() as con:
        return compare.compare_summary(Path(directory), old, new, common.MAX_ROWS, con)


def _changes_csv(
    directory: Path, old: str, new: str, cursor: Callable[[], object]
) -> bytes:
    """Every change between two versions as CSV, built when the download is
    clicked (`cursor`: common.cursor_later)."""
    with cursor() as con:
        changes = compare.compare_clients(directory, old, new, con)
    return to_csv_bytes(changes_shown(changes))


def show_compare(directory: Path) -> None:
    """Two uploads compared by CRN: counts per change and the clients behind them."""
    history = {u.version: u for u in store.uploads(directory)}
    if len(history) < 2:
        st.info("Compare needs two uploads; there is only one so far.")
        return
    left, right = st.columns(2)
    with left:
        old = choose_upload(
            "Older upload", history, index=1, key="cmp_old", bind="query-params"
        )
    with right:
        new = choose_upload(
            "Newer upload", history, index=0, key="cmp_new", bind="query-params"
        )
    with st.spinner("Comparing the clients by CRN…"):
        result = _comparison(str(directory), old, new)
    for tile, row in zip(
        st.columns(len(result.counts)), result.counts.itertuples(), strict=True
    ):
        tile.metric(  # "Newly repurposed": the heading says they are clients
            CHANGE_WORDS[row.change].capitalize(), f"{row.clients:,}", border=True
        )
    if result.rows.empty:
        st.info(change_summary(result.counts).capitalize() + " between them.")
        return
    common.table(changes_shown(result.rows), None, CHANGES_CONFIG, more=result.more)
    st.download_button(
        "Download CSV",
        partial(_changes_csv, directory, old, new, common.cursor_later()),
        file_name="client_changes.csv",
        mime="text/csv",
        key="dl-client_changes",
        icon=":material/download:",
        on_click="ignore",
    )
