// SPDX-License-Identifier: MIT
#pragma once

// A Qwen2.5-VL checkpoint in memory (Qwen2_5_VLForConditionalGeneration): the vision tower with
// its merger and the Qwen2 LLM with M-RoPE, sharing one ParameterMap in the checkpoint's own names
// (either layout). Private to core: includes LibTorch.

#include "io/qwen2_5_vl_config.h"
#include "io/safetensors.h"
#include "model/language_model.h"
#include "model/qwen_vision_tower.h"
#include "model/torch_runtime.h"

#include <filesystem>

namespace tokenscope {

// Which of the two layouts a checkpoint uses, from its tensor names; throws Error naming `source`
// when it has neither's vision tower.
QwenTensorLayout detectQwenLayout(const WeightStore &weights, const std::filesystem::path &source);

class Qwen25VLModel {
public:
    // Reads `dir`/config.json, preprocessor_config.json and the weights (single or sharded),
    // validating every tensor's name and shape before building any tensor.
    static Qwen25VLModel load(const std::filesystem::path &dir, const ComputeTarget &target);
    Qwen25VLModel(Qwen25VLConfig config, QwenTensorLayout layout, nn::ParameterMap params, const ComputeTarget &target);

    const Qwen25VLConfig &config() const { return m_config; }
    QwenTensorLayout layout() const { return m_layout; }
    const ComputeTarget &target() const { return m_target; }
    const QwenVisionTower &vision() const { return m_vision; }
    const LanguageModel &language() const { return m_language; }

    // The prompt's embeddings [L, D] with each image's merged tokens [n, D] (in `images` order)
    // in the rows of its image tokens (masked_scatter in the reference).
    torch::Tensor embedPrompt(const std::vector<std::int64_t> &inputIds,
                              const std::vector<torch::Tensor> &images) const;

private:
    Qwen25VLConfig m_config;
    QwenTensorLayout m_layout;
    ComputeTarget m_target;
    nn::ParameterMap m_params;
    QwenVisionTower m_vision;
    LanguageModel m_language;
};

}   // namespace tokenscope
