# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv, install dunletters into it and install missing system
# packages (scripts/system-deps.sh) first, so they work on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT ?= out/demo

.PHONY: demo test setup system check-system lint typecheck unit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system:
	sh scripts/system-deps.sh

setup: system $(STAMP)

demo: setup
	$(BIN)/dunletters --config examples/dunletters.toml stages
	$(BIN)/dunletters --config examples/dunletters.toml templates check
	for stage in early middle late final; do \
	  $(BIN)/dunletters --config examples/dunletters.toml render --sample --channel letter \
	    --stage $$stage --as-of 2026-11-28 -o $(DEMO_OUT)/$$stage.pdf || exit 1; \
	  $(BIN)/dunletters --config examples/dunletters.toml render --sample --channel sms \
	    --stage $$stage --as-of 2026-11-28 -o $(DEMO_OUT)/$$stage.sms.txt || exit 1; \
	done
	$(BIN)/dunletters --config examples/dunletters.toml lint templates/ --as-of 2026-11-28

unit: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test: unit lint typecheck

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
