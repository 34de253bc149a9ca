# The two front doors: `make book` builds the site, `make test` runs every check. Both set themselves up.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := book/_vendor
SITE := _build/html
STAMP_VENV := $(VENV)/.installed
STAMP_SYSTEM := $(VENV)/.system
# Sphinx: fail on any warning, report all of them, nitpicky cross-references; --all re-reads every page,
# because Sphinx cannot see that a chapter's numbers depend on cnnviz (a changed package must re-execute it).
BUILD_FLAGS := -W -n --keep-going --all
# The tests run on TEST_WORKERS pytest-xdist workers (work-stealing: a long test does not hold up a queue),
# each with one torch thread, so that the workers and their kernels share the cores instead of fighting over
# them. Two: the cores of the machines CI runs on; `make test TEST_WORKERS=1` runs them one after another.
TEST_WORKERS ?= 2
BUILD_JOBS ?= 2
PYTEST := OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

.PHONY: help setup book site test test-students student-envs lint unit browser serve lab bench clean
help:
	@echo "make book    set up, then build the site into $(SITE) (every chapter executed)"
	@echo "make test    set up, then lint and run every test (unit, strict build executing every chapter, browser)"
	@echo "make test-students  run the chapters as students do: Binder's and Colab's environments, JupyterLab"
	@echo "make serve   serve the built site on http://127.0.0.1:8000"
	@echo "make lab     open the chapters in JupyterLab"
	@echo "make bench   write the benchmark report to _build/bench/report.md"

$(STAMP_SYSTEM): scripts/setup-system.sh
	@bash scripts/setup-system.sh dot chromium npm
	@mkdir -p $(VENV) && touch $@

$(STAMP_VENV): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (the pinned torch wheel is for 3.11)" >&2; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@# ipykernel 7 warns on stderr about TCP transport on every kernel start; the book's kernels are local.
	@mkdir -p $(VENV)/etc/ipython && echo "c.IPKernelApp.log_level = 'ERROR'" > $(VENV)/etc/ipython/ipython_kernel_config.py
	@touch $@

$(VENDOR)/VERSIONS: scripts/vendor.sh cnnviz/interact/static/vendor/VERSIONS | $(STAMP_SYSTEM)
	bash scripts/vendor.sh $(VENDOR)

setup: $(STAMP_SYSTEM) $(STAMP_VENV) $(VENDOR)/VERSIONS

site: setup
	@# CNNVIZ_BOOK=1: kernel-free figures emit the light div that the site's script draws (not their own renderer).
	@# Two Sphinx processes execute the chapters side by side, one torch thread each (scripts/build_site.py).
	CNNVIZ_BOOK=1 OMP_NUM_THREADS=1 $(BIN)/python -m scripts.build_site --jobs $(BUILD_JOBS) . $(BUILD_FLAGS)

book: site
	@echo "Built: $(SITE)/index.html  (make serve to browse it)"

lint: setup
	$(BIN)/ruff check .

unit: setup
	$(PYTEST) -m "not browser and not students"

browser: setup
	$(PYTEST) -m browser

test: lint unit site browser

# The students' paths, each in a fresh virtual environment under .cache/student-venvs/ (reused while
# binder/ and tests/students/colab-stack.txt are unchanged): about 15 minutes, so not part of `make test`.
student-envs: setup
	$(BIN)/python -m scripts.student_env binder colab

test-students: student-envs
	$(PYTEST) -m students

serve:
	@[ -f $(SITE)/index.html ] || $(MAKE) book
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(SITE) 8000

# JupyterLab on the chapters in the Binder environment (what a student gets; built on first use).
lab: setup
	venv="$$($(BIN)/python -m scripts.student_env binder)" && "$$venv/bin/jupyter" lab book/

bench: setup
	$(BIN)/python -m scripts.bench --out _build/bench/report.md

clean:
	rm -rf _build $(VENDOR) .pytest_cache .ruff_cache .hypothesis .cache
