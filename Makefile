# The two commands that matter:  make run  (the app on http://127.0.0.1:5000)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# pytest-xdist processes for `make test`, each with its own databases (tests/database.py); 0: one
# process. Two against a PostgreSQL server (TEST_DATABASE_URL); one on the embedded pgserver.
TEST_WORKERS ?= $(if $(TEST_DATABASE_URL),2,0)
export FLASK_APP := wsgi

.PHONY: run test install install-dev migrate seed-demo worker lint bench clean messages

## messages: add the code's and templates' new strings to the catalogs, to be translated (marketplace/i18n.py)
messages: $(VENV)/.installed
	$(BIN)/python -m marketplace.i18n update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# The compiled message catalogs gettext reads (marketplace/i18n.py), rebuilt when a .po changes.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard marketplace/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po | $(VENV)/.installed
	$(BIN)/python -m marketplace.i18n compile

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the demo data once, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed $(CATALOGS)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: the whole suite (services, integration, concurrency, security, browser, project) on a real PostgreSQL
test: $(VENV)/.installed-dev $(CATALOGS)
	@if [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || command -v chromium >/dev/null 2>&1; then :; \
	else $(BIN)/python -m playwright install chromium; fi
	$(BIN)/pytest -n $(TEST_WORKERS)

## worker: deliver queued SMS/email (needs REDIS_URL)
worker: $(VENV)/.installed
	$(BIN)/flask worker

## lint: unused imports, undefined names, mutable defaults in the code and its tests (ruff; also part of make test)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check marketplace config.py wsgi.py migrations bench tests

migrate: $(VENV)/.installed
	$(BIN)/flask db upgrade

seed-demo: $(VENV)/.installed
	$(BIN)/flask seed-demo

## bench: build or reuse the 100,000-product benchmark database, load it (wrk + locust), print the table (bench/README.md)
# wrk loads the anonymous pages for a fraction of locust's CPU; installed here only when missing and
# when root with apt-get (never fails: without wrk, run.py uses locust for every scenario).
bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -r bench/requirements.txt
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; }; }; } || \
	  echo "wrk is not installed (apt-get install wrk): locust loads every scenario"
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
