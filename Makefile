# minutesearch — one entry point for set-up, the main job, tests and reports.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
EXTRA   ?= ../shared/corpus-extra
export PYTHONDONTWRITEBYTECODE := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test check lint types eval-parse eval-ner eval-search eval-decisions bench models clean

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job: ingest the bundled corpus, then open the terminal UI.
run: $(STAMP)
	$(BIN)/minutesearch ingest corpus/
	$(BIN)/minutesearch tui

## The test suite (what CI runs).
test: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

types: $(STAMP)
	$(BIN)/mypy

check: lint types test

eval-parse: $(STAMP)
	$(BIN)/python scripts/eval_parse.py $(EXTRA)

## Decisions vs eval/decisions_gold.jsonl: dev (Alingsås + seeds) / held-out (Göteborg) / baseline.
eval-decisions: $(STAMP)
	$(BIN)/python scripts/eval_decisions.py $(EXTRA)

eval-ner: $(STAMP)
	$(BIN)/python scripts/eval_ner.py

eval-search: $(STAMP)
	nice -n 10 $(BIN)/python scripts/eval_search.py

models: $(STAMP)
	nice -n 10 $(BIN)/python scripts/train_ner.py

bench: $(STAMP)
	$(BIN)/pip install -q -c requirements.lock -e '.[bench]'
	nice -n 10 $(BIN)/python scripts/bench.py

clean:
	rm -rf indexes/ .pytest_cache .mypy_cache .ruff_cache
