#!/usr/bin/env bash
# How the bundled model's GPU stage was trained: on a borrowed GPU machine with no network, in a few device calls
# (that run sized its schedule with a throughput probe; this script now gives the run a time budget instead).
# The caller carries .whl/ (wheels of the pure-Python dependencies that machine lacks: fastai, fastcore, ...) and
# .carry/crohme.tar.xz (the CROHME folders of ../shared/data; never committed), both git-ignored, made here with
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux_2_28_x86_64 \
#     --platform manylinux2014_x86_64 -d .whl \
#     fastai fastcore fastprogress fastdownload fasttransform plum-dispatch beartype python-fasthtml starlette \
#     itsdangerous python-multipart beautifulsoup4 soupsieve oauthlib uvicorn httpx2 rapidfuzz
#   (cd ../shared/data && tar cf - crohme | xz -T0) > .carry/crohme.tar.xz
# One phase per call:
#   tools/device_train.sh setup       install, unpack, symbol bank + synthetic set, start training on a time budget
#   tools/device_train.sh wait SECS   follow the run for SECS seconds; copy its logs and latest weights to $OUT
#   tools/device_train.sh resume E [SECS]   continue a finished run with its schedule stretched to E epochs
#   tools/device_train.sh finish      wait for the run to end; ship best.pt as bf16 weights; copy all to $OUT
# Knobs (environment): RUN, CONFIG, NSYN (synthetic expressions), TRAIN_SECONDS (train.max_minutes), MAX_EPOCHS,
# WORK (scratch folder), WHEELS, DEVICE, WORKERS, EXTRA (more overrides), CALL_SECONDS (setup returns then).
# A CPU rehearsal: DEVICE=cpu NSYN=200 TRAIN_SECONDS=60 EXTRA='train.bs=16' CALL_SECONDS=150 tools/device_train.sh setup
set -euo pipefail
RUN=${RUN:-crohme-synth-gpu}; CONFIG=${CONFIG:-configs/crohme-synth.yaml}; NSYN=${NSYN:-160000}
TRAIN_SECONDS=${TRAIN_SECONDS:-1100}; W=${WORK:-/tmp/hmer}; WHEELS=${WHEELS:-.whl}; DEVICE=${DEVICE:-auto}
WORKERS=${WORKERS:-$(nproc)}; OUT=${OUT:-$W/out}; SITE=$W/site
export HMER_INK_DATA=$W/data PYTHONPATH=$SITE PATH=$SITE/bin:$PATH PYTHONUNBUFFERED=1 MPLBACKEND=Agg
mkdir -p "$W" "$OUT"
ARGS=(--config "$CONFIG" "data.train+=[synth]" train.device=$DEVICE train.num_workers=$((WORKERS > 2 ? WORKERS - 2 : 0)) ${EXTRA:-})
log() { echo "[$(date +%H:%M:%S)] $*"; }
alive() { [ -f $W/train.pid ] && kill -0 "$(cat $W/train.pid)" 2>/dev/null; }

collect() {  # the run's logs and its best weights so far -> $OUT (at most 8 files come back)
  local r=outputs/$RUN
  [ -d $r ] || return 0
  tar czf $OUT/logs.tar.gz -C outputs $RUN/metrics.csv $RUN/batches.csv $RUN/config.yaml -C $W train.log setup.log \
    2>/dev/null || true
  [ -f $r/best.pt ] && python3 - "$r/best.pt" "$OUT" <<'EOF'
import sys, torch
from pathlib import Path
from hmer_ink.checkpoint import load_checkpoint, save_weights_only
ck = load_checkpoint(sys.argv[1], map_location='cpu'); out = Path(sys.argv[2])
save_weights_only(out/'default.pt', ck)                      # what ships: bf16
f32 = save_weights_only(out/'best-fp32.pt', ck, dtype=torch.float32)
data = f32.read_bytes(); half = len(data) // 2                # files come back at most 16 MiB each: split
(out/'best-fp32.pt.part0').write_bytes(data[:half]); (out/'best-fp32.pt.part1').write_bytes(data[half:]); f32.unlink()
print(f"collected epoch {ck.get('epoch')} best {ck['extra'].get('best') if ck.get('extra') else None}")
EOF
  tail -n 3 $r/metrics.csv || true
}

follow() {  # print new metrics every 30 s for $1 seconds or until the run ends
  local end=$((SECONDS + $1))
  while alive && [ $SECONDS -lt $end ]; do
    sleep $(( end - SECONDS < 30 ? (end - SECONDS > 0 ? end - SECONDS : 1) : 30 ))
    log "$(tail -n 1 outputs/$RUN/metrics.csv 2>/dev/null || echo 'no epoch yet') | $(tail -n 1 outputs/$RUN/batches.csv 2>/dev/null)"
  done
  alive && log "still training" || { log "run ended"; tail -n 5 $W/train.log; }
}

case "${1:-}" in
setup)
  exec > >(tee -a $W/setup.log) 2>&1
  log "gpu: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo none)"
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target $SITE $WHEELS/*.whl
  python3 -m pip install -q --no-index --no-deps --no-build-isolation --no-compile --upgrade --target $SITE .
  python3 -c "import torch, fastai, hmer_ink.train; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
  mkdir -p $W/data && tar xJf .carry/crohme.tar.xz -C $W/data
  log "data: $(find $W/data -name '*.inkml' | wc -l) InkML files"
  hmer_ink_synth --n $NSYN --out $W/data/synth --bank $W/bank --workers $WORKERS \
    --crohme $W/data/crohme/train,$W/data/crohme/extra 2>&1 | grep -v "samples .*/s written" || true
  log "synthetic: $(find $W/data/synth -name '*.inkml' | wc -l) files"
  # the schedule follows the clock (train.max_minutes): the run anneals and ends within TRAIN_SECONDS of training
  log "training $RUN for $TRAIN_SECONDS s (at most ${MAX_EPOCHS:-60} epochs)"
  setsid nohup hmer_ink_train "${ARGS[@]}" run=$RUN train.n_epochs=${MAX_EPOCHS:-60} \
    train.max_minutes=$(python3 -c "print($TRAIN_SECONDS / 60)") > $W/train.log 2>&1 < /dev/null &
  echo $! > $W/train.pid
  follow $(( ${CALL_SECONDS:-540} - SECONDS ))
  collect ;;
resume)  # stretch the run's one-cycle schedule to $2 epochs and continue it from last.pt, then follow it
  setsid nohup hmer_ink_train --resume outputs/$RUN/last.pt train.n_epochs=${2:?give the new number of epochs} \
    > $W/train.log 2>&1 < /dev/null &
  echo $! > $W/train.pid
  follow "${3:-540}"; collect ;;
wait) follow "${2:-540}"; collect ;;
finish)
  follow "${2:-540}"
  alive && { log "stopping the run (time is up): best.pt so far ships"; kill -INT "$(cat $W/train.pid)"; sleep 20; }
  collect ;;
*) sed -n 2,12p "$0"; exit 2 ;;
esac
