# The two commands of the README: `make run` starts everything, `make test` runs the tests.
# Both set up a virtual environment in .venv on first use, with exactly the versions in
# requirements.lock; nothing else needs installing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# The run-time packages only, at the versions of $(LOCK): what the container image installs.
RUNTIME_LOCK := requirements-runtime.lock
# A new stamp whenever the lock or pyproject.toml changes, so the next run rebuilds .venv.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
# The one way the lock is written: every platform, Python 3.11 and newer, hashes for every file.
COMPILE = $(BIN)/uv pip compile pyproject.toml --extra dev --group lock-tools --universal \
	--generate-hashes --python-version 3.11 --custom-compile-command "make lock" --quiet
COMPILE_RUNTIME = $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes \
	--python-version 3.11 --custom-compile-command "make lock" --quiet -c $(LOCK)

.PHONY: run test lint catalogs check-translations screens bench clean lock upgrade lock-check

# --clear: the environment holds the lock and nothing left over from an earlier one. The project
# is installed without its dependencies and without build isolation, so nothing unlocked comes in.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
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

## Every check on the translations: complete catalogs, placeholders, plurals, right-to-left
## starts, the glossary, digits and lists, message and button lengths.
check-translations: $(STAMP)
	$(BIN)/pytest -q tests/test_catalogs.py tests/test_glossary.py tests/test_locale_assembly.py \
		tests/flows/client/test_plain_language.py

## The client bot's main screens in every language as PNG files in build/screens (open
## build/screens/index.html), and the check that every character has a glyph (docs/translating.md).
screens: $(STAMP)
	$(BIN)/kimbot screens --out build/screens

## After changing client texts: refresh the template and every catalog (then translate).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project kimbot --copyright-holder "kimbot contributors" -o bot/locales/messages.pot .
	$(BIN)/pybabel update -i bot/locales/messages.pot -d bot/locales -D messages \
		--no-fuzzy-matching --ignore-obsolete

bench: $(STAMP)
	$(BIN)/python -m bench.updates_per_second
	$(BIN)/python -m bench.webhook_updates
	$(BIN)/python -m bench.finder_answer
	$(BIN)/python -m bench.outbox_dispatch
	$(BIN)/python -m bench.instance_memory

## After changing a range in pyproject.toml: pin what it now needs, keeping every other version.
lock: $(STAMP)
	$(COMPILE) -o $(LOCK)
	$(COMPILE_RUNTIME) -o $(RUNTIME_LOCK)

## Move every dependency to its newest release the ranges allow (see README, "Dependencies").
upgrade: $(STAMP)
	$(COMPILE) --upgrade -o $(LOCK)
	$(COMPILE_RUNTIME) -o $(RUNTIME_LOCK)

## Fails when requirements.lock no longer satisfies pyproject.toml (CI runs it).
lock-check: $(STAMP)
	cp $(LOCK) $(VENV)/lock-check.txt
	$(COMPILE) -o $(VENV)/lock-check.txt
	diff -u $(LOCK) $(VENV)/lock-check.txt || \
		(echo "requirements.lock is stale: run 'make lock' and commit it" >&2; exit 1)
	cp $(RUNTIME_LOCK) $(VENV)/lock-check-runtime.txt
	$(COMPILE_RUNTIME) -o $(VENV)/lock-check-runtime.txt
	diff -u $(RUNTIME_LOCK) $(VENV)/lock-check-runtime.txt || \
		(echo "$(RUNTIME_LOCK) is stale: run 'make lock' and commit it" >&2; exit 1)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
