# The two commands a newcomer needs:
#   make run   - set up from nothing, build the graph, validate it and serve it
#   make test  - set up from nothing and run every test
# Everything installs into .venv (Python) and node_modules (the query editor).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Tools installed into the venv (cspkg, oxigraph, gunicorn) come first on the PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test setup system-packages lint format clean

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund || echo "npm ci failed: the query page falls back to a plain form"
	touch $(STAMP)

setup: $(STAMP)

# Debian packages for the tests (chromium, ...): listed in .ci/system-packages.txt.
# No stamp: the script checks what is installed each time, so a failed install is retried.
system-packages:
	.ci/install-system-packages

run: setup
	$(BIN)/cspkg import ../shared/seed/cannock-chase-csp-delivery-plan-2024-25.txt
	$(BIN)/cspkg validate
	@echo "Open http://127.0.0.1:5000/ (home, queries, charts, validation; SPARQL: http://127.0.0.1:5000/sparql)"
	$(BIN)/cspkg serve

test: setup system-packages
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench

format: setup
	$(BIN)/ruff format server tests bench
	$(BIN)/ruff check --fix server tests bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache
