"""What every page shares: the dataset connection, cached report calls, the sidebar
filters (kept in the URL), and charts/tables with the data one click away."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import inspect
import os
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from analytics import access, bootstrap, dates, db, metrics, store
from analytics.export import to_csv_bytes, to_excel_bytes
from analytics.schema import DEFAULT_NO_TOUCH_DAYS, UNKNOWN_PARTNER
from ui import figures

ALL = "All account managers"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DETAIL_PAGE = "pages/partner.py"
MAX_ROWS = 10_000  # rows drawn in one grid; the download has them all
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
    version = bootstrap.ensure_dataset(store.data_dir())
    st.session_state[_RUN_VERSION] = version
    return version


# glibc's allocator: one heap per thread up to 8 per core (Streamlit runs every
# rerun in a new thread), each keeping the pages it freed. Two heaps, and the
# free pages handed back after each run, keep the server's memory near what it
# holds (measured in scripts/bench_server_memory.py).
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None)
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
MALLOC_ARENAS = 2
if hasattr(_LIBC, "mallopt"):
    _LIBC.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
# Arrow (pandas' text columns, the cache's results) allocates from the same
# heaps, not from its own mimalloc pool, which kept what it freed: 30-45 MB off
# the server's peak at 5M clients, at the same speed.
pa.set_memory_pool(pa.system_memory_pool())


def release_memory() -> None:
    """Hand the memory a finished run freed back to the system (glibc only),
    Arrow's included."""
    if hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)


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


def leave_legacy_pages_mode() -> None:
    """Streamlit runs a `pages/` folder the legacy way (a page file alone, without
    app.py, its file names in the sidebar) until `st.navigation` has run once in
    the process. Every page imports this module before it draws anything, so the
    first visit after a server start to a page's URL turns that mode off here and
    runs again through app.py's navigation."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


# The pickled bytes the report cache keeps (least recently used dropped first):
# several as-of dates of every page at 5M clients, within the server's 0.5 GB.
CACHE_ENV = "AMD_CACHE_MB"
CACHE_MB = int(os.environ.get(CACHE_ENV) or 96)


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(directory: str, version: str):
    """One read-only DuckDB connection per dataset version for the whole process
    (the current one and the one before, for runs that started on it); queries
    take a cursor of it, as a connection must not be shared by threads."""
    return db.connect(store.version_path(store.data_dir(directory), version))


def cursor():
    return _connection(data_directory(), dataset_version()).cursor()


def cursor_later() -> Callable[[], Any]:
    """`cursor` to be opened when called, e.g. by a download's click after the
    run (on this run's dataset version)."""
    directory, version = data_directory(), dataset_version()
    return lambda: _connection(directory, version).cursor()


@st.cache_resource(max_entries=16, ttl="2h", show_spinner=False)
def _book(directory: str, version: str, account_managers: tuple[str, ...]):
    """The dataset narrowed to some AMs' books (analytics.access), in memory, per
    version: what an AM's or a manager's reports read (16 at most, each made
    again after 2 h: every book is an in-memory DuckDB of its own)."""
    path = store.version_path(store.data_dir(directory), version)
    con = access.book(path, account_managers)
    db.set_limits(con)  # an in-memory database: its own buffer pool
    return con


@st.cache_data(max_entries=512, max_size=CACHE_MB * 2**20, show_spinner=False)
def _cached_report(
    directory: str,
    version: str,
    name: str,
    _fn: Callable[..., Any],
    kwargs: dict,
    books: tuple[str, ...] | None = None,
) -> Any:
    """Report results (small tables) per dataset version, function, arguments and
    books (None: all), at most CACHE_MB of them: unchanged data is never
    recomputed, a new version is a new key. The function itself stays out of the
    hash (`_fn`); its qualified `name` keys it."""
    with _database(directory, version, books).cursor() as cur:
        return _fn(cur, **kwargs)


def _database(directory: str, version: str, books: tuple[str, ...] | None):
    """The whole dataset (books None) or those AMs' books, at `version`."""
    if books is None:
        return _connection(directory, version)
    return _book(directory, version, books)


@dataclass(frozen=True)
class Head:
    """The first rows of a long result (what a page draws), and whether it has
    more."""

    rows: pd.DataFrame
    more: bool


def report(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """`report(partners.partner_report, as_of=d)` runs that analytics function on
    the dataset version of this run, cached, over the viewer's books only."""
    return _report(fn, kwargs)


def report_head(fn: Callable[..., Any], rows: int = MAX_ROWS, **kwargs: Any) -> Head:
    """`report` for a long result of which a page draws the first `rows` (e.g. one
    row per client), for a function taking a `limit`: neither the query, the cache
    nor the browser holds the whole list (offer it with `download_report`)."""
    first = _report(fn, {**kwargs, "limit": rows + 1})
    return Head(first.head(rows), len(first) > rows)


def _report(fn: Callable[..., Any], kwargs: dict) -> Any:
    key = _report_key(fn, kwargs)
    result = _cached_report(*key)
    if isinstance(result, pd.DataFrame):
        _remember_origin(result, partial(_cached_report, *key))
    return result


# The report results alive in runs, by id: how to read each again from the cache
# (its `report_later`), so that a download of that very frame keeps the cache
# key until it is clicked, not each session's own copy of the frame.
_ORIGINS: dict[int, tuple[weakref.ref, Callable[[], Any], tuple, int]] = {}


def _remember_origin(df: pd.DataFrame, later: Callable[[], Any]) -> None:
    ident = id(df)
    forget = partial(_ORIGINS.pop, ident, None)  # when the frame is freed
    _ORIGINS[ident] = (weakref.ref(df, lambda _: forget()), later, tuple(df), len(df))


def _later(df: pd.DataFrame) -> Callable[[], Any]:
    """`df` to be read when called: from the report cache when `df` is a report
    result as it came (same columns and rows), else `df` itself."""
    found = _ORIGINS.get(id(df))
    if found is not None:
        ref, later, columns, rows = found
        if ref() is df and tuple(df) == columns and len(df) == rows:
            return later
    return lambda: df


def _report_key(fn: Callable[..., Any], kwargs: dict) -> tuple:
    """`_cached_report`'s arguments for `fn(**kwargs)` in this run."""
    from ui import auth  # auth builds on this module

    version = dataset_version()  # first: it may rerun the page through app.py
    return (
        data_directory(),
        version,
        f"{fn.__module__}.{fn.__qualname__}",
        fn,
        arguments(fn, kwargs),
        auth.books(),
    )


def arguments(fn: Callable[..., Any], kwargs: dict) -> dict:
    """`kwargs` with `fn`'s defaults filled in, in its parameters' order: one cache
    entry for one result however a page spells the call (`as_of=d` alone or with
    `account_manager=None`)."""
    bound = inspect.signature(fn).bind_partial(**kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


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


def download(
    df: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str | None = None
) -> None:
    """CSV and Excel downloads of `df` side by side (formula cells neutralised),
    each built only when its button is pressed (the CSV kept for the next click
    on the same data). `df` may be a callable that returns the frame when
    clicked (`report_later`): the session then keeps no copy of it meanwhile, as
    for a report result passed as it came (`_later`)."""
    key = key or f"dl-{name}"
    frame = df if callable(df) else _later(df)
    with st.container(horizontal=True):
        st.download_button(
            "Download CSV",
            lambda: _csv_bytes(frame()),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=key,
            icon=":material/download:",
            on_click="ignore",
        )
        st.download_button(
            "Download Excel",
            lambda: to_excel_bytes(frame(), name),
            file_name=f"{name}.xlsx",
            mime=XLSX,
            key=f"{key}-xlsx",
            icon=":material/table_view:",
            on_click="ignore",
        )


def report_later(fn: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
    """`report(fn, **kwargs)` to be read when called (e.g. by a download's click,
    after the run): it holds the cache key of this run's dataset version and
    books, not the result."""
    return partial(_cached_report, *_report_key(fn, kwargs))


def download_report(
    fn: Callable[..., Any], name: str, key: str | None = None, **kwargs: Any
) -> None:
    """A CSV download of `fn`'s whole result (e.g. every page of a paged table),
    queried only when the button is clicked, on this run's dataset version and
    the viewer's books."""
    from ui import auth  # auth builds on this module

    directory, version, books = data_directory(), dataset_version(), auth.books()

    def build() -> bytes:
        with _database(directory, version, books).cursor() as cur:
            return _csv_bytes(fn(cur, **kwargs))

    st.download_button(
        "Download CSV",
        build,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"dl-{name}",
        icon=":material/download:",
        on_click="ignore",
    )


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """The download's bytes, cached on a fingerprint of the whole frame (hashing
    is ~10x quicker than writing the CSV, and exact where st.cache_data samples)."""
    try:
        fingerprint = int(pd.util.hash_pandas_object(df, index=False).sum())
    except TypeError:  # unhashable cells (lists): build it every time
        return to_csv_bytes(df)
    return _cached_csv(fingerprint, tuple(df.columns), len(df), df)


@st.cache_data(max_entries=8, max_size=CACHE_MB * 2**20, show_spinner=False)
def _cached_csv(
    fingerprint: int, columns: tuple, rows: int, _df: pd.DataFrame
) -> bytes:
    """CSV bytes of the last few frames downloaded, keyed on their content."""
    return to_csv_bytes(_df)


def table(
    df: pd.DataFrame,
    name: str | None,
    columns: dict | None = None,
    shown: pd.DataFrame | None = None,
    more: bool = False,
    **kwargs: Any,
) -> Any:
    """A dataframe (`shown`, default `df`; at most MAX_ROWS rows drawn) with the CSV
    download of `df` beneath it (none when `name` is None). `columns`: the column
    settings in the order shown (only those columns). `more`: `df` is the head of
    a longer list (`report_head`). An empty cell shows as "–", never "None"."""
    grid = df if shown is None else shown
    kwargs.setdefault("placeholder", figures.EMPTY)
    if columns is not None:
        kwargs |= {"column_config": columns, "column_order": list(columns)}
    result = st.dataframe(grid.head(MAX_ROWS), hide_index=True, **kwargs)
    if more:
        st.caption(f"Showing the first {len(grid):,} rows; the download has them all.")
    elif len(grid) > MAX_ROWS:
        st.caption(
            f"Showing {MAX_ROWS:,} of {len(grid):,} rows; the download has them all."
        )
    if name is not None:
        download(df, name)
    return result


def partner_table(
    df: pd.DataFrame,
    name: str | None,
    columns: dict,
    key: str,
    shown: pd.DataFrame | None = None,
    **kwargs: Any,
) -> None:
    """A table of partners (`shown`, default `df`, has their partner_id) whose
    selected row opens that partner's detail page; see `table`.

    The row is resolved to its partner id with the ids of the very run that drew
    the grid: a keyed dataframe keeps a selection by position when its data
    changes (streamlit#17026), so the position is never read against new data."""
    pending = st.session_state.pop(f"{key}-open", None)
    if pending is not None:
        open_partner(pending)
    ids = (df if shown is None else shown)["partner_id"]
    table(
        df,
        name,
        columns,
        shown,
        on_select=partial(_remember_partner, key, ids),
        selection_mode="single-row",
        key=key,
        **kwargs,
    )


def _remember_partner(key: str, partner_ids: pd.Series) -> None:
    """Selection callback: note the partner id of the row just selected, as drawn
    (`partner_ids` are the grid's ids in its order); the rerun opens it."""
    rows = st.session_state[key].selection.rows
    if rows:
        pid = partner_ids.iloc[rows[0]]
        if pid is not None and not pd.isna(pid):
            st.session_state[f"{key}-open"] = pid


def chosen_partner_in_url(key: str) -> None:
    """A partner chooser's callback: keep the partner chosen under `key` in the URL
    (`?partner=<id>`), so that a copied link and the other pages' links (which
    pass the id) open the same partner. A callback defined in a page would keep
    that page's whole namespace (its reports) for as long as the session lives."""
    chosen = st.session_state[key]
    if chosen is None:
        st.query_params.pop("partner", None)
    else:
        st.query_params["partner"] = chosen or UNKNOWN_PARTNER


def open_partner(partner_id: str) -> None:
    """Switch to the partner's detail page; the `(unknown partner)`, whose id is
    empty, travels by its label (an empty parameter would clear the chooser)."""
    st.switch_page(DETAIL_PAGE, query_params={"partner": partner_id or UNKNOWN_PARTNER})


def chart(fig: go.Figure, df: pd.DataFrame, name: str, **kwargs: Any) -> Any:
    """A plotly chart with the table behind it one click away (registry figures
    in their formats, as in every other table). The table and its download are
    built only once the expander is opened (its state under `behind-{name}`): a
    page draws its charts without a hidden grid each."""
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend_title_text="")
    event = st.plotly_chart(fig, key=f"chart-{name}", **kwargs)
    with st.expander(
        "Table behind this chart", key=f"behind-{name}", on_change="rerun"
    ) as behind:
        if behind.open:
            settings = {
                c: figures.column(c) for c in df.columns if c in metrics.METRICS
            } | {
                c: st.column_config.TextColumn(label)
                for c, label in PARTNER_COLUMNS.items()
                if c in df.columns
            }
            table(df, name, shown=figures.shown(df), column_config=settings)
    return event


def drill_chart(fig: go.Figure, df: pd.DataFrame, name: str) -> Any:
    """A chart whose clicked points come back (`event.selection.points`) for a
    drill-down below it."""
    return chart(fig, df, name, on_select="rerun", selection_mode="points")


def is_phone() -> bool:
    """Whether the browser says it is a phone (its User-Agent), for the layouts
    that show fewer columns on a narrow screen."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def choice(label: str, options: Sequence[str], key: str, **kwargs: Any) -> str:
    """One of a few options as a segmented control, kept in the URL under `key`;
    the first option unless `default` is given."""
    kwargs.setdefault("default", options[0])
    return st.segmented_control(
        label, options, required=True, key=key, bind="query-params", **kwargs
    )


# Partners a chooser offers at once (Partner detail): the rest are found by typing,
# so that a session holds and sends a short list, not the whole book's names.
CHOOSER_OPTIONS = 100


def chooser_options(
    labels: dict[str, str], search: str, keep: str | None
) -> tuple[dict[str, str], int]:
    """The first CHOOSER_OPTIONS of `labels` (id -> label, in their order) whose
    label or id contains `search` (ignoring case), with `keep` (the partner chosen)
    first when it is not among them; and how many partners match."""
    text = search.strip().casefold()
    matching = [
        pid
        for pid, label in labels.items()
        if text in label.casefold() or (text and text in pid.casefold())
    ]
    offered = {pid: labels[pid] for pid in matching[:CHOOSER_OPTIONS]}
    if keep in labels and keep not in offered:
        offered = {keep: labels[keep], **offered}
    return offered, len(matching)


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
    return figures.percent(value)


# On import, before any page draws: see the function's docstring (and app.py).
leave_legacy_pages_mode()


def pack_buttons(
    label: str, file_stem: str, as_of: dt.date, help: str | None = None, **who: Any
) -> None:
    """PowerPoint and PDF downloads of a pack (`who`: partner_id= for a QBR,
    account_manager= for a 1:1), from this run's dataset version and the viewer's
    books, built only when clicked."""
    from analytics import packs
    from ui import auth  # auth builds on this module

    cells = st.columns([1, 1, 4])[:2]
    for cell, suffix in zip(cells, packs.MIME, strict=True):
        cell.download_button(
            f"{label} ({suffix.upper()})",
            partial(
                packs.pack_file,
                data_directory(),
                dataset_version(),
                as_of,
                suffix,
                fiscal_start_month=filters().fiscal_start_month,
                books=auth.books(),
                **who,
            ),
            help=help,
            file_name=f"{file_stem}_{as_of}.{suffix}",
            mime=packs.MIME[suffix],
            icon=":material/download:",
            on_click="ignore",
        )
