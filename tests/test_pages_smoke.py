"""Every page of app.PAGES runs on the demo data and on an empty dataset, with a
title, no exception and no `nan` or `None` in what it writes."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, commit_tables

# The pages as app.py declares them (importing app.py would run the app).
PAGES = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text())
NAN = re.compile(r"\b(nan|NaN|None)\b")


def shown_text(at) -> list[str]:
    """What the page writes as text: tiles, headings, paragraphs, notes."""
    texts = []
    for metric in at.metric:
        texts += [metric.label, metric.value, metric.delta or ""]
        texts.append(metric.proto.delta_description)
    for kind in ("title", "header", "subheader", "markdown", "caption", "info"):
        texts += [element.value for element in getattr(at, kind)]
    return texts


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory):
    return commit_tables(tmp_path_factory.mktemp("empty"))


def test_the_page_list_is_read_from_app_py():
    assert len(PAGES) == 9 and PAGES[0] == "pages/home.py"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("dataset", ["demo", "empty"])
def test_page_runs(run_app_module, demo_dir, empty_dir, dataset, page):
    at = run_app_module(demo_dir if dataset == "demo" else empty_dir, page=page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    assert [t for t in shown_text(at) if NAN.search(t)] == []
