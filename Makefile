# interviewprep: `make run` serves the app on the embedded default,
# `make test` sets up what the suite needs and runs all of it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Test database and Redis database number; override to run suites side by side.
TEST_DB_NAME ?= interviewprep
TEST_REDIS_DB ?= 15
ARGS ?=

.PHONY: run test pytest lint format bench install install-dev chromium migrate demo clean assets assets-check

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data

run: demo
	$(PY) scripts/devrun.py

chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The live room's front end (frontend/ -> static/room/, committed so `make run`
# needs no Node). `make test` rebuilds it when Node is present and fails if the
# committed bundle differs from a fresh build.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	node frontend/build.mjs static/room

assets-check:
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	  $(MAKE) --no-print-directory node_modules/.package-lock.json && \
	  tmp=$$(mktemp -d) && node frontend/build.mjs "$$tmp/room" && \
	  if diff -rq "$$tmp/room" static/room; then rm -rf "$$tmp"; echo "static/room matches frontend/"; \
	  else rm -rf "$$tmp"; echo "static/room differs from a fresh build of frontend/: run make assets and commit it" >&2; exit 1; fi; \
	else echo "Node is not installed: skipping the check of static/room"; fi

# The whole suite: services, browser, lint, tests. Starts PostgreSQL/Redis only
# when none answer on the standard ports, and stops what it started.
test: install-dev chromium lint assets-check
	@set -euo pipefail; \
	eval "$$(bash scripts/test-services.sh)"; \
	trap 'bash scripts/test-services.sh stop' EXIT; \
	$(MAKE) --no-print-directory pytest TEST_PG_URL="$$TEST_PG_URL" TEST_REDIS_URL="$$TEST_REDIS_URL"

# Only the pytest run, against services that already answer.
TEST_PG_URL ?= postgres://127.0.0.1:5432
TEST_REDIS_URL ?= redis://127.0.0.1:6379
pytest: install-dev
	DATABASE_URL="$(TEST_PG_URL)/$(TEST_DB_NAME)" \
	REDIS_URL="$(TEST_REDIS_URL)/$(TEST_REDIS_DB)" \
	EMAIL_URL="locmem://" \
	SECRET_KEY="test-secret-key-not-for-production-000000000000000000000000" \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(PY) -m pytest $(ARGS)

bench: install-dev
	@set -euo pipefail; \
	eval "$$(bash scripts/test-services.sh)"; \
	trap 'bash scripts/test-services.sh stop' EXIT; \
	$(MAKE) --no-print-directory pytest TEST_PG_URL="$$TEST_PG_URL" TEST_REDIS_URL="$$TEST_REDIS_URL" \
	  TEST_DB_NAME=$(TEST_DB_NAME)_bench ARGS="tests/bench -m bench -q -s -p no:cacheprovider" | grep -E "^BENCH|passed|failed"

clean:
	rm -rf var staticfiles .pytest_cache
