"""Chart axes and legends take their words from the metric registry, so the same
figure reads the same in the app's charts and in the digest's images."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import digest, metrics
from ui import charts

MONDAY = dt.date(2026, 11, 16)


def test_axis_titles_name_the_unit_once():
    assert metrics.axis("churned") == "Clients churned"  # label "Churned"
    assert metrics.axis("added") == "Clients added"
    assert metrics.axis("clients_added") == "Clients added"  # names its unit
    assert metrics.axis("overdue_tasks") == "Overdue tasks"
    assert metrics.axis("churn_rate") == "Churn rate"  # a share: no unit
    assert metrics.axis("rate") == "Repurposing rate"


def test_the_app_and_the_digest_label_the_same_charts_alike():
    month = pd.DataFrame(
        {
            "account_manager": ["Ann", "Bob"],
            "status": ["Ahead", "No quota"],
            "added": [12, 3],
            "target": [10, None],
            "expected": [9.5, None],
            "pace": [12 / 9.5, None],
        }
    )
    app_pace = charts.pace_bars(month, "month")
    mail_pace = digest.pace_chart(month, "Quota pace")
    assert app_pace.layout.xaxis.title.text == mail_pace.axis_title == "Clients added"
    assert [t.name for t in app_pace.data[-2:]] == list(mail_pace.marks)
    assert list(mail_pace.marks) == ["Expected by today", "Target"]

    totals = pd.DataFrame(
        {
            "week_start": [MONDAY],
            "churned": [6],
            "active_at_start": [200],
            "churn_rate": [6 / 200],
        }
    )
    weekly = pd.DataFrame({"week_start": [MONDAY], "league": [None], "churned": [6]})
    app_churn = charts.churn_chart(weekly, totals, "league")
    mail_churn = digest.churn_chart(totals)
    assert app_churn.layout.yaxis.title.text == mail_churn.axis_title
    assert app_churn.layout.yaxis2.title.text == mail_churn.rate_axis_title
    assert (mail_churn.axis_title, mail_churn.rate_axis_title) == (
        "Clients churned",
        "Churn rate",
    )
    # 6 / 200 = 3.00%, in the rate's one format (two decimals)
    assert list(mail_churn.rates) == ["Churn rate (right axis; this week 3.00%)"]
    assert "6 of 200 active at the start of the week" in app_churn.data[-1].text

    velocity = pd.DataFrame({"week_start": [MONDAY], "repurposed_in_week": [4]})
    app_velocity = charts.velocity_bars(velocity)
    mail_velocity = digest.velocity_chart(velocity)
    assert app_velocity.layout.yaxis.title.text == mail_velocity.axis_title
    assert mail_velocity.axis_title == "Clients repurposed in the week"


class Cell:
    """Records the st.metric call a tile makes."""

    def metric(self, label, value, **kwargs):
        self.shown = (label, value, kwargs["help"])


def test_a_narrow_tile_takes_the_short_label_and_names_the_figure_in_its_help():
    from ui import figures

    cell = Cell()
    figures.tile(cell, "partners_needing_attention", 1234, short=True)
    label, value, help_text = cell.shown
    assert (label, value) == ("Needing attention", "1,234")
    assert help_text.startswith("**Partners needing attention**: Partners (not the")
    figures.tile(cell, "churned_this_week", 23)
    assert cell.shown[:2] == ("Churned this week", "23")
    assert not cell.shown[2].startswith("**")


def test_a_rate_compares_in_its_own_format():
    friday = dt.date(2026, 11, 20)
    # last week Mon-Fri: 1 churned of 11 active at its start = 9.09%
    assert metrics.vs_last_week(1 / 11, friday, write=metrics.rate) == (
        "vs 9.09% last Mon–Fri"
    )
    assert metrics.vs_last_week(1600, friday) == "vs 1,600 last Mon–Fri"
