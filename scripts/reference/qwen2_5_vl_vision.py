#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent plain-PyTorch reference of the Qwen2.5-VL vision tower, and its parity fixture.

What it is: the image preprocessing (smart_resize, PIL bicubic resize, rescale, CLIP normalisation,
temporal duplication, patch flattening) and the vision tower (Conv3d patch embedding as a matmul,
2-D rotary embedding, window / full attention blocks, patch merger) written here from reading the
public transformers code, without transformers. It runs on Debian's /usr/bin/python3 (torch 1.13,
PIL 9.4, numpy); nothing else is needed (safetensors files are written and read by hand).

Sources (read, not copied; each part below names the class/function it follows):
  [M]  huggingface/transformers src/transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py
       @ 00b676f8f0489b88652a31d70751cc540dd06305 (Qwen2_5_VisionPatchEmbed,
       Qwen2_5_VisionRotaryEmbedding, Qwen2RMSNorm, Qwen2_5_VLMLP, Qwen2_5_VLVisionAttention,
       apply_rotary_pos_emb_vision, rotate_half, Qwen2_5_VLVisionBlock, Qwen2_5_VLPatchMerger,
       Qwen2_5_VisionTransformerPretrainedModel.rot_pos_emb / get_window_index / forward)
  [IP] huggingface/transformers src/transformers/models/qwen2_vl/image_processing_qwen2_vl.py
       @ cb0fc56f3caccab77d00d44051a67d4b0980cbd2 (smart_resize, Qwen2VLImageProcessor._preprocess)
  [IT] huggingface/transformers src/transformers/image_transforms.py
       @ 000593ad84f26043f62917c541c57c4b71b9bc94 (resize via PIL, rescale in float64 then float32,
       normalize in float32)

The weights are random (fixed seed); the fixture checks the C++ engine's arithmetic, not a model.

Rerun from the repository root (deterministic: same torch/PIL give the same files):

    /usr/bin/python3 scripts/reference/qwen2_5_vl_vision.py \
        --out tests/data/parity/qwen2_5_vl-vision --check

--out writes config.json, preprocessor_config.json, model.safetensors, reference.safetensors,
reference.json, case1.png and each case's resized image (<case>.resized.png) into DIR; --check runs the self-checks (explicit windowed attention
vs a brute-force block-diagonal masked attention, window-order round trips) and prints them.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import PIL
import torch
from PIL import Image
from torch import nn

ROOT = Path(__file__).resolve().parent.parent.parent
SEED = 20251207

# Tiny Qwen2.5-VL configuration (hub layout: text keys flat at the top level, vision_config nested).
VISION_CONFIG = {
    "depth": 4,
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_heads": 4,
    "patch_size": 14,
    "spatial_patch_size": 14,
    "spatial_merge_size": 2,
    "temporal_patch_size": 2,
    "window_size": 112,
    "fullatt_block_indexes": [1, 3],
    "out_hidden_size": 64,
    "in_chans": 3,
    "in_channels": 3,
    "hidden_act": "silu",
    "tokens_per_second": 2,
}
MODEL_CONFIG = {
    "architectures": ["Qwen2_5_VLForConditionalGeneration"],
    "model_type": "qwen2_5_vl",
    "bos_token_id": 151643,
    "eos_token_id": 151645,
    "vision_start_token_id": 151652,
    "vision_end_token_id": 151653,
    "vision_token_id": 151654,
    "image_token_id": 151655,
    "video_token_id": 151656,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 512,
    "rms_norm_eps": 1e-06,
    "rope_theta": 1000000.0,
    "max_position_embeddings": 4096,
    "tie_word_embeddings": True,
    "hidden_act": "silu",
    "rope_scaling": {"type": "mrope", "mrope_section": [2, 3, 3]},
    "torch_dtype": "float32",
    "vision_config": VISION_CONFIG,
}
# max_pixels: 75264 = 224*336 is the smallest budget that leaves case1 (224x336) unshrunk; with it
# chelsea (451x300) shrinks to 336x196 (the 200704 first planned would give 448x308, 704 patches).
PREPROCESSOR_CONFIG = {
    "min_pixels": 3136,
    "max_pixels": 75264,
    "patch_size": 14,
    "temporal_patch_size": 2,
    "merge_size": 2,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "do_resize": True,
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "do_convert_rgb": True,
    "resample": 3,
    "image_processor_type": "Qwen2VLImageProcessor",
    "processor_class": "Qwen2_5_VLProcessor",
}
CASE0_IMAGE = "resources/images/chelsea.png"
CASE1_SIZE = (224, 336)  # (H, W): merged grid 8x12, both multiples of the 4x4 window


# ------------------------------------------------------------------------------------------------
# Preprocessing
# ------------------------------------------------------------------------------------------------

def smart_resize(height, width, factor=28, min_pixels=56 * 56, max_pixels=14 * 14 * 4 * 1280):
    """[IP] smart_resize: sides to multiples of factor, area kept in [min_pixels, max_pixels]."""
    if height < factor or width < factor:
        raise ValueError(f"image {height}x{width} has a side under the factor {factor}")
    if max(height, width) / min(height, width) > 200:
        raise ValueError(f"aspect ratio of {height}x{width} is over 200")
    # Python's round() rounds halves to even, which is what the original relies on.
    new_h = round(height / factor) * factor
    new_w = round(width / factor) * factor
    if new_h * new_w > max_pixels:
        scale = math.sqrt(height * width / max_pixels)
        new_h = math.floor(height / scale / factor) * factor
        new_w = math.floor(width / scale / factor) * factor
    elif new_h * new_w < min_pixels:
        scale = math.sqrt(min_pixels / (height * width))
        new_h = math.ceil(height * scale / factor) * factor
        new_w = math.ceil(width * scale / factor) * factor
    return new_h, new_w


def preprocess(image, cfg):
    """[IP] _preprocess for one still image -> (resized uint8 HxWx3, pixel_values [N, C*tps*p*p], grid_thw)."""
    p, tps, m = cfg["patch_size"], cfg["temporal_patch_size"], cfg["merge_size"]
    # [IT] convert_to_rgb: anything not RGB goes through PIL's convert("RGB").
    if image.mode != "RGB":
        image = image.convert("RGB")
    source = np.asarray(image, dtype=np.uint8)
    height, width = source.shape[:2]
    new_h, new_w = smart_resize(height, width, p * m, cfg["min_pixels"], cfg["max_pixels"])
    # [IT] resize: uint8 array -> PIL image -> Image.resize((w, h), BICUBIC) -> uint8 array.
    resized = np.asarray(Image.fromarray(source).resize((new_w, new_h), resample=Image.Resampling.BICUBIC), dtype=np.uint8)
    # [IT] rescale: multiply in float64, then store float32.
    scaled = (resized.astype(np.float64) * cfg["rescale_factor"]).astype(np.float32)
    # [IT] normalize: (x - mean) / std with mean/std as float32 arrays, channels last.
    mean = np.array(cfg["image_mean"], dtype=np.float32)
    std = np.array(cfg["image_std"], dtype=np.float32)
    normed = (scaled - mean) / std
    chw = normed.transpose(2, 0, 1)  # to channels first, as _preprocess's data_format=FIRST
    # [IP] _preprocess: one frame is padded to tps frames by repeating it (grid_t = 1).
    frames = np.stack([chw] * tps, axis=0)  # [T=tps, C, H, W]
    channels = frames.shape[1]
    grid_t, grid_h, grid_w = frames.shape[0] // tps, new_h // p, new_w // p
    # Axes: (t, tp, c, bh, mh, py, bw, mw, px) -> rows (t, bh, bw, mh, mw), columns (c, tp, py, px).
    split = frames.reshape(grid_t, tps, channels, grid_h // m, m, p, grid_w // m, m, p)
    rows = split.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    pixel_values = np.ascontiguousarray(rows.reshape(grid_t * grid_h * grid_w, channels * tps * p * p))
    return resized, pixel_values.astype(np.float32), (grid_t, grid_h, grid_w)


# ------------------------------------------------------------------------------------------------
# Positions and windows
# ------------------------------------------------------------------------------------------------

def rot_pos_ids(grid_thw, merge=2):
    """[M] rot_pos_emb's pos_ids: (h, w) of every patch in merge-grouped order (t, bh, bw, mh, mw)."""
    out = []
    for t, h, w in grid_thw:
        ids = []
        for bh in range(h // merge):
            for bw in range(w // merge):
                for mh in range(merge):
                    for mw in range(merge):
                        ids.append((bh * merge + mh, bw * merge + mw))
        out.extend(ids * t)  # every frame repeats the same spatial ids
    return torch.tensor(out, dtype=torch.int64)


def window_index(grid_thw, window_size=112, merge=2, patch=14):
    """[M] get_window_index: merged-token order grouped by window, and window bounds in patches.

    Returns (window_index [sum t*h*w/merge^2] int64, cu_window_seqlens int64 after
    torch.unique_consecutive, as forward uses it, and the raw list before it).
    """
    unit = merge * merge
    win = window_size // merge // patch  # window side in merged tokens (4 for 112 / 2 / 14)
    order, raw_cu, offset = [], [0], 0
    for t, h, w in grid_thw:
        lh, lw = h // merge, w // merge
        # As the original: pad = win - n % win, so a side already divisible gets a full empty window.
        rows_w = (lh + win - lh % win) // win
        cols_w = (lw + win - lw % win) // win
        for ti in range(t):
            for wr in range(rows_w):
                for wc in range(cols_w):
                    members = []
                    for r in range(wr * win, min((wr + 1) * win, lh)):
                        for c in range(wc * win, min((wc + 1) * win, lw)):
                            members.append(offset + ti * lh * lw + r * lw + c)
                    order.extend(members)
                    raw_cu.append(raw_cu[-1] + len(members) * unit)
        offset += t * lh * lw
    index = torch.tensor(order, dtype=torch.int64)
    cu = torch.unique_consecutive(torch.tensor(raw_cu, dtype=torch.int64))
    return index, cu, raw_cu


def full_seqlens(grid_thw):
    """[M] forward's cu_seqlens: one segment per frame (h*w patches each)."""
    cu = [0]
    for t, h, w in grid_thw:
        for _ in range(t):
            cu.append(cu[-1] + h * w)
    return torch.tensor(cu, dtype=torch.int64)


# ------------------------------------------------------------------------------------------------
# The tower
# ------------------------------------------------------------------------------------------------

class RMSNorm(nn.Module):
    """[M] Qwen2RMSNorm: x * rsqrt(mean(x^2) + eps) in fp32, then times weight (no bias)."""

    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        x32 = x.float()
        normed = x32 * torch.rsqrt(x32.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return self.weight * normed.to(x.dtype)


class PatchProj(nn.Module):
    """[M] Qwen2_5_VisionPatchEmbed.proj: Conv3d with kernel == stride, i.e. one matmul per patch."""

    def __init__(self, embed, channels, tps, patch):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(embed, channels, tps, patch, patch))

    def forward(self, rows):
        # Each row is (c, tp, py, px) flattened, the same order as the kernel's trailing dims.
        return rows @ self.weight.reshape(self.weight.shape[0], -1).t()


class PatchEmbed(nn.Module):
    """[M] Qwen2_5_VisionPatchEmbed (bias-free)."""

    def __init__(self, embed, channels, tps, patch):
        super().__init__()
        self.proj = PatchProj(embed, channels, tps, patch)

    def forward(self, rows):
        return self.proj(rows.to(self.proj.weight.dtype))


class GatedMLP(nn.Module):
    """[M] Qwen2_5_VLMLP(bias=True): down(silu(gate(x)) * up(x))."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(dim, hidden, bias=True)
        self.up_proj = nn.Linear(dim, hidden, bias=True)
        self.down_proj = nn.Linear(hidden, dim, bias=True)

    def forward(self, x):
        gate = self.gate_proj(x)
        return self.down_proj(gate * torch.sigmoid(gate) * self.up_proj(x))


def rotate_half(x):
    """[M] rotate_half: (x1, x2) -> (-x2, x1) over the two halves of the last dim."""
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def segment_attention(q, k, v, cu_seqlens):
    """Non-causal softmax(q k^T / sqrt(d)) v inside each [cu[i], cu[i+1]) segment; q,k,v [heads, S, d]."""
    scale = q.shape[-1] ** -0.5
    pieces = []
    bounds = cu_seqlens.tolist()
    for start, end in zip(bounds[:-1], bounds[1:]):
        qs, ks, vs = q[:, start:end], k[:, start:end], v[:, start:end]
        scores = torch.matmul(qs, ks.transpose(-1, -2)) * scale
        probs = torch.softmax(scores.float(), dim=-1).to(qs.dtype)
        pieces.append(torch.matmul(probs, vs))
    return torch.cat(pieces, dim=1)


def masked_full_attention(q, k, v, cu_seqlens):
    """Brute force for --check: one S x S attention with a block-diagonal mask built from cu_seqlens."""
    seq = q.shape[1]
    segment = torch.zeros(seq, dtype=torch.int64)
    bounds = cu_seqlens.tolist()
    for i, (start, end) in enumerate(zip(bounds[:-1], bounds[1:])):
        segment[start:end] = i
    allowed = segment[:, None] == segment[None, :]
    scores = torch.matmul(q, k.transpose(-1, -2)) * q.shape[-1] ** -0.5
    scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


class VisionAttention(nn.Module):
    """[M] Qwen2_5_VLVisionAttention + apply_rotary_pos_emb_vision (half-split rotary, fp32)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.proj = nn.Linear(dim, dim, bias=True)
        self.attend = segment_attention

    def forward(self, x, cu_seqlens, cos, sin):
        seq = x.shape[0]
        # qkv columns: [q | k | v], each head-major: index = which*dim + head*head_dim + d.
        q, k, v = self.qkv(x).reshape(seq, 3, self.heads, -1).permute(1, 2, 0, 3)  # each [heads, S, d]
        c, s = cos.float()[None], sin.float()[None]
        q = (q.float() * c + rotate_half(q.float()) * s).to(x.dtype)
        k = (k.float() * c + rotate_half(k.float()) * s).to(x.dtype)
        out = self.attend(q, k, v, cu_seqlens)  # [heads, S, d]
        return self.proj(out.permute(1, 0, 2).reshape(seq, -1))


class VisionBlock(nn.Module):
    """[M] Qwen2_5_VLVisionBlock: pre-norm residual attention, then pre-norm residual MLP."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = RMSNorm(dim, 1e-6)
        self.norm2 = RMSNorm(dim, 1e-6)
        self.attn = VisionAttention(dim, heads)
        self.mlp = GatedMLP(dim, hidden)

    def forward(self, x, cu_seqlens, cos, sin):
        x = x + self.attn(self.norm1(x), cu_seqlens, cos, sin)
        return x + self.mlp(self.norm2(x))


class PatchMerger(nn.Module):
    """[M] Qwen2_5_VLPatchMerger: RMSNorm per patch, 4 consecutive patches concatenated, Linear-GELU(erf)-Linear."""

    def __init__(self, out_dim, dim, merge):
        super().__init__()
        self.width = dim * merge * merge
        self.ln_q = RMSNorm(dim, 1e-6)
        self.mlp = nn.Sequential(nn.Linear(self.width, self.width), nn.GELU(), nn.Linear(self.width, out_dim))

    def forward(self, x):
        return self.mlp(self.ln_q(x).reshape(-1, self.width))


class VisionTower(nn.Module):
    """[M] Qwen2_5_VisionTransformerPretrainedModel; state_dict keys are the checkpoint's minus 'visual.'."""

    def __init__(self, vc):
        super().__init__()
        self.vc = vc
        dim, heads = vc["hidden_size"], vc["num_heads"]
        self.merge = vc["spatial_merge_size"]
        self.patch_embed = PatchEmbed(dim, vc["in_channels"], vc["temporal_patch_size"], vc["patch_size"])
        self.blocks = nn.ModuleList(
            [VisionBlock(dim, heads, vc["intermediate_size"]) for _ in range(vc["depth"])])
        self.merger = PatchMerger(vc["out_hidden_size"], dim, self.merge)
        # [M] Qwen2_5_VisionRotaryEmbedding(head_dim // 2), theta 10000, computed in float32.
        rot_dim = dim // heads // 2
        self.inv_freq = 1.0 / (10000.0 ** (torch.arange(0, rot_dim, 2, dtype=torch.float32) / rot_dim))

    def rotary(self, pos_ids):
        """[M] rot_pos_emb then forward's cat: angles [S, head_dim] = (h*f, w*f, h*f, w*f)."""
        angles = (pos_ids.to(torch.float32)[:, :, None] * self.inv_freq[None, None, :]).reshape(pos_ids.shape[0], -1)
        emb = torch.cat((angles, angles), dim=-1)
        return emb.cos(), emb.sin()

    def forward(self, pixel_values, grid_thw, attend=segment_attention):
        """[M] forward; returns the stages the fixture stores (block outputs stay in window order)."""
        unit = self.merge * self.merge
        vc = self.vc
        for block in self.blocks:
            block.attn.attend = attend
        x = self.patch_embed(pixel_values)
        patch_embeds = x
        pos = rot_pos_ids(grid_thw, self.merge)
        win_idx, cu_window, _ = window_index(grid_thw, vc["window_size"], self.merge, vc["patch_size"])
        seq = x.shape[0]
        # Permute at merge-unit granularity: the 4 patches of a 2x2 unit move together.
        x = x.reshape(seq // unit, unit, -1)[win_idx].reshape(seq, -1)
        pos_w = pos.reshape(seq // unit, unit, 2)[win_idx].reshape(seq, 2)
        cos, sin = self.rotary(pos_w)
        cu_full = full_seqlens(grid_thw)
        outputs = []
        for i, block in enumerate(self.blocks):
            cu = cu_full if i in vc["fullatt_block_indexes"] else cu_window
            x = block(x, cu, cos, sin)
            outputs.append(x)
        merged_window_order = self.merger(x)
        merged = merged_window_order[torch.argsort(win_idx)]
        return {
            "patch_embeds": patch_embeds,
            "block_outputs": outputs,
            "last_hidden": x,
            "merged": merged,
            "window_index": win_idx,
            "cu_window_seqlens": cu_window,
            "rotary_pos_ids": pos,
            "rotary_pos_ids_window_order": pos_w,
        }


def init_weights(tower, seed):
    """Random weights that keep activations O(1): linears N(0, 1/fan_in), norms 1 + 0.1 N, biases 0.02 N."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in sorted(tower.named_parameters()):
            if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("ln_q.weight"):
                param.copy_(1.0 + 0.1 * torch.randn(param.shape, generator=gen))
            elif name.endswith(".bias"):
                param.copy_(0.02 * torch.randn(param.shape, generator=gen))
            else:
                fan_in = param[0].numel()
                param.copy_(torch.randn(param.shape, generator=gen) / math.sqrt(fan_in))


def expected_checkpoint_names(vc):
    names = ["visual.patch_embed.proj.weight", "visual.merger.ln_q.weight", "visual.merger.mlp.0.weight",
             "visual.merger.mlp.0.bias", "visual.merger.mlp.2.weight", "visual.merger.mlp.2.bias"]
    for i in range(vc["depth"]):
        names += [f"visual.blocks.{i}.norm1.weight", f"visual.blocks.{i}.norm2.weight"]
        for lin in ("attn.qkv", "attn.proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"):
            names += [f"visual.blocks.{i}.{lin}.weight", f"visual.blocks.{i}.{lin}.bias"]
    return sorted(names)


# ------------------------------------------------------------------------------------------------
# safetensors by hand
# ------------------------------------------------------------------------------------------------

DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, tensors, metadata=None):
    """8-byte LE header length, JSON header (keys sorted, space-padded to 8), raw LE data in key order."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        code, np_dtype = DTYPES[t.dtype]
        data = t.numpy().astype(np_dtype, copy=False).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    raw = Path(path).read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    base = 8 + size
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        np_dtype = {"F32": "<f4", "I64": "<i8"}[info["dtype"]]
        start, end = info["data_offsets"]
        arr = np.frombuffer(raw[base + start:base + end], dtype=np_dtype).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


# ------------------------------------------------------------------------------------------------
# Inputs, fixture, checks
# ------------------------------------------------------------------------------------------------

def synthetic_image(height, width):
    """Deterministic test card: smooth gradients, a few flat rectangles, a disc and a thin grid."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 40 + 180 * x / (width - 1)
    g = 30 + 190 * y / (height - 1)
    b = 128 + 90 * np.sin(x / 23.0) * np.cos(y / 17.0)
    img = np.stack([r, g, b], axis=-1)
    img[20:90, 30:120] = (230, 40, 35)
    img[130:200, 200:310] = (25, 60, 210)
    img[60:170, 150:170] = (245, 245, 240)
    disc = (x - 255) ** 2 + (y - 60) ** 2 < 35 ** 2
    img[disc] = (250, 200, 20)
    img[::28, :] = 0
    img[:, ::28] = 0
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def build_cases(out_dir):
    """The two inputs as (name, PIL image, path relative to the repo root)."""
    chelsea = Image.open(ROOT / CASE0_IMAGE)
    chelsea.load()
    cases = [("case0", chelsea, CASE0_IMAGE)]
    synth_path = Path(out_dir) / "case1.png"
    Image.fromarray(synthetic_image(*CASE1_SIZE)).save(synth_path, optimize=False)
    synth = Image.open(synth_path)  # read back so the fixture is made from the PNG's own pixels
    synth.load()
    try:
        rel = synth_path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # a scratch folder outside the repository
        rel = str(synth_path.resolve())
    cases.append(("case1", synth, rel))
    return cases


def run_case(tower, image):
    resized, pixel_values, grid = preprocess(image, PREPROCESSOR_CONFIG)
    with torch.no_grad():
        out = tower(torch.from_numpy(pixel_values), [grid])
    return resized, pixel_values, grid, out


def self_check(tower, cases):
    """--check: explicit windowed attention vs masked full attention, and window-order round trips."""
    name, image, _ = cases[0]
    resized, pixel_values, grid, out = run_case(tower, image)
    with torch.no_grad():
        brute = tower(torch.from_numpy(pixel_values), [grid], attend=masked_full_attention)
        for block in tower.blocks:
            block.attn.attend = segment_attention
    results = {}
    for key in ("patch_embeds", "last_hidden", "merged"):
        results[key] = (out[key] - brute[key]).abs().max().item()
    results["block0_output"] = (out["block_outputs"][0] - brute["block_outputs"][0]).abs().max().item()
    print(f"[check] {name}: explicit per-window attention vs block-diagonal masked full attention, max |diff|:")
    for key, value in results.items():
        print(f"          {key:14s} {value:.3e}")
    worst = max(results.values())
    ok = worst <= 1e-5

    # Windowed attention must differ from plain full attention (else windows would be untested).
    with torch.no_grad():
        vc = tower.vc
        saved = vc["fullatt_block_indexes"]
        vc["fullatt_block_indexes"] = list(range(vc["depth"]))
        all_full = tower(torch.from_numpy(pixel_values), [grid])
        vc["fullatt_block_indexes"] = saved
    gap = (all_full["merged"] - out["merged"]).abs().max().item()
    print(f"[check] {name}: windows matter: max |merged(window blocks) - merged(all full)| = {gap:.3e}")
    ok &= gap > 1e-3

    # Un-permuting window order recovers raster order of the rotary ids.
    unit = tower.merge ** 2
    seq = pixel_values.shape[0]
    inverse = torch.argsort(out["window_index"])
    back = out["rotary_pos_ids_window_order"].reshape(seq // unit, unit, 2)[inverse].reshape(seq, 2)
    same = torch.equal(back, out["rotary_pos_ids"])
    # ...and merged token j (raster) is the unit whose top-left patch is (2*(j // lw), 2*(j % lw)).
    t, h, w = grid
    lw = w // tower.merge
    firsts = out["rotary_pos_ids"].reshape(seq // unit, unit, 2)[:, 0]
    j = torch.arange(seq // unit)
    raster = torch.equal(firsts, torch.stack((j // lw * tower.merge, j % lw * tower.merge), dim=1))
    print(f"[check] {name}: argsort(window_index) restores the rotary ids' order: {same}; "
          f"merged tokens in raster order: {raster}")
    ok &= same and raster

    # pixel_values layout vs the normalised image, at the positions the rotary ids name.
    p, tps = PREPROCESSOR_CONFIG["patch_size"], PREPROCESSOR_CONFIG["temporal_patch_size"]
    mean = np.array(PREPROCESSOR_CONFIG["image_mean"], dtype=np.float32)
    std = np.array(PREPROCESSOR_CONFIG["image_std"], dtype=np.float32)
    normed = ((resized.astype(np.float64) / 255).astype(np.float32) - mean) / std
    ids = out["rotary_pos_ids"].numpy()
    rebuilt = np.empty_like(pixel_values)
    for row, (ph, pw) in enumerate(ids):
        tile = normed[ph * p:(ph + 1) * p, pw * p:(pw + 1) * p].transpose(2, 0, 1)  # [C, p, p]
        rebuilt[row] = np.stack([tile] * tps, axis=1).reshape(-1)  # (c, tp, py, px)
    layout = float(np.abs(rebuilt - pixel_values).max())
    print(f"[check] {name}: pixel_values rebuilt patch by patch from the image, max |diff| = {layout:.3e}")
    ok &= layout == 0.0

    # Patch embedding as a matmul equals the Conv3d it stands for.
    with torch.no_grad():
        w5 = tower.patch_embed.proj.weight
        conv = torch.nn.functional.conv3d(
            torch.from_numpy(pixel_values).reshape(-1, 3, tps, p, p), w5, stride=(tps, p, p)).reshape(seq, -1)
    conv_gap = (conv - out["patch_embeds"]).abs().max().item()
    print(f"[check] {name}: patch embed matmul vs Conv3d, max |diff| = {conv_gap:.3e}")
    ok &= conv_gap <= 1e-5
    print(f"[check] {'PASS' if ok else 'FAIL'} (worst attention diff {worst:.3e} <= 1e-5)")
    return ok


def write_fixture(out_dir, tower, cases, seed, argv):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(json.dumps(MODEL_CONFIG, indent=2, sort_keys=True) + "\n")
    (out_dir / "preprocessor_config.json").write_text(json.dumps(PREPROCESSOR_CONFIG, indent=2, sort_keys=True) + "\n")

    weights = {"visual." + k: v for k, v in tower.state_dict().items()}
    assert sorted(weights) == expected_checkpoint_names(tower.vc), sorted(weights)
    write_safetensors(out_dir / "model.safetensors", weights, {"format": "pt"})

    tensors, info = {}, []
    for name, image, rel in cases:
        resized, pixel_values, grid, out = run_case(tower, image)
        _, _, raw_cu = window_index([grid], tower.vc["window_size"], tower.merge, tower.vc["patch_size"])
        # The resized image as a lossless PNG (the C++ test reads these bytes); of pixel_values only
        # the first 16 rows (four merge units), which pin the layout; integer ids as F32 (exact):
        # the fixture stays small and TokenScope's reader needs no integer dtypes.
        Image.fromarray(resized).save(out_dir / f"{name}.resized.png", optimize=True)
        tensors[f"{name}.pixel_values_head"] = torch.from_numpy(pixel_values[:16].copy())
        tensors[f"{name}.grid_thw"] = torch.tensor(grid, dtype=torch.float32)
        tensors[f"{name}.rotary_pos_ids"] = out["rotary_pos_ids"].to(torch.float32)
        tensors[f"{name}.window_index"] = out["window_index"].to(torch.float32)
        tensors[f"{name}.cu_window_seqlens"] = out["cu_window_seqlens"].to(torch.float32)
        tensors[f"{name}.patch_embeds"] = out["patch_embeds"]
        tensors[f"{name}.block0_output"] = out["block_outputs"][0]
        tensors[f"{name}.last_hidden"] = out["last_hidden"]
        tensors[f"{name}.merged"] = out["merged"]
        cu = out["cu_window_seqlens"].tolist()
        entry = {
            "case": name,
            "image": rel,
            "source_hw": [image.height, image.width],
            "resized_hw": list(resized.shape[:2]),
            "grid_thw": list(grid),
            "patches": int(pixel_values.shape[0]),
            "merged_tokens": int(out["merged"].shape[0]),
            "windows": len(cu) - 1,
            "cu_window_seqlens": cu,
            "cu_window_seqlens_before_unique_consecutive": raw_cu,
            "merged_std": round(out["merged"].std().item(), 4),
            "last_hidden_std": round(out["last_hidden"].std().item(), 4),
        }
        info.append(entry)
        print(f"{name}: {rel} {image.height}x{image.width} -> {resized.shape[0]}x{resized.shape[1]}, grid_thw "
              f"{grid}, N={pixel_values.shape[0]}, merged {entry['merged_tokens']}, windows {entry['windows']} "
              f"cu={cu}, merged std {entry['merged_std']}, last_hidden std {entry['last_hidden_std']}")
        assert 0.3 < entry["merged_std"] < 3.0, "weights do not keep the merged output O(1)"
    write_safetensors(out_dir / "reference.safetensors", tensors)

    # Round trip of both files through the hand-written reader.
    back = read_safetensors(out_dir / "reference.safetensors")
    assert all(torch.equal(back[k], tensors[k].contiguous()) for k in tensors)
    back_w = read_safetensors(out_dir / "model.safetensors")
    assert all(torch.equal(back_w[k], weights[k]) for k in weights)

    reference = {
        "what": "Qwen2.5-VL vision tower, random weights, float32 on CPU: an independent plain-PyTorch reference "
                "written from transformers' modeling_qwen2_5_vl.py and image_processing_qwen2_vl.py",
        "sources": {
            "modeling": "huggingface/transformers src/transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py "
                        "@ 00b676f8f0489b88652a31d70751cc540dd06305",
            "image_processor": "huggingface/transformers src/transformers/models/qwen2_vl/"
                               "image_processing_qwen2_vl.py @ cb0fc56f3caccab77d00d44051a67d4b0980cbd2",
        },
        "command": "/usr/bin/python3 " + " ".join(argv),
        "script": "scripts/reference/qwen2_5_vl_vision.py",
        "seed": seed,
        "weights_init": "linear/conv weights N(0,1)/sqrt(fan_in); RMSNorm weights 1+0.1*N(0,1); biases 0.02*N(0,1); "
                        "torch.Generator().manual_seed(seed), parameters in sorted-name order",
        "torch": torch.__version__,
        "pil": PIL.__version__,
        "numpy": np.__version__,
        "tensors": {
            "<case>.resized.png": "the PIL bicubic resize output (a file beside reference.safetensors)",
            "pixel_values_head": "[16,1176] the processor output's first 16 rows; rows (t, bh, bw, mh, mw), columns (c, tp, py, px)",
            "grid_thw": "[3] integers stored as F32",
            "rotary_pos_ids": "[N,2] (h, w) per patch in processor order, integers stored as F32",
            "window_index": "[N/4] merged-token index per window slot, integers stored as F32",
            "cu_window_seqlens": "after torch.unique_consecutive (patch units), integers stored as F32",
            "patch_embeds": "[N,64] patch embedding, processor order (before the window permutation)",
            "block0_output": "[N,64] after block 0 (window attention), window order",
            "last_hidden": "[N,64] after the last block, window order",
            "merged": "[N/4,64] merger output un-permuted with argsort(window_index): raster order",
        },
        "cases": info,
    }
    (out_dir / "reference.json").write_text(json.dumps(reference, indent=2) + "\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="fixture folder to (re)write")
    parser.add_argument("--check", action="store_true", help="run the self-checks")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv[1:])
    if not args.out and not args.check:
        parser.error("nothing to do: give --out DIR and/or --check")
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    tower = VisionTower(VISION_CONFIG).eval()
    init_weights(tower, args.seed)
    scratch = Path(args.out) if args.out else Path("/tmp/qwen2_5_vl_vision_check")
    scratch.mkdir(parents=True, exist_ok=True)
    cases = build_cases(scratch)
    ok = True
    if args.out:
        write_fixture(args.out, tower, cases, args.seed, argv)
    if args.check:
        ok = self_check(tower, cases)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
