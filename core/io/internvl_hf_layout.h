// SPDX-License-Identifier: MIT
#pragma once

// InternVL checkpoints in transformers' layout (InternVLForConditionalGeneration, the "-HF"
// repositories OpenGVLab publishes for InternVL3/3.5): config.json with vision_config/text_config,
// tensors under vision_tower / multi_modal_projector / language_model, the InternViT qkv split into
// q/k/v. Read into the same ModelConfig and parameter names as the released (chat) layout, so one
// engine serves both. The renames are transformers' convert_internvl_weights_to_hf.py inverted
// (docs/gpu-parity.md lists them). No Flash parts: transformers' InternVL has none.

#include "io/model_config.h"

#include <array>
#include <filesystem>
#include <string>

namespace tokenscope {

// True when a config.json is transformers' InternVLConfig (model_type "internvl").
bool isInternVLHfConfigText(const std::string &configJson);

// Parses transformers' InternVLConfig into the chat layout's values. Settings TokenScope's
// InternViT path does not compute (another vision_feature_layer, the "full" strategy, a final
// vision LayerNorm, another projector activation, non-square images) throw Error naming the field.
ModelConfig parseInternVLHfConfigText(const std::string &configJson, const std::filesystem::path &source);

// Either layout's config.json; `transformersLayout` says which it was.
ModelConfig parseAnyInternVLConfig(const std::filesystem::path &configJson, bool &transformersLayout);

// The same values as transformers writes them (fixtures and tests).
std::string internVLHfConfigToJson(const ModelConfig &config);

// Where the tensors sit: transformers >= 4.52 saves model.vision_tower.*, model.multi_modal_projector.*,
// model.language_model.* and lm_head.weight; older 4.x vision_tower.*, multi_modal_projector.*,
// language_model.model.* and language_model.lm_head.weight.
enum class HfPrefix { Model, Bare };

// The transformers name of a chat-layout tensor; empty for the fused InternViT qkv (see below) and
// for tensors transformers does not have (the Flash parts).
std::string internVLHfName(const std::string &chatName, HfPrefix prefix);
// The q, k, v projections a chat-layout `…layers.N.attn.qkv.{weight,bias}` is split into (rows q,
// then k, then v); empty names when `chatName` is not a qkv tensor.
std::array<std::string, 3> internVLHfQkvNames(const std::string &chatName, HfPrefix prefix);

}   // namespace tokenscope
