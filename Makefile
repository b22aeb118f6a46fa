# The two commands of the README: `make run` starts everything, `make test` runs the tests.
# Both set up a virtual environment in .venv on first use; nothing else needs installing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint catalogs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## Start both bots, the scheduler and SQLite; without tokens also the sandbox on 127.0.0.1:8080.
run: $(STAMP)
	$(BIN)/kimbot db upgrade
	$(BIN)/kimbot run

## Lint and run the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

## After changing client texts: refresh the template and every catalog (then translate).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project kimbot --copyright-holder "kimbot contributors" -o bot/locales/messages.pot .
	$(BIN)/pybabel update -i bot/locales/messages.pot -d bot/locales -D messages \
		--no-fuzzy-matching --ignore-obsolete

bench: $(STAMP)
	$(BIN)/python -m bench.updates_per_second
	$(BIN)/python -m bench.finder_answer
	$(BIN)/python -m bench.outbox_dispatch

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
