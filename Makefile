PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo lint bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/rota generate scenarios/eastern-region --month 2026-12 --time-limit 60 --force
	$(BIN)/rota check scenarios/eastern-region --month 2026-12 \
		--roster outputs/eastern-region/2026-12/roster.csv

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_default.py --workers 2

clean:
	rm -rf $(VENV) outputs build *.egg-info src/*.egg-info
