# SPDX-License-Identifier: MIT
"""transformers' InternVL naming <-> the InternVLChatModel ("chat") naming TokenScope reads, in one table
used in both directions (parity_fixtures.py writes chat names, reference_speed.py reads them), plus the
attention-kernel settings both scripts apply. Pure Python: the name mapping is checked without torch.

The table restates transformers' convert_internvl_weights_to_hf.py renames (docs/gpu-parity.md lists
them); the fused InternViT attn.qkv, which transformers splits into q/k/v projections, is not a rename
and has its own helpers (rows q, then k, then v).
"""

from __future__ import annotations

import re

# (chat template, normalised transformers template). {n} layer index, {p} weight|bias, {i} 1|2,
# {f} fc1|fc2, {qk} q|k, {rest} the rest of an LLM name.
NAME_PAIRS = [
    ("vision_model.embeddings.class_embedding", "vision_tower.embeddings.cls_token"),
    ("vision_model.embeddings.position_embedding", "vision_tower.embeddings.position_embeddings"),
    ("vision_model.embeddings.patch_embedding.{p}", "vision_tower.embeddings.patch_embeddings.projection.{p}"),
    ("vision_model.encoder.layers.{n}.attn.proj.{p}", "vision_tower.encoder.layer.{n}.attention.projection_layer.{p}"),
    ("vision_model.encoder.layers.{n}.attn.{qk}_norm.weight", "vision_tower.encoder.layer.{n}.attention.{qk}_norm.weight"),
    ("vision_model.encoder.layers.{n}.ls{i}", "vision_tower.encoder.layer.{n}.lambda_{i}"),
    ("vision_model.encoder.layers.{n}.norm1.{p}", "vision_tower.encoder.layer.{n}.layernorm_before.{p}"),
    ("vision_model.encoder.layers.{n}.norm2.{p}", "vision_tower.encoder.layer.{n}.layernorm_after.{p}"),
    ("vision_model.encoder.layers.{n}.mlp.{f}.{p}", "vision_tower.encoder.layer.{n}.mlp.{f}.{p}"),
    ("mlp1.0.{p}", "multi_modal_projector.layer_norm.{p}"),
    ("mlp1.1.{p}", "multi_modal_projector.linear_1.{p}"),
    ("mlp1.3.{p}", "multi_modal_projector.linear_2.{p}"),
    ("language_model.lm_head.weight", "lm_head.weight"),
    ("language_model.model.{rest}", "language_model.{rest}"),
]
PLACEHOLDERS = {"n": r"\d+", "p": "weight|bias", "i": "1|2", "f": "fc1|fc2", "qk": "q|k", "rest": ".+"}

CHAT_QKV = re.compile(r"vision_model\.encoder\.layers\.(\d+)\.attn\.qkv\.(weight|bias)")
HF_QKV = re.compile(r"vision_tower\.encoder\.layer\.(\d+)\.attention\.(q|k|v)_proj\.(weight|bias)")


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"(\{\w+\})", template)
    return re.compile("".join(f"(?P<{p[1:-1]}>{PLACEHOLDERS[p[1:-1]]})" if p.startswith("{") else re.escape(p)
                              for p in parts))


_CHAT_TO_HF = [(_pattern(chat), hf) for chat, hf in NAME_PAIRS]
_HF_TO_CHAT = [(_pattern(hf), chat) for chat, hf in NAME_PAIRS]


def _translate(name: str, table) -> str | None:
    for pattern, template in table:
        match = pattern.fullmatch(name)
        if match:
            return template.format(**match.groupdict())
    return None


def chat_to_hf(name: str) -> str | None:
    """Normalised transformers name of a chat tensor, or None (attn.qkv and Flash-only tensors)."""
    return _translate(name, _CHAT_TO_HF)


def hf_to_chat(name: str) -> str | None:
    """Chat name of a normalised transformers tensor, or None (the split q/k/v projections)."""
    return _translate(name, _HF_TO_CHAT)


def chat_qkv_name(layer: str, kind: str) -> str:
    return f"vision_model.encoder.layers.{layer}.attn.qkv.{kind}"


def hf_qkv_name(layer: str, which: str, kind: str) -> str:
    return f"vision_tower.encoder.layer.{layer}.attention.{which}_proj.{kind}"


def normalise_hf_name(name: str) -> str:
    """Brings 4.5x and 5.x state_dict names to one form: vision_tower.*, multi_modal_projector.*,
    language_model.* (the decoder body), lm_head.weight."""
    name = re.sub(r"^model\.(?=(vision_tower|multi_modal_projector|language_model)\.)", "", name)
    if name.startswith("language_model.model."):
        name = "language_model." + name[len("language_model.model."):]
    elif name.startswith("language_model.lm_head."):
        name = "lm_head." + name[len("language_model.lm_head."):]
    return name


def apply_attention(config, attn: str) -> None:
    """Sets the attention kernel on the top config and both sub-configs before the model is built
    (a config keyword for it is not accepted the same way by every release)."""
    for cfg in (config, config.vision_config, config.text_config):
        try:
            cfg._attn_implementation = attn
        except Exception as error:  # noqa: BLE001 - reported; set_attn_implementation() tries again
            print(f"  note: could not set _attn_implementation on {type(cfg).__name__}: {error}")


def effective_attention(model) -> str:
    """What the built sub-models will actually run, for the log and reference.json."""
    found = []
    for module in (getattr(model, "model", model),):
        for part in ("vision_tower", "language_model"):
            sub = getattr(module, part, None)
            cfg = getattr(sub, "config", None)
            found.append(f"{part}={getattr(cfg, '_attn_implementation', '?')}")
    return ", ".join(found)
