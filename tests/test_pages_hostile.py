"""Untrusted text (issue 14, item 13): every page walked with AppTest over a dataset
whose names, leagues, subjects, statuses, file names and headers are markdown,
HTML, links, images and spreadsheet formulas. No markdown the app sends may render
a value of the data: each one shows literally (its punctuation escaped)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from google.protobuf.message import Message

from analytics import store
from ui.safe import WORD_JOINER, md

ROOT = Path(__file__).resolve().parent.parent
AS_OF = {"as_of": "2026-11-20"}  # a Friday: this week is Nov 16-20

BOLD = "**bold** Ltd"
IMAGE = "![x](http://127.0.0.1:1/x.png)"
HTML = "<b>Tag</b> & Co"
FORMULA = '=HYPERLINK("http://x")'
AT_SUM = "@SUM(1)"
COLOUR = ":red[red] :material/warning:"
# The parts of each value markdown would act on: none may reach markdown as is.
ACTIVE = [
    "**bold**",
    "![x](",
    "<b>",
    "<i>",
    "http://",
    ":red[",
    ":material/warning:",
    "**id**",
    "_Ann_",
    "**Bob**",
    "**Open**",
]

P1 = "P1`**id**"  # a backtick would close a code span
PARTNERS = [
    {
        "partner_id": P1,
        "partner_name": BOLD,
        "account_manager": "_Ann_ <i>",
        "league": IMAGE,
        "account_status": HTML,
    },
    {
        "partner_id": "P2",
        "partner_name": IMAGE,
        "account_manager": "_Ann_ <i>",
        "league": HTML,
        "account_status": COLOUR,
    },
    {
        "partner_id": "P3",
        "partner_name": FORMULA,
        "account_manager": "**Bob**",
        "league": IMAGE,
    },
    {"partner_id": "P4", "partner_name": AT_SUM, "account_manager": "**Bob**"},
    {"partner_id": "P5", "partner_name": COLOUR, "account_manager": "**Bob**"},
]


def client(cid, partner, added, repurposed=None, churned=None) -> dict:
    return {
        "client_id": cid,
        "partner_id": partner,
        "client_name": BOLD,
        "added_date": added,
        "repurposed_date": repurposed,
        "churned_date": churned,
    }


CLIENTS = [
    # P1 loses 2 clients this week: the churn page warns, naming it.
    client("C1", P1, "2026-03-02", churned="2026-11-16"),
    client("C2", P1, "2026-03-02", churned="2026-11-17"),
    # repurposed clients in two leagues: "Highest rate" and "Quickest" name one
    client("C3", P1, "2026-10-01", repurposed="2026-10-11"),
    client("C4", "P2", "2026-10-01", repurposed="2026-10-31"),
    client("C5", "P2", "2026-11-02"),
    client("C6", "P3", "2026-11-03"),
    client("C7", "P4", "2026-11-04"),
]

NOTES = "Account Management Notes"
ACTIVITIES = [
    {
        "activity_id": "A1",
        "partner_id": P1,
        "account_manager": "_Ann_ <i>",
        "activity_type": "Task",
        "subject": NOTES,
        "status": "**Open** " + IMAGE,
        "activity_date": "2026-11-10",
        "comments": f"{BOLD}\n# heading\n{IMAGE}",
    },
    {
        "activity_id": "A2",
        "partner_id": "P2",
        "account_manager": "**Bob**",
        "activity_type": "Call",
        "subject": BOLD + " " + FORMULA,
        "status": "Completed",
        "activity_date": "2026-11-12",
        "completed_date": "2026-11-12",
        "comments": AT_SUM,
    },
]
QUOTAS = [
    {"account_manager": "_Ann_ <i>", "month": "2026-11-01", "clients_target": 3},
    {"account_manager": "**Bob**", "month": "2026-11-01", "clients_target": 2},
]


def app_pages() -> list[str]:
    """The page files app.PAGES declares (read from app.py: importing it would run
    the app)."""
    tree = ast.parse((ROOT / "app.py").read_text())
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "Page"
        and node.args
    ]


# Elements whose text Streamlit renders as markdown, and the fields holding it.
NOT_MARKDOWN = {"text", "code", "dataframe", "json", "exception", "html", "table"}
FIELDS = {"body", "label", "labels", "help", "text", "delta_description"}


def markdown_sent(at) -> list[str]:
    """Every markdown string of the last run: bodies, labels (tiles, expanders,
    tabs, widgets), help and progress texts."""
    found: list[str] = []

    def from_proto(message: Message) -> None:
        for descriptor, value in message.ListFields():
            items = (
                value
                if isinstance(value, Iterable) and not isinstance(value, (str, bytes))
                else [value]
            )
            for item in items:
                if isinstance(item, Message):
                    from_proto(item)
                elif isinstance(item, str) and descriptor.name in FIELDS:
                    found.append(item)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", None) not in NOT_MARKDOWN:
            from_proto(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def literal(markdown: str) -> str:
    """The text `markdown` shows, once no value in it acts as markdown: what a
    backslash escapes shows as it is."""
    assert not any(a in markdown for a in ACTIVE), markdown
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    return text.replace(WORD_JOINER, "")  # invisible: it keeps a URL from linking


TABLES = dict(partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES, quotas=QUOTAS)


@pytest.fixture(scope="module")
def hostile(make_module_data_dir):
    """The hostile fixture, shared by the tests that only read it."""
    return make_module_data_dir(**TABLES)


@pytest.fixture
def own_hostile(make_data_dir):
    """The hostile fixture, for a test that saves or uploads."""
    return make_data_dir(**TABLES)


def leaks(at) -> list[str]:
    """The markdown strings of the run in which a value acts as markdown."""
    return [m for m in markdown_sent(at) if any(a in m for a in ACTIVE)]


def run_page(run_app, data_dir, page: str):
    query = {**AS_OF, "partner": P1} if page == "pages/partner.py" else AS_OF
    at = run_app(data_dir, page=page, query=query)
    assert not at.exception
    return at


def test_pages_of_the_app_are_all_walked():
    assert sorted(app_pages()) == sorted(
        f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")
    )


@pytest.mark.parametrize("page", app_pages())
def test_no_page_renders_a_value_as_markdown(run_app, hostile, page):
    at = run_page(run_app, hostile, page)
    assert leaks(at) == []


def test_md_escapes_what_acts_and_leaves_plain_names_alone():
    assert md("Smith & Co. (North) - 1.5") == "Smith & Co. (North) - 1.5"
    assert md("**x** [l](u) `c` <b> ~s~ :red[r] $x$ a\\b") == (
        r"\*\*x\*\* \[l\](u) \`c\` \<b\> \~s\~ \:red\[r\] \$x\$ a\\b"
    )
    # at the start of a line: a heading, a list item, a numbered item, an entity
    assert md("# Top\n- b\n 2. c\n&lt;") == "\\# Top\n\\- b\n 2\\. c\n\\&lt;"
    # a URL, a www. address and an e-mail address that GFM would make links
    joiner = WORD_JOINER
    assert md("http://x www.y.com a@b.com") == (
        f"http{joiner}\\://x www{joiner}.y.com a{joiner}@b.com"
    )


# The seven places where values of the data reached markdown as markdown.


def test_churn_warning_names_partners_literally(run_app, hostile):
    at = run_page(run_app, hostile, "pages/churn.py")
    # P1 lost C1 (Nov 16) and C2 (Nov 17) this week: 2 >= 2, so it is named.
    assert literal(at.warning[0].value) == f"2+ clients churned this week: {BOLD} (2)"


def test_best_league_tiles_name_leagues_literally(run_app, hostile):
    at = run_page(run_app, hostile, "pages/repurposing.py")
    labels = [literal(m.label) for m in at.metric]
    # League IMAGE: P1's C1, C2, C3 and P3's C6 added, C3 repurposed: 1/4 = 25%;
    # league HTML: P2's C4, C5 added, C4 repurposed: 1/2 = 50% -> highest rate.
    # Median days to repurpose: IMAGE 10 (C3, Oct 1 -> Oct 11), HTML 30 (C4,
    # Oct 1 -> Oct 31) -> IMAGE is quickest.
    assert labels[:2] == [f"Highest rate: {HTML}", f"Quickest: {IMAGE}"]


def test_partner_detail_shows_id_and_notes_task_literally(run_app, hostile):
    at = run_page(run_app, hostile, "pages/partner.py")
    assert literal(at.header[0].value) == BOLD
    account = literal(next(m.value for m in at.markdown if "Partner ID" in m.value))
    assert f"Partner ID:** {P1}" in account
    # The open notes task A1: its status and account manager from the data.
    assert [literal(e.label) for e in at.expander][0] == (
        f"{NOTES} · **Open** {IMAGE} · 2026-11-10 · _Ann_ <i>"
    )


def test_saved_target_message_names_the_manager_literally(run_app, own_hostile):
    at = run_page(run_app, own_hostile, "pages/quota.py")
    at.selectbox(key="tgt_am").set_value("_Ann_ <i>")
    at.number_input(key="tgt_value").set_value(5)
    at = next(b for b in at.button if b.label == "Save target").click().run()
    assert not at.exception
    # The month chooser starts at the as-of month.
    assert literal(at.success[0].value) == (
        "Target of 5 for _Ann_ <i> in November 2026 saved."
    )
    assert leaks(at) == []


def test_upload_names_and_headers_show_literally(run_app, own_hostile):
    at = run_page(run_app, own_hostile, "pages/data.py")
    partners = (
        b"Account ID,Account Name,Account Owner,**Region** <b>x</b>\n"
        b"P9,Nine,Ann,North\n"
    )
    unknown = b"**Ref**,<i>Col</i>,![x](http://y)\n1,2,3\n"
    at.file_uploader(key="upload").set_value(
        [
            ("**bold** partners.csv", partners, "text/csv"),
            (":red[x] other.csv", unknown, "text/csv"),
        ]
    )
    at.run()
    assert not at.exception
    assert [literal(e.label) for e in at.expander if ".csv" in e.label] == [
        "**bold** partners.csv → Partners",
        ":red[x] other.csv → no table",
    ]
    captions = [literal(c.value) for c in at.caption]
    assert (
        "Choose the file's table. Its headers: **Ref**, <i>Col</i>, ![x](http://y)."
        in captions
    )
    assert any("ignored: **Region** <b>x</b>" in c for c in captions)
    assert leaks(at) == []


# File names the server cannot store (issue 14, item 10): refused at the upload.
PARTNERS_CSV = b"Account ID,Account Name,Account Owner\nP9,Nine,Ann\n"
CLIENTS_CSV = b"CRN,Account ID,Created Date\nC9,P9,2026-11-02\n"
QUOTAS_CSV = b"Account Manager,Month,Target\nAnn,2026-11,4\n"


def test_unstorable_file_names_are_refused_at_the_upload(run_app, own_hostile):
    at = run_page(run_app, own_hostile, "pages/data.py")
    long_name = "p" * 246 + ".csv"  # 250 characters
    at.file_uploader(key="upload").set_value(
        [
            (long_name, CLIENTS_CSV, "text/csv"),
            ("quotas\x00.csv", QUOTAS_CSV, "text/csv"),
            ("partners.csv", PARTNERS_CSV, "text/csv"),
        ]
    )
    at.run()
    assert not at.exception
    assert [literal(e.value) for e in at.error] == [
        f"{'p' * 57}… was not read: its name is 250 characters long (at most 200)."
        " Rename the file and upload it again.",
        "quotas?.csv was not read: its name holds a control character."
        " Rename the file and upload it again.",
    ]
    # Only the third file is checked, and commits.
    assert [e.label for e in at.expander if ".csv" in e.label] == [
        "partners.csv → Partners"
    ]
    at.button(key="commit").click().run()
    assert not at.exception
    upload = store.upload(own_hostile, store.current_version(own_hostile))
    assert [f.name for f in upload.files] == ["partners.csv"]
