# LoyaltyQMS: every set-up step is a target; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv may not download interpreters: the machine's python3 (3.11+) is the one to use.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled to bytecode once, at install. Where PYTHONDONTWRITEBYTECODE is
# set (as on these machines) every Python process would otherwise compile again each library
# module it imports: about 6 s of each test process's collection (21 s with nothing compiled,
# 7 s with the project's own modules compiled too, below).
export UV_COMPILE_BYTECODE := 1
UV = $(PYTHON) -m uv
# Development targets run with DEBUG on unless the caller says otherwise.
DEV_ENV = DEBUG=$${DEBUG:-true}
PYTEST_ARGS ?=
# Test files are shared out whole to one worker per core (pytest-xdist); each worker has its own
# test database, live server port, Celery queue and temporary folders. PYTEST_WORKERS=0 runs in
# this process (for pdb); a single file or test run with plain `pytest` is not distributed.
PYTEST_WORKERS ?= auto
# --no-loadscope-reorder keeps the suite's own order (longest units first, tests/conftest.py):
# xdist would otherwise hand out the files with fewest tests last, the longest single tests
# among them, and one worker idled up to two minutes at the end while the other ran them.
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder
# The suite starts many Python processes (its workers, and manage.py, web and worker processes):
# they may keep the project's compiled modules (in __pycache__/, ignored by git) even where
# PYTHONDONTWRITEBYTECODE is set, so each module is compiled once, not once per process.
PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/pytest

.PHONY: help install run test test-fast lint fmt migrate demo worker beat bench bench-first-page bench-dashboards bench-report browser-deps vendor-plotly screenshots load audit backup restore access-doc

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: ## Install uv if missing and create the virtualenv from uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --python $(PYTHON) --quiet

browser-deps: ## Install Debian's chromium (browser tests, report charts) and poppler-utils (PDF checks) when missing
	@{ command -v chromium && command -v pdftoppm; } >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium and poppler-utils for the browser and report tests..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

run: install browser-deps migrate demo ## Install (with chromium for the report charts), migrate, load demo data, start web + worker + beat
	@echo "Starting web, worker and scheduler; the URL and logins follow once the site answers."
	@# E-mails (sent by the worker) link to the address runserver listens on (Procfile.dev).
	@$(DEV_ENV) SITE_URL="$${SITE_URL:-http://127.0.0.1:$${WEB_PORT:-8000}}" \
		PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f loyaltyqms/Procfile.dev -d .

test: install browser-deps ## Run the whole suite (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL say so)
	@# pytest exits 5 when it collected no test: that is a failure too, as is any other non-zero.
	$(PYTEST) $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: install ## Run the suite without the browser tests
	$(PYTEST) $(PYTEST_PARALLEL) -m "not browser" $(PYTEST_ARGS)

screenshots: install browser-deps ## Retake the README's pictures from the demo in a real browser
	README_SCREENSHOTS=docs/screenshots $(BIN)/pytest -p no:xdist tests/browser/test_readme_screenshots.py

lint: install ## ruff check, ruff format --check, mypy and bandit (fails on high severity)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The django-stubs plugin loads the settings, which need DEBUG (or a SECRET_KEY).
	$(DEV_ENV) $(BIN)/mypy .
	@# Configured in pyproject.toml's [tool.bandit]; lower severities are ruff's S rules' job.
	$(BIN)/bandit -c pyproject.toml -r . -q --severity-level high

# What deployments install: uv.lock without the dev group (AUDIT_GROUPS=--all-groups adds it).
# PIP_AUDIT_ARGS passes options on: `-s osv` asks osv.dev instead of PyPI, `--ignore-vuln ID`.
AUDIT_GROUPS ?= --no-dev
PIP_AUDIT_ARGS ?=
audit: install ## Check the locked dependencies for known vulnerabilities (pip-audit; needs network)
	@set -euo pipefail; requirements="$$(mktemp)"; trap 'rm -f "$$requirements"' EXIT; \
	$(UV) export --frozen $(AUDIT_GROUPS) --no-emit-project --format requirements-txt --quiet \
		--output-file "$$requirements"; \
	$(BIN)/pip-audit --requirement "$$requirements" --disable-pip --strict --progress-spinner off \
		$(PIP_AUDIT_ARGS)

access-doc: install ## Rewrite docs/access.md from the access table in tests/test_access.py
	@$(DEV_ENV) $(BIN)/python -m tests.access_doc

fmt: install ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install ## Apply database migrations
	@$(DEV_ENV) $(BIN)/python manage.py migrate --no-input

demo: install ## Load the demo organisation (idempotent) and print the logins
	@$(DEV_ENV) $(BIN)/python manage.py demo

worker: install ## Start a Celery worker
	$(DEV_ENV) $(BIN)/celery -A loyaltyqms worker --loglevel=INFO

beat: install ## Start the Celery beat scheduler
	$(DEV_ENV) $(BIN)/celery -A loyaltyqms beat --loglevel=INFO

# The whole-product benchmark on PostgreSQL: a new database BENCH_DATABASE (dropped first if an
# earlier run left it) on the server at BENCH_SERVER, filled at SCALE (small, 1m or 10m).
# PARTITIONED=1 then partitions the answers and the activity by month and measures again.
SCALE ?= small
PARTITIONED ?=
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DATABASE ?= loyaltyqms_bench
BENCH_BROKER ?= redis://127.0.0.1:6379/14
bench: install ## Measure the product at SCALE (small, 1m, 10m) against its floors on PostgreSQL; JSON in bench/results/
	@set -euo pipefail; \
	psql "$(BENCH_SERVER)/postgres" --no-psqlrc --quiet --command "DROP DATABASE IF EXISTS $(BENCH_DATABASE)"; \
	psql "$(BENCH_SERVER)/postgres" --no-psqlrc --quiet --command "CREATE DATABASE $(BENCH_DATABASE)"; \
	export DATABASE_URL="$(BENCH_SERVER)/$(BENCH_DATABASE)" VAR_DIR="$$(mktemp -d)" BENCH_BROKER="$(BENCH_BROKER)"; \
	$(DEV_ENV) $(BIN)/python manage.py migrate --verbosity 0; \
	$(DEV_ENV) $(BIN)/python manage.py bench --scale $(SCALE) $(if $(PARTITIONED),--partitioned)

bench-first-page: ## Time a fresh clone's `make run` up to its first served page
	@bash tests/bench/fresh_clone_first_page.sh

USERS ?= 300
DURATION ?= 60
THINK ?= 1-5
load: install ## Load-test gunicorn on the demo with locust: USERS (300) for DURATION s (60), THINK s between pages (1-5)
	@USERS=$(USERS) DURATION=$(DURATION) THINK=$(THINK) bash tests/load/run.sh

# Backups of a PostgreSQL database (DATABASE_URL, postgres://...) in pg_dump's custom format:
# compressed, restorable by the same or a newer pg_restore. See the README's "Backup and restore".
BACKUP ?=
backup: ## Dump the PostgreSQL database at DATABASE_URL to BACKUP (default loyaltyqms-<time>.dump)
	@set -euo pipefail; url="$${DATABASE_URL:-}"; \
	case "$$url" in postgres://*|postgresql://*) ;; \
		*) echo "Set DATABASE_URL to the postgres:// URL of the database to back up." >&2; exit 2;; esac; \
	file="$(BACKUP)"; file="$${file:-loyaltyqms-$$(date +%Y%m%d-%H%M%S).dump}"; \
	pg_dump --format=custom --no-owner --no-privileges --file="$$file" "$$url"; \
	echo "Backed up to $$file ($$(du -h "$$file" | cut -f1))."

restore: ## Restore BACKUP into the empty PostgreSQL database at DATABASE_URL
	@set -euo pipefail; url="$${DATABASE_URL:-}"; file="$(BACKUP)"; \
	case "$$url" in postgres://*|postgresql://*) ;; \
		*) echo "Set DATABASE_URL to the postgres:// URL of the (new, empty) database to restore into." >&2; exit 2;; esac; \
	if [ ! -f "$$file" ]; then echo "Set BACKUP to the file made by make backup." >&2; exit 2; fi; \
	tables="$$(psql "$$url" --no-psqlrc --quiet --tuples-only --no-align \
		--command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"; \
	if [ "$$tables" != 0 ]; then \
		echo "The database at DATABASE_URL has $$tables tables: restore into a new, empty one (createdb)." >&2; exit 1; fi; \
	pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$$url" "$$file"; \
	echo "Restored $$file."

RESPONSES ?= 1000000
bench-dashboards: install ## Time the dashboard, a scorecard and indicator pages over RESPONSES answers (0: as they are)
	$(DEV_ENV) $(BIN)/python manage.py bench_dashboards --responses $(RESPONSES)

bench-report: install ## Time one monthly report (compose, charts, PDF) on the database at hand and print its sizes
	$(DEV_ENV) $(BIN)/python manage.py bench_monthly_report $${MONTH:+--month $$MONTH}

# The plotly.js version the installed plotly package targets; when npm lacks it, name the nearest
# one with the same major.minor: `make vendor-plotly PLOTLY_JS_VERSION=4.1.0`.
PLOTLY_JS_VERSION ?= $(shell $(BIN)/python -c 'import plotly; print(plotly.offline.get_plotlyjs_version())')
# plotly.css (from the full plotly.js package) is plotly's own style rules as a file: linked by
# the indicator page, it keeps plotly from injecting a <style> the Content-Security-Policy refuses.
vendor-plotly: install ## Vendor plotly.js's cartesian bundle from npm (npm pack) and point settings at it
	@set -euo pipefail; \
	version="$(PLOTLY_JS_VERSION)"; target="static/vendor/plotly.js-cartesian-$$version"; \
	work="$$(mktemp -d)"; trap 'rm -rf "$$work"' EXIT; \
	(cd "$$work" && npm pack --silent "plotly.js-cartesian-dist-min@$$version" >/dev/null); \
	tar -xzf "$$work/plotly.js-cartesian-dist-min-$$version.tgz" -C "$$work"; \
	(cd "$$work" && npm pack --silent "plotly.js@$$version" >/dev/null); \
	tar -xzf "$$work/plotly.js-$$version.tgz" -C "$$work" package/dist/plotly.css; \
	rm -rf static/vendor/plotly.js-cartesian-*; mkdir -p "$$target"; \
	cp "$$work/package/plotly-cartesian.min.js" "$$work/package/LICENSE" "$$work/package/dist/plotly.css" "$$target/"; \
	sed -i -E 's/^PLOTLY_JS_VERSION = ".*"/PLOTLY_JS_VERSION = "'"$$version"'"/' loyaltyqms/settings.py; \
	echo "plotly.js $$version is in $$target and PLOTLY_JS_VERSION; run make test, then commit both."
