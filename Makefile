# The two set-up commands of the README: `make run` and `make test`; `make check` is
# the fast loop while working.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: run dev test check install install-dev browser haproxy pdf-libs lint bench

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

# Pango for WeasyPrint (the PDF packs); poppler's pdftoppm and openssl for their tests.
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && command -v pdftoppm >/dev/null && \
		command -v openssl >/dev/null; } || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 \
		libpangoft2-1.0-0 poppler-utils openssl fonts-dejavu-core; }

run: install pdf-libs
	$(PYTHON) -m streamlit run app.py --server.port $(PORT)

# As `run`, with full error details in the browser and a rerun on save (docs/deploy.md).
dev: install
	$(PYTHON) -m streamlit run app.py --server.port $(PORT) \
		--client.showErrorDetails full --server.runOnSave true

lint: install-dev
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: install-dev browser haproxy pdf-libs lint
	$(PYTHON) -m pytest -q

# The contributor's loop: ruff and every test not marked slow or browser, on every
# core (pytest-xdist); scripts/bench_check.py measures it. It installs the
# requirements only when a requirements file changed since (.check-installed).
check: .check-installed
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pytest -q -n auto -m "not slow and not browser"

.check-installed: requirements.txt requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	@touch $@

bench: install-dev
	$(PYTHON) scripts/bench_import.py
	$(PYTHON) scripts/bench_reports.py
