#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The style check of every change since BASE (default: the commit in .ci/style-base, where the
# check began): clang-format on the changed lines of C++ files, clang-tidy (.clang-tidy) on the
# changed lines of widgets/ and app/, and clazy's level 0 and 1 checks on the changed files there
# (no LibTorch on the Qt side, so seconds per file). Run by the test
# suite (ctest -L style); by hand after a build: scripts/check-style.sh [BASE] [BUILD_DIR].
# Exit 0: clean; 1: problems (printed, with the command that fixes the formatting); 77: no base.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-$(cat .ci/style-base)}
build=${2:-build/dev}

if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "check-style: SKIP: $base is not in this clone (a shallow clone?), so what changed since it is unknown" >&2
  exit 77
fi
status=0
# Formatting: git clang-format prints the diff it would apply to the lines changed since base.
formatting=$(git clang-format --quiet --diff --extensions cpp,h,cu "$base" -- core widgets app tests benchmarks fuzz || true)
if [[ -n $formatting && $formatting != "no modified files to format" ]]; then
  echo "check-style: lines changed since $base are not formatted as .clang-format says; apply with"
  echo "  git clang-format $base"
  echo "$formatting"
  status=1
fi
# clang-tidy on the changed lines of the Qt side (compile_commands.json from the build).
if [[ -f $build/compile_commands.json ]]; then
  changed=$(git diff --name-only "$base" -- 'widgets/*.cpp' 'app/*.cpp' | while read -r f; do [[ -f $f ]] && echo "$f"; done)
  if [[ -n $changed ]]; then
    # clang-tidy-diff 14 exits 0 whatever it finds: read its diagnostics instead.
    tidy=$(git diff -U0 "$base" -- $changed | clang-tidy-diff -p1 -path "$build" -quiet 2>&1 || true)
    if grep -qE '(warning|error): ' <<<"$tidy"; then
      echo "check-style: clang-tidy (.clang-tidy) on the lines changed since $base:"
      grep -A3 -E '(warning|error): ' <<<"$tidy"
      status=1
    fi
    # clazy: Qt pitfalls (detaching loops, non-POD statics, connects to non-signals, ...).
    for f in $changed; do
      found=$(clazy-standalone -p "$build" -checks=level0,level1 "$f" 2>&1 | grep -A3 'warning: ' |
                grep -v -e 'Wunknown-warning-option' || true)
      if grep -q 'warning: ' <<<"$found"; then
        echo "check-style: clazy (level 0 and 1) in $f:"
        echo "$found"
        status=1
      fi
    done
  fi
else
  echo "check-style: no $build/compile_commands.json: clang-tidy skipped (build first)" >&2
  status=1
fi
[[ $status == 0 ]] && echo "check-style: the changes since $(git rev-parse --short "$base") pass clang-format, clang-tidy and clazy"
exit $status
