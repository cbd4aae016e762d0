# 新质生产力研读 — every target creates or updates .venv first, so each works as the
# first command on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lab bench clean

install: $(STAMP)

# Reinstall only when the dependencies change: a second `make install` takes a second.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest tests lib/xinzhi

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf book/_build .pytest_cache .hypothesis
