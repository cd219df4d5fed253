"""Kept only for ui/common.py, ui/calendar_grid.py and pages/activity.py (lane
"memory"), which still import it: every format lives in ui/figures.py."""

from ui.figures import count, percent  # noqa: F401
