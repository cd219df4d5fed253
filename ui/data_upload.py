"""The Data page's pieces: checking an upload (with the table and column choices the
user makes), the import report, commit, the uploads history with restore, and the
comparison of two uploads' clients. The page script puts them in order."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import audit, compare, ingest, mappings, schema, store
from ui import auth, common
from ui.safe import md

NOT_CHOSEN = "— choose —"
MAX_CHECKS_KEPT = 8
FLASH = "data_flash"
HEADER_BYTES = 256 * 1024
# The archive keeps a file as `<table>__<name>` (+ `.tmp` while written): a name
# must fit the server's 255 bytes and hold no control character (NUL cannot be
# stored).
MAX_NAME_CHARS = 200
MAX_NAME_BYTES = 255 - len("account_plans__.tmp")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Upload:
    """The files in the uploader and the choices made for them."""

    ids: tuple[str, ...]
    files: list[tuple[str, bytes]]
    headers: dict[str, list[str]]  # file -> its non-blank headers, in file order
    tables: dict[str, str] = field(default_factory=dict)  # file -> table set by hand
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return json.dumps([self.ids, self.tables, self.mappings], sort_keys=True)


def text_columns(**labels: str) -> dict:
    """Plain text columns for a column_config: `text_columns(file="File")`."""
    return {name: st.column_config.TextColumn(label) for name, label in labels.items()}


# --- messages that survive st.rerun ---------------------------------------------------


def say_after_rerun(text: str) -> None:
    st.session_state[FLASH] = text


def show_message() -> None:
    """The outcome of the last commit, restore or reset (set before st.rerun), in a
    slot that is always there, so the elements below keep their place (and the
    selected tab) whether or not there is a message."""
    slot = st.empty()
    text = st.session_state.pop(FLASH, None)
    if text:
        slot.success(text, icon=":material/check_circle:")


# --- the current dataset --------------------------------------------------------------


def current_upload(directory: Path) -> store.Upload | None:
    version = store.current_version(directory)
    return next((u for u in store.uploads(directory) if u.version == version), None)


def show_current(directory: Path) -> None:
    """KPI tiles: the dataset the pages show now."""
    upload = current_upload(directory)
    if upload is None:
        st.info("No data has been committed yet.")
        return
    tiles = st.columns(4)
    tiles[0].metric(
        "Dataset version",
        short_version(upload.version),
        help=f"{upload.version}, {upload.kind}",
        border=True,
    )
    for tile, table in zip(
        tiles[1:], ("partners", "clients", "activities"), strict=True
    ):
        tile.metric(
            schema.TABLES[table].label, f"{upload.tables.get(table, 0):,}", border=True
        )
    files = ", ".join(md(f.name) for f in upload.files) or md(upload.note or "no files")
    st.caption(
        f"Committed {committed_text(upload.committed_at)} ({upload.kind}: {files})."
    )


def short_version(version: str) -> str:
    """`000004-20261123T034906` -> `#4`."""
    number = version.split("-", 1)[0]
    return f"#{int(number)}" if number.isdigit() else version


def committed_text(committed_at: str) -> str:
    return dt.datetime.fromisoformat(committed_at).strftime("%d %b %Y %H:%M UTC")


def accepted_frame() -> pd.DataFrame:
    """One row per column of every table: required or not, and the headers taken
    for it (SPEC section 2)."""
    return pd.DataFrame(
        [
            {
                "table": table.label,
                "table_required": table.required,
                "column": column.name,
                "column_required": column.required,
                "also_accepted_as": ", ".join(column.aliases),
            }
            for table in schema.TABLES.values()
            for column in table.columns
        ]
    )


ACCEPTED_CONFIG = {
    **text_columns(table="File (table)", column="Column"),
    "table_required": st.column_config.CheckboxColumn("File required"),
    "column_required": st.column_config.CheckboxColumn("Column required"),
    "also_accepted_as": st.column_config.TextColumn("Also accepted as", width="large"),
}


# --- checking an upload ---------------------------------------------------------------


def refuse_unstorable_names(uploaded: list) -> list:
    """The uploaded files whose names the archive can keep; an error for each other
    one, which is not read."""
    kept = []
    for item in uploaded:
        name = item.name
        if len(name) > MAX_NAME_CHARS or len(name.encode()) > MAX_NAME_BYTES:
            why = f"its name is {len(name):,} characters long"
            why += f" (at most {MAX_NAME_CHARS})"
        elif CONTROL.search(name):
            why = "its name holds a control character"
        else:
            kept.append(item)
            continue
        shown = CONTROL.sub("?", name)
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        st.error(
            f"{md(shown)} was not read: {why}. Rename the file and upload it again.",
            icon=":material/block:",
        )
    return kept


def read_upload(uploaded: list) -> Upload:
    """The uploaded files' bytes, with a progress bar per file while they are read."""
    files = []
    bar = st.progress(0.0, text="Reading the files…") if len(uploaded) > 1 else None
    for i, item in enumerate(uploaded, start=1):
        files.append((item.name, item.getvalue()))
        if bar is not None:
            bar.progress(
                i / len(uploaded), text=f"Read {md(item.name)} ({i} of {len(uploaded)})"
            )
    if bar is not None:
        bar.empty()
    headers = {name: file_headers(content) for name, content in files}
    return Upload(tuple(item.file_id for item in uploaded), files, headers)


def file_headers(content: bytes) -> list[str]:
    """The non-blank headers of a file, read from its start ([] when it is not CSV
    text); the importer reports everything else."""
    try:
        text, _ = ingest.decode(content[:HEADER_BYTES])
    except ingest.NotCsvText:
        return []
    return [h for h in ingest.prepare_text(text).headers if h]


def check(directory: Path, upload: Upload) -> ingest.ImportReport:
    """The import report for the upload and its choices, checked once per set of
    files and choices (kept in the session, so other widgets do not re-check)."""
    kept = st.session_state.setdefault("data_checks", {})
    if upload.key not in kept:
        label = f"Checking {plural(len(upload.files), 'file')}…"
        with st.status(label, expanded=True) as status:
            for name, content in upload.files:
                st.write(f"{md(name)}: {len(content) / 1e6:,.1f} MB")
            result = ingest.check_files(
                directory, upload.files, upload.tables or None, upload.mappings or None
            )
            status.update(
                label=checked_label(result.report),
                state="complete" if result.report.ok else "error",
                expanded=False,
            )
        while len(kept) >= MAX_CHECKS_KEPT:
            kept.pop(next(iter(kept)))
        kept[upload.key] = result.report
    return kept[upload.key]


def checked_label(report: ingest.ImportReport) -> str:
    errors, warnings = (
        plural(report.error_count, "error"),
        plural(report.warning_count, "warning"),
    )
    return f"Checked {plural(len(report.files), 'file')}: {errors}, {warnings}"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def choose_tables(directory: Path, upload: Upload, report: ingest.ImportReport) -> None:
    """Per file, the table it is read as: recognised from its headers (or from a
    mapping remembered for the same headers), or chosen by hand. `report` is the
    check without choices; a table differing from its finding goes into
    `upload.tables`."""
    recognised = st.session_state.setdefault("data_recognised", {})
    for file_id, report_file in zip(upload.ids, report.files, strict=True):
        name = report_file.file
        if file_id not in recognised:
            recognised[file_id] = report_file.table or mappings.remembered_table(
                directory, upload.headers[name]
            )
        chosen = st.session_state.get(f"table::{file_id}") or recognised[file_id]
        if chosen and chosen != report_file.table:
            upload.tables[name] = chosen


def table_selectbox(file_id: str) -> None:
    recognised = st.session_state.get("data_recognised", {}).get(file_id)
    names = list(schema.TABLES)
    st.selectbox(
        "Table",
        names,
        index=names.index(recognised) if recognised in names else None,
        format_func=lambda t: (
            schema.TABLES[t].label + (" (recognised)" if t == recognised else "")
        ),
        placeholder="Not recognised: choose the table",
        key=f"table::{file_id}",
        help="Recognised from the file's headers; choose another if it is wrong.",
    )


def choose_mapping(
    directory: Path, upload: Upload, report_file: ingest.FileReport, file_id: str
) -> None:
    """For each required column no header matched, a selectbox of the file's headers
    (pre-set from a mapping remembered for the same headers)."""
    headers = upload.headers[report_file.file]
    remembered = mappings.load_mapping(directory, report_file.table, headers)
    st.caption("Pick the file's column for each required column not recognised:")
    chosen = {}
    for canonical in report_file.missing:
        default = remembered.get(canonical)
        header = st.selectbox(
            canonical,
            headers,
            index=headers.index(default) if default in headers else None,
            placeholder=NOT_CHOSEN,
            key=f"map::{file_id}::{canonical}",
        )
        if header:
            chosen[canonical] = header
    if chosen:
        upload.mappings[report_file.file] = chosen


def remember_mappings(
    directory: Path, upload: Upload, base: ingest.ImportReport
) -> None:
    """Keep the hand-made mappings of a committed upload for files with the same
    headers."""
    for report_file in base.files:
        chosen = upload.mappings.get(report_file.file)
        if chosen and report_file.table:
            mappings.save_mapping(
                directory, report_file.table, upload.headers[report_file.file], chosen
            )


# --- the import report ----------------------------------------------------------------


def files_frame(report: ingest.ImportReport) -> pd.DataFrame:
    """One row per file: what was read and how."""
    rows = []
    for f in report.files:
        errors = sum(p.count for p in f.problems if p.severity == ingest.ERROR)
        warnings = sum(p.count for p in f.problems if p.severity == ingest.WARNING)
        rows.append(
            {
                "file": f.file,
                "table": schema.TABLES[f.table].label if f.table else "not recognised",
                "rows": f.rows,
                "encoding": f.encoding,
                "delimiter": ingest.DELIMITER_NAMES.get(f.delimiter, f.delimiter),
                "footer_lines": f.footer_lines,
                "ignored": len(f.ignored),
                "errors": errors,
                "warnings": warnings,
            }
        )
    return pd.DataFrame(rows)


def columns_frame(report_file: ingest.FileReport) -> pd.DataFrame:
    """One row per header of the file: the column it is read as (or ignored), and
    the date format chosen for it."""
    rows = []
    for header, canonical in report_file.mapping.items():
        form = report_file.date_formats.get(header)
        rows.append(
            {
                "file_header": header,
                "read_as": canonical,
                "date_format": form.replace(ingest.DEFAULT_LABEL, "") if form else None,
                "default_used": bool(form and form.endswith(ingest.DEFAULT_LABEL)),
            }
        )
    for header in report_file.ignored:
        rows.append(
            {
                "file_header": header,
                "read_as": "(ignored)",
                "date_format": None,
                "default_used": False,
            }
        )
    return pd.DataFrame(
        rows, columns=["file_header", "read_as", "date_format", "default_used"]
    )


FILES_CONFIG = {
    **text_columns(
        file="File", table="Table", encoding="Encoding", delimiter="Delimiter"
    ),
    "rows": st.column_config.NumberColumn("Rows read", format="localized"),
    "footer_lines": st.column_config.NumberColumn("Footer lines removed"),
    "ignored": st.column_config.NumberColumn("Ignored columns"),
    "errors": st.column_config.NumberColumn("Errors"),
    "warnings": st.column_config.NumberColumn("Warnings"),
}

COLUMNS_CONFIG = {
    **text_columns(
        file_header="File header", read_as="Read as", date_format="Date format"
    ),
    "default_used": st.column_config.CheckboxColumn(
        "Default used", help="The column could not tell day-first from month-first."
    ),
}

PROBLEMS_CONFIG = {
    **text_columns(severity="Severity", file="File", column="Column", value="Value"),
    "row": st.column_config.NumberColumn(
        "Row", help="As in your file: the header is row 1."
    ),
    "reason": st.column_config.TextColumn("Reason", width="large"),
}


def file_sections(directory: Path, upload: Upload, base: ingest.ImportReport) -> dict:
    """Per file, an expander with its table (changeable) and, where required columns
    were not recognised, the column choices; returns a slot per file id for the
    table of how its headers were read (filled once the choices are checked)."""
    slots = {}
    for file_id, report_file in zip(upload.ids, base.files, strict=True):
        label = (
            schema.TABLES[report_file.table].label if report_file.table else "no table"
        )
        trouble = report_file.table is None or bool(report_file.missing)
        with st.expander(f"{md(report_file.file)} → {label}", expanded=trouble):
            left, right = st.columns([1, 2], gap="large")
            with left:
                table_selectbox(file_id)
                if report_file.missing and report_file.table:
                    choose_mapping(directory, upload, report_file, file_id)
            slots[file_id] = right.container()
    return slots


def fill_file_sections(
    slots: dict, upload: Upload, report: ingest.ImportReport
) -> None:
    """How each file's headers were read, its ignored columns and footer."""
    for file_id, report_file in zip(upload.ids, report.files, strict=True):
        with slots[file_id]:
            columns = columns_frame(report_file)
            if columns.empty:
                headers = ", ".join(map(md, upload.headers[report_file.file])) or "none"
                st.caption(f"Choose the file's table. Its headers: {headers}.")
            else:
                st.dataframe(
                    columns,
                    hide_index=True,
                    column_config=COLUMNS_CONFIG,
                    key=f"columns::{file_id}",
                )
            facts = [
                f"{report_file.rows:,} rows",
                report_file.encoding or "encoding unknown",
            ]
            if report_file.ignored:
                facts.append(f"ignored: {', '.join(map(md, report_file.ignored))}")
            if report_file.footer_lines:
                facts.append(f"{report_file.footer_lines} footer line(s) removed")
            st.caption(" · ".join(facts))


def show_problems(report: ingest.ImportReport) -> None:
    """Error and warning counts and the full list, downloadable."""
    tiles = st.columns(4)
    tiles[0].metric("Files", len(report.files), border=True)
    tiles[1].metric("Rows read", f"{sum(f.rows for f in report.files):,}", border=True)
    tiles[2].metric("Errors", f"{report.error_count:,}", border=True)
    tiles[3].metric("Warnings", f"{report.warning_count:,}", border=True)
    problems = report.problems_frame()
    if problems.empty:
        st.success("No problems found.", icon=":material/task_alt:")
        return
    common.table(
        problems, "import_problems", column_config=PROBLEMS_CONFIG, placeholder="–"
    )


def show_commit(
    directory: Path, upload: Upload, base: ingest.ImportReport, report
) -> None:
    """Commit when the report has no errors; otherwise a disabled button and why."""
    committed = st.session_state.get("data_committed", {})
    if upload.key in committed:
        st.button("Commit", disabled=True, key="commit")
        st.info(
            f"These files were committed as dataset version"
            f" {short_version(committed[upload.key])}."
        )
        return
    if not report.ok:
        st.error(
            f"{plural(report.error_count, 'error')}: nothing was changed. Fix the"
            " files and upload them again; the data the pages show stays as it was.",
            icon=":material/block:",
        )
        st.button("Commit", disabled=True, key="commit", type="primary")
        return
    tables = ", ".join(sorted({f.table for f in report.files if f.table}))
    st.caption(f"Commit replaces {tables}; the other tables stay as they are.")
    if st.button(
        "Commit", key="commit", type="primary", icon=":material/cloud_upload:"
    ):
        with st.spinner("Committing…"):
            result = audit.audited(
                directory,
                auth.actor(),
                "upload",
                f"{tables} from " + ", ".join(f.file for f in report.files if f.table),
                lambda: ingest.import_files(
                    directory,
                    upload.files,
                    upload.tables or None,
                    upload.mappings or None,
                ),
                lambda result: result.upload and result.upload.version,
            )
        if result.upload is None:
            st.error("The upload could not be committed: " + result.report.outcome())
            return
        remember_mappings(directory, upload, base)
        st.session_state.setdefault("data_committed", {})[upload.key] = (
            result.upload.version
        )
        say_after_rerun(
            f"Committed as dataset version {short_version(result.upload.version)}"
            f" ({tables}); every page now shows the new data."
        )
        st.rerun()


# --- history, restore, reset ----------------------------------------------------------


def uploads_frame(directory: Path) -> pd.DataFrame:
    """One row per committed upload, newest first, with rows per table."""
    current = store.current_version(directory)
    rows = []
    for u in store.uploads(directory):
        rows.append(
            {
                "upload": short_version(u.version),
                "current": u.version == current,
                "committed_at": pd.Timestamp(u.committed_at).tz_convert(None),
                "kind": u.kind,
                **{table: u.tables.get(table) for table in schema.TABLES},
                "files": ", ".join(f.name for f in u.files),
                "checksum": ", ".join(f.sha256[:10] for f in u.files),
                "note": u.note,
                "version": u.version,
            }
        )
    return pd.DataFrame(rows)


UPLOADS_CONFIG = {
    **text_columns(
        upload="Upload",
        version="Version",
        kind="Kind",
        files="Files",
        checksum="Checksum (SHA-256, short)",
        note="Note",
    ),
    "current": st.column_config.CheckboxColumn("Current"),
    "committed_at": st.column_config.DatetimeColumn(
        "Committed (UTC)", format="YYYY-MM-DD HH:mm"
    ),
    **{
        name: st.column_config.NumberColumn(table.label, format="localized")
        for name, table in schema.TABLES.items()
    },
}


def upload_label(u: store.Upload) -> str:
    files = ", ".join(f.name for f in u.files) or u.note or "no files"
    when = committed_text(u.committed_at)
    return f"{short_version(u.version)} · {when} · {u.kind} · {files}"


def show_restore(directory: Path) -> None:
    """Pick an earlier upload and make its data current again (a new version)."""
    current = store.current_version(directory)
    earlier = {u.version: u for u in store.uploads(directory) if u.version != current}
    if not earlier:
        st.caption("There is no earlier upload to restore yet.")
        return
    version = st.selectbox(
        "Upload to restore",
        list(earlier),
        format_func=lambda v: upload_label(earlier[v]),
        key="restore_version",
    )
    sure = st.checkbox(
        "Yes, make this upload's data current again", key="restore_sure", value=False
    )
    if st.button(
        "Restore", disabled=not sure, key="restore", icon=":material/history:"
    ):
        with st.spinner("Restoring…"):
            restored = audit.audited(
                directory,
                auth.actor(),
                "restore",
                f"restored upload {short_version(version)}",
                lambda: store.restore(directory, version),
            )
        say_after_rerun(
            f"Restored upload {short_version(version)} as dataset version"
            f" {short_version(restored.version)}."
        )
        st.rerun()


def show_reset(directory: Path) -> None:
    """Replace every table with the demo data (a new version; nothing is deleted)."""
    sure = st.checkbox("Yes, replace every table with the demo data", key="demo_sure")
    if st.button(
        "Reset to demo data",
        disabled=not sure,
        key="demo",
        icon=":material/restart_alt:",
    ):
        with st.spinner("Importing the demo data…"):
            version = audit.audited(
                directory,
                auth.actor(),
                "reset",
                "reset every table to the demo data",
                lambda: ingest.import_demo(directory),
                lambda version: version,
            )
        say_after_rerun(
            f"Reset to the demo data as dataset version {short_version(version)}."
        )
        st.rerun()


# --- compare two uploads' clients -----------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _changes(directory: str, old: str, new: str) -> pd.DataFrame:
    """Client changes between two versions; a version file never changes, so the
    pair of versions is the whole key."""
    return compare.compare_clients(Path(directory), old, new)


CHANGES_CONFIG = {
    **text_columns(
        client_id="CRN",
        change="Change",
        client_name="Client",
        old_partner_id="Old partner ID",
        new_partner_id="New partner ID",
    ),
    "added_date": st.column_config.DateColumn("Added"),
    "old_repurposed_date": st.column_config.DateColumn("Repurposed (old)"),
    "new_repurposed_date": st.column_config.DateColumn("Repurposed (new)"),
    "old_churned_date": st.column_config.DateColumn("Churned (old)"),
    "new_churned_date": st.column_config.DateColumn("Churned (new)"),
}


def show_compare(directory: Path) -> None:
    """Two uploads compared by CRN: counts per change and the clients behind them."""
    history = {u.version: u for u in store.uploads(directory)}
    if len(history) < 2:
        st.info("Compare needs two uploads; there is only one so far.")
        return
    versions = list(history)
    left, right = st.columns(2)
    old = left.selectbox(
        "Older upload",
        versions,
        index=1,
        format_func=lambda v: upload_label(history[v]),
        key="cmp_old",
        bind="query-params",
    )
    new = right.selectbox(
        "Newer upload",
        versions,
        index=0,
        format_func=lambda v: upload_label(history[v]),
        key="cmp_new",
        bind="query-params",
    )
    changes = _changes(str(directory), old, new)
    counts = compare.change_counts(changes)
    for tile, row in zip(st.columns(len(counts)), counts.itertuples(), strict=True):
        tile.metric(
            f"{row.change.capitalize()} clients", f"{row.clients:,}", border=True
        )
    if changes.empty:
        st.info(
            "No client was added, removed, churned, repurposed or moved between them."
        )
        return
    common.table(changes, "client_changes", column_config=CHANGES_CONFIG)
