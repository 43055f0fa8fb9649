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

# configurable-http-proxy for the JupyterHub end-to-end test (tests/hub), from its lockfile. Without
# npm the hub test skips (in CI, where CI=true, it fails instead).
PROXY := tests/hub/node_modules/.bin/configurable-http-proxy
$(PROXY): tests/hub/package.json tests/hub/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/hub --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "install: npm not found: the JupyterHub test (tests/hub) will be skipped"; fi

# axe-core for the book's accessibility check in the browser test (tests/book), from its lockfile.
# Without npm that check skips (in CI it fails instead).
AXE := tests/book/node_modules/axe-core/axe.min.js
$(AXE): tests/book/package.json tests/book/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/book --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "install: npm not found: the book's accessibility check (tests/book) will be skipped"; fi

install: $(STAMP) $(PROXY) $(AXE)

## demo: install, run the simulated agent at two efforts, build the book, grade a sample class
demo: $(STAMP)
	$(BIN)/labkit demo --epochs 3 --quiet
	@$(MAKE) --no-print-directory book
	$(BIN)/course --quiet demo

## test: the whole test suite (the command CI runs)
test: $(STAMP) $(PROXY) $(AXE)
	$(BIN)/python -m pytest

## check: lint and type-check
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: throughput and memory figures, printed as JSON (simulator; then grading 40 students,
## stock serial nbgrader against `course grade --workers 2`, about two minutes on 2 cores)
bench: $(STAMP)
	$(BIN)/labkit bench --json
	$(BIN)/course bench --students 40 --workers 2 --json

## book: the Jupyter Book, every page executed, warnings are errors
book: $(STAMP)
	@mkdir -p _build/ipython/profile_default
	@cp book/_ipython_kernel_config.py _build/ipython/profile_default/ipython_kernel_config.py
	@if [ -f book/_toc.yml ]; then \
	IPYTHONDIR=$(CURDIR)/_build/ipython $(BIN)/jupyter-book build book -W -n --keep-going; \
	else echo "book: no chapters yet (book/_toc.yml is missing)"; fi

## clean: remove build output (the book's execution cache too: it does not notice library changes)
clean:
	rm -rf _build .pytest_cache .mypy_cache .ruff_cache
