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

.PHONY: run test pytest lint format bench install install-dev chromium migrate demo clean

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

# The whole suite: services, browser, lint, tests. Starts PostgreSQL/Redis only
# when none answer on the standard ports, and stops what it started.
test: install-dev chromium lint
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

# Benchmarks (not part of `make test`): the in-process pytest benchmarks, then the
# load bench (bench/run.py: seeded small and large sets, gunicorn on production
# settings, wrk) that prints a table and writes bench/results.json.
BENCH_ARGS ?=
bench: install-dev
	@set -euo pipefail; \
	command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }; \
	eval "$$(bash scripts/test-services.sh)"; \
	trap 'bash scripts/test-services.sh stop' EXIT; \
	$(MAKE) --no-print-directory pytest TEST_PG_URL="$$TEST_PG_URL" TEST_REDIS_URL="$$TEST_REDIS_URL" \
	  TEST_DB_NAME=$(TEST_DB_NAME)_bench ARGS="tests/bench -m bench -q -s -p no:cacheprovider" | grep -E "^BENCH|passed|failed"; \
	$(PY) bench/run.py --pg-url "$$TEST_PG_URL" --redis-url "$$TEST_REDIS_URL" \
	  --redis-db $(TEST_REDIS_DB) --prefix $(TEST_DB_NAME)_bench $(BENCH_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache
