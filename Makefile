# precheck: two commands for a newcomer, `make demo` and `make test`; both set up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export OMP_THREAD_LIMIT := 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PRECHECK_DATA_DIR ?= $(CURDIR)/var

.PHONY: setup system demo test bench clean schema

setup: system $(STAMP)

system:
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q --no-binary tesserocr -e '.[dev,engine]'
	@# the PP-OCRv4 recogniser model of the second reader ships in this wheel; --no-deps: its
	@# own dependencies (opencv-python with GUI libraries, shapely, ...) are not needed
	@$(PY) -m pip install -q --no-deps rapidocr-onnxruntime==1.4.4
	@rm -f $(VENV)/.installed-* && touch $@

# Three sample submissions (pass / gaps / review, all checked as of 2026-06-30), one intake
# pass through the Prefect flow on a local temporary Prefect server (SQLite), then the
# applications with their verdicts and report paths. A second run re-reads nothing.
demo: setup
	@$(PY) -m fixtures samples $(PRECHECK_DATA_DIR)/demo/inbox --gentle
	@PREFECT_LOGGING_LEVEL=WARNING $(VENV)/bin/precheck intake $(PRECHECK_DATA_DIR)/demo/inbox --prefect --as-of 2026-06-30
	@$(VENV)/bin/precheck list

test: setup
	@bash scripts/start-postgres.sh
	@$(PY) -m pytest -q -p no:cacheprovider

bench: setup
	@$(PY) -m benchmarks
	@echo "\n===== bench_extract on a seed the extraction was never tuned on (191; 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 193, 197, 199, 211, 223, 229 and 233 have been looked at) ====="
	@$(PY) -m benchmarks.bench_extract --cases 10 --seed 191 --budget 600

schema: setup
	@$(VENV)/bin/precheck schema --out pipeline/data/report.schema.json

clean:
	rm -rf $(VENV) var .pytest_cache
