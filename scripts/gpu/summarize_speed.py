#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns the JSON lines of reference_speed.py (transformers) and bench_ttft (TokenScope) into the
Markdown table of docs/benchmarks.md, with the issue's goals checked:
  TokenScope full tokens vs transformers, TTFT            >= 1.5x
  ViR at ~50% of the tokens vs full, TTFT (8B, 1344 px)   >= 1.5x
  VisionSelector at 0.2 vs full, prefill                   >= 1.73x (the paper's figure)
Usage: summarize_speed.py speed.jsonl > speed.md"""

import json
import sys
from collections import defaultdict


def main(path):
    rows = defaultdict(dict)   # (shape, px) -> case -> record
    meta = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not JSON ({e})")
            case = "transformers" if r.get("impl") == "transformers" else r["case"]
            rows[(r["shape"], int(r["image_px"]))][case] = r
            if r.get("impl") == "transformers":
                meta = r

    def ratio(a, b):
        return a / b if a and b else float("nan")

    def mark(value, goal):
        return "" if value != value else (" ✓" if value >= goal else " ✗")

    print(f"GPU: {meta.get('device', '?')}, bf16, batch 1; transformers {meta.get('transformers', '?')}, "
          f"torch {meta.get('torch', '?')}. Medians of repeats after warm-up.\n")
    print("| shape | image | tiles | transformers TTFT ms | TokenScope full TTFT ms | speed-up (goal 1.5x) "
          "| ViR-0.5 TTFT ms (tokens) | full / ViR (goal 1.5x at 8B 1344 px) "
          "| VS-0.2 prefill ms | prefill full / VS-0.2 (goal 1.73x) | decode tok/s transformers / TokenScope |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (shape, px), cases in sorted(rows.items()):
        ref, full = cases.get("transformers", {}), cases.get("full", {})
        vir, vs = cases.get("vir-0.5", {}), cases.get("visionselector-0.2", {})
        speedup = ratio(ref.get("ttft_ms_median"), full.get("ttft_ms_median"))
        virGain = vir.get("ttft_speedup_vs_full_median", float("nan"))
        vsGain = ratio(full.get("prefill_ms_median"), vs.get("prefill_ms_median"))
        virGoal = mark(virGain, 1.5) if "8b" in shape and px == 1344 else ""
        print(f"| {shape} | {px} px | {full.get('tiles', ref.get('tiles', '?'))} "
              f"| {ref.get('ttft_ms_median', float('nan')):.1f} | {full.get('ttft_ms_median', float('nan')):.1f} "
              f"| {speedup:.2f}x{mark(speedup, 1.5)} "
              f"| {vir.get('ttft_ms_median', float('nan')):.1f} ({vir.get('visual_tokens', '?')} of {full.get('visual_tokens', '?')}) "
              f"| {virGain:.2f}x{virGoal} | {vs.get('prefill_ms_median', float('nan')):.1f} | {vsGain:.2f}x{mark(vsGain, 1.73)} "
              f"| {ref.get('decode_tok_s_median', float('nan')):.0f} / {full.get('decode_tok_s_median', float('nan')):.0f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
