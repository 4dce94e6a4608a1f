# The two commands a newcomer needs: `make run` and `make test`.
# TORCH_SPEC picks the PyTorch build installed before everything else. The default is the CPU
# build this project's CI uses; elsewhere pass e.g.
#   make run TORCH_SPEC="torch --index-url <your CUDA/ROCm wheel index>"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= test,lint,parquet,umap,bench,static,zh,ray,ann
BIN := $(VENV)/bin
STAMP := $(VENV)/.semvec-installed
# `make bundle`: the PyInstaller desktop bundle (packaging/). It carries every optional extra
# (`all`: Parquet, UMAP) and needs the `bundle` extra (PyInstaller). BUNDLE_FLAGS=--clean rebuilds
# from scratch. Output: dist/semvec-studio/ and dist/semvec-studio-<version>-<platform>.tar.gz.
BUNDLE_STAMP := $(VENV)/.semvec-bundle-installed
BUNDLE_FLAGS ?=
BUNDLE_EXE := dist/semvec-studio/semvec-studio

# `make test-min`: the core tests on the lowest versions the project declares (pyproject.toml's
# ">=" floors, .ci/lowest_requirements.py), in their own venv; torch stays TORCH_SPEC.
MIN_VENV ?= .venv-min
MIN_STAMP := $(MIN_VENV)/.semvec-installed

# Translations: resources/translations/*.ts are the sources (committed); the .qm files the app loads
# are built from them by pyside6-lrelease (never committed) before anything runs, tests or ships.
# `make translations` re-reads the GUI's strings into the .ts files (keeping their translations).
# A new language: add its code to LANGS and run `make translations`.
LANGS := zh_CN
TS := $(LANGS:%=resources/translations/semvec_studio_%.ts)
QM := $(TS:.ts=.qm)

.PHONY: run test lint test-min bench demo clean venv screenshots bundle bundle-selftest bundle-measure translations qm wheel

venv: $(STAMP) $(QM)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

run: $(STAMP) $(QM)
	$(BIN)/semvec-studio

qm: $(QM)

resources/translations/%.qm: resources/translations/%.ts | $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

translations: $(STAMP)
	$(BIN)/python -m semvec_studio.gui.option_texts_gen
	$(BIN)/pyside6-lupdate -extensions py -locations none semvec_studio/gui -ts $(TS)
	$(MAKE) qm

# the wheel (resources/, the built .qm files among them, as its data files)
wheel: $(STAMP) $(QM)
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w dist .

demo: $(STAMP)
	$(BIN)/semvec extract resources/demo/corpus.txt --level word -o out/demo --force
	$(BIN)/semvec info

test: $(STAMP) $(QM) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests

lint: $(STAMP)
	$(BIN)/ruff check semvec_studio tests packaging .ci
	$(BIN)/lint-imports

$(MIN_STAMP): pyproject.toml Makefile .ci/lowest_requirements.py
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MIN_VENV)/bin/python -m pip install --quiet "$(TORCH_SPEC)"
	$(PYTHON) .ci/lowest_requirements.py > $(MIN_VENV)/lowest.txt
	$(MIN_VENV)/bin/python -m pip install --quiet -r $(MIN_VENV)/lowest.txt "pytest>=8" "pytest-timeout>=2.3" "hypothesis>=6.100"
	$(MIN_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $(MIN_STAMP)

test-min: $(MIN_STAMP)
	QT_QPA_PLATFORM=offscreen $(MIN_VENV)/bin/python -m pytest -p no:cacheprovider tests/core

bench: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -s --timeout=3600 tests/benchmarks

screenshots: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/semvec-studio --screenshots docs/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/semvec-studio --screenshots docs/screenshots/zh_CN --lang zh_CN

$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS),all,bundle]"
	touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP) $(QM)
	$(BIN)/python packaging/build_bundle.py $(BUNDLE_FLAGS)

bundle-selftest:
	QT_QPA_PLATFORM=offscreen $(BUNDLE_EXE) --self-test

bundle-measure: $(BUNDLE_STAMP)
	$(BIN)/python packaging/measure_bundle.py

clean:
	rm -rf $(VENV) $(MIN_VENV) build dist *.egg-info .pytest_cache
