// SPDX-License-Identifier: MIT
#pragma once

// VisionSelector (arXiv 2510.16598): a learned scorer over the connector outputs, then a global
// hard Top-K that keeps the chosen tokens in order and at their original position ids.
// Private to core: includes LibTorch.
//
// The scorer file, `selector.safetensors` beside the model (F32, F16 or BF16), with D the LLM
// hidden size (llm_config.hidden_size) and h = D / 2:
//   q_proj.weight [h, D]   q_proj.bias [h]   k_proj.weight [h, D]   k_proj.bias [h]
// (the official TransformerScorer's state dict: nn.Linear(D, h) q_proj and k_proj).

#include "compress/token_selector.h"
#include "io/qwen2_5_vl_config.h"
#include "io/safetensors.h"
#include "model/torch_runtime.h"

#include <filesystem>

namespace tokenscope {

// The tensors a selector for an LLM of width `llmWidth` must hold, with their shapes.
std::vector<ExpectedTensor> visionSelectorTensors(int llmWidth);

// Reads and shape-checks a selector file; errors name the file, the tensor and both shapes.
nn::ParameterMap loadVisionSelector(const std::filesystem::path &file, const ModelConfig &config,
                                    const ComputeTarget &target);
// The same from tensors named `prefix` + q_proj.weight, ..., returned under the names above.
nn::ParameterMap loadVisionSelector(const WeightStore &weights, const std::string &prefix, int width,
                                    const ComputeTarget &target);
// VisionSelector's released Qwen2.5-VL scorer: inside the checkpoint in `dir` (visual.importance_scorer.*,
// or model.visual.importance_scorer.* in the nested layout), else selector.safetensors beside it;
// empty when neither holds one.
nn::ParameterMap loadQwenVisionSelector(const std::filesystem::path &dir, QwenTensorLayout layout, int llmWidth,
                                        const ComputeTarget &target);

// score_i = mean_j (q_i · k_j) / √h over the N rows of `tokens` [N, D]; returns [N] float32.
torch::Tensor visionSelectorScores(const nn::ParameterMap &selector, const torch::Tensor &tokens);

class VisionSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
