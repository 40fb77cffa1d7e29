# casushub — `make dev` runs the platform, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := casushub/web/static/vendor
CHECKOV_VENV := .venv-checkov
# Two workers: each gets its own embedded PostgreSQL and database; a file stays on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: dev test test-long lint typecheck pytest bench deps assets lock clean dev-stop checkov chromium

deps: $(VENV)/.installed node_modules/.installed assets

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht.css

# The browser tests (tests/browser) drive Debian's Chromium; Playwright's own browser download
# does not work here. Installed only when missing (CI runs as root). If it cannot be installed
# the browser tests skip with a loud warning on a workstation; under CI=true this target stops
# the run instead (and a skipped browser test would fail it anyway, tests/browser/conftest.py).
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update && apt-get install -y chromium) \
	      || echo "WARNING: chromium could not be installed: browser tests will be SKIPPED (and FAIL under CI=true)" >&2; \
	  else \
	    echo "WARNING: $(CHROMIUM) missing and not root (run: sudo apt-get install -y chromium): browser tests will be SKIPPED (and FAIL under CI=true)" >&2; \
	  fi; \
	  if [ "$${CI:-}" = true ] && [ ! -x $(CHROMIUM) ]; then \
	    echo "ERROR: CI=true and no $(CHROMIUM): the browser tests cannot run" >&2; exit 1; \
	  fi; \
	fi

# checkov scans the rendered Helm chart (tests/deploy). It brings ~100 dependencies of its own,
# so it lives in its own virtualenv, pinned by requirements-checkov.lock.
checkov: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed: requirements-checkov.lock
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet -c requirements-checkov.lock checkov
	touch $@

dev: deps
	$(BIN)/casushub dev

dev-stop:
	-$(BIN)/python -c "from pathlib import Path; from casushub.platform.devdb import stop_embedded; print('gestopt' if stop_embedded(Path('$(CURDIR)/.data/pg')) else 'draaide niet')"

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: deps checkov chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# The whole suite with branch coverage of casushub/ ([tool.coverage] in pyproject.toml): the
# run fails below its fail_under.
test: deps checkov chromium lint typecheck
	$(BIN)/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

# Runs longer than a few minutes: the security matrix in full (every role on every route in
# both directions, more ids per route). CI runs it after `make test`.
test-long: deps
	CASUSHUB_SECURITY_FULL=1 $(BIN)/pytest -q tests/security/test_cross_tenant.py $(PYTEST_ARGS)

# Every benchmark writes its own section of bench/README.md. Smaller runs, e.g.:
#   make bench BENCH_ARGS="--tenants 50 --noop-tenants 200" LOG_BENCH_ARGS="--entries 100000" \
#     HUB_BENCH_ARGS="--tenants 50 --large 1000" WEB_BENCH_ARGS="--requests 2000 --duration 15"
# HUB_BENCH_ARGS (tenants, largest tenant) go to the web and sweep benchmarks alike.
bench: deps
	$(BIN)/python bench/tenancy.py $(BENCH_ARGS)
	$(BIN)/python bench/workers.py
	$(BIN)/python bench/verwerkingenlog.py $(LOG_BENCH_ARGS)
	$(BIN)/python bench/web.py $(HUB_BENCH_ARGS) $(WEB_BENCH_ARGS)
	$(BIN)/python bench/sweep.py $(HUB_BENCH_ARGS) $(SWEEP_BENCH_ARGS)
	$(BIN)/python bench/overgang.py $(HUB_BENCH_ARGS) $(OVERGANG_BENCH_ARGS)

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	$(BIN)/pip freeze --exclude-editable --exclude casushub > requirements.lock

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules $(VENDOR) .mypy_cache .ruff_cache .pytest_cache
