# 诚信通 Marketplace. `make run` serves the demo site; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on PostgreSQL and Redis (pytest-django creates and drops test_<name>).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/marketplace
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
APT_GET := $(shell command -v apt-get 2>/dev/null)

.PHONY: run test lint format worker beat bench load mail install messages browser pgbouncer check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

install: $(STAMP)

# Translations are compiled by the set-up (msgfmt comes with Debian's gettext).
messages: install
	@command -v msgfmt >/dev/null || { [ -n "$(APT_GET)" ] && (apt-get update -qq && apt-get install -y -qq gettext >/dev/null); }
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

# Browser tests drive Debian's Chromium (playwright cannot download browsers here); a small
# CJK font makes the screenshots they leave in test-artifacts/ readable.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q . || { [ -n "$(APT_GET)" ] && (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null); }

# Debian's PgBouncer: the pooler's integration test (make test) and the load test (make load).
pgbouncer:
	@{ command -v pgbouncer || test -x /usr/sbin/pgbouncer; } >/dev/null || { [ -n "$(APT_GET)" ] && (apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null); }

run: messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: messages browser pgbouncer
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint: ruff, migrations in step with the models, and the layers contract of import-linter
# (`[tool.importlinter]` in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A worker serves every queue (review, search, credit, mail, default: CELERY_TASK_QUEUES) unless
# QUEUES names some: `make worker QUEUES=review` (README: a worker per queue on several hosts).
QUEUES ?=
worker: install
	$(BIN)/celery -A marketplace worker -l info $(if $(QUEUES),-Q $(QUEUES))

beat: install
	$(BIN)/celery -A marketplace beat -l info --schedule /tmp/marketplace-celerybeat-schedule

mail: install
	$(BIN)/python manage.py run_mail_receiver

# Benchmarks: not part of `make test`. Each prints its own figures; the search benchmark
# drives gunicorn with ApacheBench (`ab`, Debian's apache2-utils).
bench: install
	@command -v ab >/dev/null || { [ -n "$(APT_GET)" ] && (apt-get update -qq && apt-get install -y -qq apache2-utils >/dev/null); }
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/marketplace_bench} \
	REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14} \
	DJANGO_SETTINGS_MODULE=marketplace.settings.local \
	bash bench/run_all.sh

# The load test of the whole site (bench/load/, README "Performance"): not part of `make test`.
# Locust lives in a virtualenv of its own (.venv-load, bench/requirements-load.txt); PgBouncer and
# ApacheBench are Debian's. LOAD_USERS, LOAD_SECONDS, LOAD_LISTINGS, LOAD_VARIANTS, … : run.py.
LOAD_VENV := .venv-load
LOAD_STAMP := $(LOAD_VENV)/.installed-requirements

$(LOAD_STAMP): bench/requirements-load.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install -q --upgrade pip
	$(LOAD_VENV)/bin/pip install -q -r bench/requirements-load.txt
	touch $@

load: messages pgbouncer $(LOAD_STAMP)
	@command -v ab >/dev/null || { [ -n "$(APT_GET)" ] && (apt-get update -qq && apt-get install -y -qq apache2-utils >/dev/null); }
	$(BIN)/python bench/load/run.py

check-deploy: install
	DJANGO_SETTINGS_MODULE=marketplace.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	ALLOWED_HOSTS=example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) $(LOAD_VENV) db.sqlite3 media staticfiles
