# The two commands a newcomer needs: `make run` and `make test`.
# TORCH_SPEC picks the PyTorch build installed before everything else. The default is the CPU
# build this project's CI uses; elsewhere pass e.g.
#   make run TORCH_SPEC="torch --index-url <your CUDA/ROCm wheel index>"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= test,parquet,umap,bench
BIN := $(VENV)/bin
STAMP := $(VENV)/.semvec-installed

.PHONY: run test bench demo clean venv screenshots

venv: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/semvec-studio

demo: $(STAMP)
	$(BIN)/semvec extract resources/demo/corpus.txt --level word -o out/demo --force
	$(BIN)/semvec info

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -s --timeout=3600 tests/benchmarks

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/semvec-studio --screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
