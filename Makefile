# Two commands matter (see README): `make run` and `make test`.
# Everything else here is what those two are made of.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run setup setup-dev test lint typecheck check bench schema wheel clean

run: setup
	$(BIN)/coach

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "coach needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@ $(STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

test: setup-dev lint typecheck
	$(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check coach tests scripts
	$(BIN)/ruff format --check coach tests scripts

typecheck: setup-dev
	$(BIN)/mypy

schema: setup
	$(BIN)/coach schema --output sessions/coach-v1.schema.json

wheel: setup-dev
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
