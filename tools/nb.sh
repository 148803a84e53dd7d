#!/usr/bin/env bash
# Authoring aid: turn percent-format scripts (scratch/nbsrc/NAME.py) into notebooks in nbs/, export and clean them.
#   tools/nb.sh scratch/nbsrc/01_inkml.py [...]
set -euo pipefail
for src in "$@"; do
  name=$(basename "${src%.py}")
  jupytext --quiet --to ipynb --set-kernel python3 --output "nbs/$name.ipynb" "$src"
  nbdev-export --path "nbs/$name.ipynb"
  nbdev-clean --fname "nbs/$name.ipynb"
done
