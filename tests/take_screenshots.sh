#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's screenshots, taken by the real app under Xvfb on the embedded demo model: the single
# canvas and compare mode. Writes PNGs into OUT_DIR (the build tree); exits 77 (skipped) without
# xvfb-run.
#
#   take_screenshots.sh TOKENSCOPE_BINARY SOURCE_DIR OUT_DIR
set -euo pipefail
app=$1 root=$2 out=$3
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
    --image "$root/resources/images/synthetic-3x2.png" --question "What colour is the circle?" \
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

shoot main-window --method visionselector --budget 0.3
shoot compare --method visionselector --budget 0.3 --compare random --compare-budget 0.3
