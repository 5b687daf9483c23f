# One command to build the sample site, one to run the tests, on a fresh Debian/Ubuntu machine.
# Each installs what it needs first: system packages (apt-get, with sudo when not root) and a
# virtual environment in .venv with firstdoor and its Python dependencies.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := python3-venv python3-dev libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-core fonts-noto-cjk poppler-utils zbar-tools chromium nodejs default-jre-headless
# The browser tests' own tools (axe-core, vnu-jar), pinned in tests/node/package-lock.json.
NODE_TOOLS := tests/node/node_modules/.package-lock.json

.PHONY: site test reference system-deps venv node-tools clean

site: venv ## Build the sample district into _site/
	$(BIN)/firstdoor build --site . --out _site

test: system-deps venv node-tools ## Run the whole test suite
	$(BIN)/python -m pytest

reference: venv ## Regenerate docs/content-reference.md from the content model
	$(BIN)/python -m firstdoor.reference --write

system-deps:
	@if command -v apt-get >/dev/null; then \
	  missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi; \
	else echo "not a Debian/Ubuntu machine: install the packages listed in README.md by hand"; fi

venv: $(BIN)/firstdoor

node-tools: $(NODE_TOOLS)

# --ignore-scripts: vnu-jar ships its jar; its install script would only look for a Java to download.
$(NODE_TOOLS): tests/node/package.json tests/node/package-lock.json
	@command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends npm
	npm ci --prefix tests/node --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(BIN)/firstdoor: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) _site tests/node/node_modules
