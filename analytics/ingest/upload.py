"""An upload: check every file and the checks across files, then commit the
tables in one atomic commit with the files archived unchanged. Nothing is
committed unless the whole upload is free of errors."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics import db, schema, store
from analytics.ingest import dataset, excel, options, owners, partial, read, rules
from analytics.ingest.check import FileCheck
from analytics.ingest.parse import MACROS, settle_date_orders
from analytics.ingest.read import STAGE, max_file_bytes, too_large
from analytics.ingest.report import (
    ERROR,
    FileReport,
    ImportReport,
    ImportResult,
    Problem,
)
from analytics.ingest.rules import PARTNER_CHILDREN

# DuckDB's memory for a check, in MB ($AMD_IMPORT_MEMORY_MB); beyond it DuckDB
# spills to disk beside the dataset.
IMPORT_MEMORY_ENV = "AMD_IMPORT_MEMORY_MB"
DEFAULT_IMPORT_MEMORY_MB = 1000
Source = bytes | Path  # a file's content, or the path of a file on disk


class Workspace:
    """A DuckDB connection for one check, its memory capped, in a folder of its own
    inside the dataset folder (when it exists, else in the system's temporary
    folder): the files' rows are read into the database `stage` on disk there,
    which the commit makes the new version's file (see read); the rest is small
    and in memory; beyond the cap DuckDB spills to the folder. Closing removes
    the folder."""

    def __init__(self, directory: Path | None):
        parent = directory if directory is not None and directory.is_dir() else None
        memory = int(os.environ.get(IMPORT_MEMORY_ENV) or DEFAULT_IMPORT_MEMORY_MB)
        self.folder = Path(tempfile.mkdtemp(prefix=store.WORK_PREFIX, dir=parent))
        try:
            self.con = duckdb.connect(
                config={
                    "memory_limit": f"{memory}MB",
                    "temp_directory": str(self.folder / "spill"),
                },
            )
            self.con.execute(MACROS)
            db.create_macros(self.con)  # partner_key
            stage = self.folder / f"{STAGE}.duckdb"
            self.con.execute(f"attach $path as {STAGE}", {"path": str(stage)})
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Tables(Mapping[str, pa.Table]):
    """An upload's typed tables, each read as an Arrow table only when asked for."""

    def __init__(self, read: Callable[[str], pa.Table], names: Iterable[str]):
        self.read, self.names = read, list(names)

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self.names:
            raise KeyError(name)
        return self.read(name)

    def __contains__(self, name: object) -> bool:
        return name in self.names  # without reading the table

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _checked_tables(checks: list[FileCheck], partial: bool = False) -> _Tables:
    """The typed rows of the files without errors (every typed file's, without
    its rows with errors, for a partial import), from the check's database."""
    found = {c.report.table: c for c in checks if c.typed and (c.report.ok or partial)}
    return _Tables(lambda name: found[name].arrow(schema.TABLES[name]), found)


def _committed_tables(directory: Path, version: str, names: Iterable[str]) -> _Tables:
    def read(name: str) -> pa.Table:
        with store.connect(directory, version) as con:
            return con.sql(f"select * from {name}").to_arrow_table()

    return _Tables(read, names)


def read_file(
    name: str,
    content: bytes,
    table: str | None = None,
    mapping: dict[str, str] | None = None,
    day_first: bool = True,
) -> tuple[FileReport, pa.Table | None]:
    """Read and check one file on its own (no cross-file checks). The table is
    None when the file has errors. `mapping`: canonical column -> the file's header."""
    with Workspace(None) as work:
        check = FileCheck(work.con, 0, name, work.folder)
        check.run(content, table, mapping, day_first)
        _sort(check.report.problems, [name])
        if check.report.ok and check.typed:
            return check.report, check.arrow(schema.TABLES[check.report.table])
        return check.report, None


def check_files(
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str] | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check an upload in full without committing: every file, then the checks across
    files (one file per table; partners of this upload, else of the current dataset).
    A file is given as its bytes or as the path of a file on disk. `skip_bad_rows`:
    when only row-level errors block, the tables without those rows and the rows
    left out (`rejected`, as CSV per file). `progress(stage, file, rows, seconds)`
    is told of each step as it ends."""
    return _import(
        Path(directory),
        files,
        tables,
        mappings,
        False,
        kind="upload",
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )


def _check(
    work: Workspace,
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str],
    mappings: dict[str, dict[str, str]],
    skip_bad_rows: bool,
    progress: Progress,
) -> tuple[ImportReport, list[FileCheck], dict[str, bytes]]:
    """The report, the checks and a partial import's left-out rows (as CSV)."""
    base = store.current_version(directory)  # what the checks are against
    checks = [FileCheck(work.con, k, n, work.folder) for k, (n, _) in enumerate(files)]
    with read.Readers(work.con, len(files)) as readers:
        read.read_files(readers, checks, files, tables, mappings, progress)
        orders = settle_date_orders([c.evidence for c in checks], True)
        # the most rows first, so that the others' rules run beside its
        by_rows = sorted(
            zip(checks, orders, strict=True), key=lambda c: -c[0].report.rows
        )
        done = {c.k: readers.submit(FileCheck.finish, c, o) for c, o in by_rows}
        for check in checks:
            seconds = done[check.k].result()
            progress("check", check.report.file, check.report.rows, seconds)
    rules.one_file_per_table(checks)
    _check_partners(work.con, directory, checks)
    owners.check_owners(work.con, directory, checks)
    upload_problems, cleared = dataset.check_against_dataset(
        work.con, directory, checks
    )
    names = [c.report.file for c in checks]
    for check in checks:
        _sort(check.report.problems, names)
    problems = [p for c in checks for p in c.report.problems]
    _sort(problems, names)
    problems.extend(upload_problems)
    if not files:
        none = Problem("", None, None, None, "no files were uploaded", ERROR)
        none.code = "upload.none"
        problems.append(none)
    report = ImportReport([c.report for c in checks], problems)
    report.cleared, report.base_version = cleared, base
    rejected = {}
    if skip_bad_rows and partial.skippable(report):
        report.partial = True
        for check, (name, content) in zip(checks, files, strict=True):
            left_out = partial.drop_bad_rows(check)
            if left_out:
                check.report.rejected_rows = len(left_out)
                rejected[name] = partial.rejected_csv(content, left_out)
    return report, checks, rejected


def _expand(
    files: Sequence[tuple[str, Source]], progress: Progress
) -> tuple[list[tuple[str, Source]], dict[str, str]]:
    """excel.expand, told as a progress step when a workbook was read."""
    started = time.monotonic()
    files, books = excel.expand(list(files))
    if books:
        sheets = ", ".join(books)
        progress("read workbook", sheets, len(books), time.monotonic() - started)
    return files, books


# progress(stage, file, rows, seconds): a step of an import has ended.
Progress = Callable[[str, str, int, float], None]


def _quiet(stage: str, name: str, rows: int, seconds: float) -> None:
    """The default progress: nothing."""


def _sort(problems: list[Problem], names: list[str]) -> None:
    order = {name: i for i, name in enumerate(names)}

    def key(p: Problem) -> tuple:
        # File-level problems first, then by row; a "N more rows" line last.
        row = p.row if p.row is not None else (math.inf if p.count > 1 else 0)
        return (p.severity != ERROR, order.get(p.file, -1), row)

    problems.sort(key=key)


def _check_partners(
    con: duckdb.DuckDBPyConnection, directory: Path, checks: list[FileCheck]
) -> None:
    """Warn about rows whose partner_id is empty or not among the partners (of this
    upload, else of the current dataset): they go to `(unknown partner)`."""
    children = [
        c
        for c in checks
        if c.typed and c.report.table in PARTNER_CHILDREN and "partner_id" in c.columns
    ]
    if not children:
        return
    dataset.load_keys(con, directory, checks, "partners", "partner_id")
    for check in children:
        rules.partner_not_found(check)


def import_files(
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str] | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
    commit: bool = True,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the upload; when it has no errors (and `commit`), replace its tables in
    one atomic commit with the files archived unchanged. `skip_bad_rows`: when only
    row-level errors block, commit without those rows; they are in
    `result.rejected` (file name -> CSV with a `reason` column), archived too.
    `mappings`: file name -> {canonical column: the file's header}."""
    return _import(
        Path(directory),
        files,
        tables,
        mappings,
        commit,
        kind="upload",
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )


# Checks of one upload against a dataset that another commit changed meanwhile.
COMMIT_ATTEMPTS = 5


class BaseChanged(Exception):
    """The dataset changed between the check of an upload and its commit."""


def _import(
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str] | None,
    mappings: dict[str, dict[str, str]] | None,
    commit: bool,
    kind: str,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    progress = progress or _quiet
    if commit:
        directory.mkdir(parents=True, exist_ok=True)
    originals = dict(files)
    files, books = _expand(files, progress)
    tables = excel.for_sheets(tables or {}, books)
    mappings = excel.for_sheets(mappings or {}, books)
    for _ in range(COMMIT_ATTEMPTS):
        work = Workspace(directory)
        try:
            report, checks, rejected = _check(
                work, directory, files, tables, mappings, skip_bad_rows, progress
            )
        except BaseException as error:
            work.close()
            if not store.is_disk_full(error):
                raise
            # the check's own files (a tidied copy, DuckDB's spill) filled the disk
            needed = sum(store.source_size(content) for _, content in files)
            free = shutil.disk_usage(
                directory if directory.is_dir() else work.folder.parent
            )
            problem = _disk_full(store.DiskFull(free.free, needed))
            return ImportResult(
                ImportReport([], [problem], check_only=not commit), None, {}
            )
        report.check_only = not commit
        result = ImportResult(
            report, None, _checked_tables(checks, report.partial), rejected
        )
        # the check's database lives as long as its tables (result.tables)
        close = weakref.finalize(result.tables, work.close)
        if not commit or not (report.ok or report.partial):
            return result
        try:
            _commit(directory, result, work, checks, files, originals, books, kind)
        except BaseChanged:
            close()
            continue  # another commit landed after the check: check against it
        except store.DiskFull as error:
            report.problems.insert(0, _disk_full(error))
            result.tables = {}  # the check's rows may be gone already
            return result
        close()
        result.tables = _committed_tables(directory, report.version, result.tables)
        rows = sum(result.upload.tables.get(t, 0) for t in result.tables)
        progress("commit", result.upload.note, rows, result.seconds)
        return result
    reason = "the data kept changing while this upload was checked; try again"
    result.report.problems.append(
        Problem("", None, None, None, reason, ERROR, 1, "upload.base_changed")
    )
    result.tables = {}
    return result


def _commit(
    directory: Path,
    result: ImportResult,
    work: Workspace,
    checks: list[FileCheck],
    files: list[tuple[str, Source]],
    originals: dict[str, Source],
    books: dict[str, str],
    kind: str,
) -> None:
    """Commit a checked upload from the check's database, with its files (and
    left-out rows) archived; the tables it clears emptied. Raises BaseChanged,
    committing nothing, when the dataset is no longer the one the upload was
    checked against."""
    report = result.report
    # Paired by position: two files of one name (from two folders) stay apart. A
    # sheet is archived as its workbook, unchanged.
    archived = {
        c.report.table: (
            name,
            originals[books[name]] if name in books else content,
            c.report.rows,
        )
        for c, (name, content) in zip(checks, files, strict=True)
        if c.report.table is not None
    }
    for f in report.files:
        if f.file in result.rejected:
            rejected = (partial.rejected_name(f.file), result.rejected[f.file])
            archived[f"{f.table}.rejected"] = rejected
    staged: dict[str, object] = {
        c.report.table: store.Staged(
            work.con, f"file_{c.k}", c.drop, database=STAGE, finish=c.finalize
        )
        for c in checks
        if c.typed and (c.report.ok or report.partial)
    }
    for table in report.cleared:
        staged[table] = pd.DataFrame(columns=schema.TABLES[table].column_names)
    uploaded = {f.table for f in report.files if f.table}

    def checked(frame):
        def under_lock(base: str | None):
            if base != report.base_version:
                changed = dataset.changed_tables(directory, report.base_version, base)
                if changed & dataset.read_tables(uploaded):
                    raise BaseChanged(base)
            return frame

        return under_lock

    note = ", ".join(name for name, _ in files)
    started = time.monotonic()
    result.upload = store.commit(
        directory,
        {name: checked(frame) for name, frame in staged.items()},
        files=archived,
        kind=kind,
        note=note,
    )
    result.seconds = time.monotonic() - started
    report.version = result.upload.version


def _disk_full(error: store.DiskFull) -> Problem:
    problem = Problem("", None, None, None, str(error), ERROR)
    problem.code = "disk.full"
    return problem


def import_paths(
    directory: Path,
    paths: Sequence[Path | str],
    table: str | None = None,
    commit: bool = True,
    maps: Sequence[str] = (),
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """import_files for files on disk, read from there (never held whole), as the
    command line gives them: `table` names the table of every file, `maps` are
    `TABLE.COLUMN=HEADER`, and the mappings remembered on the Data page apply. A
    file above the size limit blocks the upload before any file is read. Raises
    options.BadMapping."""
    names = [Path(p).name for p in paths]
    # Two files of one name (from two folders) keep their folders apart.
    names = [
        n if names.count(n) == 1 else str(p) for n, p in zip(names, paths, strict=True)
    ]
    sizes = {n: os.stat(p).st_size for n, p in zip(names, paths, strict=True)}
    if any(size > max_file_bytes() for size in sizes.values()):
        return _refuse_large(sizes, commit)
    files = [(n, Path(p)) for n, p in zip(names, paths, strict=True)]
    chosen = options.import_options(Path(directory), files, table, list(maps))
    result = import_files(
        directory,
        files,
        chosen.tables,
        chosen.mappings,
        commit=commit,
        skip_bad_rows=skip_bad_rows,
        progress=progress,
    )
    for report in result.report.files:
        report.remembered = chosen.remembered.get(report.file, {})
    return result


def _refuse_large(sizes: dict[str, int], commit: bool) -> ImportResult:
    """The report of an upload blocked by files above the size limit (unread)."""
    reports = []
    for name, size in sizes.items():
        report = FileReport(file=name)
        if size > max_file_bytes():
            found = Problem(name, None, None, None, too_large(size), ERROR)
            found.code = "file.too_large"
            report.problems.append(found)
        reports.append(report)
    problems = [p for r in reports for p in r.problems]
    return ImportResult(
        ImportReport(reports, problems, check_only=not commit), None, {}
    )


def import_demo(directory: Path) -> str:
    """Commit every demo CSV in data/demo (partners.csv, clients.csv, ...) as one
    upload of kind "demo"; returns the new version."""
    paths = sorted(p for p in store.DEMO_DIR.glob("*.csv") if p.stem in schema.TABLES)
    if not paths:
        raise store.StoreError(f"no demo CSV files in {store.DEMO_DIR}")
    files = [(p.name, p) for p in paths]
    tables = {p.name: p.stem for p in paths}
    result = _import(Path(directory), files, tables, None, commit=True, kind="demo")
    if result.upload is None:
        raise store.StoreError(
            "the demo data has errors:\n" + result.report.format_text()
        )
    return result.upload.version
