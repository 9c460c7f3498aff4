#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Submits a sharded TokenScope sweep: an array of SHARDS tasks (docs/slurm/sweep.sbatch), then a
# merge job that starts only if every task succeeded (--dependency=afterok).
#
#   MODEL=... DATA=... METHODS=none,vir BUDGETS=1,0.5 OUT=/scratch/me/sweep SHARDS=8 \
#     [TOKENSCOPE_CLI=/opt/tokenscope/bin/tokenscope-cli] [SWEEP_ARGS="--limit 100"] \
#     docs/slurm/submit.sh [extra sbatch options, e.g. --partition=gpu --time=02:00:00]
#
# The extra options go to both submissions. Prints "<array job id> <merge job id>" on stdout.
# Job logs: OUT/logs/. Results: OUT/records.jsonl (merged), OUT/summary.{json,csv}, OUT/plots/,
# and OUT/shards/ (one records file per task).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shards=${SHARDS:-4}
: "${MODEL:?set MODEL}" "${DATA:?set DATA}" "${METHODS:?set METHODS}" "${BUDGETS:?set BUDGETS}" "${OUT:?set OUT}"
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: SHARDS must be a positive integer, got '$shards'" >&2; exit 2; }
export MODEL DATA METHODS BUDGETS OUT   # sbatch's default --export=ALL hands them to the jobs

# Slurm opens the --output files before the job runs, so their folder must exist.
mkdir -p "$OUT/logs" "$OUT/shards"
# --parsable prints "jobid[;cluster]"; keep the id.
array=$(sbatch --parsable --array="0-$((shards - 1))" --output="$OUT/logs/%x-%A_%a.out" "$@" \
  "$here/sweep.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --job-name=tokenscope-merge --output="$OUT/logs/%x-%j.out" "$@" "$here/sweep.sbatch" merge)
merge=${merge%%;*}
echo "submit.sh: array job $array ($shards tasks), merge job $merge -> $OUT/records.jsonl" >&2
echo "$array $merge"
