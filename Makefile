# The two set-up commands of the README:
#   make demo   — install renmai in .venv and run the demo on the embedded store
#   make test   — install everything the tests need and run the whole suite,
#                 real Neo4j and headless Chromium included
# .ci/run calls `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/renmai demo

lint: $(STAMP)
	$(BIN)/ruff check renmai tests scripts
	$(BIN)/ruff format --check renmai tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# Tests that need Neo4j or Chromium fail, never skip, when these cannot start.
pytest: $(STAMP)
	scripts/install-browser
	$(BIN)/python scripts/neo4j_server.py fetch
	RENMAI_REQUIRE_NEO4J=1 RENMAI_REQUIRE_BROWSER=1 $(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python scripts/bench --quick

clean:
	rm -rf $(VENV) .renmai artifacts .pytest_cache .mypy_cache .ruff_cache
