"""The QBR and 1:1 packs: the PPTX's slide titles and native chart data, and the
PDF's text, checked against a small dataset worked out by hand."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from analytics import packs, store
from analytics.__main__ import main
from tests.conftest import ROOT, commit_tables

# As of Wednesday 18 March 2026, in Q1 2026 (January to March; the fiscal year
# starts in January). Alpha is Ann's key partner (Champions League, Key Account
# Management) with a business plan aim of 4; Beta is Bob's.
AS_OF = "2026-03-18"
PARTNERS = [
    {
        "partner_id": "P1",
        "partner_name": "Alpha Accounting",
        "account_manager": "Ann",
        "league": "Champions League",
        "account_status": "Key Account Management",
        "business_plan_aim": 4,
        "created_date": "2025-06-01",
    },
    {
        "partner_id": "P2",
        "partner_name": "Beta Books",
        "account_manager": "Bob",
        "league": "Premiership",
    },
]


def client(cid, pid, added, repurposed=None, churned=None) -> dict:
    return {
        "client_id": cid,
        "client_name": f"Client {cid}",
        "partner_id": pid,
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


CLIENTS = [
    # Nov cohort: 71 days to repurpose (within 90 only), repurposed in January.
    client("C1", "P1", "2025-11-10", repurposed="2026-01-20"),
    # Jan cohort: 36 days (within 60), repurposed in February.
    client("C2", "P1", "2026-01-05", repurposed="2026-02-10"),
    client("C3", "P1", "2026-01-12", churned="2026-02-20"),  # churned in February
    client("C4", "P1", "2026-02-02"),
    client("C5", "P1", "2026-03-02", repurposed="2026-03-10"),  # all in March
    client("C6", "P1", "2025-12-01", churned="2026-03-16"),  # churned this week
    client("C7", "P1", "2026-03-20"),  # after D: nowhere
    client("B1", "P2", "2026-03-04"),  # Bob's
]
ACTIVITIES = [
    {
        "activity_id": "T1",
        "partner_id": "P1",
        "account_manager": "Ann",
        "activity_type": "Task",
        "subject": "Account Management Notes",
        "status": "Open",
        "activity_date": "2026-01-02",
    },
    {
        "activity_id": "T2",
        "partner_id": "P1",
        "account_manager": "Ann",
        "activity_type": "Task",
        "subject": "Send pricing",
        "status": "Open",
        "activity_date": "2026-03-09",  # open and before D: overdue
    },
    {
        "activity_id": "K1",
        "partner_id": "P1",
        "account_manager": "Ann",
        "activity_type": "Call",
        "subject": "Quarterly check-in",
        "status": "Completed",
        "activity_date": "2026-03-11",  # the last touch: 7 days before D
    },
    {
        "activity_id": "K2",
        "partner_id": "P2",
        "account_manager": "Bob",
        "activity_type": "Call",
        "subject": "Hello",
        "status": "Completed",
        "activity_date": "2026-03-11",
    },
]
QUOTAS = [
    {"account_manager": "Ann", "month": "2026-01-01", "clients_target": 3},
    {"account_manager": "Ann", "month": "2026-02-01", "clients_target": 3},
    {"account_manager": "Ann", "month": "2026-03-01", "clients_target": 2},
]
PLANS = [
    {
        "plan_id": "PL1",
        "partner_id": "P1",
        "account_manager": "Ann",
        "created_date": "2026-01-10",
        "last_updated": "2026-03-02",
        "revenue_goal": 10000,
        "current_amount": 6000,
        "status": "Active",
        "next_review_date": "2026-03-20",
    }
]
CONTACTS = [
    {"contact_id": "K1", "partner_id": "P1", "contact_name": "Kate",
     "role": "Partner", "training_status": "Completed",
     "training_completed_date": "2026-02-01"},
    {"contact_id": "K2", "partner_id": "P1", "contact_name": "Liam",
     "training_status": "Enrolled"},
    {"contact_id": "K3", "partner_id": "P1", "contact_name": "Mo",
     "training_status": "Not enrolled"},
    {"contact_id": "K4", "partner_id": "P1", "contact_name": "Nia",
     "training_status": "Completed"},
]  # fmt: skip

QBR_TITLES = [
    "Quarterly business review: Alpha Accounting",
    "Account",
    "Business plan progress",
    "Clients added, repurposed and churned in Q1",
    "Repurposing cohorts",
    "Activity and the notes task",
    "Account plan: goal vs amount",
    "Contacts' training",
]
ONE_TO_ONE_TITLES = [
    "1:1 account review: Ann",
    "Quota pace: month and quarter",
    "Partners needing attention (1)",
    "Account plans: coverage and usage",
    "Churn",
    "This week's checklist",
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return commit_tables(
        tmp_path / "data",
        partners=PARTNERS,
        clients=CLIENTS,
        activities=ACTIVITIES,
        quotas=QUOTAS,
        account_plans=PLANS,
        contacts=CONTACTS,
    )


def pack(data_dir: Path, out: Path, *who: str) -> Path:
    code = main(["pack", "--data-dir", str(data_dir), *who, "--as-of", AS_OF,
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    return out


def slides(path: Path) -> list[dict]:
    """Per slide: its first text (the title) and its charts' data."""
    found = []
    for slide in Presentation(str(path)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        charts = {}
        for shape in slide.shapes:
            if shape.has_chart:
                plot = shape.chart.plots[0]
                charts[shape.chart.chart_title.text_frame.text] = {
                    "categories": list(plot.categories),
                    **{s.name: list(s.values) for s in plot.series},
                }
        facts = {}
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    cells = [c.text for c in row.cells]
                    facts[cells[0]] = cells[1:]
        found.append({"title": texts[0], "charts": charts, "facts": facts})
    return found


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def test_qbr_pptx_has_the_sections_and_native_charts(data_dir, tmp_path):
    deck = slides(pack(data_dir, tmp_path / "qbr.pptx", "--partner", "P1"))
    assert [s["title"] for s in deck] == QBR_TITLES
    by_title = {s["title"]: s for s in deck}

    plan = by_title["Business plan progress"]
    # Added by D: C1-C6 = 6; active: C1, C2, C4, C5 = 4 (C3, C6 churned);
    # repurposed and active: C1, C2, C5 = 3; 3 / aim 4 = 75%, not yet ready.
    assert plan["facts"]["Clients"] == ["6"]
    assert plan["facts"]["Active"] == ["4"]
    assert plan["facts"]["Repurposed"] == ["3"]
    assert plan["facts"]["Plan progress"] == ["75%"]
    assert plan["facts"]["Ready for the next stage"] == ["no"]
    aim = plan["charts"]["Repurposed clients against the business plan aim"]
    assert aim["Clients"] == [3.0, 4.0]

    quarter = by_title["Clients added, repurposed and churned in Q1"]
    # January: added C2, C3; repurposed C1. February: added C4; repurposed C2;
    # churned C3. March to the 18th: added C5; repurposed C5; churned C6.
    flow = quarter["charts"]["Clients per month of the quarter (up to the as-of date)"]
    assert flow["categories"] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert flow["Clients added"] == [2.0, 1.0, 1.0]
    assert flow["Clients repurposed"] == [1.0, 1.0, 1.0]
    assert flow["Clients churned"] == [0.0, 1.0, 1.0]
    assert quarter["facts"]["Clients added this quarter"] == ["4"]
    assert quarter["facts"]["Clients repurposed this quarter"] == ["3"]
    assert quarter["facts"]["Clients churned this quarter"] == ["2"]

    cohorts = by_title["Repurposing cohorts"]["charts"][
        "Share of each month's new clients repurposed within 30, 60 and 90 days"
    ]
    # Ages at D: C1 128 days, C6 107, C2 72, C3 65, C4 44, C5 16.
    # Nov (C1, 71 days): 0/1, 0/1, 1/1. Dec (C6, never): 0, 0, 0.
    # Jan (C2 36 days, C3 never; both under 90 days old): 0/2, 1/2, none eligible.
    # Feb (C4, 44 days old): 0/1 at 30, none eligible at 60 and 90. Mar: none.
    assert cohorts["categories"] == ["2025-11", "2025-12", "2026-01", "2026-02",
                                     "2026-03"]  # fmt: skip
    assert cohorts["Within 30 days"] == [0.0, 0.0, 0.0, 0.0, None]
    assert cohorts["Within 60 days"] == [0.0, 0.0, 0.5, None, None]
    assert cohorts["Within 90 days"] == [1.0, 0.0, None, None, None]

    active = by_title["Activity and the notes task"]["facts"]
    assert active["Days since touch"] == ["7"]  # 18 - 11 March
    assert active["Last touch"] == ["11 Mar 2026"]
    assert active["Account Management Notes task"] == ["open, dated 02 Jan 2026"]
    assert active["Overdue tasks"] == ["1"]  # Send pricing, due 9 March
    assert active["Needs attention"] == ["Overdue task"]

    goal = by_title["Account plan: goal vs amount"]
    # 6,000 / 10,000 = 60%; Q1 has 90 days, 77 gone by 18 March (31 + 28 + 18):
    # 86%; 6,000 x 90 = 540,000 < 10,000 x 77 = 770,000: off track.
    assert goal["facts"]["Revenue goal"] == ["10,000"]
    assert goal["facts"]["Of goal"] == ["60%"]
    assert goal["facts"]["Quarter gone"] == ["86%"]
    assert goal["facts"]["On track"] == ["off track"]
    amounts = goal["charts"]["Current amount against the revenue goal"]
    assert amounts["Revenue goal"] == [10000.0]
    assert amounts["Current amount"] == [6000.0]

    training = by_title["Contacts' training"]["charts"]["Contacts by training status"]
    assert training["categories"] == ["Not enrolled", "Enrolled", "Completed"]
    assert training["Contacts"] == [1.0, 1.0, 2.0]


def test_one_to_one_pptx_holds_the_am_figures(data_dir, tmp_path):
    deck = slides(pack(data_dir, tmp_path / "ann.pptx", "--am", "Ann"))
    assert [s["title"] for s in deck] == ONE_TO_ONE_TITLES
    by_title = {s["title"]: s for s in deck}

    pace = by_title["Quota pace: month and quarter"]
    # March: added C5 = 1 of target 2; working days 22, elapsed 13 (2-6, 9-13,
    # 16-18): expected 2 x 13 / 22 = 1.18, pace 1 / 1.18 = 85%, projection
    # 1 / 13 x 22 = 1.7: Behind. Quarter: added C2, C3, C4, C5 = 4 of 3 + 3 + 2 =
    # 8; working days 22 + 20 + 22 = 64, elapsed 22 + 20 + 13 = 55: expected
    # 8 x 55 / 64 = 6.9, pace 4 / 6.875 = 58%, projection 4 / 55 x 64 = 4.7.
    facts = pace["facts"]
    assert facts["This month: clients added"] == ["1"]
    assert facts["This month: expected by today"] == ["1.2"]
    assert facts["This month: pace"] == ["85%"]
    assert facts["This month: projection"] == ["1.7"]
    assert facts["This month: status"] == ["Behind"]
    assert facts["This quarter: target"] == ["8"]
    assert facts["This quarter: expected by today"] == ["6.9"]
    assert facts["This quarter: pace"] == ["58%"]
    assert facts["This quarter: projection"] == ["4.7"]
    chart = pace["charts"]["Clients added against target and expected by today"]
    assert chart["categories"] == ["This month", "This quarter"]
    assert chart["Clients added"] == [1.0, 4.0]
    assert chart["Target"] == [2.0, 8.0]
    assert chart["Expected by today"] == pytest.approx([2 * 13 / 22, 8 * 55 / 64])

    attention = by_title["Partners needing attention (1)"]["facts"]
    assert attention["Alpha Accounting"] == ["Overdue task"]  # Beta is Bob's

    plans = by_title["Account plans: coverage and usage"]["facts"]
    assert plans["Key partners"] == ["1"]  # Alpha
    # the share under the page tile's label (the count is "With a plan")
    assert plans["Key partners with a plan"] == ["100%"]
    assert plans["With a plan"] == ["1"]
    assert plans["Plans created this quarter"] == ["1"]  # 10 January
    assert plans["Plans updated this quarter"] == ["1"]  # 2 March

    churn = by_title["Churn"]
    # Week of 16 March: C6 churned; active at its start: C1, C2, C4, C5, C6 = 5
    # (C3 left in February, C5 added before the Monday): 1 / 5 = 20.00%.
    assert churn["facts"]["Churned this week"] == ["1"]
    assert churn["facts"]["Active at the start of this week"] == ["5"]
    assert churn["facts"]["Churn rate this week"] == ["20.00%"]
    assert churn["facts"]["Churned in the last 26 weeks"] == ["2"]  # C3 and C6
    weekly = churn["charts"]["Clients churned per week, last 26 weeks"]
    assert len(weekly["categories"]) == 26
    assert weekly["categories"][-1] == "16 Mar"
    assert weekly["Clients churned"][-1] == 1.0
    # C3 left on Friday 20 February, in the week of Monday 16 February, 4 weeks
    # before the week of 16 March: the 5th bar from the end.
    assert weekly["Clients churned"][-5] == 1.0
    assert sum(weekly["Clients churned"]) == 2.0
    assert churn["facts"]["Client C6"] == ["C6", "Alpha Accounting", "16 Mar 2026"]

    week = by_title["This week's checklist"]["facts"]
    # Q1's week 1 is the ISO week of 1 January (from Monday 29 December); 16 March
    # is 77 days = 11 weeks later: week 12, stage 7 (weeks 10-13).
    assert week["Planning week"] == ["12 of 13"]
    assert week["Stage"] == ["7: Close quarter"]
    assert week["Weeks left in the quarter"] == ["1"]


def test_pdf_packs_hold_the_same_figures(data_dir, tmp_path):
    qbr = pdf_text(pack(data_dir, tmp_path / "qbr.pdf", "--partner", "P1"))
    for title in QBR_TITLES:
        assert title in qbr
    for fact in (
        "Plan progress 75%",
        "Clients added this quarter 4",
        "Clients repurposed this quarter 3",
        "Clients churned this quarter 2",
        "Days since touch 7",
        "Of goal 60%",
        "On track off track",
        "2026-01 2 0% 50% –",  # the cohort table's January row
    ):
        assert fact in qbr, fact
    ann = pdf_text(pack(data_dir, tmp_path / "ann.pdf", "--am", "Ann"))
    for title in ONE_TO_ONE_TITLES:
        assert title in ann
    for fact in (
        "This quarter: pace 58%",
        "This quarter: projection 4.7",
        "Churn rate this week 20.00%",
        "Planning week 12 of 13",
        "Alpha Accounting Overdue task",
    ):
        assert fact in ann, fact
    assert "Beta Books" not in ann


@pytest.mark.slow  # renders every PDF page with pdftoppm
def test_pack_pages_rendered_for_the_docs(data_dir, tmp_path):
    """Some of the PDFs' pages as PNG (poppler's pdftoppm) in docs/, to look at."""
    for name, who, first, last in (
        ("qbr_pack", ["--partner", "P1"], 2, 4),
        ("one_to_one_pack", ["--am", "Ann"], 2, 4),  # 4: the plan facts
    ):
        pdf = pack(data_dir, tmp_path / f"{name}.pdf", *who)
        prefix = tmp_path / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last),
             str(pdf), str(prefix)],
            check=True,
        )  # fmt: skip
        pages = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pages) == last - first + 1
        for i, page in enumerate(pages, start=1):
            shutil.copy(page, ROOT / "docs" / f"{name}_{i}.png")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partner", "NOPE", "--out", "x.pptx"], "no partner with id 'NOPE'"),
        (["--am", "Zoe", "--out", "x.pptx"], "no account manager named 'Zoe'"),
        (["--am", "Ann", "--out", "x.docx"], "must end in .pptx or .pdf"),
    ],
)
def test_pack_usage_errors_exit_2_and_write_nothing(
    data_dir, tmp_path, capsys, args, message
):
    out_dir = tmp_path / "out"
    args = [a if a[0] != "x" else str(out_dir / a) for a in args]
    assert main(["pack", "--data-dir", str(data_dir), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out_dir.exists()


def test_pack_on_a_folder_without_data_creates_nothing(tmp_path, capsys):
    empty = tmp_path / "none"
    code = main(["pack", "--data-dir", str(empty), "--am", "Ann", "--out",
                 str(tmp_path / "x.pdf")])  # fmt: skip
    assert code == 2
    assert "no dataset in" in capsys.readouterr().err
    assert not empty.exists() and not (tmp_path / "x.pdf").exists()


def test_qbr_of_a_partner_without_aim_plan_or_contacts(data_dir, tmp_path):
    # Beta: one client (B1, added 4 March), no aim, no account plan, no contacts.
    text = pdf_text(pack(data_dir, tmp_path / "beta.pdf", "--partner", "P2"))
    assert "Clients added this quarter 1" in text
    assert "Business plan aim – Plan progress –" in text
    assert "No account plan yet." in text
    assert "No contacts in the data." in text


def test_a_pack_reads_the_viewer_s_books_only(data_dir: Path):
    # P1 (Alpha Accounting) is Ann's, P2 Bob's. In Ann's book the QBR of her own
    # partner has the same slides as an admin's; Bob's partner is not in it at all.
    version = store.current_version(data_dir)
    args = (str(data_dir), version, date(2026, 3, 18), "pptx")
    mine = packs.pack_file(*args, partner_id="P1", books=("Ann",))
    assert [s["title"] for s in slides_of(mine)] == QBR_TITLES
    with pytest.raises(LookupError, match="No partner with the id P2"):
        packs.pack_file(*args, partner_id="P2", books=("Ann",))
    assert packs.pack_file(*args, partner_id="P2", books=("Bob",))


def slides_of(content: bytes) -> list[dict]:
    with tempfile.NamedTemporaryFile(suffix=".pptx") as f:
        f.write(content)
        f.flush()
        return slides(Path(f.name))
