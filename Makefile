# Two commands matter (see README): `make run` and `make test`.
# Everything else here is what those two are made of.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run setup setup-dev sound test lint typecheck check bench schema wheel clean

run: setup
	$(BIN)/coach

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "coach needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# simpleaudio (the 'sound' extra) builds against the ALSA headers; when it cannot be
# built, coach still installs and plays cues through a system player or the bell.
SOUND_NOTE := note: the optional sound library simpleaudio could not be built. It needs \
the ALSA headers (Debian/Ubuntu: sudo apt install libasound2-dev; Fedora: sudo dnf \
install alsa-lib-devel), then run: make sound. Until then coach plays cues with a \
system player (pw-play, paplay, aplay, afplay) or the terminal bell.
TRY_SOUND = $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[sound]' \
	>/dev/null 2>&1 || echo "$(SOUND_NOTE)"

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@$(TRY_SOUND)
	@touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@$(TRY_SOUND)
	@touch $@ $(STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

# Try the optional sound library again (after installing the ALSA headers).
sound: setup
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[sound]'

test: setup-dev lint typecheck
	$(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check coach tests scripts bench
	$(BIN)/ruff format --check coach tests scripts bench

typecheck: setup-dev
	$(BIN)/mypy

# A report, not a test: prints three ratios against reference programs (a minimal Textual
# app, termdown), then the history's speed on years of synthetic sessions; exits 0 even
# when a goal is missed. About 3.5 minutes; needs tmux.
bench: setup-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/history.py

schema: setup
	$(BIN)/coach schema --output sessions/coach-v1.schema.json

wheel: setup-dev
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
