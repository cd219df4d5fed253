"""Serve the app from several Streamlit processes behind haproxy, over one data folder.

    python scripts/serve_many.py --processes 4 --port 8501 --data-dir /srv/amd/store

Starts N `streamlit run app.py` on 127.0.0.1 ports base+1..base+N, all with the same
data folder ($AMD_DATA_DIR) and the same cookie secret (--cookie-secret, else
$AMD_COOKIE_SECRET, else one made and kept in <run dir>/cookie_secret), then Debian's
haproxy in front on --port with sticky sessions: haproxy's own cookie sends a
browser's every request and websocket to the process that served its first page.
Commits from any process are serialised by the store's lock (an flock in the data
folder) and seen by all on their next rerun. Stops everything on Ctrl-C or SIGTERM.
See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAPROXY = "/usr/sbin/haproxy"

CONFIG = """\
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend app
    bind {bind}:{port}
    default_backend streamlit

backend streamlit
    balance roundrobin
    cookie AMD_NODE insert indirect nocache httponly
    option httpchk GET /_stcore/health
{servers}
"""


def haproxy_config(bind: str, port: int, backends: list[int]) -> str:
    """The haproxy configuration: one frontend, one sticky backend per process."""
    servers = "\n".join(
        f"    server app{n} 127.0.0.1:{p} check cookie app{n}"
        for n, p in enumerate(backends, 1)
    )
    return CONFIG.format(bind=bind, port=port, servers=servers)


def cookie_secret(run_dir: Path, given: str | None) -> str:
    """One secret for every process: given, else kept in the run folder."""
    if given:
        return given
    kept = run_dir / "cookie_secret"
    if not kept.exists():
        kept.write_text(secrets.token_urlsafe(32))
        kept.chmod(0o600)
    return kept.read_text().strip()


def start_app(port: int, data_dir: Path, secret: str, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    # Streamlit takes the cookie secret from the environment, not the command line
    env = {
        **os.environ,
        "AMD_DATA_DIR": str(data_dir),
        "STREAMLIT_SERVER_COOKIE_SECRET": secret,
    }
    with open(log, "ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the app on port {port} did not start") from None
            time.sleep(0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="haproxy's port")
    parser.add_argument("--bind", default="127.0.0.1", help="haproxy's address")
    parser.add_argument("--base-port", type=int, default=8600)
    parser.add_argument(
        "--app-ports",
        type=lambda text: [int(p) for p in text.split(",")],
        help="the processes' ports, comma-separated (default: base+1..base+N)",
    )
    parser.add_argument("--data-dir", default=os.environ.get("AMD_DATA_DIR"))
    parser.add_argument("--run-dir", default=str(ROOT / "data" / "run"))
    parser.add_argument("--cookie-secret", default=os.environ.get("AMD_COOKIE_SECRET"))
    args = parser.parse_args(argv)
    if not args.data_dir:
        parser.error("--data-dir (or $AMD_DATA_DIR) is required: one folder for all")
    run_dir = Path(args.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    data_dir = Path(args.data_dir).resolve()
    secret = cookie_secret(run_dir, args.cookie_secret)

    ports = args.app_ports or [args.base_port + n for n in range(1, args.processes + 1)]
    apps = [start_app(p, data_dir, secret, run_dir / f"app{p}.log") for p in ports]
    processes = list(apps)

    def stop_all() -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def on_signal(*_: object) -> None:
        stop_all()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for port, app in zip(ports, apps, strict=True):
        wait_healthy(port, app)
    config = run_dir / "haproxy.cfg"
    config.write_text(haproxy_config(args.bind, args.port, ports))
    processes.append(subprocess.Popen([HAPROXY, "-f", str(config), "-db"]))
    print(f"serving http://{args.bind}:{args.port} from {len(apps)} processes")
    sys.stdout.flush()
    while all(p.poll() is None for p in processes):
        time.sleep(1)
    stop_all()  # one of them stopped: stop the others too
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
