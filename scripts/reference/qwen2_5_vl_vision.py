#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent plain-PyTorch reference of Qwen2.5-VL (vision tower and language model), and its parity fixture.

What it is: the image preprocessing (smart_resize, PIL bicubic resize, rescale, CLIP normalisation,
temporal duplication, patch flattening), the vision tower (Conv3d patch embedding as a matmul,
2-D rotary embedding, window / full attention blocks, patch merger) and the language model (3-D
M-RoPE position ids, multimodal rotary embedding, GQA causal attention with a KV cache, SiLU MLP,
RMSNorm, tied lm_head, greedy decoding) written here from reading the public transformers code,
without transformers. It runs on Debian's /usr/bin/python3 (torch 1.13, PIL 9.4, numpy); nothing
else is needed (safetensors files are written and read by hand).

Sources (read, not copied; each part below names the class/function it follows):
  [M]  huggingface/transformers src/transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py
       @ 00b676f8f0489b88652a31d70751cc540dd06305 (Qwen2_5_VisionPatchEmbed,
       Qwen2_5_VisionRotaryEmbedding, Qwen2RMSNorm, Qwen2_5_VLMLP, Qwen2_5_VLVisionAttention,
       apply_rotary_pos_emb_vision, rotate_half, Qwen2_5_VLVisionBlock, Qwen2_5_VLPatchMerger,
       Qwen2_5_VisionTransformerPretrainedModel.rot_pos_emb / get_window_index / forward;
       Qwen2_5_VLRotaryEmbedding, apply_multimodal_rotary_pos_emb, repeat_kv, Qwen2_5_VLAttention,
       Qwen2MLP, Qwen2_5_VLDecoderLayer, Qwen2_5_VLTextModel, Qwen2_5_VLModel.get_rope_index /
       forward (rope_deltas at prefill, cache_position + rope_deltas after), the tied lm_head of
       Qwen2_5_VLForConditionalGeneration)
  [IP] huggingface/transformers src/transformers/models/qwen2_vl/image_processing_qwen2_vl.py
       @ cb0fc56f3caccab77d00d44051a67d4b0980cbd2 (smart_resize, Qwen2VLImageProcessor._preprocess)
  [IT] huggingface/transformers src/transformers/image_transforms.py
       @ 000593ad84f26043f62917c541c57c4b71b9bc94 (resize via PIL, rescale in float64 then float32,
       normalize in float32)

The weights are random (fixed seeds: vision from SEED, LLM from SEED+1, prompt ids from SEED+2); the
fixture checks the C++ engine's arithmetic, not a model. The tiny config moves the special tokens into
its 512-token vocabulary (bos 504, eos 505, vision_start 506, vision_end 507, vision 508, image 509,
video 510).

Rerun from the repository root (deterministic: same torch/PIL give the same files):

    /usr/bin/python3 scripts/reference/qwen2_5_vl_vision.py \
        --out tests/data/parity/qwen2_5_vl-vision --check

--out writes into DIR: config.json, preprocessor_config.json, model.safetensors (visual.* and the
LLM's model.* in the hub's legacy names, no lm_head.weight: tied), case1.png, each case's resized
image (<case>.resized.png), reference.json (ids, sizes, greedy tokens, a description of every tensor)
and reference.safetensors, all F32 (integers stored as F32, exactly):
  <case>.*   vision stages of case0 (chelsea.png) and case1 (synthetic): pixel_values_head, grid_thw,
             rotary_pos_ids, window_index, cu_window_seqlens, patch_embeds, block0_output,
             last_hidden, merged;
  image.*    a prompt of 10 text ids, vision_start, 84 image tokens (case0), vision_end, 8 text ids:
             input_ids, position_ids [3,L] (get_rope_index), rope_delta, embeds (case0.merged
             scattered in), logits [L,512] and 6 greedy_tokens (KV cache; decode positions
             max(position_ids)+1+s on all three axes);
  text.*     a 12-token text-only prompt: input_ids, logits;
  pruned.*   keep (every non-image row and the even image rows), logits of the LLM on the kept rows
             at their original 3-D positions, 6 greedy_tokens (decode positions as for image.*).
--check runs the self-checks and prints them: explicit windowed attention vs a brute-force
block-diagonal masked attention, window-order round trips, the pixel layout, matmul vs Conv3d; for the
LLM, M-RoPE with three equal axes vs plain 1-D RoPE, KV-cache decoding vs full recompute, the rope
ids against their closed form, the logits' std and the greedy tokens.
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
# The special-token ids are moved into the tiny vocabulary (512): the real ones (151643..151656) do not fit.
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
    "bos_token_id": 504,
    "eos_token_id": 505,
    "vision_start_token_id": 506,
    "vision_end_token_id": 507,
    "vision_token_id": 508,
    "image_token_id": 509,
    "video_token_id": 510,
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
# The language model with M-RoPE
# ------------------------------------------------------------------------------------------------

def rope_index(input_ids, image_grid_thw, cfg):
    """[M] Qwen2_5_VLModel.get_rope_index for one unpadded sequence of text and still images.

    Returns (position_ids [3, L] int64 as (t, h, w), rope_delta = max(position_ids) + 1 - L).
    """
    ids = [int(t) for t in input_ids]
    length = len(ids)
    if not image_grid_thw:
        # No vision input: arange on all three axes and a zero delta (the no-image branch).
        return torch.arange(length, dtype=torch.int64)[None].expand(3, -1).clone(), 0
    if cfg["video_token_id"] in ids:
        raise NotImplementedError("videos are not part of this reference")
    merge = cfg["vision_config"]["spatial_merge_size"]
    starts = [i for i, t in enumerate(ids) if t == cfg["vision_start_token_id"]]
    n_images = sum(1 for i in starts if i + 1 < length and ids[i + 1] == cfg["image_token_id"])
    pieces, cursor = [], 0
    for g in range(n_images):
        # Text before the next image token, then the image's (t, h, w) grid offset past that text.
        first = ids.index(cfg["image_token_id"], cursor)
        n_text = first - cursor
        base = int(pieces[-1].max()) + 1 if pieces else 0
        pieces.append(torch.arange(n_text, dtype=torch.int64)[None].expand(3, -1) + base)
        t, h, w = (int(v) for v in image_grid_thw[g])
        lt, lh, lw = t, h // merge, w // merge
        # Images: second_per_grid_t = 0, so the temporal index is 0 for every frame.
        t_idx = (torch.arange(lt, dtype=torch.int64)[:, None].expand(-1, lh * lw) * 0).reshape(-1)
        h_idx = torch.arange(lh, dtype=torch.int64)[None, :, None].expand(lt, -1, lw).reshape(-1)
        w_idx = torch.arange(lw, dtype=torch.int64)[None, None, :].expand(lt, lh, -1).reshape(-1)
        pieces.append(torch.stack((t_idx, h_idx, w_idx)) + n_text + base)
        cursor = first + lt * lh * lw
    if cursor < length:
        # Trailing text resumes at the previous piece's max + 1.
        base = int(pieces[-1].max()) + 1
        pieces.append(torch.arange(length - cursor, dtype=torch.int64)[None].expand(3, -1) + base)
    positions = torch.cat(pieces, dim=1)
    assert positions.shape == (3, length)
    return positions, int(positions.max()) + 1 - length


def decode_position_ids(cache_len, rope_delta, count=1):
    """[M] Qwen2_5_VLModel.forward after prefill: arange(count) + cache_position[0] + rope_deltas on 3 axes."""
    return (torch.arange(count, dtype=torch.int64) + cache_len + rope_delta)[None].expand(3, -1).clone()


class TextRotary:
    """[M] Qwen2_5_VLRotaryEmbedding with the default rope init: inv_freq = 1 / theta^(2i/d), fp32."""

    def __init__(self, head_dim, theta):
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))

    def __call__(self, position_ids):
        """position_ids [3, S] -> cos, sin [3, S, head_dim]: angles per axis, cat(freqs, freqs)."""
        freqs = position_ids.float()[:, :, None] * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()


def mrope_select(table, mrope_section):
    """[M] apply_multimodal_rotary_pos_emb: split the last dim by mrope_section*2, chunk i from axis i % 3."""
    chunks = table.split(list(mrope_section) * 2, dim=-1)
    return torch.cat([chunk[i % 3] for i, chunk in enumerate(chunks)], dim=-1)  # [S, head_dim]


def causal_attention(q, k, v, past_len):
    """Explicit softmax(q k^T / sqrt(d) + causal mask) v; q [H, S, d], k/v [H, past_len + S, d]."""
    scores = torch.matmul(q, k.transpose(-1, -2)) * q.shape[-1] ** -0.5
    rows = torch.arange(q.shape[1])[:, None] + past_len  # query i sits at cache slot past_len + i
    cols = torch.arange(k.shape[1])[None, :]
    scores = scores.masked_fill(cols > rows, float("-inf"))
    return torch.matmul(torch.softmax(scores.float(), dim=-1).to(q.dtype), v)


class TextAttention(nn.Module):
    """[M] Qwen2_5_VLAttention: q/k/v Linear with bias, o_proj without; GQA via repeat_kv; causal."""

    def __init__(self, dim, heads, kv_heads, mrope_section):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, dim // heads
        self.mrope_section = mrope_section
        self.q_proj = nn.Linear(dim, heads * self.head_dim, bias=True)
        self.k_proj = nn.Linear(dim, kv_heads * self.head_dim, bias=True)
        self.v_proj = nn.Linear(dim, kv_heads * self.head_dim, bias=True)
        self.o_proj = nn.Linear(heads * self.head_dim, dim, bias=False)

    def forward(self, x, cos, sin, past=None):
        """x [S, dim]; cos/sin [S, head_dim] (already M-RoPE-selected); past (k, v) [kv_heads, T, d] or None."""
        seq = x.shape[0]
        # Projections viewed head-major: column = head * head_dim + d.
        q = self.q_proj(x).reshape(seq, self.heads, self.head_dim).transpose(0, 1)
        k = self.k_proj(x).reshape(seq, self.kv_heads, self.head_dim).transpose(0, 1)
        v = self.v_proj(x).reshape(seq, self.kv_heads, self.head_dim).transpose(0, 1)
        # [M] apply_multimodal_rotary_pos_emb's last step: x*cos + rotate_half(x)*sin (half-split).
        q = q * cos[None] + rotate_half(q) * sin[None]
        k = k * cos[None] + rotate_half(k) * sin[None]
        past_len = 0
        if past is not None:
            # [M] the cache's update: rotated keys and values appended after the cached ones.
            past_len = past[0].shape[1]
            k, v = torch.cat((past[0], k), dim=1), torch.cat((past[1], v), dim=1)
        # [M] repeat_kv: query head h reads key/value head h // (heads / kv_heads).
        groups = self.heads // self.kv_heads
        out = causal_attention(q, k.repeat_interleave(groups, dim=0), v.repeat_interleave(groups, dim=0), past_len)
        return self.o_proj(out.transpose(0, 1).reshape(seq, -1)), (k, v)


class TextMLP(nn.Module):
    """[M] Qwen2MLP: down(silu(gate(x)) * up(x)), no biases."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.gate_proj = nn.Linear(dim, hidden, bias=False)
        self.up_proj = nn.Linear(dim, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        gate = self.gate_proj(x)
        return self.down_proj(gate * torch.sigmoid(gate) * self.up_proj(x))


class DecoderLayer(nn.Module):
    """[M] Qwen2_5_VLDecoderLayer: pre-norm residual self-attention, then pre-norm residual MLP."""

    def __init__(self, tc):
        super().__init__()
        dim = tc["hidden_size"]
        self.self_attn = TextAttention(dim, tc["num_attention_heads"], tc["num_key_value_heads"],
                                       tc["rope_scaling"]["mrope_section"])
        self.mlp = TextMLP(dim, tc["intermediate_size"])
        self.input_layernorm = RMSNorm(dim, tc["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(dim, tc["rms_norm_eps"])

    def forward(self, x, cos, sin, past=None):
        attn, present = self.self_attn(self.input_layernorm(x), cos, sin, past)
        x = x + attn
        return x + self.mlp(self.post_attention_layernorm(x)), present


class TextModel(nn.Module):
    """[M] Qwen2_5_VLTextModel + the tied lm_head of Qwen2_5_VLForConditionalGeneration.

    state_dict keys are the hub's legacy names minus 'model.' (no lm_head.weight: tie_word_embeddings).
    """

    def __init__(self, tc):
        super().__init__()
        self.tc = tc
        self.embed_tokens = nn.Embedding(tc["vocab_size"], tc["hidden_size"])
        self.layers = nn.ModuleList([DecoderLayer(tc) for _ in range(tc["num_hidden_layers"])])
        self.norm = RMSNorm(tc["hidden_size"], tc["rms_norm_eps"])
        self.rotary = TextRotary(tc["hidden_size"] // tc["num_attention_heads"], tc["rope_theta"])

    def embed(self, input_ids):
        return self.embed_tokens(torch.as_tensor(input_ids, dtype=torch.int64))

    def forward(self, embeds, position_ids, cache=None, plain_rope=False):
        """embeds [S, dim], position_ids [3, S] -> (logits [S, vocab], cache: per layer (k, v) [kv_heads, T, d]).

        plain_rope (for --check only): 1-D RoPE from axis 0, ignoring mrope_section.
        """
        cos3, sin3 = self.rotary(position_ids)
        if plain_rope:
            cos, sin = cos3[0], sin3[0]
        else:
            section = self.tc["rope_scaling"]["mrope_section"]
            cos, sin = mrope_select(cos3, section), mrope_select(sin3, section)
        x, presents = embeds, []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, cos, sin, None if cache is None else cache[i])
            presents.append(present)
        # [M] Qwen2_5_VLForConditionalGeneration.lm_head, tied to embed_tokens.
        return self.norm(x) @ self.embed_tokens.weight.t(), presents


def greedy_decode(llm, prefill_embeds, prefill_positions, next_position, steps):
    """Greedy decoding with a KV cache: token 0 from the prefill's last row, then one token per step.

    The token fed at decode step s (s = 0 .. steps-2) gets position next_position + s on all three axes,
    which is Qwen2_5_VLModel.forward's cache_position + rope_deltas with rope_deltas = next_position - cache_len.
    Returns (tokens, logits of the last step [vocab], final cache, top-1 minus top-2 logit per step).
    """
    logits, cache = llm(prefill_embeds, prefill_positions)
    last = logits[-1]
    delta = next_position - prefill_embeds.shape[0]
    tokens = [int(last.argmax())]
    margins = [float(last.topk(2).values.diff().neg())]
    for s in range(steps - 1):
        cache_len = cache[0][0].shape[1]
        pos = decode_position_ids(cache_len, delta)
        assert int(pos[0, 0]) == next_position + s
        step_logits, cache = llm(llm.embed([tokens[-1]]), pos, cache)
        last = step_logits[-1]
        tokens.append(int(last.argmax()))
        margins.append(float(last.topk(2).values.diff().neg()))
    return tokens, last, cache, margins


LLM_GAINS = {"embed_tokens": 0.5, "q_proj": 3.0, "k_proj": 3.0, "o_proj": 2.0, "down_proj": 2.0}


def init_llm_weights(llm, seed):
    """Random LLM weights: embeddings 0.5 N(0,1), linears g N(0,1)/sqrt(fan_in), norms 1+0.1 N, biases 0.02 N.

    The gains g (LLM_GAINS, else 1) keep greedy decoding from collapsing onto one token, which the plain
    init does with a tied head: embeddings at 0.5 (logits std ~4) and o_proj/down_proj at 2 let the layers
    outweigh the token's own embedding; q/k at 3 sharpen attention, so it does not average the context
    into one common direction, and positions (M-RoPE) move the logits more.
    """
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in sorted(llm.named_parameters()):
            if name.endswith("layernorm.weight") or name == "norm.weight":
                param.copy_(1.0 + 0.1 * torch.randn(param.shape, generator=gen))
            elif name.endswith(".bias"):
                param.copy_(0.02 * torch.randn(param.shape, generator=gen))
            elif name == "embed_tokens.weight":
                param.copy_(LLM_GAINS["embed_tokens"] * torch.randn(param.shape, generator=gen))
            else:
                gain = LLM_GAINS.get(name.split(".")[-2], 1.0)
                param.copy_(gain * torch.randn(param.shape, generator=gen) / math.sqrt(param.shape[1]))


def expected_llm_names(tc):
    names = ["model.embed_tokens.weight", "model.norm.weight"]
    for i in range(tc["num_hidden_layers"]):
        p = f"model.layers.{i}"
        names += [f"{p}.input_layernorm.weight", f"{p}.post_attention_layernorm.weight", f"{p}.self_attn.o_proj.weight"]
        names += [f"{p}.self_attn.{x}_proj.{w}" for x in "qkv" for w in ("weight", "bias")]
        names += [f"{p}.mlp.{x}_proj.weight" for x in ("gate", "up", "down")]
    return sorted(names)


def build_prompts(cfg, n_image_tokens, seed):
    """The fixture's prompts: pseudo-random text ids in [0, 500) from their own generator (seed + 2)."""
    gen = torch.Generator().manual_seed(seed + 2)
    before = torch.randint(0, 500, (10,), generator=gen).tolist()
    after = torch.randint(0, 500, (8,), generator=gen).tolist()
    text = torch.randint(0, 500, (12,), generator=gen).tolist()
    image = (before + [cfg["vision_start_token_id"]] + [cfg["image_token_id"]] * n_image_tokens
             + [cfg["vision_end_token_id"]] + after)
    return image, text


def run_llm(llm, cfg, merged, grid, seed, steps=6):
    """Everything the fixture stores about the LLM, for case0's merged vision output and grid."""
    image_ids, text_ids = build_prompts(cfg, merged.shape[0], seed)
    out = {"image_ids": image_ids, "text_ids": text_ids}
    # Image prompt: get_rope_index, embeddings with the vision rows masked_scatter'ed in, prefill, greedy.
    positions, delta = rope_index(image_ids, [grid], cfg)
    embeds = llm.embed(image_ids)
    mask = torch.tensor(image_ids) == cfg["image_token_id"]
    assert int(mask.sum()) == merged.shape[0]
    embeds = embeds.masked_scatter(mask[:, None].expand_as(embeds), merged.to(embeds.dtype))
    logits, _ = llm(embeds, positions)
    top = int(positions.max())
    tokens, _, _, margins = greedy_decode(llm, embeds, positions, top + 1, steps)
    out.update(positions=positions, delta=delta, embeds=embeds, logits=logits, greedy=tokens, mask=mask,
               margins=margins)
    # Text-only prompt: the no-image branch of get_rope_index.
    text_pos, text_delta = rope_index(text_ids, [], cfg)
    assert text_delta == 0
    out.update(text_positions=text_pos, text_logits=llm(llm.embed(text_ids), text_pos)[0])
    # Pruned prefill: every text row and the image rows with an even in-image index, original 3-D ids.
    in_image = torch.cumsum(mask.long(), 0) - 1
    keep = torch.nonzero(~mask | (in_image % 2 == 0)).squeeze(1)
    pruned_logits, _ = llm(embeds[keep], positions[:, keep])
    pruned_tokens, _, _, pruned_margins = greedy_decode(llm, embeds[keep], positions[:, keep], top + 1, steps)
    out.update(keep=keep, pruned_logits=pruned_logits, pruned_greedy=pruned_tokens, pruned_margins=pruned_margins)
    return out


def llm_check(llm, cfg, merged, grid, seed):
    """--check for the LLM: M-RoPE vs 1-D RoPE on text, KV cache vs full recompute, rope index closed form."""
    out = run_llm(llm, cfg, merged, grid, seed)
    ok = True
    # (a) Three equal axes: M-RoPE is plain 1-D RoPE.
    plain, _ = llm(llm.embed(out["text_ids"]), out["text_positions"], plain_rope=True)
    gap = (plain - out["text_logits"]).abs().max().item()
    print(f"[check] llm: text prompt, M-RoPE (3 equal axes) vs plain 1-D RoPE logits, max |diff| = {gap:.3e}")
    ok &= gap <= 1e-6
    # ...and on the image prompt the three axes do matter.
    plain_img, _ = llm(out["embeds"], out["positions"], plain_rope=True)
    img_gap = (plain_img - out["logits"]).abs().max().item()
    print(f"[check] llm: image prompt, M-RoPE vs 1-D RoPE on the t axis, max |diff| = {img_gap:.3e} (must be > 0)")
    ok &= img_gap > 1e-3
    # (b) KV cache vs full recompute of prompt + fed tokens, last row, for the full and the pruned prefill.
    top = int(out["positions"].max())
    for label, rows in (("image", torch.arange(out["embeds"].shape[0])), ("pruned", out["keep"])):
        embeds, positions = out["embeds"][rows], out["positions"][:, rows]
        tokens, last, _, _ = greedy_decode(llm, embeds, positions, top + 1, 6)
        fed = tokens[:-1]
        full_embeds = torch.cat((embeds, llm.embed(fed)))
        full_pos = torch.cat((positions, (top + 1 + torch.arange(len(fed)))[None].expand(3, -1)), dim=1)
        full, _ = llm(full_embeds, full_pos)
        gap = (full[-1] - last).abs().max().item()
        scale = full[-1].abs().max().item()
        # fp32 round-off grows with the logits' size (|logit| up to ~20 here): the bound is 1e-5 of the scale.
        print(f"[check] llm: {label}: KV-cache decode vs full recompute, last-row logits max |diff| = {gap:.3e} "
              f"(max |logit| {scale:.2f}, bound 1e-5 * max(1, max |logit|))")
        ok &= gap <= 1e-5 * max(1.0, scale)
    # get_rope_index's ids against the closed form of one image after P text tokens.
    t, h, w = grid
    lh, lw = h // 2, w // 2
    first = int(torch.nonzero(out["mask"])[0])
    r, c = torch.arange(lh).repeat_interleave(lw), torch.arange(lw).repeat(lh)
    img = out["positions"][:, out["mask"]]
    closed = (torch.equal(img[0], torch.full((lh * lw,), first)) and torch.equal(img[1], first + r)
              and torch.equal(img[2], first + c) and int(out["positions"][0, first + lh * lw]) == first + max(lh, lw)
              and out["delta"] == max(lh, lw) - lh * lw)
    print(f"[check] llm: image ids (P, P+r, P+c), text after at P+max(h,w), delta = max(h,w) - h*w: {closed}")
    ok &= closed
    std = out["logits"].std().item()
    print(f"[check] llm: logits std image {std:.3f}, text {out['text_logits'].std().item():.3f}, "
          f"pruned {out['pruned_logits'].std().item():.3f}")
    print(f"[check] llm: greedy image {out['greedy']}, pruned {out['pruned_greedy']}")
    print(f"[check] llm: top-1 minus top-2 logit per greedy step: image "
          f"{[round(m, 3) for m in out['margins']]}, pruned {[round(m, 3) for m in out['pruned_margins']]}")
    ok &= 1.0 < std < 30.0 and len(set(out["greedy"])) > 1 and len(set(out["pruned_greedy"])) > 1
    print(f"[check] llm {'PASS' if ok else 'FAIL'}")
    return ok


# ------------------------------------------------------------------------------------------------
# safetensors by hand
# ------------------------------------------------------------------------------------------------

DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


class ImportanceScorer(nn.Module):
    """VisionSelector's released scorer (JulietChoo/VisionSelector@800a70f
    qwen-evaluation/token_compression/selector_scorer.py TransformerScorer): two Linear(D, D/2) with
    biases, no norm; score_i = mean_j q_i . k_j / sqrt(D/2). selector_model.py attaches it as
    visual.importance_scorer and scores the merger's output in raster order."""

    def __init__(self, width):
        super().__init__()
        self.hidden = width // 2
        self.q_proj = nn.Linear(width, self.hidden)
        self.k_proj = nn.Linear(width, self.hidden)

    def forward(self, tokens):
        q, k = self.q_proj(tokens), self.k_proj(tokens)
        return (q @ k.transpose(-2, -1) / self.hidden ** 0.5).mean(dim=-1)


def selector_keep(scores, budget):
    """selector_model.py: max(1, int(N * budget)) by one top-k, indices sorted ascending."""
    count = max(1, int(scores.numel() * budget))
    return scores.topk(count).indices.sort().values


def init_scorer(scorer, seed):
    """Its own generator (seed + 3), so nothing else in the fixture changes; N(0,1)/sqrt(fan_in)
    weights (the authors' N(0, 1e-4) start gives near-constant scores), 0.02 N(0,1) biases."""
    gen = torch.Generator().manual_seed(seed + 3)
    with torch.no_grad():
        for name, p in sorted(scorer.named_parameters()):
            if name.endswith("bias"):
                p.copy_(0.02 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[1]))


SELECTOR_BUDGET = 0.3


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


def write_fixture(out_dir, tower, llm, cases, seed, argv):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(json.dumps(MODEL_CONFIG, indent=4, sort_keys=True) + "\n")
    (out_dir / "preprocessor_config.json").write_text(json.dumps(PREPROCESSOR_CONFIG, indent=4, sort_keys=True) + "\n")

    weights = {"visual." + k: v for k, v in tower.state_dict().items()}
    assert sorted(weights) == expected_checkpoint_names(tower.vc), sorted(weights)
    llm_weights = {"model." + k: v for k, v in llm.state_dict().items()}
    assert sorted(llm_weights) == expected_llm_names(llm.tc), sorted(llm_weights)
    weights.update(llm_weights)
    scorer = ImportanceScorer(llm.tc["hidden_size"])
    init_scorer(scorer, seed)
    weights.update({"visual.importance_scorer." + k: v for k, v in scorer.state_dict().items()})
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
        if name == "case0":
            lm = run_llm(llm, MODEL_CONFIG, out["merged"], grid, seed)
            lm_grid = grid

    # The LLM on case0's image prompt, a text-only prompt and a pruned image prompt (integers as F32).
    f32 = torch.float32
    tensors["image.input_ids"] = torch.tensor(lm["image_ids"], dtype=f32)
    tensors["image.position_ids"] = lm["positions"].to(f32)
    tensors["image.rope_delta"] = torch.tensor([lm["delta"]], dtype=f32)
    tensors["image.embeds"] = lm["embeds"]
    tensors["image.logits"] = lm["logits"]
    tensors["image.greedy_tokens"] = torch.tensor(lm["greedy"], dtype=f32)
    tensors["text.input_ids"] = torch.tensor(lm["text_ids"], dtype=f32)
    tensors["text.logits"] = lm["text_logits"]
    tensors["pruned.keep"] = lm["keep"].to(f32)
    tensors["pruned.logits"] = lm["pruned_logits"]
    tensors["pruned.greedy_tokens"] = torch.tensor(lm["pruned_greedy"], dtype=f32)
    positions, mask = lm["positions"], lm["mask"]
    first = int(torch.nonzero(mask)[0])
    after = first + int(mask.sum())
    llm_info = {
        "image_prompt": {
            "input_ids": lm["image_ids"],
            "L": len(lm["image_ids"]),
            "image_rows": [first, after],
            "grid_thw": list(lm_grid),
            "rope_delta": lm["delta"],
            "max_position": int(positions.max()),
            "first_image_position_ids": positions[:, first:first + 3].t().tolist(),
            "first_text_after_image_position_ids": positions[:, after].tolist(),
            "logits_std": round(lm["logits"].std().item(), 4),
            "greedy_tokens": lm["greedy"],
            "greedy_top1_minus_top2": [round(m, 4) for m in lm["margins"]],
        },
        "text_prompt": {
            "input_ids": lm["text_ids"],
            "L": len(lm["text_ids"]),
            "logits_std": round(lm["text_logits"].std().item(), 4),
        },
        "pruned_prompt": {
            "K": int(lm["keep"].numel()),
            "keep": lm["keep"].tolist(),
            "logits_std": round(lm["pruned_logits"].std().item(), 4),
            "greedy_tokens": lm["pruned_greedy"],
            "greedy_top1_minus_top2": [round(m, 4) for m in lm["pruned_margins"]],
        },
    }
    print(f"llm: image prompt L={llm_info['image_prompt']['L']}, rope_delta {lm['delta']}, max position "
          f"{int(positions.max())}, logits std {llm_info['image_prompt']['logits_std']}, greedy {lm['greedy']}; "
          f"text logits std {llm_info['text_prompt']['logits_std']}; pruned K={llm_info['pruned_prompt']['K']}, "
          f"greedy {lm['pruned_greedy']}")
    # VisionSelector's released scorer on case0's merged tokens.
    scores = scorer(tensors["case0.merged"])
    keep = selector_keep(scores, SELECTOR_BUDGET)
    tensors["selector.scores"] = scores.detach().contiguous()
    tensors["selector.keep"] = keep.to(torch.float32)
    print(f"selector: case0 scores std {scores.std().item():.4f}, keeps {keep.numel()} of {scores.numel()} at "
          f"budget {SELECTOR_BUDGET}: {keep.tolist()}")
    write_safetensors(out_dir / "reference.safetensors", tensors)

    # Round trip of both files through the hand-written reader.
    back = read_safetensors(out_dir / "reference.safetensors")
    assert all(torch.equal(back[k], tensors[k].contiguous()) for k in tensors)
    back_w = read_safetensors(out_dir / "model.safetensors")
    assert all(torch.equal(back_w[k], weights[k]) for k in weights)

    reference = {
        "what": "Qwen2.5-VL vision tower and language model with M-RoPE, random weights, float32 on CPU: an "
                "independent plain-PyTorch reference written from transformers' modeling_qwen2_5_vl.py and "
                "image_processing_qwen2_vl.py",
        "sources": {
            "modeling": "huggingface/transformers src/transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py "
                        "@ 00b676f8f0489b88652a31d70751cc540dd06305",
            "image_processor": "huggingface/transformers src/transformers/models/qwen2_vl/"
                               "image_processing_qwen2_vl.py @ cb0fc56f3caccab77d00d44051a67d4b0980cbd2",
        },
        "command": "/usr/bin/python3 " + " ".join(argv),
        "script": "scripts/reference/qwen2_5_vl_vision.py",
        "seed": seed,
        "weights_init": "vision (visual.*): linear/conv weights N(0,1)/sqrt(fan_in); RMSNorm weights 1+0.1*N(0,1); "
                        "biases 0.02*N(0,1); torch.Generator().manual_seed(seed), parameters in sorted-name order. "
                        "LLM (model.*): embed_tokens 0.5*N(0,1) (also the tied lm_head); linears g*N(0,1)/sqrt(fan_in) "
                        "with g = 3 for q_proj/k_proj, 2 for o_proj/down_proj, 1 otherwise (so greedy decoding "
                        "does not collapse onto one token); RMSNorm weights 1+0.1*N(0,1); q/k/v biases 0.02*N(0,1); "
                        "torch.Generator().manual_seed(seed+1), "
                        "parameters in sorted-name order. Prompt text ids: torch.randint(0, 500) from "
                        "torch.Generator().manual_seed(seed+2): 10 before the image, 8 after, then the 12 of the "
                        "text prompt",
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
            "image.input_ids": "[L] 10 text ids, vision_start 506, image_token_id 509 x 84 (case0's merged tokens), "
                               "vision_end 507, 8 text ids; integers stored as F32",
            "image.position_ids": "[3,L] get_rope_index's (t, h, w) ids for image.input_ids with case0's grid_thw; "
                                  "integers stored as F32",
            "image.rope_delta": "[1] max(image.position_ids) + 1 - L, as get_rope_index returns it",
            "image.embeds": "[L,64] embed_tokens(image.input_ids) with case0.merged masked_scatter'ed into the "
                            "image rows",
            "image.logits": "[L,512] prefill logits (tied lm_head) for image.embeds at image.position_ids",
            "image.greedy_tokens": "[6] greedy tokens: the first from the prefill's last row, then KV-cache decoding, "
                                   "the token fed at step s at position max(image.position_ids)+1+s on all 3 axes",
            "text.input_ids": "[12] a text-only prompt; positions arange(12) on all 3 axes; integers stored as F32",
            "text.logits": "[12,512] prefill logits of text.input_ids",
            "pruned.keep": "[K] rows of the image prompt kept: every non-image row and the image rows with an even "
                           "in-image index, increasing; integers stored as F32",
            "pruned.logits": "[K,512] the LLM on image.embeds[keep] only, each row at its original "
                             "image.position_ids column, causal over the kept rows",
            "pruned.greedy_tokens": "[6] greedy tokens after the pruned prefill; decode positions continue from the "
                                    "full prompt: max(image.position_ids)+1+s on all 3 axes",
            "selector.scores": "[84] VisionSelector's released scorer (visual.importance_scorer.* in model.safetensors, "
                               "its own generator seed+3) on case0.merged",
            "selector.keep": "[25] max(1, int(84 * 0.3)) top-k indices of selector.scores, sorted ascending; integers "
                             "stored as F32",
        },
        "llm": llm_info,
        "cases": info,
    }
    (out_dir / "reference.json").write_text(json.dumps(reference, indent=4) + "\n")


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
    llm = TextModel(MODEL_CONFIG).eval()
    init_llm_weights(llm, args.seed + 1)
    scratch = Path(args.out) if args.out else Path("/tmp/qwen2_5_vl_vision_check")
    scratch.mkdir(parents=True, exist_ok=True)
    cases = build_cases(scratch)
    ok = True
    if args.out:
        write_fixture(args.out, tower, llm, cases, args.seed, argv)
    if args.check:
        ok = self_check(tower, cases)
        _, image, _ = cases[0]
        _, _, grid, out = run_case(tower, image)
        ok &= llm_check(llm, MODEL_CONFIG, out["merged"], grid, args.seed)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
