#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's first command: install what is missing, build, and run TokenScope on the embedded
# demo model and an image of the task it was trained on. Opens the GUI when a display exists; otherwise runs the same
# pipeline headless and writes the overlay and plots as PNG files (paths are printed).
#   ./scripts/demo.sh [--question TEXT] [--image FILE] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

question="What word is written on the card?"   # ViR keeps the card tiles at 1/4 and reads it (MODEL_CARD.md)
image="$root/resources/images/synthetic-3x2.png"
out="$root/tokenscope-demo"
while (($#)); do
  case $1 in
    --question) question=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

./scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target tokenscope tokenscope-cli

bin="$root/build/dev/app"
model="$root/resources/models/demo"
if [[ ! -f $model/config.json ]]; then
  # A checkout without the shipped demo weights: use a random-weight checkpoint of the demo shape
  # (112-px tiles). Routing and answers are then those of an untrained model.
  model="$root/build/dev/demo-model-random"
  [[ -f $model/config.json ]] || "$bin/tokenscope-cli" make-fixture --shape demo --seed 1 --out "$model" >/dev/null
  echo "demo: note: no trained demo model in resources/models/demo; using random weights at the demo shape ($model)"
fi

# The ViR router choosing each tile's resolution, then the learned VisionSelector scorer keeping half
# of what it sent (26 of the task image's 112 tokens, and it still reads the card): the overlay
# colours the tiles by router decision, shows the scores as a heatmap and dims the dropped tokens.
args=(--model "$model" --image "$image" --question "$question" --method vir+visionselector --budget 0.5)
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
  exec "$bin/tokenscope" "${args[@]}"
fi
exec "$bin/tokenscope" --headless --out "$out" "${args[@]}"
