"""What every page shares: the dataset connection, cached report calls, the sidebar
filters (kept in the URL), and charts/tables with the data one click away."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analytics import access, bootstrap, dates, db, store
from analytics.export import to_csv_bytes, to_excel_bytes
from analytics.schema import DEFAULT_NO_TOUCH_DAYS, UNKNOWN_PARTNER

ALL = "All account managers"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DETAIL_PAGE = "pages/partner.py"
# The columns that name a partner in a table, in the users' words.
PARTNER_COLUMNS = {
    "partner_name": "Partner",
    "account_manager": "Account manager",
    "league": "League",
    "account_status": "Account status",
}


@dataclass(frozen=True)
class Filters:
    as_of: dt.date
    account_manager: str | None
    fiscal_start_month: int
    no_touch_days: int


def data_directory() -> str:
    return str(store.data_dir())


# Where a run keeps the dataset version it reads (see `start_run`).
_RUN_VERSION = "_dataset_version"
NEWER_DATA_CHECK_SECONDS = 30


def start_run() -> str:
    """Read the current dataset version once, at the start of a run (app.py), for
    the whole page: a commit landing mid-run cannot mix two versions on one page.
    The demo data is imported on first use."""
    _leave_legacy_pages_mode()
    version = bootstrap.ensure_dataset(store.data_dir())
    st.session_state[_RUN_VERSION] = version
    return version


def dataset_version() -> str:
    """The dataset version this run reads (read once by `start_run`)."""
    return st.session_state.get(_RUN_VERSION) or start_run()


@st.fragment(run_every=NEWER_DATA_CHECK_SECONDS)
def newer_data_notice() -> None:
    """Tell an open page that a newer dataset was committed since it was drawn
    (checked every 30 s: a one-line file); the page keeps its version until then."""
    if store.current_version(store.data_dir()) in (None, dataset_version()):
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(
            "Newer data was committed: refresh to see it.", icon=":material/update:"
        )
        if st.button("Refresh", icon=":material/refresh:", key="refresh_data"):
            st.rerun()


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
    return db.connect(store.version_path(store.data_dir(directory), version))


def cursor():
    return _connection(data_directory(), dataset_version()).cursor()


@st.cache_resource(max_entries=32, show_spinner=False)
def _book(directory: str, version: str, account_managers: tuple[str, ...]):
    """The dataset narrowed to some AMs' books (analytics.access), in memory, per
    version: what an AM's or a manager's reports read."""
    path = store.version_path(store.data_dir(directory), version)
    return access.book(path, account_managers)


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_report(
    directory: str,
    version: str,
    name: str,
    _fn: Callable[..., Any],
    kwargs: dict,
    books: tuple[str, ...] | None = None,
) -> Any:
    """Report results (small tables) per dataset version, function, arguments and
    books (None: all): unchanged data is never recomputed, a new version is a new
    key. The function itself stays out of the hash (`_fn`); its qualified `name`
    keys it."""
    con = (
        _connection(directory, version)
        if books is None
        else _book(directory, version, books)
    )
    with con.cursor() as cur:
        return _fn(cur, **kwargs)


def report(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """`report(partners.partner_report, as_of=d)` runs that analytics function on
    the dataset version of this run, cached, over the viewer's books only."""
    from ui import auth  # auth builds on this module

    name = f"{fn.__module__}.{fn.__qualname__}"
    version = dataset_version()  # first: it may rerun the page through app.py
    return _cached_report(data_directory(), version, name, fn, kwargs, auth.books())


def last_upload() -> store.Upload | None:
    """The upload that made the current dataset (for the sidebar's freshness)."""
    return store.upload(store.data_dir(), dataset_version())


def latest_data_date() -> dt.date | None:
    """The dataset's latest date (the default as-of), the same for every viewer so
    that a book's figures match the same AM's in a manager's or admin's view."""
    version = dataset_version()
    return _cached_report(
        data_directory(), version, "store.latest_date", store.latest_date, {}
    )


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
    """CSV and Excel downloads of `df` side by side (formula cells neutralised);
    the workbook is built only when its button is pressed."""
    key = key or f"dl-{name}"
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV",
            to_csv_bytes(df),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=key,
            icon=":material/download:",
            on_click="ignore",
        )
        st.download_button(
            "Download Excel",
            lambda: to_excel_bytes(df, name),
            file_name=f"{name}.xlsx",
            mime=XLSX,
            key=f"{key}-xlsx",
            icon=":material/table_view:",
            on_click="ignore",
        )


def table(
    df: pd.DataFrame, name: str, columns: dict | None = None, **kwargs: Any
) -> Any:
    """A dataframe with its CSV download beneath it; at most 10,000 rows shown.
    `columns`: the column settings in the order shown (only those columns)."""
    if columns is not None:
        kwargs |= {"column_config": columns, "column_order": list(columns)}
    shown = df.head(10_000)
    result = st.dataframe(shown, hide_index=True, **kwargs)
    if len(df) > len(shown):
        st.caption(f"Showing 10,000 of {len(df):,} rows; the download has them all.")
    download(df, name)
    return result


def partner_table(
    df: pd.DataFrame, name: str, columns: dict, key: str, **kwargs: Any
) -> None:
    """A table of partners (`df` has their partner_id) whose selected row opens
    that partner's detail page."""
    event = table(
        df,
        name,
        columns,
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        **kwargs,
    )
    open_selected_partner(event, df)


def open_selected_partner(event: object, df: pd.DataFrame) -> None:
    """Open the partner of the row selected in a dataframe event over `df`."""
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows:
        open_partner(df["partner_id"].iloc[rows[0]])


def open_partner(partner_id: str) -> None:
    """Switch to the partner's detail page; the `(unknown partner)`, whose id is
    empty, travels by its label (an empty parameter would clear the chooser)."""
    st.switch_page(DETAIL_PAGE, query_params={"partner": partner_id or UNKNOWN_PARTNER})


def chart(fig: go.Figure, df: pd.DataFrame, name: str, **kwargs: Any) -> Any:
    """A plotly chart with the table behind it one click away."""
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend_title_text="")
    event = st.plotly_chart(fig, key=f"chart-{name}", **kwargs)
    with st.expander("Table behind this chart"):
        table(df, name)
    return event


def drill_chart(fig: go.Figure, df: pd.DataFrame, name: str) -> Any:
    """A chart whose clicked points come back (`event.selection.points`) for a
    drill-down below it."""
    return chart(fig, df, name, on_select="rerun", selection_mode="points")


def share_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    axis_title: str,
    text: list[str],
    custom_data: list[str],
    hovertemplate: str,
    colour: str,
) -> go.Figure:
    """A share (0 to 1, column `share`) per account manager as horizontal bars, in
    the frame's order, with `text` written on the bars."""
    fig = px.bar(
        frame,
        x="share",
        y="account_manager",
        orientation="h",
        custom_data=custom_data,
        title=title,
        labels={"share": axis_title, "account_manager": ""},
        text=text,
    )
    fig.update_traces(hovertemplate=hovertemplate, marker_color=colour)
    fig.update_layout(
        xaxis_tickformat=".0%",
        xaxis_range=[0, 1.05],
        yaxis_autorange="reversed",
        height=120 + 40 * len(frame),
    )
    return fig


def choice(label: str, options: Sequence[str], key: str, **kwargs: Any) -> str:
    """One of a few options as a segmented control, kept in the URL under `key`;
    the first option unless `default` is given."""
    kwargs.setdefault("default", options[0])
    return st.segmented_control(
        label, options, required=True, key=key, bind="query-params", **kwargs
    )


def note_tile(cell: Any, label: str, value: str, note: str, **kwargs: Any) -> None:
    """A KPI tile with a neutral note under its figure (no colour, no arrow)."""
    cell.metric(
        label,
        value,
        note,
        delta_color="off",
        delta_arrow="off",
        border=True,
        **kwargs,
    )


def pct(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"
