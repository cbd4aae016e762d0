# 新质生产力研读 — every target creates or updates .venv first, so each works as the
# first command on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# axe-core (the browser tests' accessibility rules), from npm into the venv: pinned.
AXE_VERSION := 4.14.1
AXE_STAMP   := $(VENV)/npm/.axe-core-$(AXE_VERSION)
# Lighthouse for `make bench` (tests/bench/run.py --only pages): pinned to the last
# release line that runs on Debian's Node 20 (13.x needs Node 22).
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE_STAMP   := $(VENV)/npm/.lighthouse-$(LIGHTHOUSE_VERSION)

.PHONY: install axe test test-fast lab execute bench clean book serve student graded instructor dist pdf epub packets slides

install: $(STAMP)

# Reinstall only when the dependencies change: a second `make install` takes a second.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Unit tests, doctests, the notebooks' rules, and nbval in strict mode: every committed
# output of every notebook must reproduce.
test: $(STAMP) $(AXE_STAMP)
	$(BIN)/python -m pytest tests lib/xinzhi book/_ext book/editions.py book/printing.py book/packets.py book/slides.py notebooks --nbval --nbval-current-env

# The library's tests and doctests and the notebooks' rules, without the slow ones (the
# book builds, the browser, the package builds, nbval's re-execution): well under a
# minute, for the edit-test loop.  `make test` runs everything.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q tests lib/xinzhi book/_ext book/editions.py book/printing.py book/packets.py book/slides.py

# axe-core for tests/test_browser.py (node and npm: apt-get install nodejs npm), in
# .venv/npm/node_modules/axe-core; the tests serve axe.min.js from there, offline.
axe: $(AXE_STAMP)

$(AXE_STAMP):
	@mkdir -p $(VENV)/npm
	npm install --no-save --no-audit --no-fund --no-package-lock --prefix $(VENV)/npm axe-core@$(AXE_VERSION)
	@touch $(AXE_STAMP)

# npm install --no-save keeps what the folder already has (axe-core) only when it is
# named again, so both are named.
$(LIGHTHOUSE_STAMP): $(AXE_STAMP)
	npm install --no-save --no-audit --no-fund --no-package-lock --prefix $(VENV)/npm axe-core@$(AXE_VERSION) lighthouse@$(LIGHTHOUSE_VERSION)
	@touch $(LIGHTHOUSE_STAMP)

# JupyterLab on notebooks/ through `xinzhi lab` (lib/xinzhi/lab.py): the interface in
# Chinese, no news, update or PyPI requests, opening on 00_导读.ipynb; prints the address
# to open, and works as root too.  Its options: make lab LAB_OPTIONS="--port 9999 --no-browser";
# another folder of the notebooks (a copy): make lab LAB_FOLDER=DIR
LAB_FOLDER ?= notebooks
lab: $(STAMP)
	@$(BIN)/xinzhi lab $(LAB_FOLDER) $(LAB_OPTIONS)

# Re-run every notebook in place (outputs are committed; the book shows them as they
# are), dropping volatile metadata so an unchanged result leaves nothing to commit.
execute: $(STAMP)
	$(BIN)/python book/editions.py execute

# The book (Jupyter Book 1), every Sphinx warning an error.  Study edition, solutions
# folded: book/_build/html.  The notebooks are not re-executed (see `make execute`).
book: $(STAMP)
	$(BIN)/python book/editions.py study

# The study edition on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it).
PORT ?= 8000
serve: book
	@echo "serving book/_build/html on http://127.0.0.1:$(PORT)/"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory book/_build/html

# Handouts: the chapter notebooks without solution cells, exercises left blank, zipped
# into book/_build/student/xinzhi-student-notebooks.zip.
student: $(STAMP)
	$(BIN)/python book/editions.py student

# Graded handouts: the same notebooks, but the wheel's answer keys are sealed (salted
# hashes: check() still answers at once, the files do not hold the answers; see
# lib/xinzhi/sealing.py): book/_build/graded/xinzhi-graded-notebooks.zip.
graded: $(STAMP)
	$(BIN)/python book/editions.py graded

# The instructor edition: solutions open, teacher's notes in the syllabus:
# book/_build/instructor/html.
instructor: $(STAMP)
	$(BIN)/python book/editions.py instructor

# The study edition as a typeset PDF (XeLaTeX and ctex through Jupyter Book's LaTeX
# builder; TeX from Debian: texlive-xetex texlive-lang-chinese texlive-fonts-recommended
# texlive-latex-extra fonts-lmodern latexmk, as .ci/run installs them):
# book/_build/pdf/xinzhi.pdf.  A LaTeX warning or a missing character stops it.
pdf: $(STAMP)
	$(BIN)/python book/editions.py pdf

# The e-book (EPUB 3), checked by epubcheck (Debian: epubcheck): book/_build/epub/xinzhi.epub.
epub: $(STAMP)
	$(BIN)/python book/editions.py epub

# One A4 reading packet per seminar session (readings verbatim with their pids, the
# questions, a notes page, an exercise sheet without solutions): book/_build/packets/.
packets: $(STAMP)
	$(BIN)/python book/editions.py packets

# One editable PowerPoint deck per seminar session (python-pptx): objectives, readings,
# key quotations with their pids, figures, discussion questions: book/_build/slides/.
slides: $(STAMP)
	$(BIN)/python book/editions.py slides

# The package for PyPI (distribution `xinzhi-study`, import name `xinzhi`): sdist and
# wheel in dist/, built with this .venv's setuptools (no download), checked by twine.
# Project URLs come from XINZHI_REPOSITORY_URL (and XINZHI_BOOK_URL), read by setup.py.
# Publish: make dist && .venv/bin/twine upload dist/*
dist: $(STAMP)
	@test -n "$$XINZHI_REPOSITORY_URL" || echo "note: the package has no project URLs; to add them: XINZHI_REPOSITORY_URL=https://github.com/OWNER/REPO make dist"
	rm -rf dist
	$(BIN)/python -m build --no-isolation --quiet --outdir dist .
	$(BIN)/twine check --strict dist/*

bench: $(STAMP) $(AXE_STAMP) $(LIGHTHOUSE_STAMP)
	$(BIN)/python tests/bench/run.py

clean:
	rm -rf book/_build book/_generated .pytest_cache .hypothesis test-artifacts dist lib/*.egg-info
