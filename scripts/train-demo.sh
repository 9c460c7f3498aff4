#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reproduces the embedded demo model (resources/models/demo) from nothing, on a CPU: the synthetic
# task (v2: text on the patch grid, read-all answers), its tokenizer, the training stages, the
# training curves and the accuracy table on the test split (measured by the sweep engine). Every
# step is deterministic from the seeds below. Recipe and figures: docs/training.md, MODEL_CARD.md.
#
#   ./scripts/train-demo.sh [--work DIR] [--install] [--cli PATH] [--device cpu|cuda]
#                           [--scale F] [--batch N] [--skip-eval]
#
# --work       where data, stage folders and the evaluation go (default build/demo-training)
# --install    copy the finished model into resources/models/demo (the files the app ships)
# --cli        use this tokenscope-cli and skip setup and build (scripts/gpu/run.sh train-demo)
# --device     where the stages and the evaluation run (default cpu)
# --scale      multiplies every stage's step count (default 1; 0.05 gives a smoke run)
# --batch      images per step of the base stages (default 16)
# --skip-eval  stop after training (no sweep over the test split)
# Interrupted? Run the same command again: finished steps are skipped and the stage that was
# running resumes from its last checkpoint (every 100 steps).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/build/demo-training"
install=0
cli=""
device=cpu
scale=1
batch=16
eval=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --work) work=$2; shift 2 ;;
    --install) install=1; shift ;;
    --cli) cli=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --skip-eval) eval=0; shift ;;
    *) echo "train-demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
steps() { awk -v n="$1" -v s="$scale" 'BEGIN { v = int(n * s + 0.5); print (v < 10 ? 10 : v) }'; }

if [[ -z $cli ]]; then
  ./scripts/setup.sh
  cmake --preset dev >/dev/null
  cmake --build --preset dev --target tokenscope-cli
  cli="$root/build/dev/app/tokenscope-cli"
fi
mkdir -p "$work"
# Waiting LibTorch threads sleep instead of spinning: beside a build or a test run, spinning threads
# slowed every step several times over.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
started=$(date +%s)
stamp() { echo "train-demo: $1 at $(( $(date +%s) - started )) s"; }

# The task, three ways: one-tile images that all carry the read-all question (stage R), images of
# up to 3 tiles and of up to 6 tiles with the read-all question on a quarter of them (stage B's
# curriculum). The test split (500 images of up to 6 tiles) has only the six question types.
dataset() {   # dataset DIR SEED MAX_TILES READ_ALL TRAIN VAL TEST [OPTION...]
  [[ -f $1/complete ]] && return
  "$cli" make-dataset --out "$1" --seed "$2" --max-tiles "$3" --read-all "$4" --train "$5" --val "$6" --test "$7" "${@:8}"
  touch "$1/complete"
}
# data-6 has make-dataset's default seed: its test split is the one tests/tst_demo_model.cpp regenerates.
dataset "$work/data-1" 2 1 100 20000 200 0 --one-tile-dense 80
dataset "$work/data-3" 3 3 25 20000 200 0
dataset "$work/data-6" 1 6 25 20000 300 500
[[ -f $work/tokenizer.json ]] || "$cli" train-tokenizer \
  --data "$work/data-1/train.jsonl,$work/data-3/train.jsonl,$work/data-6/train.jsonl" --out "$work/tokenizer.json" --vocab 2048
stamp "data and tokenizer"

common=(--seed 1 --threads 0 --log-every 20 --device "$device")
base=("${common[@]}" --batch "$batch" --eval-every 500 --eval-images 64)
# Stage R: read everything on one-tile images.
"$cli" train --stage base --tokenizer "$work/tokenizer.json" --shape demo --out "$work/read" \
  --data "$work/data-1/train.jsonl" --val "$work/data-1/val.jsonl" --steps "$(steps 5000)" "${base[@]}"
stamp "stage R"
# Stage B: the questions, on up to 3 tiles, then on up to 6.
"$cli" train --stage base --from "$work/read" --out "$work/base3" \
  --data "$work/data-3/train.jsonl" --val "$work/data-3/val.jsonl" --steps "$(steps 1500)" "${base[@]}"
"$cli" train --stage base --from "$work/base3" --out "$work/base" \
  --data "$work/data-6/train.jsonl" --val "$work/data-6/val.jsonl" --steps "$(steps 1500)" "${base[@]}"
# More steps on up to 6 tiles, the rate warmed up again (+5.6 points with every token; a new seed
# draws a new data order).
"$cli" train --stage base --from "$work/base" --out "$work/base-more" \
  --data "$work/data-6/train.jsonl" --val "$work/data-6/val.jsonl" --steps "$(steps 1500)" \
  --seed 2 --threads 0 --log-every 20 --device "$device" --batch "$batch" --eval-every 500 --eval-images 64
stamp "stage B"

six=(--data "$work/data-6/train.jsonl" --val "$work/data-6/val.jsonl" --batch 8 "${common[@]}")
# ViCO with the vision encoder frozen: it keeps the full-token path best of the variants tried
# (docs/training.md).
"$cli" train --stage vico --from "$work/base-more" --out "$work/vico" --steps "$(steps 600)" --vision-lr-scale 0 "${six[@]}"
"$cli" train --stage router --from "$work/vico" --out "$work/router" --steps "$(steps 300)" "${six[@]}"
# The no-ViCO ablation: the same router stage straight from the base.
"$cli" train --stage router --from "$work/base-more" --out "$work/router-no-vico" --steps "$(steps 300)" "${six[@]}"
"$cli" train --stage selector --from "$work/router" --out "$work/selector" --steps "$(steps 400)" "${six[@]}"
stamp "training"
trained=$(( $(date +%s) - started ))
"$cli" plot-training "$work/read" "$work/base3" "$work/base" "$work/base-more" "$work/vico" "$work/router" \
  "$work/selector" --out "$work/training-curves.png" --held-out "$work/held-out-curves.png"

if [[ $eval -eq 1 ]]; then
  # The accuracy table: full tokens, ViR, every tile at 1/16, and the token-selection methods.
  "$cli" sweep --model "$work/selector" --data "$work/data-6/test.jsonl" --out "$work/eval" \
    --methods none,vir,all-1/16,visionselector,random,fastv,visionzip,dart,divprune,prumerge+ --budgets 0.1,0.3 \
    --device "$device"
  "$cli" report "$work/eval"
  # The ablation's router on the same test split.
  "$cli" sweep --model "$work/router-no-vico" --data "$work/data-6/test.jsonl" --out "$work/eval-no-vico" \
    --methods none,vir --budgets 1 --device "$device"
  "$cli" report "$work/eval-no-vico" --no-plots
fi
echo "train-demo: training took ${trained} s; total $(( $(date +%s) - started )) s on $(nproc) cores ($device)"

if [[ $install -eq 1 ]]; then
  dest="$root/resources/models/demo"
  mkdir -p "$dest"
  cp "$work/selector/config.json" "$work/selector/model.safetensors" "$work/selector/selector.safetensors" \
     "$work/selector/tokenizer.json" "$dest/"
  cp "$work/training-curves.png" "$work/held-out-curves.png" "$dest/"
  echo "train-demo: installed the model in $dest (update MODEL_CARD.md from $work/eval/summary.csv)"
fi
