# Wasl — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint check-deploy messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Set up and serve with demo data on the embedded default (SQLite under var/, no services).
## pdf_check says plainly when the system libraries PDFs need are missing (serving goes on);
## serve_demo is runserver printing the demo logins last, with the address it serves on.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --no-logins
	-$(BIN)/python manage.py pdf_check
	$(BIN)/python manage.py serve_demo $(HOST):$(PORT)

## The whole suite: SQLite without DATABASE_URL, PostgreSQL (and Redis) when set; -rs says why
## each skipped test was skipped (most need PostgreSQL).
test: install
	$(BIN)/python -m pytest -rs

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

## Rebuild translation catalogues after changing strings (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages -l ar -l fr --ignore=.venv --ignore=var --ignore="*/tests/*" --ignore=tests --ignore=bench --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
