# Two commands for a newcomer: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/cpt.duckdb
PORT ?= 8501
# Languages besides English (the source): README, "Languages".
LANGS := es ca nl sv de fr
POT := locales/messages.pot
MO := $(foreach l,$(LANGS),locales/$(l)/LC_MESSAGES/messages.mo)
PYBABEL := $(VENV)/bin/pybabel

.PHONY: run test test-fast lint format demo bench clean messages compile-messages

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DB): | $(VENV)/.runtime
	$(PY) -m data init --demo --db $(DB)

## run: set up, create the demo database if missing, start the dashboard
run: $(VENV)/.runtime $(DB) compile-messages
	CPT_DB=$(DB) $(PY) -m streamlit run serve.py --server.port=$(PORT)

## test: set up, lint, run every test: the fast tier on two processes, then the browser tests on two
## (each process starts its own servers and Chromium; a file's tests stay on one process)
test: $(VENV)/.dev compile-messages
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest --ignore=tests/browser -n 2
	$(PY) -m pytest tests/browser -n 2 --dist loadfile

## test-fast: everything but the browser tests (the tier to run while working), on two processes
test-fast: $(VENV)/.dev compile-messages
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --ignore=tests/browser

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## messages: extract the wrapped strings (babel.cfg) into locales/messages.pot and update every language's .po
messages: $(VENV)/.runtime
	$(PYBABEL) extract -F babel.cfg --no-location --sort-output --project=CPT -o $(POT) .
	for l in $(LANGS); do \
	  if [ -f locales/$$l/LC_MESSAGES/messages.po ]; then \
	    $(PYBABEL) update -i $(POT) -d locales -l $$l --ignore-obsolete; \
	  else $(PYBABEL) init -i $(POT) -d locales -l $$l; fi; \
	done

## compile-messages: build the .mo files from the .po sources (not committed; make run and make test do it)
compile-messages: $(MO)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(PYBABEL) compile -d locales -D messages -l $* --statistics

## demo: rebuild the demo database from scratch
demo: $(VENV)/.runtime
	$(PY) -m data init --demo --db $(DB) --force

## bench: run the benchmarks and record them in bench/RESULTS.md
bench: $(VENV)/.dev
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
