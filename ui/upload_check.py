"""Checking an upload on the Data page: the files' bytes and checksums, the table
and column choices (made by hand or remembered for the same headers), and the
import check, run once per set of files, choices and current dataset (kept on the
files' checksums) with one status box that shows its stages and their times."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from analytics import compare, ingest, mappings, schema, store
from ui.safe import md
from ui.words import column_label, plural, seconds_text, size_text, table_label

MAX_CHECKS_KEPT = 8
HEADER_BYTES = 256 * 1024
CHECKS = "data_checks"
STAGES = "data_check_stages"
REMEMBERED_TABLES = "data_remembered_tables"  # file ids whose table was remembered
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
    checksums: tuple[str, ...]
    headers: dict[str, list[str]]  # file -> its non-blank headers, in file order
    tables: dict[str, str] = field(default_factory=dict)  # file -> table by hand
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    remembered: dict[str, dict[str, str]] = field(default_factory=dict)

    def key(self, version: str | None, tables: dict, maps: dict) -> str:
        return json.dumps(
            [self.checksums, [n for n, _ in self.files], version, tables, maps],
            sort_keys=True,
        )

    @property
    def size(self) -> int:
        return sum(len(content) for _, content in self.files)


@dataclass
class Checked:
    """An upload's check: the report as found (before any choice), the report with
    the choices, what the commit would change in the clients, and the stages it
    went through (for the status box)."""

    base: ingest.ImportReport
    report: ingest.ImportReport
    changes: pd.DataFrame | None  # clients by CRN against the current data
    tables: dict[str, int]  # table -> rows the commit would write
    stages: list[str]
    seconds: float


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
    """The uploaded files' bytes, checksums and headers (each file's checksum is
    worked out once per session)."""
    sums = st.session_state.setdefault("data_sums", {})
    files, checksums = [], []
    for item in uploaded:
        content = item.getvalue()
        if item.file_id not in sums:
            sums[item.file_id] = hashlib.sha256(content).hexdigest()
        files.append((item.name, content))
        checksums.append(sums[item.file_id])
    headers = {name: file_headers(content) for name, content in files}
    return Upload(
        tuple(item.file_id for item in uploaded), files, tuple(checksums), headers
    )


def file_headers(content: bytes) -> list[str]:
    """The non-blank headers of a file, read from its start ([] when it is not CSV
    text); the importer reports everything else."""
    try:
        text, _ = ingest.decode(content[:HEADER_BYTES])
    except ingest.NotCsvText:
        return []
    return [h for h in ingest.prepare_text(text).headers if h]


def check(directory: Path, upload: Upload) -> Checked:
    """Check the upload as found, apply the choices (by hand, else remembered) and
    check again with them, in one status box. Kept in the session per checksums,
    choices and current version, so another widget does not re-check."""
    kept = st.session_state.setdefault(CHECKS, {})
    version = store.current_version(directory)
    run = Stages(upload)

    def cached(label: str, tables: dict, maps: dict) -> tuple:
        """(report, rows per table, client changes) of one check: kept without
        the checked tables themselves, which can be large."""
        key = upload.key(version, tables, maps)
        if key not in kept:
            report, arrow = run.step(
                label, _run_check, directory, upload.files, tables, maps
            )
            changes = None
            if report.ok and "clients" in arrow and version is not None:
                changes = run.step(
                    "Compared the clients with the current data by CRN",
                    compare.compare_upload,
                    directory,
                    version,
                    arrow["clients"],
                    arrow.get("partners"),
                )
            while len(kept) >= MAX_CHECKS_KEPT:
                kept.pop(next(iter(kept)))
            rows = {table: data.num_rows for table, data in arrow.items()}
            kept[key] = (report, rows, changes)
        return kept[key]

    found = cached("Checked the files as found", {}, {})[0]
    choose_tables(directory, upload, found)
    base = cached("Checked with the tables you chose", upload.tables, {})[0]
    choose_mappings(directory, upload, base)
    key = upload.key(version, upload.tables, upload.mappings)
    if key not in kept:
        for name, used in upload.remembered.items():
            table = next(f.table for f in base.files if f.file == name)
            pairs = ", ".join(
                f"{column_label(table, c)} ← {md(h)}" for c, h in used.items()
            )
            run.say(f"Used the mapping remembered for {md(name)}: {pairs}")
    report, rows, changes = cached(
        "Checked with your choices", upload.tables, upload.mappings
    )
    if run.status is not None:  # checked in this run: keep its stages
        stages = st.session_state.setdefault(STAGES, {})
        while len(stages) >= MAX_CHECKS_KEPT:
            stages.pop(next(iter(stages)))
        stages[key] = (run.stages, run.seconds())
    lines, seconds = st.session_state.get(STAGES, {}).get(key, ([], 0.0))
    checked = Checked(base, report, changes, rows, lines, seconds)
    show_status(checked, run.status)
    return checked


def _run_check(directory: Path, files, tables, maps) -> tuple:
    """(the import report, the checked tables as Arrow) of one check."""
    result = ingest.check_files(directory, files, tables or None, maps or None)
    return result.report, result.tables


class Stages:
    """The stages of one check, written into one status box (opened at the first
    stage that runs), each with its rows and seconds."""

    def __init__(self, upload: Upload, title: str | None = None) -> None:
        self.upload = upload
        self.title = title
        self.stages: list[str] = []
        self.status = None
        self.started = time.perf_counter()

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def say(self, line: str) -> None:
        self._open()
        self.stages.append(line)
        self.status.write(line)

    def _open(self) -> None:
        if self.status is not None:
            return
        files, size = len(self.upload.files), size_text(self.upload.size)
        title = self.title or f"Checking {plural(files, 'file')} ({size})…"
        self.status = st.status(title, expanded=True)
        for name, content in self.upload.files:
            self.say(f"Read {md(name)}: {size_text(len(content))}")

    def step(self, label: str, fn: Callable, *args: Any) -> Any:
        """`fn(*args)` in a worker thread while the box counts the seconds."""
        self._open()
        started = time.perf_counter()
        ticker = self.status.empty()  # (leaving `with status` would mark it done)
        doing = label.replace("ed ", "ing ", 1)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(fn, *args)
            while True:
                try:
                    result = future.result(timeout=0.5)
                    break
                except concurrent.futures.TimeoutError:
                    elapsed = seconds_text(time.perf_counter() - started)
                    ticker.write(f"{doing}… {elapsed}")
        took = seconds_text(time.perf_counter() - started)
        if isinstance(result, tuple) and isinstance(result[0], ingest.ImportReport):
            files = ", ".join(
                f"{md(f.file)} {plural(f.rows, 'row')}" for f in result[0].files
            )
            line = f"{label}: {files} ({took})"
        else:
            line = f"{label} ({took})"
        self.stages.append(line)
        ticker.write(line)
        return result


def _counts(report: ingest.ImportReport) -> str:
    return (
        f"{plural(report.error_count, 'error')},"
        f" {plural(report.warning_count, 'warning')}"
    )


def show_status(checked: Checked, status=None) -> None:
    """One status box per check: its stages, and the outcome as its label."""
    report = checked.report
    label = (
        f"Checked {plural(len(report.files), 'file')}: {_counts(report)}"
        f" ({seconds_text(checked.seconds)})"
    )
    state = "complete" if report.ok else "error"
    if status is None:
        status = st.status(label, state=state, expanded=False)
        for stage in checked.stages:
            status.write(stage)
    else:
        status.update(label=label, state=state, expanded=False)


def choose_tables(directory: Path, upload: Upload, found: ingest.ImportReport) -> None:
    """Fill `upload.tables`: per file, the table chosen by hand, else the one
    remembered for its headers where it was not recognised."""
    recognised = st.session_state.setdefault("data_recognised", {})
    for file_id, report_file in zip(upload.ids, found.files, strict=True):
        name = report_file.file
        if file_id not in recognised:
            remembered = mappings.remembered_table(directory, upload.headers[name])
            recognised[file_id] = report_file.table or remembered
            if not report_file.table and remembered:
                st.session_state.setdefault(REMEMBERED_TABLES, set()).add(file_id)
        chosen = st.session_state.get(f"table::{file_id}") or recognised[file_id]
        if chosen and chosen != report_file.table:
            upload.tables[name] = chosen


def choose_mappings(directory: Path, upload: Upload, base: ingest.ImportReport) -> None:
    """Fill `upload.mappings`: for each required column no header matched, the
    header chosen by hand, else the one remembered for the same headers."""
    for file_id, report_file in zip(upload.ids, base.files, strict=True):
        if not (report_file.table and report_file.missing):
            continue
        headers = upload.headers[report_file.file]
        remembered = mappings.load_mapping(directory, report_file.table, headers)
        chosen, used = {}, {}
        for canonical in report_file.missing:
            key = f"map::{file_id}::{canonical}"
            if key in st.session_state:
                header = st.session_state[key]
            else:
                header = used[canonical] = remembered.get(canonical)
            if header:
                chosen[canonical] = header
        if chosen:
            upload.mappings[report_file.file] = chosen
        used = {c: h for c, h in used.items() if h}
        if used:
            upload.remembered[report_file.file] = used


def remember_mappings(
    directory: Path, upload: Upload, base: ingest.ImportReport
) -> None:
    """Keep the mappings of a committed upload for files with the same headers."""
    for report_file in base.files:
        chosen = upload.mappings.get(report_file.file)
        if chosen and report_file.table:
            mappings.save_mapping(
                directory, report_file.table, upload.headers[report_file.file], chosen
            )


# --- the choices, drawn ------------------------------------------------------------


def table_selectbox(file_id: str) -> None:
    recognised = st.session_state.get("data_recognised", {}).get(file_id)
    how = (
        " (remembered)"
        if file_id in st.session_state.get(REMEMBERED_TABLES, ())
        else " (recognised)"
    )
    names = list(schema.TABLES)
    st.selectbox(
        "Table",
        names,
        index=names.index(recognised) if recognised in names else None,
        format_func=lambda t: table_label(t) + (how if t == recognised else ""),
        placeholder="Not recognised: choose the table",
        key=f"table::{file_id}",
        help="Recognised from the file's headers (or remembered from an earlier"
        " file with the same headers); choose another if it is wrong.",
    )


def mapping_selectboxes(
    upload: Upload, report_file: ingest.FileReport, file_id: str
) -> None:
    """For each required column no header matched, a selectbox of the file's
    headers, labelled as the exports name the column (CRN, Account Owner...)."""
    headers = upload.headers[report_file.file]
    chosen = upload.mappings.get(report_file.file, {})
    st.caption("Pick the file's column for each required column not recognised:")
    for canonical in report_file.missing:
        default = chosen.get(canonical)
        st.selectbox(
            column_label(report_file.table, canonical),
            headers,
            index=headers.index(default) if default in headers else None,
            placeholder="— choose —",
            key=f"map::{file_id}::{canonical}",
            help=f"Also accepted as: {accepted_as(report_file.table, canonical)}",
        )


def accepted_as(table: str, column: str) -> str:
    return ", ".join(schema.TABLES[table].column(column).aliases) or column
