# Commons: `make run` to try it, `make test` to check it. `make help` lists everything.

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_CHROMIUM := /usr/bin/chromium
NODE_STAMP := node_modules/.installed
DEMO_PASSWORD := commons-demo-2026
DEV_SETTINGS := DJANGO_SETTINGS_MODULE=commons.settings.dev

.DEFAULT_GOAL := help
.PHONY: help install run test lint format clean browser bench audit faults

help: ## List the make targets
	@echo "Commons - make targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: PYTHON=$(PYTHON) HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) PYTEST_ARGS=... BENCH_FACTOR=$(BENCH_FACTOR)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "Commons needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)."; \
		echo "Run make with PYTHON=python3.12 (or another new enough interpreter)."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian or Ubuntu: apt-get install python3-venv"; exit 1; }

# Reinstall only when pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -e ".[test]"
	@touch $@

install: $(STAMP) ## Create .venv and install Commons with its test tools (only when needed)

run: install ## Migrate, load the demo data, collect static files and serve on HOST:PORT
	$(DEV_SETTINGS) $(PY) manage.py migrate --noinput
	$(DEV_SETTINGS) $(PY) manage.py load_demo_data
	$(DEV_SETTINGS) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "Open http://$(HOST):$(PORT)/  (the admin is at http://$(HOST):$(PORT)/admin/)"
	@echo
	@echo "Demo logins (log in at /accounts/login/), password for all: $(DEMO_PASSWORD)"
	@echo "  username      who"
	@echo "  admin         site admin: everything in the Wagtail admin"
	@echo "  groupadmin    runs a group: its pages, curricula, members, courses"
	@echo "  tutor         volunteer tutor: sign-ups, registers, progress"
	@echo "  parent        guardian of Maya and Leo"
	@echo "  learner       Maya's own login"
	@echo "  spacemanager  approves bookings of the shared spaces"
	@echo
	@echo "Stop with Ctrl-C."
	exec env $(DEV_SETTINGS) $(VENV)/bin/gunicorn commons.wsgi \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# Browser tests need Chromium: Playwright's own, or Debian's at $(SYSTEM_CHROMIUM).
browser: install
	@if $(PY) -c 'import os, sys; from playwright.sync_api import sync_playwright; \
		p = sync_playwright().start(); path = p.chromium.executable_path; p.stop(); \
		sys.exit(not os.path.exists(path))' 2>/dev/null || [ -x $(SYSTEM_CHROMIUM) ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "No Chromium found: installing Debian's chromium for the browser tests."; \
		apt-get update -qq && apt-get install -y -qq chromium \
			|| echo "Could not install chromium; the browser tests will be skipped."; \
	else \
		echo "No Chromium found, so the browser tests will be skipped. Install one with"; \
		echo "  sudo apt-get install chromium"; \
		echo "or"; \
		echo "  $(VENV)/bin/playwright install --with-deps chromium"; \
	fi

# The Nu HTML Checker (npm's vnu-jar, run with java) for tests/commons/test_html_valid.py.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund && touch $@ \
			|| echo "Could not install vnu-jar; the HTML validity test will be skipped."; \
	else \
		echo "No npm, so the HTML validity test will be skipped. Install Node.js and npm,"; \
		echo "and Java 17 or newer to run the checker."; \
	fi

test: install browser $(NODE_STAMP) ## Run the whole test suite, browser tests included
	$(PY) -m pytest $(PYTEST_ARGS)

# The fault tests need PostgreSQL: DATABASE_URL when it is one, otherwise this database
# (pytest-django makes and drops its own test_ copy of it).
FAULTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/commons_faults
FAULTS_DB = $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),$(FAULTS_DATABASE_URL))
FAULTS_TIMEOUT ?= 4m

faults: install ## Break the running site on purpose (PostgreSQL; under 4 minutes)
	DATABASE_URL="$(FAULTS_DB)" timeout $(FAULTS_TIMEOUT) $(PY) -m pytest tests/faults -m faults \
		-p no:cacheprovider --create-db $(PYTEST_ARGS)

BENCH_FACTOR ?= 0.1
AUDIT_SERVICE ?= pypi
BENCH_ARGS ?=

bench: install ## Benchmark key pages on a seed_scale database (BENCH_FACTOR=0.1, BENCH_ARGS=...)
	$(PY) bench/run.py --factor $(BENCH_FACTOR) $(BENCH_ARGS)

audit: install ## Check dependencies for known vulnerabilities; exit 2 if it could not check
	$(PY) -m pip install --disable-pip-version-check --quiet "pip-audit>=2.7,<3"
	$(PY) scripts/audit_dependencies.py $(AUDIT_SERVICE)

lint: install ## Check the code with ruff (lint and formatting)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: ## Remove collected static files, caches and test leftovers (keeps .venv and db.sqlite3)
	rm -rf staticfiles .pytest_cache .ruff_cache test-results .test-db*
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
