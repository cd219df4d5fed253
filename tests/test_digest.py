"""The digest as a mail: tiles, charts as images, the call list in the users'
words and links into the app, checked against a small dataset worked out by hand;
its size on the demo data; its look in Chromium with JavaScript off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics import digest, store
from analytics.__main__ import main
from analytics.chart_images import draw
from tests.conftest import ROOT, commit_tables, d

# As of Wednesday 18 March 2026. This month: 1-18 March (13 of March's 22 working
# days gone: 2-6, 9-13, 16-18). This week: 16-18 March; last week to the same
# weekday: 9-11 March. Ann and Bob are Maria's team, Cy is Zed's.
AS_OF = d("2026-03-18")
PARTNERS = [
    {"partner_id": "P1", "partner_name": "Alpha & Co", "account_manager": "Ann"},
    {"partner_id": "P2", "partner_name": "Beta Books", "account_manager": "Bob"},
    {"partner_id": "P3", "partner_name": "Gamma Tax", "account_manager": "Cy"},
]
CLIENTS = [
    {"client_id": "A1", "partner_id": "P1", "added_date": "2026-03-02"},
    {"client_id": "A2", "partner_id": "P1", "added_date": "2026-03-16",
     "repurposed_date": "2026-03-17"},
    {"client_id": "B1", "partner_id": "P2", "added_date": "2026-01-05",
     "churned_date": "2026-03-17"},
    {"client_id": "B2", "partner_id": "P2", "added_date": "2026-01-05",
     "churned_date": "2026-03-10"},
    {"client_id": "C1", "partner_id": "P3", "added_date": "2026-03-03"},
]  # fmt: skip


def task(aid, pid, am, subject, date, kind="Task", status="Open") -> dict:
    return {
        "activity_id": aid,
        "partner_id": pid,
        "account_manager": am,
        "activity_type": kind,
        "subject": subject,
        "status": status,
        "activity_date": date,
    }


# Alpha: touched, notes task, but an overdue task. Beta: touched, no notes task.
# Gamma: nothing at all (never touched, no notes task).
ACTIVITIES = [
    task("K1", "P1", "Ann", "Call", "2026-03-10", kind="Call", status="Completed"),
    task("T1", "P1", "Ann", "Account Management Notes", "2026-03-01"),
    task("T2", "P1", "Ann", "Send pricing", "2026-03-12"),
    task("K2", "P2", "Bob", "Call", "2026-03-10", kind="Call", status="Completed"),
]
QUOTAS = [
    {"account_manager": "Ann", "month": "2026-03-01", "clients_target": 2},
    {"account_manager": "Bob", "month": "2026-03-01", "clients_target": 4},
]
USERS = [
    {"user_id": "U1", "name": "Ann", "email": "ann@example.com", "manager": "Maria"},
    {"user_id": "U2", "name": "Bob", "email": "bob@example.com", "manager": "U9"},
    {"user_id": "U3", "name": "Cy", "email": "cy@example.com", "manager": "Zed"},
    {"user_id": "U9", "name": "Maria", "email": "maria@example.com"},
    {"user_id": "U8", "name": "Zed", "email": "zed@example.com"},
    {"user_id": "U7", "name": "Old", "email": "old@example.com", "manager": "Maria",
     "is_active": "false"},
]  # fmt: skip
APP = "https://amd.example.com"


def make_data(directory: Path) -> Path:
    return commit_tables(
        directory,
        partners=PARTNERS,
        clients=CLIENTS,
        activities=ACTIVITIES,
        quotas=QUOTAS,
        users=USERS,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return make_data(tmp_path / "data")


@pytest.fixture
def con(data_dir):
    with store.connect(data_dir) as connection:
        yield connection


def tile_values(html: str) -> list[str]:
    return re.findall(r'<div class="value">([^<]*)</div>', html)


def tile_notes(html: str) -> list[str]:
    return re.findall(r'<div class="note">([^<]*)</div>', html)


def headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", html)


def test_team_digest_tiles_images_and_no_script(con):
    page = digest.build_digest(con, AS_OF, base_url=APP).html
    assert "<script" not in page.lower()
    # The three charts, as PNG data URIs (nothing fetched from the network).
    assert len(re.findall(r'<img src="data:image/png;base64,', page)) == 3
    assert "http" not in "".join(re.findall(r'<img src="([^"]*)"', page))
    # Added this month by the AMs with a target (SPEC 4, team quota): A1, A2 = 2
    # against 2 + 4 = 6; expected by today 6 x 13 / 22 = 3.5, pace 2 / 3.5 = 57%:
    # Behind; Cy (no target) added C1, shown apart. Repurposed this month: A2
    # (none from 1 to 18 February). Churned this week: B1; last week to Wednesday:
    # B2. Needing attention: Alpha (overdue task), Beta and Gamma (no notes task).
    assert tile_values(page) == ["2", "1", "1", "3"]
    assert tile_notes(page)[:3] == [
        "Behind · target 6. No quota: 1 AM, 1 added (not in the team&#39;s pace).",
        "vs 0 on 1–18 Feb",
        "vs 1 last Mon–Wed",
    ]


def test_call_list_in_the_users_words_with_links(con):
    page = digest.build_digest(con, AS_OF, base_url=APP).html
    assert headers(page) == ["Partner", "Account manager", "Why it needs attention"]
    assert "partner_id" not in page and ">reasons<" not in page
    rows = re.findall(r'<a href="([^"]*partner\?[^"]*)">([^<]*)</a>', page)
    assert [name for _, name in rows] == ["Alpha &amp; Co", "Beta Books", "Gamma Tax"]
    assert rows[0][0] == f"{APP}/partner?as_of=2026-03-18&amp;partner=P1"
    assert "No touch in 30+ days; no notes task" in page  # Gamma, in full words
    assert f'href="{APP}/?as_of=2026-03-18"' in page  # the dashboard
    assert f'href="{APP}/churn?as_of=2026-03-18"' in page


def test_one_am_book_from_the_command_line(data_dir, tmp_path, capsys):
    out = tmp_path / "bob.html"
    code = main(["digest", "--data-dir", str(data_dir), "--as-of", "2026-03-18",
                 "--am", "Bob", "--app-url", APP + "/", "--out", str(out)])  # fmt: skip
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "Account management digest: Bob" in page
    # Bob added nothing of his 4; B1 churned this week; Beta has no notes task.
    assert tile_values(page) == ["0", "0", "1", "1"]
    assert "Beta Books" in page
    assert "Alpha" not in page and "Gamma" not in page
    # Links keep the book (am=Bob), so the app opens the same filtered view.
    assert f'href="{APP}/partner?as_of=2026-03-18&amp;am=Bob&amp;partner=P2"' in page
    assert f'href="{APP}/quota?as_of=2026-03-18&amp;am=Bob"' in page


def test_team_tiles_add_up_the_team_and_follow_team_quota(con):
    # Maria's team, Ann and Bob: added 2 (A1, A2) against 2 + 4 = 6, expected
    # 6 x 13 / 22 = 3.5: Behind; repurposed A2; churned B1; attention Alpha, Beta.
    tiles = digest.team_kpis(con, AS_OF, ["Ann", "Bob"])
    assert tiles["month_added"] == 2
    assert tiles["month_target"] == 6
    assert tiles["month_status"] == "Behind"
    assert tiles["repurposed_this_month"] == 1
    assert tiles["churned_this_week"] == 1
    assert tiles["churned_last_week_to_date"] == 1
    assert tiles["partners_needing_attention"] == 2


def test_charts_data_and_whole_percent_churn_axis(con):
    pace = digest.pace_chart(digest.team_pace(con, AS_OF, None), "pace")
    # Ann 2 of 2 (expected 1.2): Ahead; Bob 0 of 4: Behind; Cy 1, no target.
    assert pace.categories == ["Ann · Ahead", "Bob · Behind", "Cy · No quota"]
    assert pace.series["Clients added"] == [2, 0, 1]

    churn = digest.churn_chart(digest.team_churn(con, AS_OF, None))
    assert len(churn.categories) == 26 and churn.categories[-1] == "16 Mar"
    # Week of 9 March: B2 of A1, B1, B2, C1 active at its start = 1/4. Week of 16
    # March: B1 of A1, B1, C1 (A2 came on the Monday, B2 had left) = 1/3.
    ((label, rates),) = churn.rates.items()
    assert rates[-2:] == pytest.approx([1 / 4, 1 / 3])
    assert label == "Churn rate (right axis; this week 33.33%)"
    assert churn.series["Clients churned"][-2:] == [1, 1]
    # Highest rate 33.3%: the axis runs to 40% in steps of 10, whole percentages.
    right = draw(churn).axes[1]
    assert [t.get_text() for t in right.get_yticklabels()] == [
        "0%", "10%", "20%", "30%", "40%"
    ]  # fmt: skip

    velocity = digest.velocity_chart(digest.team_velocity(con, AS_OF, None))
    assert velocity.series["Clients repurposed in the week"][-1] == 1  # A2, 17 March


@pytest.fixture(scope="module")
def demo_digest(tmp_path_factory, demo_dir) -> Path:
    """The digest of the demo data, written by the command line."""
    out = tmp_path_factory.mktemp("demo") / "digest.html"
    assert main(["digest", "--data-dir", str(demo_dir), "--out", str(out)]) == 0
    return out


def test_demo_digest_is_small_and_needs_no_script(demo_digest):
    page = demo_digest.read_text(encoding="utf-8")
    assert demo_digest.stat().st_size < 1_000_000
    assert "<script" not in page.lower()
    assert page.count('<img src="data:image/png;base64,') == 3


def test_charts_show_in_chromium_with_javascript_off(browser, demo_digest):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 760, "height": 900}
    )
    try:
        pg = context.new_page()
        pg.goto(demo_digest.as_uri())
        images = pg.locator("img")
        assert images.count() == 3
        for i in range(3):
            box = images.nth(i).bounding_box()
            # Drawn at their width (672 px), about 300 px high: not blank space.
            assert box["width"] > 600 and box["height"] > 250
        pg.screenshot(path=str(ROOT / "docs" / "digest.png"), full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.pdf"], "must end in .html or .htm"),
        (["--am", "Zoe", "--out", "x.html"], "no account manager named 'Zoe'"),
        ([], "digest needs --out FILE.html, or --send"),
    ],
)
def test_digest_usage_errors_exit_2_and_write_nothing(
    data_dir, tmp_path, capsys, args, message
):
    out_dir = tmp_path / "out"
    args = [str(out_dir / a) if a.startswith("x.") else a for a in args]
    assert main(["digest", "--data-dir", str(data_dir), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out_dir.exists()


def test_digest_on_a_folder_without_data_creates_nothing(tmp_path, capsys):
    empty = tmp_path / "none"
    code = main(["digest", "--data-dir", str(empty), "--out", str(tmp_path / "d.html")])
    assert code == 2
    assert "no dataset in" in capsys.readouterr().err
    assert not empty.exists() and not (tmp_path / "d.html").exists()
