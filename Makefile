# Set-up and checks. `make demo` and `make test` work on a fresh machine:
# each target installs what it needs first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint tools bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-fuzz: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[fuzz]'
	touch $@

# Shows the diff lambda-fix proposes for the bundled examples. Exit status 1
# ("fixes needed") is the expected outcome here, so only 2 fails the target.
demo: $(VENV)/.installed
	@$(BIN)/lambda-fix fixtures/examples; [ $$? -le 1 ]

# Installs the external tools the test suite runs (buildah, checkov, ...).
tools:
	bash scripts/install-tools.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/ruff format --check src tests bench fuzz
	$(BIN)/mypy

test: $(VENV)/.installed-test tools lint
	$(BIN)/pytest

# Fuzzes the scanner and the fixer with atheris for FUZZ_SECONDS; not part of
# `make test`. Inputs that fail are saved in fuzz/crashes/.
FUZZ_SECONDS ?= 60
fuzz: $(VENV)/.installed-fuzz
	mkdir -p fuzz/corpus fuzz/crashes
	$(BIN)/python fuzz/fuzz_fix.py -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -artifact_prefix=fuzz/crashes/ \
		fuzz/corpus fuzz/seeds

# Generates monorepos of 1k-30k Dockerfiles under bench/out and compares
# lambda-fix with hadolint; prints a Markdown report (see docs/benchmarks.md).
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) .venv-checkov .pytest_cache .mypy_cache .ruff_cache fuzz/corpus
