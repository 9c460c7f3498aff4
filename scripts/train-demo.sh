#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reproduces the embedded demo model (resources/models/demo) from nothing, on a CPU: the synthetic
# task, its tokenizer, the four training stages, the training curves and the accuracy table on
# the test split (measured by the sweep engine). Every step is deterministic from the seeds below.
#
#   ./scripts/train-demo.sh [--work DIR] [--install] [--cli PATH] [--device cpu|cuda]
#                           [--base-steps N] [--batch N]
#
# --work        where data, stage folders and the evaluation go (default build/demo-training)
# --install     copy the finished model into resources/models/demo (the files the app ships)
# --cli         use this tokenscope-cli and skip setup and build (scripts/gpu/run.sh train-demo)
# --device      where the stages and the evaluation run (default cpu)
# --base-steps  base-stage steps (default 2000, what the shipped model had on the 2-core CPU)
# --batch       images per step (default 8)
# A stage that was interrupted resumes from its last checkpoint when the script is run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/build/demo-training"
install=0
cli=""
device=cpu
baseSteps=2000
batch=8
while [[ $# -gt 0 ]]; do
  case $1 in
    --work) work=$2; shift 2 ;;
    --install) install=1; shift ;;
    --cli) cli=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --base-steps) baseSteps=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    *) echo "train-demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ -z $cli ]]; then
  ./scripts/setup.sh
  cmake --preset dev >/dev/null
  cmake --build --preset dev --target tokenscope-cli
  cli="$root/build/dev/app/tokenscope-cli"
fi
data="$work/data"
mkdir -p "$work"
started=$(date +%s)

# The task: 16,000 training images (~44k questions), 300 validation, 500 test (1,361 questions).
[[ -f $data/test.jsonl ]] || "$cli" make-dataset --out "$data" --seed 1 --train 16000 --val 300 --test 500
[[ -f $data/tokenizer.json ]] || "$cli" train-tokenizer --data "$data/train.jsonl" --out "$data/tokenizer.json" --vocab 2048

common=(--data "$data/train.jsonl" --val "$data/val.jsonl" --batch "$batch" --seed 1 --threads 0 --log-every 20
        --device "$device")
"$cli" train --stage base --tokenizer "$data/tokenizer.json" --shape demo --out "$work/base" --steps "$baseSteps" "${common[@]}"
"$cli" train --stage vico --from "$work/base" --out "$work/vico" --steps 400 "${common[@]}"
"$cli" train --stage router --from "$work/vico" --out "$work/router" --steps 200 "${common[@]}"
"$cli" train --stage selector --from "$work/router" --out "$work/selector" --steps 300 "${common[@]}"
trained=$(( $(date +%s) - started ))
"$cli" plot-training "$work/base" "$work/vico" "$work/router" "$work/selector" --out "$work/training-curves.png"

# The accuracy table: full tokens, ViR, every tile at 1/16, and the token-selection methods.
"$cli" sweep --model "$work/selector" --data "$data/test.jsonl" --out "$work/eval" \
  --methods none,vir,all-1/16,visionselector,random,fastv,visionzip,dart,divprune,prumerge+ --budgets 0.1,0.3 \
  --device "$device"
"$cli" report "$work/eval"
echo "train-demo: training took ${trained} s; total $(( $(date +%s) - started )) s on $(nproc) cores ($device)"

if [[ $install -eq 1 ]]; then
  dest="$root/resources/models/demo"
  mkdir -p "$dest"
  cp "$work/selector/config.json" "$work/selector/model.safetensors" "$work/selector/selector.safetensors" \
     "$work/selector/tokenizer.json" "$dest/"
  cp "$work/training-curves.png" "$dest/training-curves.png"
  echo "train-demo: installed the model in $dest (update MODEL_CARD.md from $work/eval/summary.csv)"
fi
