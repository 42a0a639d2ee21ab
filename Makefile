# Two commands matter (see README): `make run` and `make test`.
# Everything else here is what those two are made of, plus `make check` (the unit and
# tui tiers of the suite, under 90 s, while working) and `make flake` (the suite three
# times under CPU load, failing on any difference).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run setup setup-dev setup-versions sound test check flake lint typecheck contracts test-versions \
	bench bench-smoke fuzz schema keys signs layers wheel clean hangup

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

# The suite runs on all cores (pytest-xdist): tests are handed out one at a time, except
# those marked xdist_group, which run in turn on one worker. Each test has a tier (unit,
# tui, e2e: tests/tiers.py); the summary ends with the collection's CPU and each tier's
# time. Test modules' bytecode is kept (__pycache__), so a second run and the second
# worker do not rewrite every test module's asserts again (the machine's environment may
# turn that off with PYTHONDONTWRITEBYTECODE).
# Each run's temporary folders go under a short folder of its own (removed after), not
# /tmp/pytest-of-USER/pytest-N, whose N every run on the machine increments. (The
# durability tests once failed on longer paths: a notice quoting the path wrapped inside
# the words they waited for; the tmux driver now reads text across line breaks.)
# One worker more than the cores: the tests that drive the real program in tmux run in
# turn on one worker (tests/tiers.py), which mostly waits on the program; the extra worker
# takes that idle CPU (measured on a 2-core machine: a quarter of the CPU idle with two
# workers, an eighth with three; the whole suite 362 s -> 295 s).
JOBS   ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
PYTEST  = base=$$(mktemp -d /tmp/coach-test-XXXXXX) && trap 'rm -rf "$$base"' EXIT && \
	env -u PYTHONDONTWRITEBYTECODE $(1)/python -m pytest -n $(JOBS) --dist loadgroup \
	--basetemp="$$base/t"

# Everything: lint, types, contracts, then every tier on the main venv's Python with
# Hypothesis's full example counts (the 'ci' profile), then again on each other version.
# `.ci/run` runs it as `make -j2 test`: the other versions' virtualenvs are built while
# the main one is, and lint, types and contracts run side by side.
test: setup-dev setup-versions lint typecheck contracts
	@export HYPOTHESIS_PROFILE=ci && $(call PYTEST,$(BIN))
	@$(MAKE) --no-print-directory test-versions

# The quick answer while working: the unit and tui tiers (no tmux, no browser, no real
# process), with Hypothesis's 'dev' profile (a quarter of the examples). Under 90 s.
check: setup-dev
	@export HYPOTHESIS_PROFILE=dev && $(call PYTEST,$(BIN)) -q -m "unit or tui"

# Flakes: the whole suite FLAKE_RUNS times under a CPU load of one busy process per core
# (stress, or a Python busy loop where it is absent); fails when any test's outcome differs
# between runs, or any failed. Takes FLAKE_RUNS times `make test`'s pytest.
FLAKE_RUNS ?= 3
flake: setup-dev
	$(BIN)/python scripts/flake.py --runs $(FLAKE_RUNS) -- env -u PYTHONDONTWRITEBYTECODE \
		HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

# The import contracts between the layers (pyproject.toml, [tool.importlinter]).
contracts: setup-dev
	$(BIN)/lint-imports --no-cache

# The suite runs once more on each of these Python versions that the main venv is not,
# each in a venv of its own (.venv-X.Y), when the machine has it (pythonX.Y on PATH, or
# installed with pyenv). CI sets REQUIRE_PYTHONS=1: a missing version fails there.
PYTHON_VERSIONS ?= 3.11 3.13
# The main venv's version, read from the Python that builds it (the venv may not exist yet).
MAIN_VERSION = $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# The other versions' virtualenvs, built ahead (test-on-X.Y builds what is missing).
setup-versions:
	@for version in $(PYTHON_VERSIONS); do \
		[ "$$version" = "$(MAIN_VERSION)" ] && continue; \
		python=$$(scripts/find_python.sh $$version); \
		[ -n "$$python" ] || continue; \
		$(MAKE) --no-print-directory VENV=.venv-$$version PYTHON=$$python setup-dev || exit 1; \
	done

test-versions: setup-dev
	@for version in $(PYTHON_VERSIONS); do \
		[ "$$version" = "$(MAIN_VERSION)" ] && continue; \
		$(MAKE) --no-print-directory test-on-$$version || exit 1; \
	done

test-on-%:
	@python=$$(scripts/find_python.sh $*); \
	if [ -z "$$python" ]; then \
		if [ -n "$(REQUIRE_PYTHONS)" ]; then \
			echo "error: Python $* is needed for the suite and was not found" >&2; exit 1; \
		fi; \
		echo "note: Python $* not found; the suite ran on Python $(MAIN_VERSION) only"; \
		exit 0; \
	fi; \
	echo "== the suite on Python $* ($$python)"; \
	$(MAKE) --no-print-directory VENV=.venv-$* PYTHON=$$python setup-dev && \
	export HYPOTHESIS_PROFILE=ci && $(call PYTEST,.venv-$*/bin) -q

lint: setup-dev
	$(BIN)/ruff check coach tests scripts bench
	$(BIN)/ruff format --check coach tests scripts bench

typecheck: setup-dev
	$(BIN)/mypy

# A report, not a test: prints three ratios against reference programs (a minimal Textual
# app, termdown), then the history's speed on years of synthetic sessions, then what the
# defences against hostile files and broken machines cost, then the clinician's
# report's time and size; exits 0 even when a goal is missed. About 6 minutes; needs
# tmux.
bench: setup-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/report.py

# The screens the bench drives (the checklist, the prompts, the holds, the reps, the
# summary), driven in seconds with figures that mean nothing: a change to any of them
# that would break `make bench` fails here (and in tests/test_bench_smoke.py). Needs tmux.
bench-smoke: setup-dev
	$(BIN)/python bench/run.py --smoke

# Random and mutated session files through validate, preview and the timeline for
# FUZZ_SECONDS; fails on a traceback, a case over 1 s, or a control byte in the output.
# Not part of `make test`. Failing cases are kept in .fuzz-failures/.
FUZZ_SECONDS ?= 60
fuzz: setup-dev
	$(BIN)/python scripts/fuzz.py --seconds $(FUZZ_SECONDS)

# Closes coach's terminal at every stage of a morning (home, checklist, prompts, mid-hold,
# summary), HANGUP_ROUNDS times, with HANGUP_LOAD cores kept busy (stress --cpu, or
# Python busy loops); fails if a coach is ever left running past 2 s or holding its
# lock. Not part of `make test` (about 25 s a round); needs tmux and libfaketime.
HANGUP_ROUNDS ?= 50
HANGUP_LOAD ?= 2
hangup: setup-dev
	$(BIN)/python scripts/hangup.py --rounds $(HANGUP_ROUNDS) --load $(HANGUP_LOAD)

schema: setup
	$(BIN)/coach schema --output sessions/coach-v1.schema.json

# The README's table of every key on every screen, from coach/tui/keys.py.
keys: setup
	$(BIN)/python scripts/keytable.py

# The README's table of every warning sign, its tier and what it blocks, from
# coach/engine/signs.py.
signs: setup
	$(BIN)/python scripts/signtable.py

# The drawing of the layers in docs/architecture.md, from the import contracts in
# pyproject.toml.
layers: setup
	$(BIN)/python scripts/layers.py

wheel: setup-dev
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) .venv-* dist build .pytest_cache .mypy_cache .ruff_cache
