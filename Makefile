# The two set-up commands of the README: `make run` and `make test`; `make check` is
# the fast loop while working.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: run test check install install-dev browser lint bench

install:
	$(PIP) -r requirements.txt

install-dev:
	$(PIP) -r requirements-dev.txt

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

run: install
	$(PYTHON) -m streamlit run app.py --server.port $(PORT)

lint: install-dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: install-dev browser lint
	$(PYTHON) -m pytest -q

# The contributor's loop: ruff and every test not marked slow or browser, on every
# core (pytest-xdist); scripts/bench_check.py measures it.
check: install-dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pytest -q -n auto -m "not slow and not browser"

bench: install-dev
	$(PYTHON) scripts/bench_import.py
	$(PYTHON) scripts/bench_reports.py
