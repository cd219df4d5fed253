"""Untrusted text in the charts the pages draw (issue 14's leftover), walked with
AppTest over the hostile dataset of test_pages_hostile (a league named
`<b>Tag</b> & Co`, an account manager `_Ann_ <i>`): no chart of this lane's pages
sends plotly a tag from the data; the names reach it escaped."""

from __future__ import annotations

import json

import pytest

from tests.test_pages_hostile import hostile, run_page  # noqa: F401  (fixture)

RAW = ("<b>Tag", "<i>", "& Co")  # as the data has them
LEAGUE = "&lt;b&gt;Tag&lt;/b&gt; &amp; Co"  # as plotly must get them
AM = "_Ann_ &lt;i&gt;"
# (page, the page's own widget settings, a name its charts show): every chart of
# this lane's pages (the partners' names hold no HTML; the dataset has no plans)
VIEWS = [
    ("pages/home.py", {}, LEAGUE),  # the churn legend; the pace bars by AM
    ("pages/quota.py", {}, AM),
    ("pages/repurposing.py", {"rby": "League"}, LEAGUE),
    ("pages/repurposing.py", {"rby": "Account manager"}, AM),
    ("pages/repurposing.py", {"rby": "Partner"}, None),
    ("pages/churn.py", {"cby": "League"}, LEAGUE),
    ("pages/churn.py", {"cby": "Account manager"}, AM),
    ("pages/plans.py", {}, None),
]


def drawn_text(at) -> list[str]:
    """Each plotly chart of the run as JSON, without the customdata (the raw keys
    the drill-downs read back, never drawn)."""
    shown = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            trace.pop("customdata", None)
        shown.append(json.dumps(spec))
    return shown


@pytest.mark.parametrize(("page", "widgets", "name"), VIEWS)
def test_charts_get_the_names_escaped(run_app, hostile, page, widgets, name):  # noqa: F811
    at = run_page(run_app, hostile, page)
    if widgets:
        for key, value in widgets.items():
            at.session_state[key] = value
        at.run()
        assert not at.exception
    charts = drawn_text(at)
    assert charts, page
    for chart in charts:
        for raw in RAW:
            assert raw not in chart, (page, raw)
    if name is not None:  # the hostile name does reach a chart, escaped
        assert any(name in chart for chart in charts), page
