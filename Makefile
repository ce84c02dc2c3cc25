# `make run` serves the hub on the embedded SQLite database, with sandbox CRM, PSA and ERP;
# `make test` runs lint, types and the suite on SQLite and on PostgreSQL. Both bootstrap .venv from the pinned requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint test-sqlite test-postgres lock clean bench bench-scale chromium screenshots bench-api bench-jobs demo

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mdm seed --if-empty
	$(BIN)/mdm serve --with-sandboxes

test: lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Everything once on SQLite, then the database tests again on PostgreSQL.
test-sqlite: $(STAMP) chromium
	$(BIN)/pytest --backend sqlite

test-postgres: $(STAMP) chromium
	$(BIN)/pytest --backend postgresql -m db

# The steward workbench's browser tests drive Debian's chromium: installed here when missing
# (as root, non-interactive); without it they skip, and fail under CI=true.
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "chromium is missing: sudo apt-get install -y chromium" >&2; fi; }

# The workbench's queue, comparison and golden record pages of the seeded hub, as PNG files.
screenshots: $(STAMP) chromium
	$(BIN)/python -m tests.support.screenshots docs/screenshots

# Accuracy and speed harness, this engine beside Splink (the `bench` extra, pinned in
# requirements-bench.lock); never part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.lock
	$(BIN)/python -m tests.benchmarks.run

# Scaling harness: generated customer sets of 10k, 100k and 1M records (cached in .bench-cache/),
# this engine beside Splink and the match index's query latency; a run above 16 GB is stopped.
bench-scale: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.lock
	$(BIN)/python -m tests.benchmarks.scale --sizes 10000,100000,1000000 --engines ours,splink --latency

# API speed harness: `mdm serve` on SQLite with 100,000 golden customers (built once, cached in
# .bench-cache/), loaded from a second process; REST xref and GraphQL lookup against their targets.
bench-api: $(STAMP)
	$(BIN)/python -m tests.benchmarks.api_load

# Job queue throughput: 20,000 no-op jobs through 4 `mdm worker --burst` processes, PostgreSQL
# (a throwaway database on the local server) beside SQLite, prefetch 1 and 10; every job checked.
bench-jobs: $(STAMP)
	$(BIN)/python -m tests.benchmarks.jobs_throughput --jobs 20000 --workers 4 --backend both --prefetch 1,10

# Quote-to-project and project-to-cash end to end: 500 won deals, 30% of remote calls failing,
# fresh sandboxes, the configured database (MDM_DATABASE_URL; the embedded one by default).
demo: $(STAMP)
	$(BIN)/mdm sync demo --opportunities 500 --fault-rate 0.3 --seed 0 --json

# Re-resolve the pins from pyproject.toml's ranges in a scratch venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]' hatchling editables
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^mdm-hub' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
