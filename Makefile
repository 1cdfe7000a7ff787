# NetSafe — every target works from a fresh clone; .venv is created as needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install system-deps run serve demo migrate test test-fast lint typecheck pytest bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "NetSafe needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: system-deps $(STAMP)  ## create .venv and install NetSafe with its development tools

system-deps:  ## install the Debian packages NetSafe uses (skipped when present or not root)
	@scripts/install-system-deps

migrate: install  ## bring the database schema up to date
	$(BIN)/netsafe db upgrade

demo: migrate  ## seed the synthetic demo operation (idempotent)
	$(BIN)/netsafe demo

run: demo  ## install, migrate, seed the demo and serve the platform at http://127.0.0.1:8000
	@echo ""
	@echo "  NetSafe: http://$(HOST):$(PORT)/login"
	@echo "  demo login: investigator.gwent / netsafe-demo-only (any {role}.{agency}: see README.md)"
	@echo ""
	NETSAFE_ENV=$${NETSAFE_ENV:-development} $(BIN)/netsafe serve --host $(HOST) --port $(PORT)

lint: install  ## ruff lint, ruff format check, import contracts
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: install  ## mypy --strict on src
	$(BIN)/mypy --strict src

# Tests keep compiled modules and pytest's rewritten test modules (__pycache__, ignored by git)
# even where the environment sets PYTHONDONTWRITEBYTECODE: without them each test process
# compiles NetSafe and rewrites ~450 test modules again (~6 s of CPU per process).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest

pytest: install  ## the test suite only
	$(PYTEST) $(PYTEST_ARGS)

test: lint typecheck pytest  ## everything CI runs: lint, format, types, tests

TEST_WORKERS ?= 2
test-fast: install  ## the tests but the browser and slow ones, on TEST_WORKERS processes (default 2; an idle worker takes tests from a busy one)
	$(PYTEST) -q -n $(TEST_WORKERS) --dist worksteal -m "not browser and not slow" $(PYTEST_ARGS)

bench: install  ## run every benchmark under benchmarks/ and print its figures and ratios
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:  ## remove the virtualenv and caches (data stays in NETSAFE_HOME)
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
