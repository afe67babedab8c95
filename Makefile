# SIP — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := sip

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

.stamp-install: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

.stamp-test-install: .stamp-install
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: .stamp-install translations ## Create .venv and install the app

translations: .stamp-install ## Compile the French and Dutch translations
	@$(BIN)/pybabel compile -d sip/translations >/dev/null

messages: .stamp-install ## Extract translatable strings and update the catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -w 100 -o sip/translations/messages.pot . templates/_macros
	$(BIN)/pybabel update -i sip/translations/messages.pot -d sip/translations --no-fuzzy-matching -w 100

run: install ## Migrate, load demo data if empty, serve on http://127.0.0.1:5000
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask run --debug --host 127.0.0.1 --port 5000

#: Extra pytest arguments, e.g. `make test PYTEST_ARGS="tests/forum -x"`.
PYTEST_ARGS ?=

test: .stamp-test-install translations ## Run the whole suite on every core (SIP_TEST_DATABASE_URL=postgresql://... for PostgreSQL)
	$(BIN)/pytest -n auto --dist loadgroup --durations=25 $(PYTEST_ARGS)

lint: .stamp-test-install ## ruff check, ruff format --check, and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: .stamp-test-install ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: .stamp-test-install translations ## Run the benchmarks in bench/
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/member_list.py
	$(BIN)/python bench/cycle_pages.py
	$(BIN)/python bench/forum_pages.py
	$(BIN)/python bench/survey_results.py
	$(BIN)/python bench/assembly_votes.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/payslips.py

.PHONY: help install translations messages run test lint format bench
