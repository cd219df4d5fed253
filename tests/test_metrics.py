"""The metric registry: every figure once, documented, with a test that exists."""

from __future__ import annotations

import re

from analytics import metrics
from tests.conftest import ROOT


def test_docs_metrics_md_is_generated_from_the_registry():
    # Regenerate with `python -m analytics.metrics` after changing the registry.
    assert (ROOT / "docs" / "metrics.md").read_text() == metrics.markdown()


def test_every_figure_has_one_entry_with_a_definition_and_a_test_that_exists():
    names = [m.name for m in metrics.REGISTRY]
    assert len(names) == len(set(names))
    for metric in metrics.REGISTRY:
        assert metric.label and metric.unit and metric.definition, metric.name
        path, test = metric.test.split("::")
        source = (ROOT / path).read_text()
        assert re.search(rf"^def {test}\(", source, re.M), metric.test


def test_no_two_figures_share_a_label():
    # SPEC 4: two different quantities never share a label.
    labels = [m.label for m in metrics.REGISTRY]
    assert sorted({x for x in labels if labels.count(x) > 1}) == []
    # The two repurposed counts are told apart everywhere.
    assert metrics.label("clients_repurposed") == "Repurposed"
    assert metrics.label("ever_repurposed") == "Ever repurposed"


def test_text_formats_and_never_shows_nan():
    # 1234 clients -> "1,234"; a 0.256 share -> "26%"; an empty one -> "–".
    assert metrics.get("clients_total").text(1234) == "1,234"
    assert metrics.get("rate").text(0.256) == "26%"
    assert metrics.get("rate").text(float("nan")) == "–"
    assert metrics.get("rate").text(None) == "–"
    assert metrics.get("expected").text(7.142857) == "7.1"


def test_comparison_sentences_say_where_they_stop():
    from tests.conftest import d

    # Wednesday 4 November 2026: last week Monday to Wednesday, last month 1-4 Oct.
    assert metrics.vs_last_week(16, d("2026-11-04")) == "vs 16 last Mon–Wed"
    assert metrics.vs_last_month(1234, d("2026-11-04")) == "vs 1,234 on 1–4 Oct"
    assert metrics.quota_note(743) == "target 743"
    assert metrics.quota_note(None) == "no quota set"
    assert metrics.no_quota_note(743, 1, 106) == (
        "No quota: 1 AM, 106 added (not in the team's pace)."
    )
    assert metrics.no_quota_note(743, 2, 5).startswith("No quota: 2 AMs, 5 added")
    assert metrics.no_quota_note(743, 0, 0) == ""
    assert metrics.no_quota_note(None, 3, 9) == ""  # nobody has a target
