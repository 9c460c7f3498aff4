# SPDX-License-Identifier: MIT
"""torch.nn reference modules for the parts of InternVL-Flash that transformers does not have (mlp2, the
ViR router) plus mlp1 and the pixel shuffle, and the random initialisation the fixtures use. Shared by
parity_fixtures.py (GPU machine, with transformers) and flash_fixture.py (any machine with torch >= 1.13).

Written from InternVL3.5-Flash's published design and the released InternVL3.5-Flash modeling code's behaviour; module
and attribute names equal the checkpoint names, so state_dict() keys are exactly mlp1.{0,1,3},
mlp2.{0,1,4,7}, pooling_before_gating.{query_token,attnK.*,normK.*}, gating.{blockK.{0,3,5},gate.{0,1}}.
"""

from __future__ import annotations

import math

import torch
from torch import nn

ROUTER_HEADS = 16          # CrossAttentionPooling(dim, num_heads=16) in the released code
DOWNSAMPLE = 0.5           # mlp1 folds 2x2 patches; mlp2 folds 4x4 (DOWNSAMPLE ** 2)


class FullConnector(nn.Sequential):
    """mlp1: the 1/4 connector, LayerNorm(4C) -> Linear(4C, D) -> GELU -> Linear(D, D)."""

    def __init__(self, in_width: int, llm_width: int):
        super().__init__(nn.LayerNorm(in_width), nn.Linear(in_width, llm_width), nn.GELU(),
                         nn.Linear(llm_width, llm_width))


class CompressedConnector(nn.Sequential):
    """mlp2: the 1/16 connector. Slots 2/3 and 5/6 are GELU/Dropout so the Linear indices are 1, 4, 7."""

    def __init__(self, in_width: int, llm_width: int):
        super().__init__(
            nn.LayerNorm(in_width),
            nn.Linear(in_width, 2 * llm_width),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(2 * llm_width, 2 * llm_width),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(2 * llm_width, llm_width),
        )


class CrossAttentionPooling(nn.Module):
    """One learned query attends over a tile's patch tokens; returns one C-vector per tile."""

    def __init__(self, width: int, heads: int = ROUTER_HEADS):
        super().__init__()
        self.query_token = nn.Parameter(torch.zeros(1, width))
        # Four blocks exist in released checkpoints; only 1 and 2 are used (see forward).
        for k in range(1, 5):
            setattr(self, f"attn{k}", nn.MultiheadAttention(width, heads, batch_first=True))
            setattr(self, f"norm{k}", nn.LayerNorm(width))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # tokens: [T, P, C]. Every tile has the same P, so the released key_padding_mask is all False
        # and changes nothing; it is left out.
        query = self.query_token.unsqueeze(0).expand(tokens.shape[0], -1, -1)
        x = self.norm1(self.attn1(query, tokens, tokens, need_weights=False)[0])
        # The released forward calls attn2/norm2 three times (never attn3/attn4); the trained weights
        # expect exactly that, so it is reproduced here on purpose.
        for _ in range(3):
            x = self.norm2(self.attn2(x, tokens, tokens, need_weights=False)[0])
        return x.squeeze(1)


class GateBlock(nn.Sequential):
    """Linear(C,4C), GELU, Dropout, Linear(4C,C), Dropout, LayerNorm(C): indices 0, 3, 5 hold weights."""

    def __init__(self, width: int):
        super().__init__(
            nn.Linear(width, 4 * width),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(4 * width, width),
            nn.Dropout(0.1),
            nn.LayerNorm(width),
        )


class Gating(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        for k in range(1, 5):
            setattr(self, f"block{k}", GateBlock(width))
        self.gate = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, 2))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        x = pooled
        for k in range(1, 5):
            x = x + getattr(self, f"block{k}")(x)
        return torch.softmax(self.gate(x), dim=-1)


class FlashParts(nn.Module):
    def __init__(self, vision_width: int, llm_width: int, shuffle: int):
        super().__init__()
        self.mlp2 = CompressedConnector(vision_width * shuffle ** 4, llm_width)
        self.pooling_before_gating = CrossAttentionPooling(vision_width)
        self.gating = Gating(vision_width)

    def router_probabilities(self, patch_tokens: torch.Tensor) -> torch.Tensor:
        return self.gating(self.pooling_before_gating(patch_tokens))


def pixel_shuffle_v2(grid: torch.Tensor, scale: float) -> torch.Tensor:
    """InternVL ps_version v2 on [n, w, h, c]; returns [n, tokens, c/scale^2] (same as our C++)."""
    n, w, h, c = grid.shape
    x = grid.reshape(n, w, int(h * scale), int(c / scale)).permute(0, 2, 1, 3).contiguous()
    x = x.view(n, int(h * scale), int(w * scale), int(c / (scale * scale))).permute(0, 2, 1, 3).contiguous()
    return x.reshape(n, -1, x.shape[-1])


def initialise_modules(roots, seed: int) -> None:
    """Random weights with O(1) activations everywhere, so every stage's output carries signal.

    Chosen by module type (not by name) so transformers' names and ours are treated alike:
    Linear/Conv/MHA in-projections N(0, 1/fan_in); biases N(0, 0.1^2) (non-zero, so a dropped bias
    is caught); norm weights 1 + N(0, 0.1^2), norm biases N(0, 0.1^2); layer-scale U(0.3, 0.7);
    token embeddings N(0, 1); CLS/position embeddings N(0, 0.5^2); router query N(0, 1).
    """
    generator = torch.Generator().manual_seed(seed)

    def normal(shape, std):
        return torch.randn(shape, generator=generator, dtype=torch.float32) * std

    seen: set[int] = set()
    for root in roots:
        for module_name, module in root.named_modules():
            kind = type(module).__name__
            for name, param in module.named_parameters(recurse=False):
                if id(param) in seen:
                    continue   # tied lm_head: already set as the embedding
                seen.add(id(param))
                shape = tuple(param.shape)
                full = f"{module_name}.{name}" if module_name else name
                if "Norm" in kind:
                    value = (1.0 + normal(shape, 0.1)) if name == "weight" else normal(shape, 0.1)
                elif isinstance(module, nn.Embedding):
                    value = normal(shape, 1.0)
                elif isinstance(module, (nn.Linear, nn.Conv2d)):
                    fan_in = math.prod(shape[1:]) if name == "weight" else 1
                    value = normal(shape, 1.0 / math.sqrt(fan_in)) if name == "weight" else normal(shape, 0.1)
                elif isinstance(module, nn.MultiheadAttention):
                    value = normal(shape, 1.0 / math.sqrt(shape[1])) if name == "in_proj_weight" else normal(shape, 0.1)
                elif name in ("lambda_1", "lambda_2"):
                    value = 0.3 + 0.4 * torch.rand(shape, generator=generator)
                elif name in ("cls_token", "position_embeddings"):
                    value = normal(shape, 0.5)
                elif name == "query_token":
                    value = normal(shape, 1.0)
                else:
                    raise SystemExit(f"no initialisation rule for parameter '{full}' ({kind}); extend initialise()")
                with torch.no_grad():
                    param.copy_(value.to(param.device, param.dtype))
