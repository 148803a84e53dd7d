# hmer-ink: shell entry points. Notebooks in nbs/ are the source; hmer_ink/ is exported from them.
SHELL := /bin/bash
PY ?= python
PIP ?= $(PY) -m pip
# CPU machines: keep the local CPU build of torch (see constraints-cpu.txt); CUDA/MPS users: make install CONSTRAINTS=
CONSTRAINTS ?= -c constraints-cpu.txt
TORCH_CPU ?= torch==2.13.0
# Tests run one torch thread per notebook: two cores thrash badly when oversubscribed
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONWARNINGS=ignore::DeprecationWarning
WORKERS ?= 2
CONFIG ?= configs/default.yaml
RUN ?=

.PHONY: help install dev demo test test-all export clean-nbs check-clean bench-inkml cache train train-fast train-smoke watch-training

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install:  ## install the package (CPU torch on machines without CUDA)
	$(PIP) install -q "$(TORCH_CPU)" || true
	$(PIP) install -q $(CONSTRAINTS) -e .

dev:  ## install the package with the dev extras (nbdev, pytest, jupyter)
	$(PIP) install -q "$(TORCH_CPU)" || true
	$(PIP) install -q $(CONSTRAINTS) -e ".[dev]"

demo:  ## render the bundled sample ink with its label to sample.png
	hmer_ink_render --out sample.png

test:  ## run every notebook's tests (skips cells flagged slow)
	$(TEST_ENV) $(PY) tools/test_nbs.py --workers $(WORKERS)

test-all:  ## run every notebook's tests, slow cells included
	$(TEST_ENV) $(PY) tools/test_nbs.py --workers $(WORKERS) --flags slow

export:  ## notebooks -> hmer_ink/, then clean the notebooks
	nbdev-export && nbdev-clean

check-clean: export  ## fail if exporting/cleaning changes anything tracked
	git diff --exit-code

bench-inkml:  ## files/s: bare lxml parse vs read_inkml vs cache building (needs ../shared/data)
	$(PY) bench/bench_inkml.py

cache:  ## pack CROHME train/valid into memory-mapped caches under outputs/cache
	hmer_ink_cache --config $(CONFIG)

train:  ## train with CONFIG (default configs/default.yaml); RUN=name to name the run
	hmer_ink_train --config $(CONFIG) $(if $(RUN),--run $(RUN))

train-fast:  ## a quick CPU/laptop run
	hmer_ink_train --config configs/fast.yaml $(if $(RUN),--run $(RUN))

train-smoke:  ## a one-minute run on a tiny set
	hmer_ink_train --config configs/smoke.yaml $(if $(RUN),--run $(RUN))

watch-training:  ## re-render the plots of a running training every 30 s (RUN=outputs/<run>)
	$(PY) -m hmer_ink.logging --watch $(RUN)
