"""The choices an import carries besides its files, as the command line gives
them (SPEC section 7): `--map TABLE.COLUMN=HEADER`, and the mappings remembered on
the Data page (analytics/mappings.py), applied exactly as the Data page does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analytics import mappings as remembered_mappings
from analytics import schema
from analytics.ingest.lines import prepare_text
from analytics.ingest.recognise import recognise
from analytics.ingest.text import NotCsvText, decode

HEADER_BYTES = 1 << 16


class BadMapping(ValueError):
    """A `--map` that names no table, column or header."""


@dataclass
class ImportOptions:
    tables: dict[str, str] = field(default_factory=dict)  # file -> table
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    # file -> {header: canonical column} applied from the Data page's memory
    remembered: dict[str, dict[str, str]] = field(default_factory=dict)


def file_headers(content: bytes | Path) -> list[str]:
    """The headers of a file (its bytes or its path), read from its start ([] when
    it is not CSV text)."""
    if isinstance(content, bytes):
        start = content[:HEADER_BYTES]
    else:
        with open(content, "rb") as handle:
            start = handle.read(HEADER_BYTES)
    try:
        text, _ = decode(start)
    except NotCsvText:
        return []
    return [h for h in prepare_text(text).headers if h]


def parse_map(text: str) -> tuple[str, str, str]:
    """`clients.client_id=Ref` -> ("clients", "client_id", "Ref")."""
    target, sep, header = text.partition("=")
    table, dot, column = target.strip().partition(".")
    if not sep or not dot or not header.strip():
        raise BadMapping(f"--map {text!r}: write it as TABLE.COLUMN=HEADER")
    if table not in schema.TABLES:
        raise BadMapping(f"--map {text!r}: no table {table!r}")
    if column not in schema.TABLES[table].column_names:
        names = ", ".join(schema.TABLES[table].column_names)
        raise BadMapping(f"--map {text!r}: {table} has no column {column!r} ({names})")
    return table, column, header.strip()


def import_options(
    directory: Path,
    files: list[tuple[str, bytes]],
    table: str | None = None,
    maps: list[str] = (),
) -> ImportOptions:
    """Tables and mappings for the files: `table` for every file, each `--map`
    for the files holding its header, then the remembered mapping of each file's
    layout for the columns still unmapped."""
    options = ImportOptions()
    headers = {name: file_headers(content) for name, content in files}
    for text in maps:
        map_table, column, header = parse_map(text)
        holders = [n for n, h in headers.items() if header in h]
        if not holders:
            raise BadMapping(f"--map {text!r}: no file has the header {header!r}")
        for name in holders:
            options.mappings.setdefault(name, {})[column] = header
            options.tables.setdefault(name, table or map_table)
    for name, found in headers.items():
        if table:
            options.tables[name] = table
        chosen = (
            options.tables.get(name)
            or remembered_mappings.remembered_table(directory, found)
            or recognise(found).table
        )
        if chosen is None:
            continue
        memory = remembered_mappings.load_mapping(directory, chosen, found)
        given = options.mappings.setdefault(name, {})
        by_header = {h: c for c, h in memory.items() if c not in given}
        applied = {h: by_header[h] for h in found if h in by_header}  # file order
        if applied:
            given.update({c: h for h, c in applied.items()})
            options.remembered[name] = applied
            options.tables.setdefault(name, chosen)
    options.mappings = {n: m for n, m in options.mappings.items() if m}
    return options
