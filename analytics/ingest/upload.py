"""An upload: check every file and the checks across files, then commit the
tables in one atomic commit with the files archived unchanged. Nothing is
committed unless the whole upload is free of errors."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from analytics import schema, store
from analytics.ingest import rules
from analytics.ingest.check import FileCheck, max_file_bytes, too_large
from analytics.ingest.parse import MACROS
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
    """A DuckDB database for one check, its memory capped: beyond the cap it spills
    to a folder of its own inside the dataset folder (when it exists, else in the
    system's temporary folder). The check's tables are written once, by the
    commit, into the new version's file. Closing removes the folder."""

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

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _checked_tables(checks: list[FileCheck]) -> _Tables:
    """The typed rows of the files without errors, from the check's database."""
    found = {c.report.table: c for c in checks if c.typed and c.report.ok}
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
) -> ImportResult:
    """Check an upload in full without committing: every file, then the checks across
    files (one file per table; partners of this upload, else of the current dataset).
    A file is given as its bytes or as the path of a file on disk."""
    return _import(Path(directory), files, tables, mappings, False, kind="upload")


def _check(
    work: Workspace,
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str] | None,
    mappings: dict[str, dict[str, str]] | None,
) -> tuple[ImportReport, list[FileCheck]]:
    tables, mappings = tables or {}, mappings or {}
    checks = []
    for k, (name, content) in enumerate(files):
        check = FileCheck(work.con, k, name, work.folder)
        check.run(content, tables.get(name), mappings.get(name), True)
        checks.append(check)
    rules.one_file_per_table(checks)
    _check_partners(work.con, directory, checks)
    names = [c.report.file for c in checks]
    for check in checks:
        _sort(check.report.problems, names)
    problems = [p for c in checks for p in c.report.problems]
    _sort(problems, names)
    if not files:
        none = Problem("", None, None, None, "no files were uploaded", ERROR)
        none.code = "upload.none"
        problems.append(none)
    return ImportReport([c.report for c in checks], problems), checks


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
    _load_partner_keys(con, directory, checks)
    for check in children:
        rules.partner_not_found(check)


def _load_partner_keys(
    con: duckdb.DuckDBPyConnection, directory: Path, checks: list[FileCheck]
) -> None:
    partners = next(
        (c for c in checks if c.typed and c.report.table == "partners"), None
    )
    if partners is not None:
        source = f"typed_{partners.k}"
    else:
        version = store.current_version(directory)
        if version is None:
            con.execute("create or replace table partner_keys (key varchar)")
            return
        con.execute(
            "attach $path as current_dataset (read_only)",
            {"path": str(store.version_path(directory, version))},
        )
        source = "current_dataset.partners"
    con.execute(
        "create or replace table partner_keys as"
        " select distinct id_key(partner_id) as key"
        f" from {source} where partner_id is not null"
    )
    if partners is None:
        con.execute("detach current_dataset")


def import_files(
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str] | None = None,
    mappings: dict[str, dict[str, str]] | None = None,
    commit: bool = True,
) -> ImportResult:
    """Check the upload; when it has no errors (and `commit`), replace its tables in
    one atomic commit with the files archived unchanged."""
    return _import(Path(directory), files, tables, mappings, commit, kind="upload")


def _import(
    directory: Path,
    files: Sequence[tuple[str, Source]],
    tables: dict[str, str] | None,
    mappings: dict[str, dict[str, str]] | None,
    commit: bool,
    kind: str,
) -> ImportResult:
    if commit:
        directory.mkdir(parents=True, exist_ok=True)
    work = Workspace(directory)
    try:
        report, checks = _check(work, directory, files, tables, mappings)
    except BaseException as error:
        work.close()
        if not store.is_disk_full(error):
            raise
        # the check's own files (a tidied copy, DuckDB's spill) filled the disk
        needed = sum(_size(content) for _, content in files)
        free = shutil.disk_usage(
            directory if directory.is_dir() else work.folder.parent
        )
        problem = _disk_full(store.DiskFull(free.free, needed))
        return ImportResult(
            ImportReport([], [problem], check_only=not commit), None, {}
        )
    report.check_only = not commit
    result = ImportResult(report, None, _checked_tables(checks))
    # the check's database lives as long as the result (for result.tables)
    close = weakref.finalize(result, work.close)
    if not commit or not report.ok:
        return result
    contents = dict(files)
    staged = {
        c.report.table: store.Staged(work.con, f"typed_{c.k}", c.drop)
        for c in checks
        if c.typed
    }
    archived = {
        c.report.table: (c.report.file, contents[c.report.file], c.report.rows)
        for c in checks
        if c.report.table is not None
    }
    note = ", ".join(name for name, _ in files)
    try:
        result.upload = store.commit(
            directory, staged, files=archived, kind=kind, note=note
        )
    except store.DiskFull as error:
        report.problems.insert(0, _disk_full(error))
        result.tables = {}  # the check's rows may be gone already
        return result
    close()
    report.version = result.upload.version
    result.tables = _committed_tables(directory, report.version, result.tables)
    return result


def _disk_full(error: store.DiskFull) -> Problem:
    problem = Problem("", None, None, None, str(error), ERROR)
    problem.code = "disk.full"
    return problem


def _size(content: Source) -> int:
    return len(content) if isinstance(content, bytes) else content.stat().st_size


def import_paths(
    directory: Path,
    paths: Sequence[Path | str],
    table: str | None = None,
    commit: bool = True,
) -> ImportResult:
    """import_files for files on disk, read from there (never held whole); `table`
    names the table of every file. A file above the size limit blocks the upload
    before any file is read."""
    sizes = {Path(p).name: os.stat(p).st_size for p in paths}
    if any(size > max_file_bytes() for size in sizes.values()):
        return _refuse_large(sizes, commit)
    files = [(Path(p).name, Path(p)) for p in paths]
    tables = {name: table for name, _ in files} if table else None
    return import_files(directory, files, tables, commit=commit)


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
