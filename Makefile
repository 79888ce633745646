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

.PHONY: run test pytest test-clock lint format bench install install-dev chromium migrate demo clean

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

bench: install-dev
	@set -euo pipefail; \
	eval "$$(bash scripts/test-services.sh)"; \
	trap 'bash scripts/test-services.sh stop' EXIT; \
	$(MAKE) --no-print-directory pytest TEST_PG_URL="$$TEST_PG_URL" TEST_REDIS_URL="$$TEST_REDIS_URL" \
	  TEST_DB_NAME=$(TEST_DB_NAME)_bench ARGS="tests/bench -m bench -q -s -p no:cacheprovider" | grep -E "^BENCH|passed|failed"

# The tests marked `clock` run once per instant of CLOCK_INSTANTS, with the
# wall clock of Python and of the browser pinned there (PIN_NOW, see
# tests/conftest.py) and running on. In order (UTC; LA = Los Angeles):
#   00:05 on a Monday, just after midnight UTC; 23:55 on 15 Jun in LA, just
#   before midnight there; 08:45 UTC (01:45 in LA), the hour the suite once
#   failed at; the US DST start (8 Mar) half an hour before and after the gap
#   (01:30 PST, 03:30 PDT); the US DST end (1 Nov) at both 01:30s (PDT, PST);
#   the EU DST start (29 Mar) before and after its gap (01:30 CET, 03:30 CEST);
#   the EU DST end (25 Oct) at both 02:30s (CEST, CET); Sunday 23:59 UTC (Monday
#   in Berlin); Sunday 23:59 in LA; New Year's Eve 23:30 UTC; 29 Feb 2028 at
#   midday and in its last half hour UTC.
CLOCK_INSTANTS ?= 2026-03-02T00:05:00Z 2026-06-16T06:55:00Z 2026-05-12T08:45:00Z \
	2026-03-08T09:30:00Z 2026-03-08T10:30:00Z 2026-11-01T08:30:00Z 2026-11-01T09:30:00Z \
	2026-03-29T00:30:00Z 2026-03-29T01:30:00Z 2026-10-25T00:30:00Z 2026-10-25T01:30:00Z \
	2026-05-10T23:59:00Z 2026-05-11T06:59:00Z 2026-12-31T23:30:00Z \
	2028-02-29T12:00:00Z 2028-02-29T23:30:00Z
CLOCK_ARGS ?= -m clock -q -p no:cacheprovider

# Every `clock` test at every instant of CLOCK_INSTANTS; a summary line each,
# non-zero exit if any instant failed. Logs in var/test-clock/.
test-clock: install-dev
	@set -uo pipefail; mkdir -p var/test-clock; failed=0; \
	for instant in $(CLOCK_INSTANTS); do \
	  log="var/test-clock/$$instant.log"; \
	  PIN_NOW="$$instant" $(MAKE) --no-print-directory pytest ARGS="$(CLOCK_ARGS)" >"$$log" 2>&1; \
	  status=$$?; \
	  echo "PIN_NOW=$$instant: $$(grep -E '(passed|failed|error)' "$$log" | tail -1)"; \
	  [ $$status -eq 0 ] || failed=1; \
	done; \
	exit $$failed

clean:
	rm -rf var staticfiles .pytest_cache
