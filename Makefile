# hcportal: the two commands a user needs are `make publish` and `make test`; both set up first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup publish test test-fast bench lint format docs goldens clean

setup: $(STAMP)

# scripts/setup.sh holds a lock: two `make setup` at once wait for each other instead of racing.
$(STAMP): pyproject.toml
	@bash scripts/setup.sh $(PYTHON) $(VENV)

publish: setup  ## harvest -> transform -> build -> publish (the demo CRM unless configured)
	$(BIN)/hcportal run

# Tests run in parallel, one worker per core (pytest-xdist); `make test WORKERS=0` runs them in this
# process. worksteal: each worker takes a run of tests in file order (module fixtures stay
# built), and a worker that runs out takes over the rest of another's.
WORKERS ?= auto
PYTEST  := $(BIN)/pytest -n $(WORKERS) --dist worksteal

# The whole run lists its 25 slowest tests: where the next minute of the 15-minute budget is.
test: setup  ## every test, the end-to-end ones included
	$(PYTEST) --durations=25

test-fast: setup  ## skip the slow end-to-end tests
	$(PYTEST) -m "not slow"

bench: setup  ## benchmarks, reported as ratios measured in one run
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: setup  ## regenerate docs/configuration.md (config fields), docs/data.md's reference (catalogue) and docs/reliability.md (tests)
	$(BIN)/python -m hcportal.config_docs > docs/configuration.md
	$(BIN)/python -m hcportal.data_docs docs/data.md
	$(BIN)/python -m tests.reliability_doc > docs/reliability.md

goldens: setup  ## rewrite the site's golden files (tests/golden/) after an intended change
	HCPORTAL_UPDATE_GOLDENS=1 $(BIN)/pytest -q tests/test_site_golden.py

clean:
	rm -rf build .pytest_cache .ruff_cache
