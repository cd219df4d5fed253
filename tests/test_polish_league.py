"""One rule for "No league" on the Python side (SPEC 5: no league on top, named):
blank and missing leagues both read `No league`, every other name as it is."""

import math

import pandas as pd

from analytics.schema import NO_LEAGUE, league_name, league_names


def test_blank_and_missing_leagues_are_no_league():
    for value in (None, math.nan, pd.NA, "", "   "):
        assert league_name(value) == "No league", repr(value)
    assert NO_LEAGUE == "No league"


def test_a_named_league_reads_as_it_is():
    assert league_name("Premiership") == "Premiership"
    assert league_name("<b>x</b>") == "<b>x</b>"  # escaping is the display's job


def test_league_names_of_a_column():
    leagues = pd.Series(["Champions League", None, "", "2nd Division", math.nan])
    assert league_names(leagues).tolist() == [
        "Champions League",
        "No league",
        "No league",
        "2nd Division",
        "No league",
    ]
