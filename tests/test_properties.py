"""Property-based tests of the importer (hypothesis, bounded for CI).

1. Any bytes or text as a file are either imported (every reported row stored) or
   refused with an error that changes nothing; never an unexpected exception.
2. Small partner and client tables with awkward values (commas, quotes, newlines,
   unicode, formula-looking text), written as CSV in any accepted dialect (comma or
   semicolon, UTF-8 with or without BOM or Windows-1252, CRLF or LF, ISO or
   day-first dates, decimal point or comma), read back from the store exactly as
   they were written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analytics import ingest, schema, store

# Generated inputs by the hundred: run by `make test`, not `make check`.
pytestmark = pytest.mark.slow

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CLIENT_HEADER = "CRN,Account ID,Created Date,Amount\n"
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    """Partners P1, P2 and client C1, committed; shared by a test's examples (an
    example that imports changes it, and the next compares with that)."""
    directory = tmp_path_factory.mktemp("properties") / "store"
    result = ingest.import_files(
        directory,
        [
            (
                "partners.csv",
                b"Account ID,Account Name,Account Owner\nP1,A,Ann\nP2,B,Bo\n",
            ),
            ("clients.csv", CLIENT_HEADER.encode() + b"C1,P1,2024-01-05,10\n"),
        ],
    )
    assert result.report.ok
    return directory


def check_import_or_refusal(directory: Path, name: str, content: bytes) -> None:
    """Import `content`; it commits all its rows or is refused changing nothing."""
    before = store.current_version(directory), store.table_checksums(directory)
    result = ingest.import_files(directory, [(name, content)])
    report = result.report
    if report.ok:
        assert result.upload is not None
        assert store.current_version(directory) == result.upload.version
        [file] = report.files
        assert result.upload.tables[file.table] == file.rows
    else:
        assert result.upload is None
        errors = [p for p in report.problems if p.severity == ingest.ERROR]
        assert errors and all(p.reason and p.file == name for p in errors)
        after = store.current_version(directory), store.table_checksums(directory)
        assert after == before


CSV_ALPHABET = st.sampled_from(
    list(",;\"\n\r\t /-.:#=+@'0123456789abcPC\u00a0é€\ufeff")
)


@BOUNDED
@given(content=st.binary(max_size=3000))
def test_any_bytes_import_or_are_refused(dataset: Path, content: bytes):
    check_import_or_refusal(dataset, "clients.csv", content)


@BOUNDED
@given(body=st.text(CSV_ALPHABET, max_size=400) | st.text(max_size=200))
def test_any_text_after_a_clients_header_imports_or_is_refused(
    dataset: Path, body: str
):
    check_import_or_refusal(dataset, "clients.csv", (CLIENT_HEADER + body).encode())


# --- round trip -----------------------------------------------------------------


def characters(codec: str) -> st.SearchStrategy[str]:
    """Printable characters of `codec`, with delimiters, quotes, newlines, tabs,
    no-break spaces and formula signs made common."""
    return st.one_of(
        st.characters(codec=codec, exclude_categories=("Cs", "Cc")),
        st.sampled_from(list(",;\"\n\t'=+-@ \u00a0")),
    )


def clean(text: str) -> str | None:
    """A value as the importer keeps it, or None when it would read as empty."""
    text = text.strip(ingest.TRIM_CHARS)
    return None if not text or text.upper() in ingest.PLACEHOLDERS else text


def values(codec: str, max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-empty text that the importer keeps as written: no spaces or newlines
    at its ends (they are trimmed), no \r (a CRLF inside a value becomes LF like
    the line ends), not a placeholder id."""
    raw = st.text(characters(codec), min_size=1, max_size=max_size)
    return raw.map(clean).filter(bool)


def dates() -> st.SearchStrategy[dt.date]:
    return st.dates(FIRST_DAY, LAST_DAY)


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def partner_rows(draw, codec: str) -> list[dict]:
    ids = draw(st.lists(values(codec, 14), min_size=1, max_size=6, unique=True))
    leagues = st.sampled_from((*schema.LEAGUES, None))
    statuses = st.sampled_from((*schema.STATUSES, None))
    return [
        {
            "partner_id": partner_id,
            "partner_name": draw(values(codec)),
            "account_manager": draw(values(codec, 12)),
            "league": draw(leagues),
            "account_status": draw(statuses),
            "business_plan_aim": draw(optional(st.integers(0, 10**6))),
            "created_date": draw(optional(dates())),
        }
        for partner_id in ids
    ]


@st.composite
def client_rows(draw, codec: str, partner_ids: list[str]) -> list[dict]:
    ids = draw(st.lists(values(codec, 14), min_size=1, max_size=10, unique=True))
    rows = []
    for client_id in ids:
        added = draw(dates())
        later = st.dates(added, LAST_DAY)
        rows.append(
            {
                "client_id": client_id,
                "partner_id": draw(st.sampled_from(partner_ids)),
                "client_name": draw(optional(values(codec))),
                "added_date": added,
                "repurposed_date": draw(optional(later)),
                "churned_date": draw(optional(later)),
                "monthly_value": draw(optional(st.integers(0, 10**9))),  # pence
            }
        )
    return rows


@st.composite
def dialects(draw) -> dict:
    return {
        "delimiter": draw(st.sampled_from([",", ";"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "day_first": draw(st.booleans()),
        "decimal_comma": draw(st.booleans()),
        "headers": draw(st.sampled_from(["names", "labels"])),
    }


def cell(column: schema.Column, value: object, dialect: dict) -> str:
    """A value as an export writes it."""
    if value is None:
        return ""
    if column.type == schema.DATE:
        return value.strftime("%d/%m/%Y" if dialect["day_first"] else "%Y-%m-%d")
    if column.type == schema.DECIMAL:
        text = f"{value // 100}.{value % 100:02d}"  # pence -> pounds
        return text.replace(".", ",") if dialect["decimal_comma"] else text
    return str(value)


def to_csv(table: schema.Table, rows: list[dict], dialect: dict) -> bytes:
    """The rows as CSV bytes in `dialect`."""
    out = io.StringIO(newline="")
    writer = csv.writer(
        out, delimiter=dialect["delimiter"], lineterminator=dialect["newline"]
    )
    label = 0 if dialect["headers"] == "names" else 1
    writer.writerow([(c.name, *c.aliases)[label] for c in table.columns])
    for row in rows:
        writer.writerow([cell(c, row[c.name], dialect) for c in table.columns])
    return out.getvalue().encode(dialect["encoding"])


def expected(table: schema.Table, rows: list[dict]) -> dict[str, tuple]:
    """id -> the row's values as the store holds them (pence as pounds)."""
    found = {}
    for row in rows:
        values_ = []
        for c in table.columns:
            value = row[c.name]
            if c.type == schema.DECIMAL and value is not None:
                value = value / 100
            values_.append(value)
        found[row[table.columns[0].name]] = tuple(values_)
    return found


def looks_like_utf8(content: bytes) -> bool:
    """Windows-1252 bytes that are also UTF-8 (`Ä` and a no-break space are C4 A0,
    UTF-8 for `Ġ`), or that hold the pairs UTF-8 uses for accented letters (`Ã©`
    is C3 A9): the importer reads them as UTF-8, or refuses them as mixed
    encodings. Outside this property; real Windows-1252 text almost never is."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return bool(ingest._UTF8_LATIN.search(content))
    return not content.isascii()


def stored(directory: Path, table: schema.Table) -> dict[str, tuple]:
    names = ", ".join(c.name for c in table.columns)
    with store.connect(directory) as con:
        rows = con.execute(f"select {names} from {table.name}").fetchall()
    return {row[0]: tuple(row) for row in rows}


@settings(BOUNDED, max_examples=50)
@given(data=st.data())
def test_awkward_tables_round_trip_exactly(dataset: Path, data):
    dialect = data.draw(dialects(), label="dialect")
    codec = "cp1252" if dialect["encoding"] == "cp1252" else "utf-8"
    partners = data.draw(partner_rows(codec), label="partners")
    partner_ids = [p["partner_id"] for p in partners]
    clients = data.draw(client_rows(codec, partner_ids), label="clients")
    files = {
        "partners.csv": to_csv(schema.PARTNERS, partners, dialect),
        "clients.csv": to_csv(schema.CLIENTS, clients, dialect),
    }
    if codec == "cp1252":
        assume(not any(map(looks_like_utf8, files.values())))
    result = ingest.import_files(
        dataset,
        list(files.items()),
        tables={"partners.csv": "partners", "clients.csv": "clients"},
    )
    assert result.report.ok, result.report.format_text()
    assert stored(dataset, schema.PARTNERS) == expected(schema.PARTNERS, partners)
    assert stored(dataset, schema.CLIENTS) == expected(schema.CLIENTS, clients)
