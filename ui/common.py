"""What every page shares: the dataset connection, cached report calls, the sidebar
filters (kept in the URL), and charts/tables with the data one click away."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import dates, store
from analytics.export import to_csv_bytes
from analytics.schema import DEFAULT_NO_TOUCH_DAYS

ALL = "All account managers"


@dataclass(frozen=True)
class Filters:
    as_of: dt.date
    account_manager: str | None
    fiscal_start_month: int
    no_touch_days: int


def data_directory() -> str:
    return str(store.data_dir())


def dataset_version() -> str:
    """The committed version pages read; the demo data is imported on first use.
    Read on every rerun (a one-line file), so a new upload is seen at once."""
    _leave_legacy_pages_mode()
    return store.ensure_dataset(store.data_dir())


def _leave_legacy_pages_mode() -> None:
    """Streamlit runs a `pages/` folder the legacy way (a page file alone, without
    app.py) until `st.navigation` has run once in the process, so the first visit
    after a server start to a page's URL lands here without the sidebar. Switch
    the process to app.py's navigation and run again: the same URL then opens the
    same page through app.py."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(directory: str, version: str):
    """One read-only DuckDB connection per dataset version for the whole process;
    queries take a cursor of it, as a connection must not be shared by threads."""
    return store.connect(store.data_dir(directory), version)


def cursor():
    return _connection(data_directory(), dataset_version()).cursor()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_call(directory: str, version: str, name: str, kwargs: dict) -> Any:
    """Report results (small tables) per dataset version and arguments: unchanged
    data is never recomputed, a new version is a new key."""
    module, function = name.rsplit(".", 1)
    fn = getattr(importlib.import_module(f"analytics.{module}"), function)
    with _connection(directory, version).cursor() as cur:
        return fn(cur, **kwargs)


def call(name: str, **kwargs: Any) -> Any:
    """`call("partners.partner_report", as_of=d)` runs analytics.partners.partner_report
    on the current dataset, cached."""
    return _cached_call(data_directory(), dataset_version(), name, kwargs)


def last_upload() -> store.Upload | None:
    """The upload that made the current dataset (for the sidebar's freshness)."""
    directory = store.data_dir()
    version = dataset_version()
    return next((u for u in store.uploads(directory) if u.version == version), None)


def latest_data_date() -> dt.date | None:
    return call("store.latest_date")


def filters() -> Filters:
    """The sidebar's choices (set by app.py's sidebar on every run)."""
    state = st.session_state
    am = state.get("am")
    return Filters(
        as_of=state.get("as_of") or dates.default_as_of(latest_data_date()),
        account_manager=None if am in (None, ALL) else am,
        fiscal_start_month=int(state.get("fy_start") or fiscal_start_default()),
        no_touch_days=int(state.get("no_touch") or DEFAULT_NO_TOUCH_DAYS),
    )


def fiscal_start_default() -> int:
    return int(
        os.environ.get("AMD_FISCAL_START_MONTH", dates.DEFAULT_FISCAL_START_MONTH)
    )


def download(df: pd.DataFrame, name: str, key: str | None = None) -> None:
    """A CSV download of `df` (formula cells neutralised)."""
    st.download_button(
        "Download CSV",
        to_csv_bytes(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"dl-{name}",
        icon=":material/download:",
        on_click="ignore",
    )


def table(df: pd.DataFrame, name: str, **kwargs: Any) -> Any:
    """A dataframe with its CSV download beneath it; at most 10,000 rows shown."""
    shown = df.head(10_000)
    result = st.dataframe(shown, hide_index=True, **kwargs)
    if len(df) > len(shown):
        st.caption(f"Showing 10,000 of {len(df):,} rows; the download has them all.")
    download(df, name)
    return result


def chart(fig: go.Figure, df: pd.DataFrame, name: str, **kwargs: Any) -> Any:
    """A plotly chart with the table behind it one click away."""
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend_title_text="")
    event = st.plotly_chart(fig, key=f"chart-{name}", **kwargs)
    with st.expander("Table behind this chart"):
        table(df, name)
    return event


def pct(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"
