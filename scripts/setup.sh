#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages TokenScope needs, and only those that are missing.
# Idempotent: a second run installs nothing. Runs as root, or through sudo otherwise.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6opengl6-dev
  libtorch-dev libopenblas0-pthread          # OpenBLAS: without it LibTorch matmuls run ~30x slower
  libopencv-dev libpng-dev libqcustomplot-dev nlohmann-json3-dev libpcre2-dev libutf8proc-dev
  xvfb xauth fonts-dejavu-core fonts-wqy-microhei   # the Chinese translation needs CJK glyphs
  nodejs npm                                 # tokenizer parity tests run the reference under node
  clang libclang-rt-14-dev                   # sanitizers and libFuzzer
  clang-format clang-tidy clazy              # scripts/check-style.sh (the style test)
  slurm-wlm munge                            # tests/slurm: a single-node cluster for the sharded sweep
)

missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from elsewhere (e.g. a preinstalled Node); accept the commands.
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/nodejs/node}" >/dev/null 2>&1; then continue; fi
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
