"""The shipped Streamlit configuration is the production one (issue 14, items 12
and 15): errors reach the browser without details, the server listens where it
is told (this machine by default), tables offer no raw export; development turns
full error details back on with one environment variable (docs/deploy.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import serve_app

ROOT = Path(__file__).resolve().parent.parent


def effective_options(*args: str, **env: str) -> dict[str, str]:
    """showErrorDetails, address and disableDataExport as `streamlit run` from the
    project folder reads them (`streamlit config show` takes the same flags and
    STREAMLIT_* variables)."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")
    } | env
    result = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    wanted = ("showErrorDetails", "address", "disableDataExport")
    return {
        name.strip(): value.strip()
        for name, _, value in (
            line.partition("=") for line in result.stdout.splitlines()
        )
        if name.strip() in wanted
    }


def test_config_file_is_the_production_one():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["address"] == "127.0.0.1"


@pytest.mark.slow  # separate processes or a served app
def test_streamlit_reads_it_and_development_keeps_full_details():
    production = {
        "showErrorDetails": '"none"',
        "address": '"127.0.0.1"',
        "disableDataExport": "true",
    }
    assert effective_options() == production
    full = production | {"showErrorDetails": '"full"'}
    assert effective_options(STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="full") == full
    assert effective_options("--client.showErrorDetails", "full") == full


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the TCP sockets listening on `port` (Linux /proc)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.slow  # separate processes or a served app
def test_served_app_listens_on_this_machine_only(tmp_path):
    with serve_app(tmp_path / "store", tmp_path / "server.log") as url:
        port = int(url.rsplit(":", 1)[1])
        # 127.0.0.1 is 0100007F in /proc (little-endian); all interfaces would be
        # 00000000 (IPv4) or 32 zeros (IPv6).
        assert listening_addresses(port) == {"0100007F"}


def test_arrow_allocates_from_the_system_heaps():
    import pyarrow as pa

    import ui.common  # noqa: F401  (it chooses the pool on import)

    before = pa.system_memory_pool().bytes_allocated()
    texts = pa.array(["x" * 1000] * 1000)
    # 1,000 texts of 1,000 bytes: at least 1,000,000 bytes of data, from the
    # heaps malloc_trim hands back (not from Arrow's own mimalloc pool)
    assert pa.system_memory_pool().bytes_allocated() - before >= 1_000_000
    assert len(texts) == 1000
