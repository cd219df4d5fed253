"""The DuckDB dataset: open, commit atomically, archive, restore, version.

Each committed dataset is its own DuckDB file under `versions/`, written once and
then only read. A commit builds the next file beside the current one and then
switches the one-line `current` pointer with an atomic rename, so a reader (in this
process or another) sees the old dataset or the new, never a mix, and a crash
before the rename leaves the old dataset in place. Every committed file is kept
unchanged under `archive/<version>/` with a manifest (checksums, rows, time).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb
import pandas as pd

try:
    import fcntl
except ImportError:  # Windows: commits are serialised within one process only
    fcntl = None

from analytics import db, rollups
from analytics.schema import DUCKDB_TYPES, MANUAL_QUOTAS, TABLES, Table

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
DEFAULT_DATA_DIR = ROOT / "data" / "store"
DATA_DIR_ENV = "AMD_DATA_DIR"
# A check's working database lives in a folder with this prefix inside the dataset
# folder (removed when the check ends; a crashed one is removed a day later).
WORK_PREFIX = ".import-"
WORK_MAX_AGE = 24 * 3600
MB = 1024 * 1024
STAGING_SQL = Path(__file__).with_name("sql") / "staging.sql"
ALL_TABLES: dict[str, Table] = {**TABLES, MANUAL_QUOTAS.name: MANUAL_QUOTAS}

_commit_lock = threading.Lock()


def _no_crash(point: str) -> None:
    """The default `_crash_point`: nothing."""


# Called with a point's name at each step of a commit ("archived", "inserted",
# "written", "renamed", "manifest", "switched"); the crash tests replace it to stop
# a child process there.
_crash_point: Callable[[str], None] = _no_crash


class StoreError(Exception):
    """The dataset cannot do what was asked (no such upload, nothing committed...)."""


class DiskFull(StoreError):
    """A commit ran out of disk space; nothing changed and its files are removed."""

    def __init__(self, free: int, needed: int):
        self.free, self.needed = free, needed
        super().__init__(
            f"the disk is full ({free // MB:,} MB free, {-(-needed // MB):,} MB"
            " needed);"
            " nothing was changed: free some space and try again"
        )


def is_disk_full(error: BaseException) -> bool:
    """Whether an error (an OSError, or DuckDB's own) says the disk is full."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    return isinstance(error, duckdb.Error) and "No space left on device" in str(error)


@dataclass
class Staged:
    """A table's new rows already in a DuckDB database: the table or view
    `relation` of the database `con` is connected to, in its order (missing
    canonical columns are stored as null).

    With `finish`, `relation` is a table of `database`, a DuckDB file attached to
    `con`, and the commit makes that file the new version's (when every staged
    table of the commit is in it): `finish(con, name)` turns the relation into the
    table `name` there, so the rows are never copied."""

    con: duckdb.DuckDBPyConnection
    relation: str
    # called once the rows are in the new version's file, to free what holds
    # them before the staging tables are built with the same memory
    release: Callable[[], None] | None = None
    database: str | None = None
    finish: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None


@dataclass
class ArchivedFile:
    name: str
    table: str
    sha256: str
    bytes: int
    rows: int


@dataclass
class Upload:
    """One committed change of the dataset, as recorded in its manifest."""

    version: str
    committed_at: str
    kind: str  # upload, restore, demo, manual
    tables: dict[str, int]  # table -> rows after the commit
    files: list[ArchivedFile] = field(default_factory=list)
    note: str = ""


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The dataset folder: the argument, else $AMD_DATA_DIR, else data/store."""
    chosen = path or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).resolve()


def current_version(directory: Path) -> str | None:
    pointer = directory / "current"
    try:
        return pointer.read_text().strip() or None
    except FileNotFoundError:
        return None


def version_path(directory: Path, version: str) -> Path:
    return directory / "versions" / f"{version}.duckdb"


def connect(directory: Path, version: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a committed version (default: the current one)."""
    version = version or current_version(directory)
    if version is None:
        raise StoreError(f"no dataset has been committed in {directory}")
    return db.connect(version_path(directory, version))


def _next_version(directory: Path) -> str:
    versions = directory / "versions"
    numbers = [
        int(p.stem[:6]) for p in versions.glob("*.duckdb") if p.stem[:6].isdigit()
    ]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{max(numbers, default=0) + 1:06d}-{stamp}"


def _create_empty(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    cols = ", ".join(f"{c.name} {DUCKDB_TYPES[c.type]}" for c in table.columns)
    con.execute(f"create table {table.name} ({cols})")


def _insert_frame(con: duckdb.DuckDBPyConnection, table: Table, frame) -> None:
    """Create `table` from an Arrow table, DataFrame or DuckDB relation with the
    canonical columns, cast to the canonical types."""
    _create_empty(con, table)
    con.register("incoming", frame)
    try:
        present = {
            d[0] for d in con.execute("select * from incoming limit 0").description
        }
        select = ", ".join(
            f"cast({c.name} as {DUCKDB_TYPES[c.type]})" if c.name in present else "null"
            for c in table.columns
        )
        con.execute(f"insert into {table.name} select {select} from incoming")
    finally:
        con.unregister("incoming")


def commit(
    directory: Path,
    tables: Mapping[str, object],
    files: Mapping[str, tuple] | None = None,
    kind: str = "upload",
    note: str = "",
    base_version: str | None = None,
) -> Upload:
    """Replace `tables` (name -> Arrow/DataFrame, a Staged relation, or a function
    of the base version giving a frame, run under the commit lock) atomically; the
    others are copied from the current version (or `base_version`). `files` (table
    -> (name, bytes or a path[, records])) are archived unchanged. Returns the new
    upload's record; raises DiskFull, with nothing changed, when the disk fills."""
    unknown = set(tables) - set(ALL_TABLES)
    if unknown:
        raise StoreError(f"unknown tables: {sorted(unknown)}")
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory):
        (directory / "versions").mkdir(exist_ok=True)
        _clean_leftovers(directory)
        base = base_version or current_version(directory)
        version = _next_version(directory)
        # A function of the base version is run first, under the lock: it may
        # give a Staged relation, or raise to commit nothing.
        tables = {
            name: table(base) if callable(table) else table
            for name, table in tables.items()
        }
        try:
            return _commit(directory, tables, files or {}, kind, note, base, version)
        except Exception as error:
            if not is_disk_full(error):
                raise
            _remove_version(directory, version)
            needed = _needed_bytes(directory, tables, files or {}, base)
            free = shutil.disk_usage(directory).free
            raise DiskFull(free, needed) from error


def _commit(
    directory: Path,
    tables: Mapping[str, object],
    files: Mapping[str, tuple],
    kind: str,
    note: str,
    base: str | None,
    version: str,
) -> Upload:
    final_path = version_path(directory, version)
    tmp_path = final_path.with_suffix(".duckdb.tmp")
    # The files are archived (read, hashed, written, made durable) in a thread
    # while DuckDB builds the new version: both release the GIL. Leaving the
    # `with`, on an error too, waits for the archive.
    with ThreadPoolExecutor(1) as pool:
        archiving = pool.submit(_archive, directory, version, files)
        counts = _build(directory, tables, base, tmp_path, archiving)
    archived = archiving.result()
    _fsync(tmp_path)
    _crash_point("written")
    os.replace(tmp_path, final_path)
    _fsync_dir(final_path.parent)
    _crash_point("renamed")

    upload = Upload(
        version=version,
        committed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        kind=kind,
        tables=counts,
        files=archived,
        note=note,
    )
    manifest = directory / "archive" / version / "manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(manifest, json.dumps(asdict(upload), indent=2).encode())
    _crash_point("manifest")
    # The commit point: readers switch to the new version here.
    _write_atomic(directory / "current", version.encode())
    _crash_point("switched")
    return upload


def _build(
    directory: Path,
    tables: Mapping[str, object],
    base: str | None,
    tmp_path: Path,
    archiving: Future,
) -> dict[str, int]:
    """Write the new version's file at `tmp_path`: `tables`, the others copied
    from `base`, the staging tables and the rollups; its rows per table. Waits
    for `archiving` before the file is checkpointed."""
    staged = [t for t in tables.values() if isinstance(t, Staged)]
    adopted = _adoptable(staged)
    staging = staged[0].con if staged else None
    with _new_database(tmp_path, staging, adopted) as (con, work):
        kept: set[str] = set()  # the base's tables (one made before a table has none)
        if base is not None:
            con.execute(
                "attach ? as old (read_only)", [str(version_path(directory, base))]
            )
            kept = {
                row[0]
                for row in con.execute(
                    "select table_name from duckdb_tables() where database_name = 'old'"
                ).fetchall()
            }
        for name, table in ALL_TABLES.items():
            if name in tables:
                frame = tables[name]
                if isinstance(frame, Staged) and adopted:
                    frame.finish(con, name)
                elif isinstance(frame, Staged):
                    _insert_staged(con, table, f"{work}.{frame.relation}")
                else:
                    _insert_frame(con, table, frame)
            elif name in kept:
                con.execute(f"create table {name} as select * from old.{name}")
            else:
                _create_empty(con, table)
        if base is not None:
            con.execute("detach old")
        if adopted:
            _drop_strays(con)
        for frame in staged:
            if frame.release is not None:
                frame.release()
        db.create_macros(con)
        con.execute(STAGING_SQL.read_text())
        rollups.build(con)
        counts = {
            name: con.execute(f"select count(*) from {name}").fetchone()[0]
            for name in ALL_TABLES
        }
        archiving.result()  # raises the archive's error
        _crash_point("archived")
        _crash_point("inserted")
        con.execute("checkpoint")
    return counts


def _adoptable(staged: list[Staged]) -> str | None:
    """The database holding every staged table, when the commit can make its file
    the new version's (see Staged), else None."""
    databases = {(s.database if s.finish else None) for s in staged}
    if len(databases) == 1 and None not in databases:
        return databases.pop()
    return None


def _drop_strays(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what an adopted database holds beside the dataset's tables (the rows
    of files not committed)."""
    strays = con.execute(
        "select table_name from duckdb_tables()"
        " where database_name = current_database()"
    ).fetchall()
    for (name,) in strays:
        if name not in ALL_TABLES:
            con.execute(f'drop table "{name}"')


@contextmanager
def _new_database(
    path: Path, staging: duckdb.DuckDBPyConnection | None, adopted: str | None = None
) -> Iterator[tuple[duckdb.DuckDBPyConnection, str | None]]:
    """A connection whose default database is a new file at `path`, and the name
    of the staging database it can read. With a staging connection (the check's
    database, on disk) the file is attached to it: the staged rows go from one
    DuckDB file to the other, within DuckDB's memory limit, with no copy in
    Python. With `adopted`, a database file attached to the staging connection,
    that file is moved to `path` (the same file system: it lies in the dataset
    folder) and becomes the new file, its rows in place."""
    if staging is None:
        con = duckdb.connect(str(path))
        try:
            yield con, None
        finally:
            con.close()
        return
    name = staging.execute("select current_database()").fetchone()[0]
    work = '"' + name.replace('"', '""') + '"'
    if adopted is not None:
        (source,) = staging.execute(
            "select path from duckdb_databases() where database_name = ?", [adopted]
        ).fetchone()
        staging.execute(f"detach {adopted}")  # checkpointed: no log beside it
        os.replace(source, path)
    staging.execute("attach ? as new_version", [str(path)])
    try:
        staging.execute("use new_version")
        yield staging, work
    finally:
        staging.execute(f"use {work}")
        staging.execute("detach new_version")


def _insert_staged(con: duckdb.DuckDBPyConnection, table: Table, source: str) -> None:
    """Create `table` from a staged relation, cast to the canonical types, in its
    order."""
    _create_empty(con, table)
    present = {d[0] for d in con.execute(f"select * from {source} limit 0").description}
    select = ", ".join(
        f"cast({c.name} as {DUCKDB_TYPES[c.type]})" if c.name in present else "null"
        for c in table.columns
    )
    con.execute(f"insert into {table.name} select {select} from {source}")


def _remove_version(directory: Path, version: str) -> None:
    """Remove what a failed commit of `version` wrote (it never became current)."""
    final_path = version_path(directory, version)
    for path in final_path.parent.glob(f"{version}.duckdb*"):
        path.unlink(missing_ok=True)
    shutil.rmtree(directory / "archive" / version, ignore_errors=True)
    (directory / "current.tmp").unlink(missing_ok=True)


def _needed_bytes(
    directory: Path,
    tables: Mapping[str, object],
    files: Mapping[str, tuple],
    base: str | None,
) -> int:
    """About what a commit writes: the archived files, and a dataset file the size
    of the current one plus the staged databases."""
    needed = sum(source_size(entry[1]) for entry in files.values())
    if base is not None:
        needed += version_path(directory, base).stat().st_size
    databases = set()
    for table in tables.values():
        if isinstance(table, Staged):
            databases.update(
                row[0]
                for row in table.con.execute(
                    "select path from duckdb_databases()"
                    " where path is not null and not internal"
                ).fetchall()
            )
    return needed + sum(Path(p).stat().st_size for p in databases if Path(p).exists())


def source_size(content: bytes | Path) -> int:
    """A file's size in bytes, given as bytes or as a path."""
    return len(content) if isinstance(content, bytes) else Path(content).stat().st_size


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One commit at a time: across threads (the lock) and processes (an flock on
    `commit.lock`, released by the system if the process dies)."""
    with _commit_lock, open(directory / "commit.lock", "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _archive(
    directory: Path, version: str, files: Mapping[str, tuple]
) -> list[ArchivedFile]:
    """Keep each file unchanged: table -> (name, bytes or a path[, records]); the
    manifest counts records (as the check read them) when given, else lines."""
    folder = directory / "archive" / version
    folder.mkdir(parents=True, exist_ok=True)
    archived = []
    for table, (name, content, *records) in files.items():
        safe = Path(name).name or f"{table}.csv"
        target = folder / f"{table}__{safe}"
        if isinstance(content, bytes):
            _write_atomic(target, content)
            digest = hashlib.sha256(content).hexdigest()
            size, lines = len(content), content.count(b"\n")
        else:
            digest, size, lines = _copy_atomic(Path(content), target, not records)
        rows = records[0] if records else max(lines - 1, 0)
        archived.append(ArchivedFile(safe, table, digest, size, rows))
    return archived


# What copy_file_range says where the kernel cannot copy between the two files
_NO_COPY_RANGE = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}
_NO_COPY_RANGE |= {errno.ENOTSUP, errno.EBADF, errno.EPERM}


def _copy_atomic(source: Path, target: Path, count: bool) -> tuple[str, int, int]:
    """Copy a file durably, in pieces; its SHA-256, size and (with `count`, else
    0) line count. Each piece is read once into one buffer (to hash it) and
    copied by the kernel from the page cache (copy_file_range), not written
    back from Python: half the CPU of a read-and-write copy."""
    tmp = target.with_name(target.name + ".tmp")
    digest, size, lines = hashlib.sha256(), 0, 0
    buffer = bytearray(1 << 23)
    piece = memoryview(buffer)
    with open(source, "rb", buffering=0) as reader, open(tmp, "wb") as writer:
        in_kernel = hasattr(os, "copy_file_range")
        while n := reader.readinto(buffer):
            digest.update(piece[:n])
            if count:
                lines += buffer.count(b"\n", 0, n)
            in_kernel = in_kernel and _copy_range(reader, writer, size, n)
            if not in_kernel:
                writer.write(piece[:n])
            size += n
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return digest.hexdigest(), size, lines


def _copy_range(reader: BinaryIO, writer: BinaryIO, offset: int, n: int) -> bool:
    """Append the `n` bytes of `reader` at `offset` to `writer` in the kernel;
    False, with nothing written, where the file systems cannot."""
    done = 0
    while done < n:
        try:
            copied = os.copy_file_range(
                reader.fileno(), writer.fileno(), n - done, offset + done
            )
        except OSError as error:
            if done or error.errno not in _NO_COPY_RANGE:
                raise
            return False
        if not copied:
            raise OSError(errno.EIO, f"{reader.name} changed while it was archived")
        done += copied
    return True


def _write_atomic(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be
    opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _clean_leftovers(directory: Path) -> None:
    """Remove what a crashed commit left behind; it never became current. Every
    commit ends current, so a version after the current one (or any, before the
    first) is a leftover even with its manifest written."""
    for tmp in (directory / "versions").glob("*.duckdb.tmp*"):  # with DuckDB's .wal
        tmp.unlink(missing_ok=True)
    for work in directory.glob(WORK_PREFIX + "*"):  # a check's, if it is a day old
        if time.time() - work.stat().st_mtime > WORK_MAX_AGE:
            shutil.rmtree(work, ignore_errors=True)
    committed = {u.version for u in uploads(directory)}
    current = current_version(directory)
    for path in (directory / "versions").glob("*.duckdb"):
        if path.stem not in committed and path.stem != current:
            path.unlink(missing_ok=True)
    archive = directory / "archive"
    if archive.exists():
        for folder in archive.iterdir():
            if folder.is_dir() and (
                not (folder / "manifest.json").exists() or _after(folder.name, current)
            ):
                shutil.rmtree(folder, ignore_errors=True)


def _after(version: str, current: str | None) -> bool:
    """Whether `version` was begun after the `current` one (versions start with a
    six-digit sequence number)."""
    return current is None or version[:6] > current[:6]


def uploads(directory: Path) -> list[Upload]:
    """Every committed upload, newest first (not one a crash stopped before it
    became current)."""
    current = current_version(directory)
    records = [
        _read_manifest(manifest)
        for manifest in (directory / "archive").glob("*/manifest.json")
        if not _after(manifest.parent.name, current)
    ]
    return sorted(records, key=lambda u: u.version, reverse=True)


def upload(directory: Path, version: str) -> Upload | None:
    """The record of one committed upload (one small file read)."""
    manifest = directory / "archive" / version / "manifest.json"
    return _read_manifest(manifest) if manifest.exists() else None


def _read_manifest(manifest: Path) -> Upload:
    raw = json.loads(manifest.read_text())
    raw["files"] = [ArchivedFile(**f) for f in raw.get("files", [])]
    return Upload(**raw)


def archived_file(
    directory: Path, version: str, table: str
) -> tuple[str, bytes] | None:
    """The file committed for `table` in upload `version`, as (name, bytes)."""
    for path in (directory / "archive" / version).glob(f"{table}__*"):
        return path.name.split("__", 1)[1], path.read_bytes()
    return None


def restore(directory: Path, version: str) -> Upload:
    """Make the dataset as it was right after upload `version` current again
    (a new version, so the history stays linear)."""
    known = version_path(directory, version).exists()
    if not known or _after(version, current_version(directory)):
        raise StoreError(f"upload {version} is not in {directory}")
    return commit(
        directory, {}, kind="restore", note=f"restored {version}", base_version=version
    )


def set_manual_target(
    directory: Path, account_manager: str, month: dt.date, target: int
) -> Upload:
    """Keep a target typed into the app; it overrides the quotas file for that
    account manager and month."""
    if target < 0:
        raise StoreError("a target cannot be negative")
    month = month.replace(day=1)

    def merged(base: str | None) -> pd.DataFrame:
        # read under the commit lock, so two targets typed at once are both kept
        rows = []
        if base is not None:
            with connect(directory, base) as con:
                rows = con.execute(
                    "select account_manager, month, clients_target from manual_quotas"
                    " where not (account_manager = ? and month = ?)",
                    [account_manager, month],
                ).fetchall()
        rows.append((account_manager, month, target))
        columns = ["account_manager", "month", "clients_target"]
        return pd.DataFrame(rows, columns=columns)

    return commit(
        directory,
        {"manual_quotas": merged},
        kind="manual",
        note=f"target {target} for {account_manager} in {month:%Y-%m}",
    )


def table_checksums(directory: Path, version: str | None = None) -> dict[str, str]:
    """A checksum of every table's content, to prove a dataset did not change."""
    with connect(directory, version) as con:
        sums = {}
        for name in ALL_TABLES:
            rows = con.execute(f"select * from {name} order by all").fetchall()
            sums[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return sums


def latest_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The latest date of something that happened (for the default as-of date):
    a client added, repurposed or churned, or an activity completed. Scheduled
    events and due dates of open tasks lie ahead by nature and do not count."""
    return con.execute(
        """
        select max(d) from (
            select max(greatest(added_date, coalesce(repurposed_date, added_date),
                                coalesce(churned_date, added_date))) as d from clients
            union all
            select max(completed_date) from activities
        )
        """
    ).fetchone()[0]
