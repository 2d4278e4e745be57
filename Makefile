PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo lint bench clean browser

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -c 'import rota.solve.nrp.paths as p; p.warm()'  # compile once, cached
	touch $(STAMP)

install: $(STAMP)

# The report test opens report.html in headless Chromium: install Debian's chromium
# where we can (root with apt, as on CI); elsewhere that one test is skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "installing chromium for the report test"; \
	      apt-get update -qq >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	    else echo "chromium not installed: the report browser test will be skipped"; fi; }

test: $(STAMP) browser
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
