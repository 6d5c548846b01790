# The two commands a newcomer needs:
#   make run   - set up from nothing, build the graph, validate it and serve it
#                (make run PORT=5001 HOST=0.0.0.0 to choose where; DETAILS=1 for the
#                whole import output and validation report)
#   make test  - set up from nothing and run every test
# Everything installs into .venv (Python) and node_modules (the query editor); the
# installers' output goes to .venv/setup.log.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SETUP_LOG := $(VENV)/setup.log
PORT   ?= $(or $(CSPKG_PORT),5000)
HOST   ?= $(or $(CSPKG_HOST),127.0.0.1)
DETAILS ?=
SEED_PLAN := data/sources/cannock-chase-csp-delivery-plan-2024-25.txt
# Tools installed into the venv (cspkg, oxigraph, gunicorn) come first on the PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test setup system-packages lint format clean

$(STAMP): pyproject.toml package.json package-lock.json
	@echo "Setting up .venv and node_modules (about a minute; installers' output in $(SETUP_LOG))"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/pip install --upgrade pip && $(BIN)/pip install -e '.[dev]'; } > $(SETUP_LOG) 2>&1 \
		|| { tail -n 20 $(SETUP_LOG); echo "pip install failed: see $(SETUP_LOG)"; exit 1; }
	@npm ci --no-audit --no-fund >> $(SETUP_LOG) 2>&1 \
		|| echo "npm ci failed (see $(SETUP_LOG)): the query page falls back to a plain form"
	@touch $(STAMP)

setup: $(STAMP)

# Debian packages for the tests (chromium, ...): listed in .ci/system-packages.txt.
# No stamp: the script checks what is installed each time, so a failed install is retried.
system-packages:
	.ci/install-system-packages

# Checks the port first (one line if it is taken), then a short summary: the plan's
# actions and agencies, whether the graph conforms, and the URL it is served on.
run: setup
	@$(BIN)/cspkg serve --host $(HOST) --port $(PORT) --check-port
ifeq ($(DETAILS),)
	@$(BIN)/cspkg import $(SEED_PLAN) > $(VENV)/import.log 2>&1 \
		|| { cat $(VENV)/import.log; exit 2; }
	@head -n 1 $(VENV)/import.log
	@$(BIN)/cspkg validate --format summary \
		|| { echo "See the report: make run DETAILS=1 (or .venv/bin/cspkg validate)"; exit 1; }
	@echo "(Details: make run DETAILS=1; the report is also at /validation once served.)"
else
	$(BIN)/cspkg import $(SEED_PLAN)
	$(BIN)/cspkg validate
endif
	@$(BIN)/cspkg serve --host $(HOST) --port $(PORT)

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
