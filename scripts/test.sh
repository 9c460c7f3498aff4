#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's second command: install what is missing, build, and run the whole test suite.
#   ./scripts/test.sh            (dev preset: optimised with debug info)
#   ./scripts/test.sh asan       (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-dev}

./scripts/setup.sh
# ctest runs the suite with as many jobs as there are cores; the tests themselves use 1-2 threads.
export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-$(nproc)}
cmake --workflow --preset "$preset"
