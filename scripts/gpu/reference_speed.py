#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Time Hugging Face transformers' InternVL on a TokenScope chat-layout checkpoint (GPU machine only).

The checkpoint is one that TokenScope writes itself, e.g.

    tokenscope-cli make-fixture --shape internvl3_5-8b-flash --dtype BF16 [--shards 4] --out DIR

(config.json in the InternVLChatModel layout + model.safetensors, or model-0000i-of-0000N.safetensors with
model.safetensors.index.json). Its weights are renamed into transformers' InternVLForConditionalGeneration
(the inverse of scripts/gpu/parity_fixtures.py's mapping: attn.qkv is split back into q/k/v rows) and run
in bf16 with attn_implementation="sdpa". The Flash-only tensors (mlp2.*, pooling_before_gating.*,
gating.*) are ignored: transformers' InternVL has no router, so it always runs 256 tokens per tile. That
is the baseline TokenScope's own timings are compared with.

For each --image-px size, the tile count is what InternVL's dynamic tiling gives a square image of that
size (448 -> 1 tile, 896 -> 2x2 + thumbnail = 5, 1344 -> 3x3 + thumbnail = 10, with 448-px tiles), the
pixels are random, and the prompt is ~text, <img>, tiles*256 <IMG_CONTEXT>, </img>, ~text.

  TTFT      one forward over the whole prompt (vision tower + projector + LLM prefill with the KV
            cache) up to the last position's logits, CUDA events, median of --repeats after --warmup.
  decode    --new-tokens greedy steps, each one forward of one token with the KV cache (argmax kept on
            the GPU, no host sync inside the loop); tokens/s = new_tokens / loop time, median.

One JSON object per image size is appended to --json (one line each).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

try:
    import torch
    from torch import nn
    import transformers
    from safetensors import safe_open
except ImportError as error:
    sys.exit(f"reference_speed.py needs torch, transformers and safetensors (GPU machine only): {error}")

FLASH_ONLY_PREFIXES = ("mlp2.", "pooling_before_gating.", "gating.")

from transformers_layout import (CHAT_QKV, apply_attention, chat_to_hf, effective_attention, hf_qkv_name,  # noqa: E402
                                 normalise_hf_name)


# ----------------------------------------------------------------------------------------------
# Checkpoint reading
# ----------------------------------------------------------------------------------------------

def read_chat_config(directory: Path) -> dict:
    path = directory / "config.json"
    if not path.is_file():
        raise SystemExit(f"{path}: missing (is --checkpoint a TokenScope / InternVLChatModel directory?)")
    config = json.loads(path.read_text())
    if config.get("model_type", "internvl_chat") != "internvl_chat":
        raise SystemExit(f"{path}: model_type '{config.get('model_type')}' is not internvl_chat")
    for key in ("vision_config", "llm_config"):
        if not isinstance(config.get(key), dict):
            raise SystemExit(f"{path}: '{key}' is missing")
    if config.get("ps_version", "v2") != "v2":
        raise SystemExit(f"{path}: ps_version must be v2 (transformers' pixel shuffle is v2)")
    if config.get("select_layer", -1) != -1:
        raise SystemExit(f"{path}: select_layer must be -1")
    return config


def weight_files(directory: Path) -> list[Path]:
    single = directory / "model.safetensors"
    if single.is_file():
        return [single]
    index = directory / "model.safetensors.index.json"
    if not index.is_file():
        raise SystemExit(f"{directory}: neither model.safetensors nor model.safetensors.index.json")
    weight_map = json.loads(index.read_text()).get("weight_map", {})
    files = sorted({directory / name for name in weight_map.values()})
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise SystemExit(f"shards named in {index} are missing: {missing}")
    return files


def special_ids(directory: Path, vocab: int) -> dict[str, int]:
    """<img>, </img>, <IMG_CONTEXT> from tokenizer.json's added tokens; the last vocabulary ids otherwise."""
    wanted = {"<img>": "start", "</img>": "end", "<IMG_CONTEXT>": "context"}
    found: dict[str, int] = {}
    tokenizer = directory / "tokenizer.json"
    if tokenizer.is_file():
        for token in json.loads(tokenizer.read_text()).get("added_tokens", []):
            if token.get("content") in wanted:
                found[wanted[token["content"]]] = int(token["id"])
    fallback = {"start": vocab - 3, "end": vocab - 2, "context": vocab - 1}
    ids = {key: found.get(key, value) for key, value in fallback.items()}
    if any(not 0 <= value < vocab for value in ids.values()) or len(set(ids.values())) != 3:
        raise SystemExit(f"bad special ids {ids} for vocabulary {vocab}")
    return ids


# ----------------------------------------------------------------------------------------------
# transformers model from the chat config
# ----------------------------------------------------------------------------------------------

def build_configs(chat: dict, image_context_id: int):
    v, l = chat["vision_config"], chat["llm_config"]
    if v.get("hidden_act", "gelu") != "gelu" or l.get("hidden_act", "silu") != "silu":
        raise SystemExit("only gelu (vision) / silu (LLM) activations are supported")
    if l.get("rope_scaling") is not None:
        raise SystemExit("rope_scaling is not supported (TokenScope reads plain RoPE only)")
    vision = transformers.InternVLVisionConfig(
        hidden_size=v["hidden_size"],
        num_hidden_layers=v["num_hidden_layers"],
        num_attention_heads=v["num_attention_heads"],
        intermediate_size=v["intermediate_size"],
        hidden_act="gelu",
        attention_bias=v.get("qkv_bias", True),
        use_qk_norm=v.get("qk_normalization", False),
        norm_type=v.get("norm_type", "rms_norm"),   # InternVisionConfig's default, as our parser assumes
        layer_norm_eps=v.get("layer_norm_eps", 1e-6),
        image_size=v["image_size"],
        patch_size=v["patch_size"],
        num_channels=3,
        use_absolute_position_embeddings=True,
        use_mean_pooling=True,                      # no final vision layernorm: InternViT has none
    )
    architecture = (l.get("architectures") or [l.get("model_type", "")])[0]
    qwen3 = architecture in ("Qwen3ForCausalLM", "qwen3")
    if not qwen3 and architecture not in ("Qwen2ForCausalLM", "qwen2"):
        raise SystemExit(f"LLM architecture '{architecture}' is not supported (Qwen2/Qwen3)")
    common = dict(
        vocab_size=l["vocab_size"],
        hidden_size=l["hidden_size"],
        intermediate_size=l["intermediate_size"],
        num_hidden_layers=l["num_hidden_layers"],
        num_attention_heads=l["num_attention_heads"],
        num_key_value_heads=l.get("num_key_value_heads", l["num_attention_heads"]),
        hidden_act="silu",
        max_position_embeddings=l.get("max_position_embeddings", 32768),
        rms_norm_eps=l.get("rms_norm_eps", 1e-6),
        rope_theta=l.get("rope_theta", 1e6),   # 5.x moves it into rope_parameters by itself
        tie_word_embeddings=l.get("tie_word_embeddings", False),
        use_sliding_window=False,
        eos_token_id=l.get("eos_token_id"),
    )
    if qwen3:
        text = transformers.Qwen3Config(head_dim=l.get("head_dim", l["hidden_size"] // l["num_attention_heads"]),
                                        attention_bias=l.get("attention_bias", False), **common)
    else:
        text = transformers.Qwen2Config(**common)
    config = transformers.InternVLConfig(
        vision_config=vision,
        text_config=text,
        image_token_id=image_context_id,
        downsample_ratio=chat.get("downsample_ratio", 0.5),
        projector_hidden_act="gelu",
        vision_feature_layer=-1,
        vision_feature_select_strategy="default",
        tie_word_embeddings=l.get("tie_word_embeddings", False),
    )
    if getattr(config, "image_token_id", None) != image_context_id:
        config.image_token_id = image_context_id
    return config


def build_model(config, attn: str, device: torch.device):
    # Parameters are created directly in bf16 on the GPU: an 8B model would need 32 GB in fp32 first.
    apply_attention(config, attn)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        with device:
            model = transformers.InternVLForConditionalGeneration(config)
    finally:
        torch.set_default_dtype(previous)
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation(attn)
    return model.eval()


@torch.no_grad()
def load_chat_weights(model: nn.Module, files: list[Path], device: torch.device, tied: bool) -> int:
    params = {normalise_hf_name(n): p for n, p in model.named_parameters(remove_duplicate=False)}
    embed, head = "language_model.embed_tokens.weight", "lm_head.weight"
    if not tied and params[head].data_ptr() == params[embed].data_ptr():
        raise SystemExit("the checkpoint has its own lm_head but transformers tied it to embed_tokens")
    assigned: set[str] = set()

    def put(name: str, tensor: torch.Tensor) -> None:
        if name not in params:
            raise SystemExit(f"checkpoint tensor maps to '{name}', which this transformers model does not have")
        if tuple(params[name].shape) != tuple(tensor.shape):
            raise SystemExit(f"'{name}': checkpoint shape {tuple(tensor.shape)} != model {tuple(params[name].shape)}")
        params[name].copy_(tensor)
        assigned.add(name)

    ignored = 0
    for path in files:
        # One tensor at a time straight onto the GPU keeps host and device memory at one copy.
        with safe_open(str(path), framework="pt", device=f"cuda:{device.index if device.index is not None else torch.cuda.current_device()}") as reader:
            for chat_name in reader.keys():
                if chat_name.startswith(FLASH_ONLY_PREFIXES):
                    ignored += 1
                    continue
                tensor = reader.get_tensor(chat_name)
                match = CHAT_QKV.fullmatch(chat_name)
                if match:
                    layer, kind = match.groups()
                    q, k, v = tensor.chunk(3, dim=0)   # rows are q, k, v in that order
                    for which, part in (("q", q), ("k", k), ("v", v)):
                        put(hf_qkv_name(layer, which, kind), part)
                    continue
                hf = chat_to_hf(chat_name)
                if hf is None:
                    raise SystemExit(f"{path.name}: tensor '{chat_name}' has no transformers counterpart")
                put(hf, tensor)
    if tied and head not in assigned:
        if params[head].data_ptr() != params[embed].data_ptr():
            params[head].copy_(params[embed])
        assigned.add(head)
    missing = sorted(set(params) - assigned)
    if missing:
        raise SystemExit(f"the checkpoint left {len(missing)} transformers parameters unset, e.g. {missing[:5]}")
    return ignored


# ----------------------------------------------------------------------------------------------
# Tiling and timing
# ----------------------------------------------------------------------------------------------

def tiles_for_square(px: int, tile: int, min_num: int, max_num: int, thumbnail: bool, dynamic: bool) -> int:
    """InternVL's grid choice for a square image: the grid whose aspect ratio is closest to 1; on a tie the
    larger grid wins when the image area exceeds half the grid's pixel area. Thumbnail appended if > 1 tile."""
    if not dynamic:
        return 1
    grids = sorted({(i, j) for n in range(min_num, max_num + 1) for i in range(1, n + 1) for j in range(1, n + 1)
                    if min_num <= i * j <= max_num}, key=lambda g: (g[0] * g[1], g))
    best, best_diff = (1, 1), float("inf")
    for cols, rows in grids:
        diff = abs(1.0 - cols / rows)
        if diff < best_diff:
            best, best_diff = (cols, rows), diff
        elif diff == best_diff and px * px > 0.5 * tile * tile * cols * rows:
            best = (cols, rows)
    blocks = best[0] * best[1]
    return blocks + (1 if thumbnail and blocks != 1 else 0)


def make_prompt(tiles: int, per_tile: int, ids: dict[str, int], vocab: int, text_tokens: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    specials = torch.tensor(sorted(ids.values()))
    pool = torch.arange(min(vocab, 5000))
    pool = pool[~torch.isin(pool, specials)]
    text = pool[torch.randint(0, len(pool), (text_tokens,), generator=generator)]
    half = text_tokens // 2
    return torch.cat([text[:half], torch.tensor([ids["start"]]), torch.full((tiles * per_tile,), ids["context"]),
                      torch.tensor([ids["end"]]), text[half:]]).to(torch.int64).unsqueeze(0)


@torch.inference_mode()
def time_one_size(model, pixel_values, input_ids, new_tokens: int, warmup: int, repeats: int):
    ttft_ms, decode_tok_s = [], []
    events = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    for i in range(warmup + repeats):
        torch.cuda.synchronize()
        events[0].record()
        # logits_to_keep=1: only the last row goes through lm_head, as in TokenScope's own prefill.
        out = model(input_ids=input_ids, pixel_values=pixel_values, use_cache=True, logits_to_keep=1)
        events[1].record()
        token = out.logits[:, -1:].argmax(-1)
        past = out.past_key_values
        events[2].record()
        for _ in range(new_tokens):
            out = model(input_ids=token, past_key_values=past, use_cache=True)
            past = out.past_key_values
            token = out.logits[:, -1:].argmax(-1)
        events[3].record()
        torch.cuda.synchronize()
        if not torch.isfinite(out.logits).all():
            raise SystemExit("non-finite logits: the checkpoint or the mapping is broken")
        if i >= warmup:
            ttft_ms.append(events[0].elapsed_time(events[1]))
            decode_tok_s.append(new_tokens / (events[2].elapsed_time(events[3]) / 1000.0))
        del out, past
    return ttft_ms, decode_tok_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, type=Path, help="chat-layout checkpoint directory")
    parser.add_argument("--image-px", default="448,896,1344", help="comma list of square image sizes")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--text-tokens", type=int, default=20, help="text ids around the image block")
    parser.add_argument("--json", required=True, type=Path, help="JSON-lines file (appended)")
    parser.add_argument("--shape", default=None, help="label for the 'shape' field (default: directory name)")
    parser.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    try:
        sizes = [int(x) for x in args.image_px.split(",") if x.strip()]
    except ValueError:
        parser.error(f"--image-px must be integers separated by commas, got '{args.image_px}'")
    if not sizes or min(sizes) <= 0 or args.repeats < 1 or args.warmup < 0 or args.new_tokens < 1:
        parser.error("need positive --image-px, --repeats >= 1, --warmup >= 0, --new-tokens >= 1")
    if not torch.cuda.is_available():
        raise SystemExit("reference_speed.py times on CUDA; torch sees no GPU")
    device = torch.device("cuda")

    chat = read_chat_config(args.checkpoint)
    vocab = chat["llm_config"]["vocab_size"]
    ids = special_ids(args.checkpoint, vocab)
    config = build_configs(chat, ids["context"])
    model = build_model(config, args.attn, device)
    tied = bool(chat["llm_config"].get("tie_word_embeddings", False))
    ignored = load_chat_weights(model, weight_files(args.checkpoint), device, tied)
    params = sum(p.numel() for p in model.parameters())
    print(f"loaded {args.checkpoint}: {params / 1e9:.3f} B parameters in transformers "
          f"(ignored {ignored} Flash-only tensors), attention {effective_attention(model)}, "
          f"{torch.cuda.get_device_name()}")

    vision = chat["vision_config"]
    tile = chat.get("force_image_size") or vision["image_size"]
    ratio = chat.get("downsample_ratio", 0.5)
    per_tile = int(round((tile // vision["patch_size"]) ** 2 * ratio * ratio))
    shape = args.shape or args.checkpoint.resolve().name
    generator = torch.Generator(device=device).manual_seed(args.seed)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    for px in sizes:
        tiles = tiles_for_square(px, tile, chat.get("min_dynamic_patch", 1), chat.get("max_dynamic_patch", 12),
                                 chat.get("use_thumbnail", True), chat.get("dynamic_image_size", True))
        pixel_values = torch.randn(tiles, 3, tile, tile, generator=generator, device=device, dtype=torch.bfloat16)
        input_ids = make_prompt(tiles, per_tile, ids, vocab, args.text_tokens, args.seed).to(device)
        ttft, decode = time_one_size(model, pixel_values, input_ids, args.new_tokens, args.warmup, args.repeats)
        record = {
            "impl": "transformers",
            "shape": shape,
            "image_px": px,
            "tiles": tiles,
            "visual_tokens": tiles * per_tile,
            "prompt_tokens": int(input_ids.shape[1]),
            "ttft_ms_median": statistics.median(ttft),
            "ttft_ms_all": ttft,
            "decode_tok_s_median": statistics.median(decode),
            "decode_tok_s_all": decode,
            "new_tokens": args.new_tokens,
            "repeats": args.repeats,
            "warmup": args.warmup,
            "attn_implementation": args.attn,
            "attn_implementation_effective": effective_attention(model),
            "device": torch.cuda.get_device_name(),
            "dtype": "bf16",
            "transformers": transformers.__version__,
            "torch": torch.__version__,
        }
        with args.json.open("a") as out:
            out.write(json.dumps(record) + "\n")
        print(f"{shape} {px}px: {tiles} tiles, {record['visual_tokens']} visual tokens, "
              f"TTFT {record['ttft_ms_median']:.1f} ms, decode {record['decode_tok_s_median']:.1f} tok/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
