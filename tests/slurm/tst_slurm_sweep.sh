#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# End to end: a sweep sharded over a real (single-node) Slurm job array plus merge, submitted with
# docs/slurm/submit.sh, must give the same records as one unsharded process (timings aside).
#
#   tests/slurm/tst_slurm_sweep.sh /path/to/tokenscope-cli
#
# Exit 0 pass, 1 fail, 77 skip (not root, or slurm-wlm/munge not installed: scripts/setup.sh
# installs them). Starts its own munged/slurmctld/slurmd (tests/slurm/local_cluster.sh) on free
# ports in a temp dir and stops them on any exit.
set -euo pipefail

cli=${1:?usage: tst_slurm_sweep.sh TOKENSCOPE_CLI}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shards=3
timeout_s=${TOKENSCOPE_SLURM_TIMEOUT:-300}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

((EUID == 0)) || skip "needs root (slurmd runs jobs as their submitter; a cluster needs root here)"
for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo python3; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool not found (install slurm-wlm munge: scripts/setup.sh)"
done
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")   # jobs run in another cwd
[[ -x $cli ]] || fail "not executable: $cli"

# shellcheck source=tests/slurm/local_cluster.sh
source "$here/local_cluster.sh"

tmp_root=${TOKENSCOPE_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/slurm_sweep.XXXXXX")
# The cluster gets a short path of its own: Unix socket paths (munge, slurmd) must stay < 108 bytes.
cluster=$(mktemp -d /tmp/tsslurm.XXXXXX)
ok=0
cleanup() {
  if ((ok == 0)); then
    echo "----- diagnostics (work dir kept: $work) -----" >&2
    slurm_cluster_logs "$cluster" >&2 || true
    for f in "$work"/sharded/logs/*.out; do
      [[ -f $f ]] && { echo "===== $f =====" >&2; tail -n 40 "$f" >&2; }
    done
  fi
  slurm_cluster_stop "$cluster"
  rm -rf "$cluster"
  ((ok == 0)) || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP   # bash runs the EXIT trap on these only if they are trapped

# --- inputs: a small random model and 6 questions on 6 generated PNGs of different sizes/colours ---
# 'demo', not 'tiny': tiny answers "\n\n\n\n" to everything, demo's answers differ per image, so
# the comparison below also checks the generated text (37 MB, ~2 s per 12 cells here).
"$cli" make-fixture --shape demo --seed 7 --out "$work/model" >/dev/null
python3 - "$work/data" <<'EOF'
import json, os, struct, sys, zlib
root = sys.argv[1]
os.makedirs(os.path.join(root, "images"), exist_ok=True)

def png(path, w, h, rgb):
    # Minimal 8-bit RGB PNG: filter byte 0 per row, one IDAT chunk.
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes(rgb(x, y)[c] for x in range(w) for c in range(3)) for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))

shapes = [(56, 56), (112, 56), (56, 112), (168, 112), (80, 60), (200, 150)]
with open(os.path.join(root, "val.jsonl"), "w") as out:
    for i, (w, h) in enumerate(shapes):
        name = f"images/img{i}.png"
        png(os.path.join(root, name), w, h,
            lambda x, y, i=i: ((x * 7 + i * 40) % 256, (y * 5 + i * 90) % 256, ((x + y) * 3 + i * 20) % 256))
        out.write(json.dumps({"id": f"q{i}", "image": name, "question": f"What colour is picture {i}?",
                              "answers": [["red", "green", "blue"][i % 3]], "metric": "exact_match"}) + "\n")
EOF

export MODEL=$work/model DATA=$work/data/val.jsonl METHODS=random,fastv BUDGETS=1,0.5
# One thread everywhere, so both runs do the same floating-point work in the same order.
export SWEEP_ARGS="--max-new-tokens 4 --threads 1" TOKENSCOPE_CLI=$cli
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

# --- reference: one process ---
start=$SECONDS
read -ra extra <<< "$SWEEP_ARGS"
"$cli" sweep --model "$MODEL" --data "$DATA" --methods "$METHODS" --budgets "$BUDGETS" \
  --out "$work/single" "${extra[@]}" > "$work/single.log" 2>&1 || { cat "$work/single.log" >&2; fail "unsharded sweep failed"; }
echo "unsharded sweep: $((SECONDS - start)) s"

# --- the same sweep through Slurm ---
start=$SECONDS
slurm_cluster_start "$cluster" || fail "could not start the local Slurm cluster"
echo "cluster up: $((SECONDS - start)) s (SLURM_CONF=$SLURM_CONF)"
cd "$work"   # the jobs' working directory
ids=$(OUT=$work/sharded SHARDS=$shards "$repo/docs/slurm/submit.sh") || fail "submit.sh failed"
read -r array merge <<< "$ids"
[[ -n ${merge:-} ]] || fail "submit.sh printed no job ids: '$ids'"

# Wait until neither the array nor the merge is pending or running (MinJobAge keeps them visible
# to scontrol afterwards). A failed task makes the merge's dependency unsatisfiable; submit.sh
# asks Slurm to cancel it then, so this loop also ends on failure.
deadline=$((SECONDS + timeout_s))
while [[ -n $(squeue -h -j "$array,$merge" -o %i 2>/dev/null) ]]; do
  ((SECONDS < deadline)) || { squeue >&2; fail "jobs still queued/running after ${timeout_s} s"; }
  sleep 1
done
echo "array + merge through Slurm: $((SECONDS - start)) s"

states=$(scontrol -o show job "$array" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' \n' ' ')
n_done=$(scontrol -o show job "$array" | grep -c 'JobState=COMPLETED' || true)
((n_done == shards)) || fail "array tasks: expected $shards COMPLETED, got: $states"
scontrol -o show job "$merge" | grep -q 'JobState=COMPLETED' \
  || fail "merge job did not complete: $(scontrol -o show job "$merge" | grep -o 'JobState=[A-Z_]*')"

[[ -s $work/sharded/summary.json ]] || fail "the merge job wrote no summary.json"

# --- compare: same (method, budget, doc_id) set, identical records once latency_ms is removed ---
python3 - "$work/single/records.jsonl" "$work/sharded/records.jsonl" "$work/sharded/shards" "$shards" <<'EOF'
import glob, json, os, sys
single, merged, shard_dir, shards = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def load(path):
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            r = json.loads(line)
            r.pop("latency_ms", None)
            key = (r["method"], json.dumps(r["budget"]), str(r["doc_id"]))
            if key in out:
                sys.exit(f"FAIL: {path}:{n}: duplicate record {key}")
            out[key] = r
    return out

a, b = load(single), load(merged)
parts = sorted(glob.glob(os.path.join(shard_dir, "records.shard-*-of-*.jsonl")))
if len(parts) != shards:
    sys.exit(f"FAIL: expected {shards} shard files in {shard_dir}, found {[os.path.basename(p) for p in parts]}")
in_shards = sum(len(load(p)) for p in parts)
print(f"records: unsharded {len(a)}, merged {len(b)}, in {shards} shards {in_shards}")
if not a:
    sys.exit("FAIL: the unsharded sweep wrote no records")
if a.keys() != b.keys():
    sys.exit(f"FAIL: keys differ: only unsharded {sorted(a.keys() - b.keys())[:5]}, "
             f"only merged {sorted(b.keys() - a.keys())[:5]}")
if in_shards != len(a):
    sys.exit(f"FAIL: the shards hold {in_shards} records, expected {len(a)}")
bad = [k for k in a if a[k] != b[k]]
for k in bad[:3]:
    diff = {f: (a[k].get(f), b[k].get(f)) for f in a[k].keys() | b[k].keys() if a[k].get(f) != b[k].get(f)}
    print(f"  {k}: (unsharded, merged) {diff}", file=sys.stderr)
if bad:
    sys.exit(f"FAIL: {len(bad)} of {len(a)} records differ beyond latency_ms")
EOF

ok=1
echo "PASS: $shards-task Slurm array + merge == unsharded sweep"
