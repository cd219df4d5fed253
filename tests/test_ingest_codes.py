"""Every problem carries a stable code naming its rule (analytics.ingest.rules.CODES),
so callers can act on a kind of problem without matching its wording."""

from __future__ import annotations

from pathlib import Path

from analytics import ingest


def test_each_problem_names_its_rule(tmp_path: Path):
    # Row 2 is fine; row 3 repeats C1 and has a date that does not exist; row 4 has
    # no CRN and a created date that is not a date; row 5 churned before it was
    # added and its amount is not a number; the Colour column matches nothing.
    content = (
        b"CRN,Account ID,Created Date,Churned Date,Amount,Colour\n"
        b"C1,P1,2024-01-05,,100,red\n"
        b"C1,P1,2024-02-31,,100,red\n"
        b",P1,someday,,100,red\n"
        b"C4,P1,2024-03-01,2024-01-01,lots,red\n"
    )
    result = ingest.check_files(tmp_path / "store", [("clients.csv", content)])
    found = [(p.row, p.column, p.code) for p in result.report.problems]
    # Within a row: the per-column rules in the table's column order, then the
    # duplicate id and the date order.
    assert found == [
        (3, "Created Date", "date.not_real"),
        (3, "CRN", "id.duplicate"),
        (4, "CRN", "value.required"),
        (4, "Created Date", "date.unparseable"),
        (5, "Amount", "number.unparseable"),
        (5, "Churned Date", "date.before"),
        (1, "Colour", "column.ignored"),
        # no partners committed: every client's partner P1 is unknown (rows 2-5)
        (2, "Account ID", "partner.not_found"),
        (3, "Account ID", "partner.not_found"),
        (4, "Account ID", "partner.not_found"),
        (5, "Account ID", "partner.not_found"),
    ]
    assert {code for _, _, code in found} <= set(ingest.CODES)


def test_file_level_problems_have_codes(tmp_path: Path):
    result = ingest.check_files(
        tmp_path / "store",
        [
            ("empty.csv", b""),
            ("binary.csv", b"a,b\n\x00\x01\x02\n"),
            ("x.csv", b"a,b\n1,2\n"),
        ],
    )
    found = [(p.file, p.code) for p in result.report.problems]
    assert found == [
        ("empty.csv", "file.empty"),
        ("binary.csv", "file.not_text"),
        ("x.csv", "table.unrecognised"),
    ]
    assert ingest.check_files(tmp_path / "store", []).report.problems[0].code == (
        "upload.none"
    )
