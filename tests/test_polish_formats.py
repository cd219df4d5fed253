"""One format per kind of figure (issue 16): counts with thousands separators,
whole percentages in tables, churn rates with two decimals, amounts without cents,
the same in text (pages, digest, packs) and in table columns; never `nan`."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analytics import metrics
from tests.test_pages_performance import (
    ACTIVITIES,
    CLIENTS,
    PARTNERS,
    QUOTAS,
    open_page,
)
from ui import figures


def test_text_of_each_kind():
    assert metrics.count(1407) == "1,407"
    assert metrics.count(1407.0) == "1,407"
    assert metrics.percent(0.5221) == "52%"
    assert metrics.rate(0.004321) == "0.43%"
    assert metrics.decimal(530.66) == "530.7"
    assert metrics.money(2273.45) == "2,273"
    assert metrics.money(980.95) == "981"
    for empty in (None, math.nan, pd.NA):
        assert metrics.count(empty) == metrics.percent(empty) == "–"
        assert metrics.days(empty) == "never"
    assert [metrics.days(n) for n in (0, 1, 46, 1200)] == [
        "today",
        "1 day",
        "46 days",
        "1,200 days",
    ]


def test_registry_columns_take_the_same_format_as_the_text():
    def fmt(name: str) -> str:
        return figures.column(name)["type_config"]["format"]

    # sprintf's "%,d" is Python's "{:,}"; the share columns hold percent points.
    assert fmt("clients_added") == "%,d"
    assert fmt("rate") == "%.0f%%"
    assert fmt("pace") == "%.0f%%"
    assert fmt("churn_rate") == "%.2f%%"
    assert fmt("expected") == "%,.1f"
    assert fmt("current_amount_total") == "%,.0f"
    # The column formats are printf (sprintf-js in the browser): 0.5221 shown as
    # points 52.21 in "%.0f%%" reads "52%", as metrics.percent writes it.
    assert "%.0f%%" % 52.21 == metrics.percent(0.5221) == "52%"  # noqa: UP031
    assert "%.2f%%" % 0.4321 == metrics.rate(0.004321)  # noqa: UP031
    bar = figures.column("plan_progress", bar=True)["type_config"]
    assert (bar["type"], bar["format"], bar["min_value"], bar["max_value"]) == (
        "progress",
        "%.0f%%",
        0,
        100,
    )


def test_shown_turns_only_the_share_columns_into_points():
    table = pd.DataFrame(
        {
            "league": ["Premiership", "No league"],
            "clients_added": [1407, 272],
            "rate": [0.5221, None],
        }
    )
    shown = figures.shown(table)
    assert shown["clients_added"].tolist() == [1407, 272]
    assert shown["rate"].iloc[0] == pytest.approx(52.21)
    assert pd.isna(shown["rate"].iloc[1])
    assert table["rate"].iloc[0] == 0.5221  # the download keeps the fraction


def test_repurposing_rate_table_shows_whole_percentages(make_data_dir, run_app):
    data_dir = make_data_dir(
        partners=PARTNERS, clients=CLIENTS, quotas=QUOTAS, activities=ACTIVITIES
    )
    at = open_page(run_app, data_dir, "pages/repurposing.py")
    assert not at.exception
    grids = [e for e in at.dataframe if '"label": "Rate"' in e.proto.columns]
    assert len(grids) == 1
    rates = grids[0].value.set_index("league")
    config = json.loads(grids[0].proto.columns)
    # Ever repurposed by 20 Nov / added: Premiership (Acme 5, Cole 2) A1, N1 of 7
    # = 28.57%; 1st Division (Bolt 7) A2 of 7 = 14.29%; no league (Dale 3) and
    # 2nd Division (Eden 1) none.
    assert rates["rate"].to_dict() == pytest.approx(
        {
            "No league": 0,
            "Premiership": 200 / 7,
            "1st Division": 100 / 7,
            "2nd Division": 0,
        }
    )
    assert config["rate"]["type_config"]["format"] == "%.0f%%"  # 29%, 14%
    assert config["clients_added"]["type_config"]["format"] == "%,d"
    assert config["ever_repurposed"]["type_config"]["format"] == "%,d"


def test_an_empty_cell_shows_a_dash_not_none(make_data_dir, run_app):
    data_dir = make_data_dir(
        partners=PARTNERS, clients=CLIENTS, quotas=QUOTAS, activities=ACTIVITIES
    )
    at = open_page(run_app, data_dir, "pages/repurposing.py", rby="Account manager")
    assert not at.exception
    grid = next(e for e in at.dataframe if '"label": "Rate"' in e.proto.columns)
    medians = grid.value.set_index("account_manager")["median_days"]
    # Ann's A1 (17 days), N1 (4), A2 (51): median 17; Bob and Cara repurposed
    # nobody, so no median: an empty cell, drawn as "–" (Streamlit's default
    # would write "None").
    assert medians["Ann"] == 17
    assert medians[["Bob", "Cara"]].isna().all()
    assert grid.proto.placeholder == "–"
