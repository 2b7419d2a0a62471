# Two commands for a new user: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= _build

.PHONY: demo test fuzz pdf docs bench bench-portfolio lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the package with its runtime dependencies (editable: edits show at once)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

## demo: build the example policy to HTML in _build/example/html, then check it
demo: $(VENV)/.installed
	$(BIN)/python -m sphinx -b html -q example_project $(OUT)/example/html
	@echo
	@echo "The example policy is in $(OUT)/example/html/index.html"
	@echo "Checking it against the guidance (sociallpolicy check example_project):"
	$(BIN)/sociallpolicy check example_project

## test: run the test suite
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

## fuzz: the long fuzz run (FUZZ_MINUTES, default 30, on every core; SEED to choose
## the first seed); failures are kept in .hypothesis/fuzz and replay first
fuzz: $(VENV)/.installed-test
	$(BIN)/python tests/run_fuzz.py $(if $(FUZZ_MINUTES),--minutes $(FUZZ_MINUTES)) $(if $(SEED),--seed $(SEED))

## pdf: build the example policy as a PDF (needs latexmk and TeX Live)
pdf: $(VENV)/.installed
	$(BIN)/python -m sphinx -M latexpdf example_project $(OUT)/example -q
	@echo "The example policy PDF is in $(OUT)/example/latex/"

## docs: build the documentation site
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -b html -nW --keep-going docs $(OUT)/docs/html

## bench: build times against plain Sphinx and sphinx-needs: compliant, findings-heavy, incremental, -j 2, 1k/4k/16k items
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py --items 4000 --repeat 3 --sizes 1000,4000,16000

## bench-portfolio: sociallpolicy portfolio over 300 generated schools
bench-portfolio: $(VENV)/.installed
	$(BIN)/python benchmarks/portfolio_bench.py --schools 300

## lint: ruff and mypy
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sphinxcontrib_sociallpolicy tests docs example_project benchmarks/bench.py benchmarks/portfolio_bench.py
	$(BIN)/mypy sphinxcontrib_sociallpolicy

clean:
	rm -rf $(OUT)
