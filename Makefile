# Two entry points (see README): `make sample` runs mtqa on the bundled sample, `make test` runs the tests.
# Both create the virtual environment .venv on first use (Python 3.11+ from PATH, or PYTHON=...).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup bytecode sample test wheel-check browser dictionaries bench clean

# The folders that install as mtqa's packages (pyproject.toml), compiled to bytecode up front: an
# editable install reads them from this tree, and where PYTHONDONTWRITEBYTECODE is set (or the tree
# is read-only) every command, and every subprocess a test starts, would compile them again, a
# second of each one-file check. Compiled again only when a source file changed.
PACKAGES := mtqa flows cleaners corpora reports revision scoring
SOURCES := $(shell find $(PACKAGES) -name '*.py')
BYTECODE := $(VENV)/.bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(BYTECODE): $(STAMP) $(SOURCES)
	@$(BIN)/python -m compileall -q $(PACKAGES)
	@touch $(BYTECODE)

bytecode: $(BYTECODE)

setup: $(STAMP) bytecode dictionaries

# Hunspell dictionaries for the spelling check (Debian's, through libenchant): installed as root;
# without them the spelling check is off and the run signature says so ("spell:none").
DICTIONARIES := hunspell-en-us hunspell-en-gb hunspell-de-de hunspell-fr hunspell-es hunspell-pt-pt hunspell-it hunspell-ru libenchant-2-2
dictionaries:
	@if ! dpkg -s $(DICTIONARIES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Hunspell dictionaries for the spelling check"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DICTIONARIES) >/dev/null; \
	  else echo "note: Hunspell dictionaries not installed and not root: the spelling check is off"; fi; \
	fi

# Prefect's server stays up in the background for its UI and the next runs (`mtqa server stop` stops it);
# if it cannot start (its port taken), the run starts a temporary server of its own.
sample: $(STAMP) bytecode dictionaries
	-$(BIN)/mtqa server start
	$(BIN)/mtqa run corpora/samples/ukraine-article.en.txt --lang en --source-lang fr --out out/sample

# The report's browser tests need Debian's chromium; as root we install it, otherwise they are skipped.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the report's browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium not installed and not root: the browser tests will be skipped"; fi; \
	fi

# `make test` tests what users install as well as the tree: the wheel, in a fresh virtual
# environment (tests/wheel_check.py, ~2 min, mostly installing the dependencies), then the suite.
test: $(STAMP) bytecode dictionaries browser wheel-check
	$(BIN)/python -m pytest

wheel-check: $(STAMP)
	$(BIN)/python tests/wheel_check.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_clean.py

clean:
	rm -rf out build *.egg-info .pytest_cache
