"""AppTest of `ui.common.chart`: the table behind a chart (and its downloads) is
built only once its expander is opened."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import clicked_csv, open_expanders


def chart_page() -> None:
    """A bar chart of three AMs' clients added, with its table behind it."""
    import pandas as pd
    import plotly.express as px

    from ui import common

    added = pd.DataFrame({"account_manager": ["Ann", "Bob", "Cid"], "added": [3, 0, 5]})
    common.chart(px.bar(added, x="account_manager", y="added"), added, "added_by_am")


def test_the_table_behind_a_chart_is_built_once_opened(deferred_downloads):
    at = AppTest.from_function(chart_page).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    # Closed: the expander's label only, no grid and no download button.
    assert [e.label for e in at.expander] == ["Table behind this chart"]
    assert len(at.dataframe) == 0
    assert at.get("download_button") == []

    at = open_expanders(at, "Table behind this chart")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    (grid,) = at.dataframe
    # The three rows as given: Ann 3, Bob 0, Cid 5.
    assert grid.value.values.tolist() == [["Ann", 3], ["Bob", 0], ["Cid", 5]]
    rows = clicked_csv(at, "dl-added_by_am", deferred_downloads)
    assert [(r["account_manager"], r["added"]) for r in rows] == [
        ("Ann", "3"),
        ("Bob", "0"),
        ("Cid", "5"),
    ]
