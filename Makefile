# Two entry points (see README): `make sample` runs mtqa on the bundled sample, `make test` runs the tests.
# Both create the virtual environment .venv on first use (Python 3.11+ from PATH, or PYTHON=...).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup sample test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

sample: $(STAMP)
	$(BIN)/mtqa clean corpora/samples/ukraine-article.en.txt --lang en --out out/sample

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_clean.py

clean:
	rm -rf out build *.egg-info .pytest_cache
