#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's screenshots, taken by the real app under Xvfb on the embedded demo model: the single
# canvas, compare mode, the Chinese translation, and the sweep tab on a sweep over part of the demo
# task's test split made here with the CLI. Writes PNGs into OUT_DIR (the build tree); exits 77
# (skipped) without xvfb-run.
#
#   take_screenshots.sh TOKENSCOPE_BINARY TOKENSCOPE_CLI SOURCE_DIR OUT_DIR
set -euo pipefail
app=$1 cli=$2 root=$3 out=$4
if ! command -v xvfb-run >/dev/null; then
  echo "xvfb-run is not installed (scripts/setup.sh installs it): screenshots skipped"
  exit 77
fi
# No saved settings, so every screenshot shows the default layout.
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
mkdir -p "$out"

shoot() {
  local name=$1
  shift
  rm -f "$out/$name.png"
  xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --model "$root/resources/models/demo" \
    --image "$root/resources/images/synthetic-3x2.png" --question "What word is written on the card?" \
    --screenshot "$out/$name.png" "$@"
  local size
  size=$(stat -c %s "$out/$name.png")
  # A blank or half-drawn window compresses to a few kilobytes.
  if (( size < 50000 )); then
    echo "$out/$name.png is only $size bytes" >&2
    exit 1
  fi
  echo "screenshot: $out/$name.png ($size bytes)"
}

shoot main-window --method vir+visionselector --budget 0.5
shoot compare --method visionselector --budget 0.3 --compare random --compare-budget 0.3
shoot main-window-zh_CN --language zh_CN --method vir+visionselector --budget 0.5

# The sweep tab: a real sweep over the first 40 images of the demo task's test split (make-dataset's
# default seed: the split MODEL_CARD.md and tests/tst_demo_model.cpp use), so the curves separate.
rm -rf "$out/sweep" "$out/test-split"
"$cli" make-dataset --out "$out/test-split" --seed 1 --train 0 --val 0 --test 40 >/dev/null
"$cli" sweep --model "$root/resources/models/demo" --data "$out/test-split/test.jsonl" \
  --methods none,vir,all-1/16,visionselector,fastv,divprune,random --budgets 0.5,0.3,0.1 --out "$out/sweep" --threads 2 >/dev/null
shoot sweep --sweep "$out/sweep"
