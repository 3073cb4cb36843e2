# Touchpoint Workbench. `make reports` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
STUDY ?= sample
JOBS ?=

.PHONY: setup reports test test-fast check lab lint bench sample clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# The kernel lives inside the venv (--sys-prefix), not in the user's home.
	$(BIN)/python -m ipykernel install --sys-prefix --name research --display-name "Python (research)"
	@touch $(STAMP)

setup: $(STAMP)

reports: setup
	$(BIN)/research reports --study $(STUDY) $(if $(JOBS),--jobs $(JOBS))

# The whole suite (what CI runs after `make check`).
test: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The edit-test loop: everything but the tests marked slow (notebooks, report batches, Spark).
test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow"

# What CI runs before the tests: lint (code and notebooks), format check, type check.
check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks \
		--MultiKernelManager.default_kernel_name=research $(if $(filter 0,$(shell id -u)),--allow-root)

lint: setup
	$(BIN)/ruff check .

bench: setup
	# bench_text.py runs the bench_text_*.py parts itself
	for script in $(filter-out benchmarks/bench_text_%.py,$(wildcard benchmarks/bench_*.py)); do \
		$(BIN)/python $$script || exit 1; done

# Regenerates the committed sample study from its seeded generator (developers only).
sample: setup
	$(BIN)/python -m research.sample --out data/raw/sample --allow-raw

clean:
	rm -rf reports/* data/processed/* && touch reports/.gitkeep data/processed/.gitkeep
