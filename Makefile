# hmer-ink: shell entry points. Notebooks in nbs/ are the source; hmer_ink/ is exported from them.
SHELL := /bin/bash
# The interpreter: `python` where there is one (an active venv or conda env has it), else `python3` (fresh Debian/Ubuntu)
PY ?= $(or $(shell command -v python 2>/dev/null),$(shell command -v python3 2>/dev/null),python3)
PIP ?= $(PY) -m pip
# CPU machines: keep the local CPU build of torch (see constraints-cpu.txt); CUDA/MPS users: make install CONSTRAINTS=
CONSTRAINTS ?= -c constraints-cpu.txt
TORCH_CPU ?= torch==2.13.0
# Tests run one torch thread per notebook: two cores thrash badly when oversubscribed
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONWARNINGS=ignore::DeprecationWarning
WORKERS ?= 2
CONFIG ?= configs/default.yaml
RUN ?=
MODEL ?=
INPUT ?=
OUTPUT ?=
DATA ?= crohme/valid
BEAM ?= 5
VISUALIZE ?=
PORT ?= 8866
ENGINE ?=
WANDB_DIR ?= wandb
WANDB_OUT ?= outputs/wandb

.PHONY: help install dev torch demo test test-all export check-clean bench bench-inkml bench-train bench-decode cache train train-fast train-smoke train-default finetune train-ddp watch-training visualize-training predict evaluate report visualize dashboard ship-model docs readme

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install: torch  ## install the package (CPU torch on machines without CUDA)
	$(PIP) install -q $(CONSTRAINTS) -e .

dev: torch  ## install the package with the dev extras (nbdev, pytest, jupyter)
	$(PIP) install -q $(CONSTRAINTS) -e ".[dev]"

torch:  ## install TORCH_CPU unless a torch is already importable (a failed install stops here)
	@$(PY) -c "import sys, sysconfig, pathlib; ext = pathlib.Path(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED'); \
	  sys.exit(sys.prefix == sys.base_prefix and ext.exists())" || { echo "$(PY) is managed by the system (PEP 668): \
	  create a virtual environment first: $(PY) -m venv .venv && . .venv/bin/activate, then run make again"; exit 1; }
	@$(PY) -c "import torch" 2>/dev/null || $(PIP) install -q "$(TORCH_CPU)"

demo:  ## render a bundled sample ink to sample.png; recognize all bundled samples with the bundled model into demo/
	hmer_ink_render --out sample.png --force
	hmer_ink_predict hmer_ink/assets/samples --visualize demo --force

test:  ## run every notebook's tests (skips cells flagged slow)
	$(TEST_ENV) $(PY) tools/test_nbs.py --workers $(WORKERS)

test-all:  ## run every notebook's tests, slow cells included
	$(TEST_ENV) $(PY) tools/test_nbs.py --workers $(WORKERS) --flags slow

export:  ## notebooks -> hmer_ink/, then clean the notebooks
	nbdev-export && nbdev-clean

check-clean: export  ## fail if exporting/cleaning changes anything tracked, or README.md is out of sync with nbs/index.ipynb
	git diff --exit-code
	$(PY) tools/sync_readme.py --check

docs:  ## build the documentation site into _docs/ (offline; the published site is built by nbdev-docs + Quarto in CI)
	OMP_NUM_THREADS=1 $(PY) tools/build_docs.py

readme:  ## render README.md from nbs/index.ipynb (after editing README.md instead: python tools/sync_readme.py --import)
	$(PY) tools/sync_readme.py

bench-inkml:  ## files/s: bare lxml parse vs read_inkml vs cache building (needs ../shared/data)
	$(PY) bench/bench_inkml.py

bench-train:  ## training samples/s for the crohme and fast configs, fp32 vs bf16, data vs compute
	$(PY) bench/bench_train.py

bench-decode:  ## ms/expression from file to LaTeX: torch and ONNX Runtime, greedy and beam 5, 1 and 2 threads, batch 1 and 32, and where the time goes (MODEL=checkpoint, default: the bundled model)
	$(PY) bench/bench_decode.py $(if $(MODEL),--model $(MODEL)) --profile

bench: bench-inkml bench-train bench-decode  ## every benchmark

cache:  ## pack the data folders of CONFIG into outputs/cache (training does it on first use)
	$(PY) -c "from hmer_ink.train import load_config, build_datasets; build_datasets(load_config('$(CONFIG)'))"

train:  ## train with CONFIG (default configs/default.yaml); RUN=name to name the run
	hmer_ink_train --config $(CONFIG) $(if $(RUN),--run $(RUN))

train-fast:  ## a quick CPU/laptop run
	hmer_ink_train --config configs/fast.yaml $(if $(RUN),--run $(RUN))

train-default:  ## the bundled model's recipe (for a GPU): NSYN synthetic expressions, then configs/crohme-synth.yaml on real + synthetic (MINUTES=budget)
	hmer_ink_synth --n $(or $(NSYN),160000) --out outputs/synth/inkml
	hmer_ink_train --config configs/crohme-synth.yaml $(if $(RUN),run=$(RUN)) $(if $(MINUTES),train.max_minutes=$(MINUTES)) "data.train+=[$(CURDIR)/outputs/synth/inkml]"

finetune:  ## fine-tune the bundled model on your own ink: make finetune DIR=folder-with-train-and-valid
	$(if $(DIR),,$(error give the folder holding train/ and valid/: make finetune DIR=...))
	hmer_ink_train --config configs/finetune.yaml data.root=$(DIR) $(if $(RUN),run=$(RUN))

train-ddp:  ## data-parallel training on this machine: NPROC processes (GPUs, or CPU with gloo)
	torchrun --standalone --nproc-per-node $(or $(NPROC),2) -m hmer_ink.train --config $(CONFIG) $(if $(RUN),run=$(RUN))

train-smoke:  ## a one-minute run on a tiny set
	hmer_ink_train --config configs/smoke.yaml $(if $(RUN),--run $(RUN))

watch-training:  ## re-render the plots of a running training every 30 s (RUN=outputs/<run>)
	$(PY) -m hmer_ink.logging --watch $(RUN)

visualize-training:  ## plots and latest_summary.md of each W&B run in WANDB_DIR (default wandb), and a comparison, into WANDB_OUT (outputs/wandb)
	$(PY) -m hmer_ink.logging --wandb $(WANDB_DIR) --out $(WANDB_OUT)

predict:  ## recognize INPUT (file, folder or glob) with MODEL (default: bundled); VISUALIZE=true writes PNGs
	hmer_ink_predict $(if $(MODEL),--model $(MODEL)) --beam $(BEAM) $(if $(VISUALIZE),--visualize outputs/predict-pictures) $(INPUT)

evaluate:  ## expression rate, CER, ... of MODEL on DATA (default crohme/valid); writes outputs/eval/...
	hmer_ink_evaluate $(if $(MODEL),--model $(MODEL)) --beam $(BEAM) $(DATA)

report:  ## evaluate MODEL on DATA and print its report.md
	@cat "$$(hmer_ink_evaluate $(if $(MODEL),--model $(MODEL)) --beam $(BEAM) --quiet $(DATA))"

visualize:  ## render the ink INPUT to OUTPUT (x.png or x.pdf) with its label
	hmer_ink_render $(INPUT) --out $(or $(OUTPUT),ink.png) $(if $(FORCE),--force)

dashboard:  ## live monitor of RUN=outputs/<run> at http://127.0.0.1:$(PORT)/ (Voila, else a built-in server; ENGINE=http to force it)
	$(if $(RUN),,$(error give the run folder: make dashboard RUN=outputs/<run>))
	$(PY) -m hmer_ink.dashboard $(RUN) --port $(PORT) $(if $(ENGINE),--engine $(ENGINE))

ship-model:  ## bundle RUN's best.pt (bf16 weights, vocabulary, feature settings) as the package's default model
	$(if $(RUN),,$(error give the run folder: make ship-model RUN=outputs/<run>))
	$(PY) -c "from hmer_ink.checkpoint import save_weights_only; print(save_weights_only('hmer_ink/assets/models/default.pt', '$(RUN)/best.pt'))"
