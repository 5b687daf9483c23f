# One command to build the sample site, one to run the tests, on a fresh Debian/Ubuntu machine.
# Each installs what it needs first: system packages (apt-get, with sudo when not root) and a
# virtual environment in .venv with firstdoor and its Python dependencies.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := python3-venv python3-dev libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-core fonts-noto-cjk poppler-utils zbar-tools chromium

.PHONY: site test reference system-deps venv clean

site: venv ## Build the sample district into _site/
	$(BIN)/firstdoor build --site . --out _site

test: system-deps venv ## Run the whole test suite
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

$(BIN)/firstdoor: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) _site
