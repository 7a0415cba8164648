# venez-vivre — see README.md. Every target creates .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SETTINGS ?= pelicanconf.py
OUTPUT ?= output
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve html publish deploy bench-build bench-stats test lint format clean audit stats

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# npm packages (package.json): `dependencies` for every build and `make test` (Decap
# CMS, copied into /admin/ by plugins/cms; decap-server, its local backend for
# `make serve`; the Nu HTML Checker),
# `devDependencies` (Lighthouse) only for `make audit`. --ignore-scripts: vnu-jar's
# postinstall would download a Java runtime; the machine's Java 17 runs it.
NPM_TEST := node_modules/.installed-test
NPM_ALL := node_modules/.installed-all
$(NPM_TEST): package.json package-lock.json
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund
	touch $(NPM_TEST)
$(NPM_ALL): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_ALL) $(NPM_TEST)

## Build the demo site and serve it on http://127.0.0.1:8000, rebuilding on every change.
serve: $(STAMP) $(NPM_TEST)
	$(BIN)/python -m venez_vivre.tools.serve --settings $(SETTINGS) --output $(OUTPUT) --host $(HOST) --port $(PORT)

## Development build into output/ (the previous output survives a failed build); does
## nothing when no input changed since the build that wrote output/ (FORCE=1 rebuilds),
## renders again only the pages whose inputs changed (FULL=1 renders every page).
html: $(STAMP) $(NPM_TEST)
	$(BIN)/python -m venez_vivre.tools.build --settings $(SETTINGS) --output $(OUTPUT) $(if $(FORCE),--force) $(if $(FULL),--full)

## Production build with publishconf.py into a fresh directory, checked (links, CSP,
## third parties), fingerprinted and precompressed; swapped into output/ only if all pass.
publish: $(STAMP) $(NPM_TEST)
	$(BIN)/python -m venez_vivre.tools.publish --settings publishconf.py --output $(OUTPUT)

## Publish, then upload what changed (DEPLOY in publishconf.py: rsync over SSH or S3).
deploy: publish
	$(BIN)/python -m venez_vivre.tools.deploy --settings publishconf.py --output $(OUTPUT)

## Build speed at 10x and 50x the demo, beside plain Pelican and Hugo (prints figures).
bench-build: $(STAMP)
	$(BIN)/python bench/build_speed.py

## Visits, podcast downloads and poster scans from the web server's logs, joined with the
## sign-ups (docs/stats.md): LOGS='/var/log/nginx/access.log*' [SIGNUPS=URL|database]
## [STATS_OUT=stats] [UPDATE_FIGURES=1]. Reads the built site in $(OUTPUT) (make html first).
STATS_OUT ?= stats
stats: $(STAMP)
	$(if $(LOGS),,$(error LOGS est obligatoire : make stats LOGS='/var/log/nginx/access.log*'))
	$(BIN)/python -m venez_vivre.tools.stats \
	  --logs '$(LOGS)' --out '$(STATS_OUT)' --site '$(OUTPUT)' --settings '$(SETTINGS)' \
	  $(if $(SIGNUPS),--signups '$(SIGNUPS)') $(if $(UPDATE_FIGURES),--update-figures)

## make stats on generated logs of 100 000 and 1 000 000 lines: lines per second and peak
## memory (prints figures).
bench-stats: $(STAMP)
	$(BIN)/python -P bench/stats.py

## Lint (Ruff) and the whole test suite, browser tests included.
test: $(STAMP) $(NPM_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

## Lighthouse (mobile) on key pages and a page-weight report; fails when a budget is missed.
audit: $(STAMP) $(NPM_ALL)
	$(BIN)/python -m venez_vivre.tools.audit

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(OUTPUT) $(dir $(OUTPUT)).$(notdir $(OUTPUT)).inputs.json $(dir $(OUTPUT)).$(notdir $(OUTPUT)).previous* .build .cache __pycache__ .pytest_cache
