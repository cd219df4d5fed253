"""Shared test fixtures: small datasets written in the tests, committed through the
real store (no mocks), and the repository root."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analytics import store

ROOT = Path(__file__).resolve().parent.parent


def d(text: str) -> dt.date:
    """`d("2026-11-03")` -> a date, to keep fixtures short."""
    return dt.date.fromisoformat(text)


def frame(rows: list[dict], date_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A DataFrame from dict rows; ISO strings in `date_columns` become dates."""
    df = pd.DataFrame(rows)
    for column in date_columns:
        if column in df:
            df[column] = [d(v) if isinstance(v, str) else None for v in df[column]]
    return df


DATE_COLUMNS = (
    "created_date",
    "added_date",
    "repurposed_date",
    "churned_date",
    "activity_date",
    "completed_date",
    "month",
    "last_updated",
    "next_review_date",
    "training_completed_date",
)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    """`python -m analytics ARGS` run in this process through `main(argv)` (no
    interpreter start-up per call); its exit code and output as a subprocess
    result. tests/test_cli_import.py keeps one real subprocess run."""
    from analytics.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


# Committed datasets by their tables, in this process: a fixture committed once and
# copied for every further test that commits the same tables (see commit_tables).
_TEMPLATES: dict[str, Path] = {}
_template_root: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _dataset_templates(tmp_path_factory) -> None:
    """Where commit_tables keeps the datasets it committed first (one per worker)."""
    global _template_root
    _template_root = tmp_path_factory.mktemp("templates")


def _tables_key(tables: dict) -> str | None:
    """The tables as text, a date marked as one (the string "2026-11-03" and the
    date are different fixtures); None when a value is not plain data (a frame)."""

    def date(value):
        if isinstance(value, dt.date):
            return f"{type(value).__name__}:{value.isoformat()}"
        raise TypeError(type(value))

    try:
        return json.dumps(tables, default=date)
    except TypeError:
        return None


def commit_tables(directory: Path, **tables: list[dict]) -> Path:
    """Commit the given tables (lists of dict rows, dates as ISO strings) into
    `directory` through the real store; tables not given are empty. Into a new
    folder the same tables are committed once per process and then copied (a file
    copy, where a commit costs a DuckDB build): the copy is that committed dataset,
    one version with its archive and manifest."""
    fresh = not directory.exists() or not any(directory.iterdir())
    key = _tables_key(tables) if fresh and _template_root is not None else None
    if key is not None and key in _TEMPLATES:
        return copy_dataset(_TEMPLATES[key], directory)
    frames = {name: frame(rows, DATE_COLUMNS) for name, rows in tables.items() if rows}
    store.commit(directory, frames)
    if key is not None:
        _TEMPLATES[key] = copy_dataset(directory, _template_root / str(len(_TEMPLATES)))
    return directory


@pytest.fixture
def make_data_dir(tmp_path: Path) -> Callable[..., Path]:
    """make_data_dir(partners=[...], clients=[...], ...) -> a fresh dataset folder."""
    counter = iter(range(1000))
    return lambda **tables: commit_tables(tmp_path / f"data{next(counter)}", **tables)


@pytest.fixture
def make_dataset(make_data_dir) -> Callable[..., object]:
    """make_dataset(partners=[...], clients=[...], activities=[...], quotas=[...], ...)
    commits the given tables (lists of dict rows, dates as ISO strings) into a fresh
    dataset folder and returns a read-only DuckDB connection to it. Tables not given
    are empty."""
    connections = []

    def build(**tables: list[dict]):
        con = store.connect(make_data_dir(**tables))
        connections.append(con)
        return con

    yield build
    for con in connections:
        con.close()


@pytest.fixture(scope="module")
def make_module_dataset(tmp_path_factory) -> Callable[..., object]:
    """make_dataset for a module: a fixture built with it is committed once and
    shared by the module's tests, which only read it."""
    connections = []

    def build(**tables: list[dict]):
        con = store.connect(commit_tables(tmp_path_factory.mktemp("data"), **tables))
        connections.append(con)
        return con

    yield build
    for con in connections:
        con.close()


# Dataset folders shared by a module's tests, which only read them (see
# make_module_data_dir): a test that changes one fails.
_READ_ONLY: list[Path] = []


@pytest.fixture(scope="module")
def make_module_data_dir(tmp_path_factory) -> Callable[..., Path]:
    """make_data_dir for a module whose tests only read the folder: committed once
    and shared, so the app's report cache (per folder and version) serves every
    test after the first. A test that commits to it, or changes any file in it,
    fails: such a test takes its own (make_data_dir)."""
    folders: list[Path] = []

    def build(**tables: list[dict]) -> Path:
        folder = commit_tables(tmp_path_factory.mktemp("shared"), **tables)
        folders.append(folder)
        _READ_ONLY.append(folder)
        return folder

    yield build
    for folder in folders:
        _READ_ONLY.remove(folder)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder`: its size and modification time."""
    found = {}
    for path in folder.rglob("*"):
        stat = path.stat()
        found[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    before = {folder: _files(folder) for folder in _READ_ONLY}
    result = yield  # the test; a failure is raised here and reported as is
    changed = [str(f) for f, files in before.items() if _files(f) != files]
    assert not changed, (
        f"{item.name} changed a dataset its module shares read-only ({changed}); "
        "give the test its own with make_data_dir"
    )
    return result


def copy_dataset(template: Path, directory: Path) -> Path:
    """A copy of the dataset folder `template` (versions, archive, pointer) at
    `directory`: a fresh dataset per test for the price of a file copy, where
    committing one costs an import."""
    shutil.copytree(template, directory, dirs_exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """One folder with the demo data imported, shared by every test that only
    reads it (an import takes seconds)."""
    from analytics.ingest import import_demo

    folder = tmp_path_factory.mktemp("demo")
    import_demo(folder)
    return folder


@functools.cache
def _component_manifests() -> tuple:
    """The Streamlit components installed, scanned once per process (every new
    AppTest scans every installed package's metadata: a tenth of a second)."""
    from streamlit.components.v2.manifest_scanner import scan_component_manifests

    return tuple(scan_component_manifests())


_SCRIPT_CACHE: dict[str, object] = {}  # script path -> bytecode, in this process
_SCRIPT_CACHE_LOCK = threading.Lock()


def app_runner(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """run(data_dir, page="pages/x.py", query={...}) runs the real app with AppTest
    on `data_dir` (via $AMD_DATA_DIR, restored with `monkeypatch`), switched to
    `page`, with URL query parameters `query`; returns the AppTest after the run.
    Further `at.run()` calls see the same folder."""
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    manifests = _component_manifests()  # before the patch: it runs the real scan
    monkeypatch.setattr(
        manifest_scanner, "scan_component_manifests", lambda *a, **k: list(manifests)
    )

    # Every AppTest run also compiles app.py and the page again (a new ScriptCache);
    # a served app compiles each once for all its sessions. Share one cache.
    def one_script_cache(self) -> None:
        self._cache, self._lock = _SCRIPT_CACHE, _SCRIPT_CACHE_LOCK

    monkeypatch.setattr(ScriptCache, "__init__", one_script_cache)

    # Every AppTest run starts Streamlit afresh, in its legacy `pages/` mode; a
    # served app leaves that mode for good on its first run (ui.common does it on a
    # deep link, see the browser test). Start each run as the served app runs.
    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)

    def run(
        data_dir: Path,
        page: str | None = None,
        query: dict | None = None,
        user: dict | None = None,
        secrets: dict | None = None,
    ):
        monkeypatch.setenv(store.DATA_DIR_ENV, str(data_dir))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if user is not None:  # a signed-in (or signed-out) visitor, with `secrets`
            at.user, at.secrets = user, secrets or {}
        for key, value in (query or {}).items():
            at.query_params[key] = value
        if page:
            # Opened by its URL, as a deep link into the served app: each page's
            # URL is its file's stem, the hash st.navigation registers it by.
            at.switch_page(page)
        return at.run()

    return run


@pytest.fixture
def deferred_downloads(monkeypatch) -> dict[str, Callable[[], object]]:
    """The callables the download buttons of AppTest runs register, by the
    `deferred_file_id` of their button: calling one is what a click does, after
    the run, outside it."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, Callable[[], object]] = {}
    add = MediaFileManager.add_deferred

    def keep(self, data_callable, *args, **kwargs):
        file_id = add(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return made


def clicked_csv(at, key: str, made: dict[str, Callable[[], object]]) -> list[dict]:
    """The rows of the CSV the download button `key` of `at` gives when clicked
    (`made`: the deferred_downloads fixture)."""
    (button,) = [b for b in at.get("download_button") if b.key == key]
    data = made[button.proto.deferred_file_id]()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def open_expanders(at, label: str = ""):
    """Open every keyed expander of `at` whose label starts with `label`, as a
    click on it does (its state under its key), and rerun: what such an expander
    holds is built only once it is open (the table behind a chart)."""
    from streamlit.runtime.state.common import user_key_from_element_id

    for expander in at.expander:
        key = user_key_from_element_id(expander.proto.id)
        if key is not None and expander.label.startswith(label):
            at.session_state[key] = True
    return at.run()


@pytest.fixture
def run_app(monkeypatch) -> Callable[..., object]:
    """app_runner for one test."""
    return app_runner(monkeypatch)


@pytest.fixture(scope="module")
def run_app_module() -> Callable[..., object]:
    """app_runner for a module whose tests read the pages of shared datasets."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield app_runner(monkeypatch)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium (through the `browser` fixture) is a browser
    test, marked or not: `make check` leaves it to `make test`."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# --- browser tests --------------------------------------------------------------
# The real app (`streamlit run app.py`) on a free port, driven by Playwright in
# Debian's Chromium. One server per test session, on its own copy of the demo data.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(
    data_dir: Path, log_path: Path, port: int | None = None, env: dict | None = None
):
    """`streamlit run app.py` on `data_dir` on `port` (default: a free one), with
    `env` added to the environment; yields its base URL."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.headless", "true",
                "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env={**os.environ, store.DATA_DIR_ENV: str(data_dir), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    if server.poll() is not None or time.time() > deadline:
                        raise RuntimeError(log_path.read_text()) from None
                    time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """Base URL of the app running on the demo data in a temporary data folder."""
    data = tmp_path_factory.mktemp("browser-data")
    with serve_app(data / "store", data / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh 1440x900 browser page; fails the test on any Streamlit exception box."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def largest_bar_centre(pg, plot) -> tuple[float, float]:
    """Where the largest bar of a plotly chart is drawn, once the chart has
    stopped moving: plotly sizes a chart to its column after the first draw and
    the page may still scroll, so a box read too early points beside the bar."""
    bars = plot.locator("g.trace.bars .point path")
    bars.first.wait_for(state="attached")
    last = None
    for _ in range(40):  # up to 10 s of 250 ms reads
        plot.scroll_into_view_if_needed()
        boxes = [b for b in (bar.bounding_box() for bar in bars.all()) if b]
        box = max(boxes, key=lambda b: b["height"] * b["width"])
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        if centre == last:
            return centre
        last = centre
        pg.wait_for_timeout(250)
    return last


def click_largest_bar(pg, plot, shown, attempts: int = 3) -> None:
    """Click the largest bar of `plot` as a user would (hover, then click where
    it is drawn: plotly's drag layer takes the pointer and picks the point under
    it) until `shown` (what the click brings up) is visible; a click landing
    while plotly is still wiring its events is tried again."""
    from playwright.sync_api import expect

    for attempt in range(attempts):
        x, y = largest_bar_centre(pg, plot)
        pg.mouse.move(x, y)
        pg.wait_for_timeout(300)
        pg.mouse.click(x, y)
        wait_for_app(pg)
        try:
            expect(shown).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def wait_for_app(pg, settle_ms: int = 300) -> None:
    """Wait until Streamlit has finished running the page script (stApp's
    data-test-script-state), then fail on any exception box."""
    pg.wait_for_timeout(settle_ms)  # let a rerun triggered just now start
    pg.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    exceptions = pg.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
