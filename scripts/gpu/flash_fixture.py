#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Parity fixture for the connectors and the ViR router, made with PyTorch's own modules.

transformers has no InternVL-Flash classes, so mlp2 and the router are checked against the torch.nn
modules of reference_modules.py (written from the released code's behaviour, not from our C++). They
need only torch (>= 1.13: Debian's python3-torch on the development machine is enough), so this fixture
is made and committed without the GPU machine and tst_reference_parity checks it on every CI run; the
transformers fixtures (vision tower, LLM, greedy tokens) come from parity_fixtures.py there.

    /usr/bin/python3 scripts/gpu/flash_fixture.py --base DIR --out tests/data/parity/flash-torch

--base is a TokenScope checkpoint with Flash parts (tokenscope-cli make-fixture --shape tiny): its vision
tower and LLM are kept as they are (this fixture does not check them); mlp1, mlp2 and the router get fresh
random weights with O(1) activations (the make-fixture weights would leave every router probability near
0.5). Written into --out: config.json, model.safetensors, reference.safetensors (F32: vision_features,
connector_full, connector_compressed, router_probabilities), reference.json.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

try:
    import numpy as np
    import torch
except ImportError as error:
    sys.exit(f"flash_fixture.py needs torch and numpy (Debian: python3-torch python3-numpy): {error}")

from reference_modules import DOWNSAMPLE, FlashParts, FullConnector, initialise_modules, pixel_shuffle_v2

TILES = 3
MAX_SEED_TRIES = 50


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {entry['dtype']}; write the base checkpoint as F32")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[8 + length + begin:8 + length + end], dtype="<f4").reshape(entry["shape"])
    return tensors


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        blob = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)   # the data starts 8-byte aligned, as the reference writer does
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def build_parts(config: dict, seed: int) -> FlashParts:
    vision, llm = config["vision_config"], config["llm_config"]
    width, llm_width = vision["hidden_size"], llm["hidden_size"]
    shuffle = round(1 / config["downsample_ratio"])
    parts = FlashParts(width, llm_width, shuffle)
    parts.mlp1 = FullConnector(width * shuffle ** 2, llm_width)   # state_dict names mlp1.{0,1,3}
    initialise_modules((parts,), seed)
    return parts.eval()


@torch.no_grad()
def reference_outputs(parts: FlashParts, config: dict, seed: int) -> dict[str, torch.Tensor]:
    vision = config["vision_config"]
    side = vision["image_size"] // vision["patch_size"]
    generator = torch.Generator().manual_seed(seed)
    features = torch.randn((TILES, side * side, vision["hidden_size"]), generator=generator)
    grid = features.reshape(TILES, side, side, -1)
    return {
        "vision_features": features,
        "connector_full": parts.mlp1(pixel_shuffle_v2(grid, DOWNSAMPLE)),
        "connector_compressed": parts.mlp2(pixel_shuffle_v2(grid, DOWNSAMPLE ** 2)),
        "router_probabilities": parts.router_probabilities(features),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="TokenScope checkpoint with Flash parts (F32)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    config = json.loads((args.base / "config.json").read_text())
    if not config.get("flash_mode"):
        sys.exit(f"{args.base / 'config.json'}: flash_mode is not true; the fixture checks mlp2 and the router")
    weights = read_safetensors(args.base / "model.safetensors")

    for seed in range(args.seed, args.seed + MAX_SEED_TRIES):
        parts = build_parts(config, seed)
        outputs = reference_outputs(parts, config, seed)
        p = outputs["router_probabilities"][:, 0]
        if (p - 0.5).abs().min().item() >= 0.05 and outputs["connector_full"].std().item() >= 0.1:
            break
    else:
        sys.exit(f"no seed in {args.seed}..{seed} gave router probabilities away from 0.5")

    replaced = {name: value.detach().numpy() for name, value in parts.state_dict().items()}
    for name, value in replaced.items():
        if name not in weights:
            sys.exit(f"{args.base}: the base checkpoint has no tensor '{name}' (names must match the chat layout)")
        if tuple(weights[name].shape) != tuple(value.shape):
            sys.exit(f"{args.base}: '{name}' is {tuple(weights[name].shape)} there, {tuple(value.shape)} here")
    args.out.mkdir(parents=True, exist_ok=True)
    write_safetensors(args.out / "model.safetensors", {**weights, **replaced})
    (args.out / "config.json").write_text((args.base / "config.json").read_text())
    write_safetensors(args.out / "reference.safetensors", {k: v.numpy() for k, v in outputs.items()})
    meta = {
        "case": args.out.name,
        "reference": f"PyTorch {torch.__version__} torch.nn modules (scripts/gpu/reference_modules.py): "
                     "mlp1, mlp2 after pixel shuffle v2, ViR router (nn.MultiheadAttention pooling, attn1 then "
                     "attn2 three times; gating); vision tower and LLM not checked by this fixture",
        "seed": seed,
        "tiles": TILES,
        "torch": torch.__version__,
        "tolerance": "fp32: max|ours - reference| <= 1e-4 * max(1, max|reference|) per tensor",
    }
    (args.out / "reference.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{args.out}: seed {seed}, p(compress) {[round(x, 4) for x in p.tolist()]}, "
          f"connector_full std {outputs['connector_full'].std().item():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
