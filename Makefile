# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: run test install install-dev browser haproxy lint bench

install:
	$(PIP) -r requirements.txt

install-dev:
	$(PIP) -r requirements-dev.txt

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

# Debian's haproxy in front of several app processes (scripts/serve_many.py).
haproxy:
	@command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy; }

run: install
	$(PYTHON) -m streamlit run app.py --server.port $(PORT)

lint: install-dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: install-dev browser haproxy lint
	$(PYTHON) -m pytest -q

bench: install-dev
	$(PYTHON) scripts/bench_import.py
	$(PYTHON) scripts/bench_reports.py
