"""The seeded demo generator: determinism, the committed demo set, and properties
checked by reading the CSV files back with the standard library."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from analytics import ingest, store
from analytics.demo import ACCOUNT_MANAGERS, write_demo
from analytics.schema import LEAGUES, NOTES_SUBJECT, STATUSES, TRAINING_STATUSES

ROOT = Path(__file__).resolve().parent.parent
d = dt.date.fromisoformat
AS_OF = d("2026-11-20")  # a Friday: its ISO week is Mon 16 to Sun 22 November
FILES = (
    "partners.csv",
    "clients.csv",
    "activities.csv",
    "quotas.csv",
    "account_plans.csv",
    "contacts.csv",
)
HEADERS = {
    "partners": [
        "Account ID",
        "Account Name",
        "Account Owner",
        "League Table",
        "RB Account Status",
        "Business Plan Aim",
        "Created Date",
    ],
    "clients": [
        "CRN",
        "Account ID",
        "Opportunity Name",
        "Created Date",
        "Repurposed Date",
        "Churned Date",
        "Amount",
    ],
    "activities": [
        "Activity ID",
        "Account ID",
        "Assigned",
        "Type",
        "Subject",
        "Status",
        "Date",
        "Completed Date",
        "Comments",
    ],
    "quotas": ["Account Manager", "Month", "Target"],
    "account_plans": [
        "plan_id",
        "partner_id",
        "account_manager",
        "created_date",
        "last_updated",
        "revenue_goal",
        "current_amount",
        "status",
        "next_review_date",
        "objectives",
        "strategies",
        "activities",
    ],
    "contacts": [
        "contact_id",
        "partner_id",
        "contact_name",
        "role",
        "privilege",
        "training_status",
        "training_completed_date",
    ],
}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, read with the standard library."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def iso(text: str) -> dt.date | None:
    """An ISO date, or None for an empty cell (anything else fails the test)."""
    return dt.date.fromisoformat(text) if text else None


def checksum(id15: str) -> str:
    """Salesforce's 18-character suffix, written out independently of the generator:
    per 5-character chunk, bit i is set when character i is an upper-case letter."""
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    chunks = (id15[i : i + 5] for i in range(0, 15, 5))
    return "".join(
        chars[sum(1 << i for i, c in enumerate(chunk) if "A" <= c <= "Z")]
        for chunk in chunks
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    """10 partners, 50 clients, as of 2026-11-20: every table's rows by name."""
    out = tmp_path_factory.mktemp("tiny")
    paths = write_demo(out, partners=10, clients=50, as_of=AS_OF, seed=3)
    assert [p.name for p in paths] == list(FILES)
    tables = {}
    for path in paths:
        header, rows = read(path)
        assert header == HEADERS[path.stem]
        tables[path.stem] = rows
    return tables


def test_checksum_helper_matches_a_worked_example() -> None:
    # 0015000000Gv7qJ: chunks 00150 (no capitals: 0 -> A), 00000 (0 -> A),
    # Gv7qJ (G at 0, J at 4: 1 + 16 = 17 -> R)
    assert checksum("0015000000Gv7qJ") == "AAR"


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = write_demo(tmp_path / "a", partners=20, clients=200, as_of=AS_OF, seed=5)
    second = write_demo(tmp_path / "b", partners=20, clients=200, as_of=AS_OF, seed=5)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    first = write_demo(tmp_path / "a", partners=20, clients=200, as_of=AS_OF, seed=5)
    second = write_demo(tmp_path / "b", partners=20, clients=200, as_of=AS_OF, seed=6)
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() != other.read_bytes(), one.name


def test_committed_demo_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    # python -m analytics demo --partners 300 --clients 6000 --as-of 2026-11-20
    written = write_demo(tmp_path, partners=300, clients=6000, as_of=AS_OF)
    for path in written:
        assert path.read_bytes() == (ROOT / "data" / "demo" / path.name).read_bytes()


def test_tiny_set_has_the_asked_row_counts(tiny) -> None:
    # 10 partners, 50 clients, 3 activities per client = 150; quotas: 5 AMs x 10
    # months (2026-05 .. 2027-02) = 50, less this month for one AM = 49
    assert len(tiny["partners"]) == 10
    assert len(tiny["clients"]) == 50
    assert len(tiny["activities"]) == 150
    assert len(tiny["quotas"]) == 49


def test_ids_are_unique_and_salesforce_shaped(tiny) -> None:
    for table, column in [
        ("partners", "Account ID"),
        ("clients", "CRN"),
        ("activities", "Activity ID"),
        ("account_plans", "plan_id"),
        ("contacts", "contact_id"),
    ]:
        ids = [row[column] for row in tiny[table]]
        assert len(set(ids)) == len(ids), table
    assert {len(row["Account ID"]) for row in tiny["partners"]} == {15}
    assert {len(row["Activity ID"]) for row in tiny["activities"]} == {15}
    events = [r for r in tiny["activities"] if r["Type"] == "Event"]
    assert all(r["Activity ID"].startswith("00U") for r in events)


def test_clients_point_at_partners_by_15_or_18_characters(tiny) -> None:
    partner_ids = {row["Account ID"] for row in tiny["partners"]}
    refs = [row["Account ID"] for row in tiny["clients"]]
    assert {len(ref) for ref in refs} <= {15, 18}
    for ref in refs:
        if len(ref) == 18:
            assert ref[15:] == checksum(ref[:15])
    # 50 clients: min(5, 50 // 10) = 5 orphans whose partner is not in partners
    orphans = [ref for ref in refs if ref[:15] not in partner_ids]
    assert len(orphans) == 5


def test_client_dates_are_in_order_and_not_after_as_of(tiny) -> None:
    first_added = AS_OF - dt.timedelta(days=548 + 2)  # 18 months, weekend moved back
    for row in tiny["clients"]:
        added = iso(row["Created Date"])
        assert first_added <= added <= AS_OF
        for column in ("Repurposed Date", "Churned Date"):
            later = iso(row[column])
            assert later is None or added <= later <= AS_OF, row


def test_every_account_manager_has_quotas_except_one_this_month(tiny) -> None:
    quota_ams = {row["Account Manager"] for row in tiny["quotas"]}
    owners = {row["Account Owner"] for row in tiny["partners"]}
    assigned = {row["Assigned"] for row in tiny["activities"]}
    assert quota_ams == set(ACCOUNT_MANAGERS)
    assert owners | assigned <= quota_ams
    months = Counter(row["Month"] for row in tiny["quotas"])
    # 2026-05 .. 2027-02: the last 6 months, this month and the next 3
    assert sorted(months) == [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
        "2026-10", "2026-11", "2026-12", "2027-01", "2027-02",
    ]  # fmt: skip
    assert months["2026-11"] == 4
    assert all(int(row["Target"]) >= 1 for row in tiny["quotas"])


def test_values_come_from_the_domain_lists(tiny) -> None:
    partners = tiny["partners"]
    assert {r["League Table"] for r in partners} <= {*LEAGUES, ""}
    assert {r["RB Account Status"] for r in partners} <= {
        *STATUSES, "", "Dormant", "Onboarding",
    }  # fmt: skip
    assert all(
        0 <= int(r["Business Plan Aim"]) <= 80
        for r in partners
        if r["Business Plan Aim"]
    )
    assert {r["Type"] for r in tiny["activities"]} <= {"Task", "Event", "Call", "Email"}
    for row in tiny["contacts"]:
        assert row["training_status"] in TRAINING_STATUSES
        completed = row["training_status"] == "Completed"
        assert bool(row["training_completed_date"]) == completed
        assert row["privilege"] in ("Admin", "Standard", "Read only")


def test_every_partner_has_one_to_four_contacts_and_an_admin(tiny) -> None:
    per_partner = Counter(row["partner_id"] for row in tiny["contacts"])
    assert set(per_partner) == {row["Account ID"] for row in tiny["partners"]}
    assert set(per_partner.values()) <= {1, 2, 3, 4}
    admins = {r["partner_id"] for r in tiny["contacts"] if r["privilege"] == "Admin"}
    assert admins == set(per_partner)


def test_completed_activities_have_a_completed_date(tiny) -> None:
    for row in tiny["activities"]:
        iso(row["Date"])
        done = row["Status"] == "Completed"
        assert bool(row["Completed Date"]) == done, row
        if done:
            assert iso(row["Date"]) <= iso(row["Completed Date"]) <= AS_OF


@pytest.fixture(scope="module")
def demo_activities() -> list[dict[str, str]]:
    return read(ROOT / "data" / "demo" / "activities.csv")[1]


def test_comments_with_commas_quotes_and_newlines_survive_a_reader(
    demo_activities,
) -> None:
    comments = [row["Comments"] for row in demo_activities]
    assert any("," in c for c in comments)
    assert any('"' in c for c in comments)
    assert any("\n" in c for c in comments)
    # 300 partners, 6000 clients: 3 x 6000 = 18000 activities, read the same way
    # by the standard library and by DuckDB
    path = str(ROOT / "data" / "demo" / "activities.csv")
    (duckdb_rows,) = duckdb.execute(
        "select count(*) from read_csv(?)", [path]
    ).fetchone()
    assert len(demo_activities) == duckdb_rows == 18000


def test_demo_has_hygiene_problems_and_future_open_tasks(demo_activities) -> None:
    notes = {
        r["Account ID"][:15]
        for r in demo_activities
        if r["Subject"] == NOTES_SUBJECT and r["Status"] != "Completed"
    }
    # ~8% of 300 partners (about 24) lack an open notes task; allow 12 to 40
    assert 300 - 40 <= len(notes) <= 300 - 12
    future_open = [
        r
        for r in demo_activities
        if r["Type"] == "Task" and r["Status"] != "Completed" and iso(r["Date"]) > AS_OF
    ]
    assert future_open
    assert all(iso(r["Date"]) <= AS_OF + dt.timedelta(days=14) for r in future_open)


def test_demo_has_partners_losing_two_clients_this_week() -> None:
    _, clients = read(ROOT / "data" / "demo" / "clients.csv")
    monday = d("2026-11-16")
    churned = Counter(
        r["Account ID"][:15]
        for r in clients
        if r["Churned Date"] and monday <= iso(r["Churned Date"]) <= AS_OF
    )
    assert sum(churned.values()) > 0
    assert max(churned.values()) >= 2


def test_demo_imports_without_errors(tmp_path: Path) -> None:
    paths = [ROOT / "data" / "demo" / name for name in FILES]
    result = ingest.import_paths(tmp_path, paths)
    assert result.report.ok
    with store.connect(tmp_path) as con:
        counts = {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("partners", "clients", "activities", "quotas")
        }
        # 300 partners, 6000 clients, 3 x 6000 activities, 5 x 10 - 1 quota rows
        assert counts == {
            "partners": 300, "clients": 6000, "activities": 18000, "quotas": 49,
        }  # fmt: skip
        # the 5 orphan clients belong to the pseudo-partner (partner_id '')
        unknown = con.execute(
            "select count(*) from stg_clients where partner_id = ''"
        ).fetchone()[0]
        assert unknown == 5
