# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv, install dunletters into it and install missing system
# packages (scripts/system-deps.sh) first, so they work on a fresh machine.

# .venv is made from the distribution's /usr/bin/python3 when it is 3.11 or newer (Debian
# builds it with PGO and LTO: less CPU than a generic build, see benchmarks/HISTORY.md),
# else the first python3 on PATH; `make PYTHON=...` picks another, `make clean` remakes it.
SYSTEM_PYTHON := $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo /usr/bin/python3)
PYTHON ?= $(or $(SYSTEM_PYTHON),python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT ?= out/demo

.PHONY: demo test setup system check-system lint typecheck unit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

system:
	sh scripts/system-deps.sh $(PYTHON)

# compileall: the package's bytecode, written once here. Python writes it on first
# import unless PYTHONDONTWRITEBYTECODE is set (as on this project's CI machines):
# then every `dunletters` command compiled its ~40 modules again, ~0.1 s each start.
setup: system $(STAMP)
	$(BIN)/python -m compileall -q src
	# pdf.js for the PDF text-extraction tests (tests/pdfjs/package.json; needs Node.js).
	if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/pdfjs --no-audit --no-fund --silent; fi

demo: setup
	$(BIN)/dunletters --config examples/dunletters.toml stages
	$(BIN)/dunletters --config examples/dunletters.toml templates check
	$(BIN)/dunletters --config examples/dunletters.toml lint templates/ --as-of 2026-11-28
	rm -rf $(DEMO_OUT)
	# The main job. Exit status 1 means "some rows rejected or quarantined" — the
	# examples include two bad rows on purpose (see $(DEMO_OUT)/rejects.csv).
	$(BIN)/dunletters --config examples/dunletters.toml batch examples/accounts.csv \
	  --out $(DEMO_OUT) --as-of 2026-11-28 --demo --templates examples/templates; status=$$?; [ $$status -le 1 ] || exit $$status
	@echo "打开 $(DEMO_OUT)/summary.html 查看摘要；信函在 $(DEMO_OUT)/letters/，短信在 $(DEMO_OUT)/sms.csv。"

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
