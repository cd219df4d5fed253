"""One way to write each kind of number, in text and in table columns: counts with
thousands separators, whole percentages (one decimal for churn rates, where a
tenth of a point matters), amounts without cents, days as whole days."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

EMPTY = "–"


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def count(value: object) -> str:
    """`1,234`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:,.0f}"


def percent(value: object) -> str:
    """A fraction as a whole percentage: `42%`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:.0%}"


def rate(value: object) -> str:
    """A churn rate, one decimal: `4.2%`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:.1%}"


def decimal(value: object) -> str:
    """An average or a projection, one decimal: `2.9`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:,.1f}"


def money(value: object) -> str:
    """An amount without cents: `2,273`; `–` when empty."""
    return EMPTY if _missing(value) else f"{value:,.0f}"


def days(value: object) -> str:
    """`today`, `1 day`, `46 days`; `never` when empty (never touched)."""
    if _missing(value):
        return "never"
    return {0: "today", 1: "1 day"}.get(int(value), f"{value:,.0f} days")


# --- table columns (st.column_config), the same formats ------------------------


def count_column(label: str, **kwargs: Any) -> Any:
    return st.column_config.NumberColumn(label, format="%,d", **kwargs)


def money_column(label: str, **kwargs: Any) -> Any:
    return st.column_config.NumberColumn(label, format="%,.0f", **kwargs)


def decimal_column(label: str, **kwargs: Any) -> Any:
    return st.column_config.NumberColumn(label, format="%,.1f", **kwargs)


def percent_column(label: str, **kwargs: Any) -> Any:
    """A whole percentage of a column holding percent points (see `points`)."""
    return st.column_config.NumberColumn(label, format="%.0f%%", **kwargs)


def progress_column(label: str, **kwargs: Any) -> Any:
    """A bar from 0 to 100% of a column holding percent points (see `points`),
    its whole percentage beside it."""
    return st.column_config.ProgressColumn(
        label, format="%.0f%%", min_value=0, max_value=100, **kwargs
    )


def points(fractions: pd.Series) -> pd.Series:
    """Fractions as percent points (0.42 -> 42.0) for the percentage columns:
    a table column's format cannot multiply."""
    return fractions.astype("float64") * 100
