# 新质生产力研读 — every target creates or updates .venv first, so each works as the
# first command on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lab execute bench clean

install: $(STAMP)

# Reinstall only when the dependencies change: a second `make install` takes a second.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Unit tests, doctests, the notebooks' rules, and nbval in strict mode: every committed
# output of every notebook must reproduce.
test: $(STAMP)
	$(BIN)/python -m pytest tests lib/xinzhi notebooks --nbval --nbval-current-env

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

# Re-run every notebook in place (outputs are committed; the book shows them as they are).
execute: $(STAMP)
	cd notebooks && for nb in [0-9][0-9]_*.ipynb; do \
		../$(BIN)/jupyter nbconvert --to notebook --execute --inplace "$$nb" || exit 1; done

bench: $(STAMP)
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf book/_build .pytest_cache .hypothesis
