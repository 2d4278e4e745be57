PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRODUCT := $(VENV)/.installed-product
DEV := $(VENV)/.installed-dev

.PHONY: install test demo lint bench clean browser

# the product alone (what `make demo` needs)
$(PRODUCT): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $(PRODUCT)

# the product, the tests' tools and the public benchmark's extra (numba)
$(DEV): $(PRODUCT)
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $(DEV)

install: $(DEV)

# The report test opens report.html in headless Chromium: install Debian's chromium
# where we can (root with apt, as on CI); elsewhere that one test is skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "installing chromium for the report test"; \
	      apt-get update -qq >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	    else echo "chromium not installed: the report browser test will be skipped"; fi; }

test: $(DEV) browser
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/pytest

demo: $(PRODUCT)
	$(BIN)/rota generate scenarios/eastern-region --month 2026-12 --time-limit 60 --force
	$(BIN)/rota check scenarios/eastern-region --month 2026-12 \
		--roster outputs/eastern-region/2026-12/roster.csv

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

bench: $(DEV)
	$(BIN)/python benchmarks/bench_default.py --workers 2

clean:
	rm -rf $(VENV) outputs build *.egg-info src/*.egg-info
