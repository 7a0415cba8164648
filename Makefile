# venez-vivre — see README.md. Every target creates .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SETTINGS ?= pelicanconf.py
OUTPUT ?= output
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve html publish test lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Build the demo site and serve it on http://127.0.0.1:8000, rebuilding on every change.
serve: $(STAMP)
	$(BIN)/python tools/serve.py --settings $(SETTINGS) --output $(OUTPUT) --host $(HOST) --port $(PORT)

## Development build into output/ (the previous output survives a failed build).
html: $(STAMP)
	$(BIN)/python tools/build.py --settings $(SETTINGS) --output $(OUTPUT)

## Production build with publishconf.py.
publish: $(STAMP)
	$(BIN)/python tools/build.py --settings publishconf.py --output $(OUTPUT)

## Lint (Ruff) and the whole test suite, browser tests included.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(OUTPUT) .build .cache __pycache__ .pytest_cache
