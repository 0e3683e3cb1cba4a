# Two commands for a newcomer: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/cpt.duckdb
PORT ?= 8501

.PHONY: run test test-fast lint format demo bench clean

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
run: $(VENV)/.runtime $(DB)
	CPT_DB=$(DB) $(PY) -m streamlit run serve.py --server.port=$(PORT)

## test: set up, lint, run every test: the fast tier on two processes, then the browser tests
test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest --ignore=tests/browser -n 2
	$(PY) -m pytest tests/browser

## test-fast: everything but the browser tests (the tier to run while working), on two processes
test-fast: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --ignore=tests/browser

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## demo: rebuild the demo database from scratch
demo: $(VENV)/.runtime
	$(PY) -m data init --demo --db $(DB) --force

## bench: run the benchmarks and record them in bench/RESULTS.md
bench: $(VENV)/.dev
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
