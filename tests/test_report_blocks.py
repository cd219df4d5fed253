"""The partner report at scale (issue 16): a large league block draws each status
group's first partners (its subtotal counting them all) until its league is
chosen; a chosen league is drawn whole."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import clicked_csv
from ui import partners as ui

REPORT = "pages/partners.py"
AS_OF = {"as_of": "2026-11-20"}


def partner(pid: str, name: str, league: str, status: str) -> dict:
    return {
        "partner_id": pid,
        "partner_name": name,
        "account_manager": "Ann",
        "league": league,
        "account_status": status,
    }


PARTNERS = [
    partner("P1", "Ash", "Premiership", "Handover"),  # 3 clients
    partner("P2", "Beech", "Premiership", "Handover"),  # 2 clients
    partner("P3", "Cherry", "Premiership", "Handover"),  # 1 client
    # 1 client, repurposed, of an aim of 1: ready for the next stage
    partner("P4", "Dogwood", "Premiership", "Fast-Track") | {"business_plan_aim": 1},
    partner("P5", "Elder", "Champions League", "Fast-Track"),  # 1 client
]
CLIENTS = [
    {"client_id": f"C{i}", "partner_id": pid, "added_date": "2026-01-05"}
    for i, pid in enumerate(["P1", "P1", "P1", "P2", "P2", "P3", "P5"])
] + [
    {
        "client_id": "C9",
        "partner_id": "P4",
        "added_date": "2026-01-05",
        "repurposed_date": "2026-02-01",
    }
]


@pytest.fixture
def report_data(make_data_dir, monkeypatch):
    """The dataset above, with a league block "large" beyond 3 partners and 2
    partners shown per status group (the app's 100 and 20, scaled down)."""
    monkeypatch.setattr(ui, "BLOCK_ROWS", 3)
    monkeypatch.setattr(ui, "GROUP_ROWS", 2)
    ui.league_grids.clear()
    yield make_data_dir(partners=PARTNERS, clients=CLIENTS)
    ui.league_grids.clear()


def names(grid: pd.DataFrame) -> list[str]:
    return list(grid["partner_name"])


def test_a_large_block_shows_each_groups_first_partners(run_app, report_data):
    at = run_app(report_data, page=REPORT, query=AS_OF)
    assert not at.exception
    assert [h.value for h in at.header] == ["Champions League", "Premiership"]
    champions, premiership = (t.value for t in at.dataframe)
    # Champions League: 1 partner, not over 3: drawn whole, nothing to show more.
    assert names(champions) == ["Σ Fast-Track · 1 partner", "Elder"]
    assert [b.key for b in at.button] == ["all-Premiership"]
    # Premiership: 4 partners > 3: Handover's first 2 by clients (Ash 3, Beech 2;
    # Cherry 1 left out), Fast-Track's only one; the subtotal counts all three
    # Handover partners (3 of them): 3 + 2 + 1 = 6 clients, no notes task (✓ 0).
    assert names(premiership) == [
        "Σ Handover · 3 partners",
        "Ash",
        "Beech",
        "Σ Fast-Track · 1 partner",
        "Dogwood",
    ]
    handover = premiership.iloc[0]
    assert (handover["clients_total"], handover["notes"]) == (6, "✓ 0")
    # the league's totals count every partner: 4 partners, 3 + 2 + 1 + 1 clients
    assert any(
        m.value.startswith("**4** partners · **7** clients") for m in at.markdown
    )
    assert any(
        c.value == "Each status group's first 2 partners (most clients first);"
        " 1 more in this league."
        for c in at.caption
    )
    assert at.button(key="all-Premiership").label == "Show all 4 partners"


def test_show_all_chooses_the_league_and_draws_it_whole(run_app, report_data):
    at = run_app(report_data, page=REPORT, query=AS_OF)
    at = at.button(key="all-Premiership").click().run()
    assert not at.exception
    # the League box now says Premiership: its block alone, Cherry included
    assert at.selectbox(key="league").value == "Premiership"
    assert [h.value for h in at.header] == ["Premiership"]
    (premiership,) = (t.value for t in at.dataframe)
    assert names(premiership) == [
        "Σ Handover · 3 partners",
        "Ash",
        "Beech",
        "Cherry",
        "Σ Fast-Track · 1 partner",
        "Dogwood",
    ]
    assert not at.button


def test_a_chosen_league_is_drawn_whole_from_its_link(run_app, report_data):
    # the URL a subtotal's link or a shared link gives: the league chosen
    at = run_app(report_data, page=REPORT, query={**AS_OF, "league": "Premiership"})
    (premiership,) = (t.value for t in at.dataframe)
    # 4 partners (more than 3), all drawn: Ash, Beech, Cherry, Dogwood
    assert names(premiership)[1:4] == ["Ash", "Beech", "Cherry"]
    assert not at.button


def test_the_download_has_every_partner_read_when_clicked(
    run_app, report_data, deferred_downloads
):
    at = run_app(report_data, page=REPORT, query=AS_OF)
    # clicked after the run (as a browser does): the report read from the cache,
    # with every partner, Cherry too (left out of the grid); Dogwood ready (1 / 1)
    rows = clicked_csv(at, "dl-partner_report", deferred_downloads)
    assert [(r["partner_id"], r["is_ready"]) for r in rows] == [
        ("P5", "false"),
        ("P1", "false"),
        ("P2", "false"),
        ("P3", "false"),
        ("P4", "true"),
    ]
