# sav: `make run` starts the app, `make test` checks everything. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Python writes its bytecode here, whatever the environment says (PYTHONDONTWRITEBYTECODE=1
# on the CI machines): otherwise every pytest process rewrites every test module's asserts
# again (half a minute of each collection of the suite) and every `sav` a test starts
# compiles our sources again. __pycache__ is git-ignored.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-parallel test-serial test-pg lint typecheck schemathesis bench bench-bytes i18n clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/sav $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check client server tui tests bench
	$(BIN)/ruff format --check client server tui tests bench

typecheck: $(STAMP)
	$(BIN)/mypy client server

# The suite in two parts: everything but the terminal tests on $(WORKERS) workers (pytest-xdist,
# one test file at a time per worker), then the terminal tests (marked serial: tests/pty,
# tests/ssh) alone, one at a time, so that no other test disturbs their timings.
WORKERS ?= 2
XDIST   := -n $(WORKERS) --dist loadfile
SERIAL_TESTS := tests/pty tests/ssh
DURATIONS ?= 20

# Each part says how long it took; a part that fails does not stop the next ones (one run
# shows every failure), and make test fails at the end.
test: $(STAMP) lint typecheck
	@status=0; for part in test-parallel test-serial schemathesis; do \
	  start=$$(date +%s); $(MAKE) --no-print-directory $$part || status=1; \
	  echo "== part $$part took $$(( $$(date +%s) - start )) s"; \
	done; exit $$status

test-parallel: $(STAMP)
	$(BIN)/python -m pytest -q $(XDIST) -m "not serial" --durations=$(DURATIONS)

test-serial: $(STAMP)
	$(BIN)/python -m pytest -q -m serial --durations=$(DURATIONS) $(SERIAL_TESTS)

# schemathesis with every check against the live server (sav serve on a fresh demo database:
# SQLite, or PostgreSQL when SAV_TEST_DATABASE_URL is set), as technician and as operator,
# fixed seed and example count; fails on a 5xx or an answer off the OpenAPI document, and
# prints the figure (cases, failures). ARGS="--max-examples 20 --seed 1 --keep" to dig.
schemathesis: $(STAMP)
	$(BIN)/python -m tests.live.schemathesis_run $(ARGS)

# The server and client suites against PostgreSQL (SAV_TEST_DATABASE_URL must be set), and
# the supplier accounts, orders and sync (each sync period once across server processes);
# then schemathesis against a live server on its own PostgreSQL database (without the coverage
# phase: make test runs it on SQLite, and the inputs that differ on PostgreSQL, NUL bytes and
# 32-bit ids, are tests/server/test_hostile_input.py's, which this run has on PostgreSQL).
test-pg: $(STAMP)
	@test -n "$$SAV_TEST_DATABASE_URL" || (echo "set SAV_TEST_DATABASE_URL" && exit 2)
	$(BIN)/python -m pytest -q $(XDIST) --durations=$(DURATIONS) tests/server tests/client \
	  tests/suppliers/test_accounts.py tests/suppliers/test_orders.py tests/suppliers/test_sync.py
	$(BIN)/python -m tests.live.schemathesis_run --phases examples,fuzzing,stateful

# Every bench, then one table: figure, measured, target, PASS/MISS (bench/README.md). Its
# databases are built in bench/.data the first time. ARGS="--only search --markdown".
bench: $(STAMP)
	$(BIN)/python -m bench.all $(ARGS)

bench-bytes: $(STAMP)
	$(BIN)/python -m bench.bytes $(ARGS)

# Keystroke -> rendered results only: ARGS="--database URL --runs 20 --only status".
.PHONY: bench-keys
bench-keys: $(STAMP)
	$(BIN)/python -m bench.tickets_tui $(ARGS)

# Extract the messages, merge them into the catalogues, compile them: the TUI's (domain sav)
# and the server's (domain sav_server: the API's messages, in each request's language); then
# check them all (every message of the source translated, none fuzzy: the tests check the same).
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -o tui/locale/sav.pot --no-location --sort-output --omit-header --width=100 .
	for lang in en fr it; do \
	  test -f tui/locale/$$lang/LC_MESSAGES/sav.po || \
	    $(BIN)/pybabel init -i tui/locale/sav.pot -d tui/locale -D sav -l $$lang --width=100; \
	  $(BIN)/pybabel update -i tui/locale/sav.pot -d tui/locale -D sav -l $$lang --no-fuzzy-matching --width=100; \
	done
	$(BIN)/python tui/locale/fill_english.py tui/locale/en/LC_MESSAGES/sav.po
	$(BIN)/pybabel compile -d tui/locale -D sav --statistics
	$(BIN)/pybabel extract -F babel-server.cfg -k N_ -k ngettext:1,2 -c TRANSLATORS: -o server/locale/sav_server.pot --no-location --sort-output --omit-header --width=100 .
	for lang in en fr it; do \
	  test -f server/locale/$$lang/LC_MESSAGES/sav_server.po || \
	    $(BIN)/pybabel init -i server/locale/sav_server.pot -d server/locale -D sav_server -l $$lang --width=100; \
	  $(BIN)/pybabel update -i server/locale/sav_server.pot -d server/locale -D sav_server -l $$lang --no-fuzzy-matching --width=100; \
	done
	$(BIN)/python tui/locale/fill_english.py server/locale/en/LC_MESSAGES/sav_server.po
	$(BIN)/pybabel compile -d server/locale -D sav_server --statistics
	$(BIN)/python tui/locale/check_catalogues.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
