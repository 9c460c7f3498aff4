// SPDX-License-Identifier: MIT
#include "compress/vision_selector.h"

#include "common/error.h"
#include "io/safetensors.h"
#include "io/tensor_shape.h"
#include "model/tensor_loading.h"

#include <cmath>

namespace tokenscope {

std::vector<ExpectedTensor> visionSelectorTensors(int llmWidth)
{
    const std::int64_t d = llmWidth, h = llmWidth / 2;
    return {{"q_proj.weight", {h, d}}, {"q_proj.bias", {h}}, {"k_proj.weight", {h, d}}, {"k_proj.bias", {h}}};
}

nn::ParameterMap loadVisionSelector(const std::filesystem::path &file, const ModelConfig &config,
                                    const ComputeTarget &target)
{
    const WeightStore weights = WeightStore::openFile(file);
    const int width = config.llm.hiddenSize;
    const std::vector<ExpectedTensor> expected = visionSelectorTensors(width);
    // Checked here rather than by validateCheckpoint so the message names the LLM width at fault.
    for (const ExpectedTensor &t : expected) {
        if (!weights.contains(t.name))
            throw Error(file, "missing tensor '" + t.name + "' (the model's LLM width " + std::to_string(width) +
                                  " needs " + formatShape(t.shape) + ")");
        const TensorView &view = weights.at(t.name);
        if (view.shape != t.shape)
            throw Error(file, t.name + " has shape " + formatShape(view.shape) + " but the model's LLM width " +
                                  std::to_string(width) + " needs " + formatShape(t.shape));
    }
    return loadParameters(weights, expected, target);
}

torch::Tensor visionSelectorScores(const nn::ParameterMap &selector, const torch::Tensor &tokens)
{
    // Float32 whatever the model dtype: the scores are ranked, and near-ties should not flip with bf16.
    const auto x = tokens.to(torch::kFloat32);
    auto f32 = [&](const char *name) { return nn::param(selector, name).to(x.device(), torch::kFloat32); };
    const auto q = torch::linear(x, f32("q_proj.weight"), f32("q_proj.bias"));   // [N, h]
    const auto k = torch::linear(x, f32("k_proj.weight"), f32("k_proj.bias"));   // [N, h]
    // mean_j (q_i · k_j) = q_i · mean_j k_j (no softmax, so the mean commutes with the dot
    // product): O(N·h) instead of materialising the [N, N] score matrix the reference builds.
    const auto meanKey = k.mean(0);                                               // [h]
    return torch::mv(q, meanKey) / std::sqrt(static_cast<double>(q.size(1)));
}

// VisionSelector (arXiv 2510.16598): selector_scorer.py TransformerScorer scores, then
// selector_model.py `topk(max(1, int(N·b))).indices.sort()` over all tiles at once, original position ids.
TokenSelection VisionSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    if (!input.selector)
        throw Error("method 'visionselector'", "needs selector.safetensors beside the model, and none was loaded");
    const torch::NoGradGuard noGrad;
    const auto scores = visionSelectorScores(*input.selector, input.visualTokens);
    return selectionFromScores(scores, keep, PositionPolicy::OriginalWithGaps);
}

} // namespace tokenscope
