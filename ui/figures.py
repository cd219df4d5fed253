"""Figures as the pages show them, from the metric registry (analytics/metrics.py):
tiles, table columns and axis titles take their label, help and format from there,
so one figure reads the same on every page."""

from __future__ import annotations

from typing import Any

import streamlit as st

from analytics import metrics

NO_ACCOUNT_MANAGER = "(no account manager)"


def label(name: str) -> str:
    return metrics.get(name).label


def text(name: str, value: object) -> str:
    """`value` in the figure's format (`–` when empty)."""
    return metrics.get(name).text(value)


def tile(cell: Any, name: str, value: object, **kwargs: Any) -> None:
    """A KPI tile for a registry figure: its label, formatted value and help
    (`label=` or `help=` override them)."""
    metric = metrics.get(name)
    kwargs.setdefault("help", metric.tooltip)
    kwargs.setdefault("border", True)
    cell.metric(kwargs.pop("label", metric.label), metric.text(value), **kwargs)


def column(name: str, **kwargs: Any) -> Any:
    """An st.column_config column for a registry figure (label, help, format);
    keyword arguments override or add settings."""
    metric = metrics.get(name)
    kwargs.setdefault("help", metric.tooltip)
    title = kwargs.pop("label", metric.label)
    if metric.unit == "yes/no":
        return st.column_config.CheckboxColumn(title, **kwargs)
    if metric.unit in ("text", "status"):
        return st.column_config.TextColumn(title, **kwargs)
    if metric.format.endswith("%"):
        kwargs.setdefault("format", "percent")
    elif metric.format.endswith(".1f"):
        kwargs.setdefault("format", "%.1f")
    elif metric.format.endswith(".0f"):
        kwargs.setdefault("format", "localized")
    return st.column_config.NumberColumn(title, **kwargs)


def account_manager_label(value: object) -> str:
    """An account manager as shown: the blank one is `(no account manager)`,
    never `nan` or `None`."""
    return value if isinstance(value, str) and value.strip() else NO_ACCOUNT_MANAGER
