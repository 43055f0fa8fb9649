# The few human commands. Each creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install demo test check bench book clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: install, run the simulated agent at two efforts, grade a sample class, build the book
demo: $(STAMP)
	$(BIN)/labkit demo --epochs 3 --quiet
	$(BIN)/course --quiet demo
	@$(MAKE) --no-print-directory book

## test: the whole test suite (the command CI runs)
test: $(STAMP)
	$(BIN)/python -m pytest

## check: lint and type-check
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: throughput and memory figures, printed as JSON
bench: $(STAMP)
	$(BIN)/labkit bench --json

## book: the Jupyter Book, every page executed, warnings are errors
book: $(STAMP)
	@if [ -f book/_toc.yml ]; then $(BIN)/jupyter-book build book -W -n --keep-going; \
	else echo "book: no chapters yet (book/_toc.yml is missing)"; fi

clean:
	rm -rf _build .pytest_cache .mypy_cache .ruff_cache
