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

nn::ParameterMap loadVisionSelector(const WeightStore &weights, const std::string &prefix, int width,
                                    const ComputeTarget &target)
{
    const std::filesystem::path &source = weights.source();
    nn::ParameterMap selector;
    // Checked here rather than by validateCheckpoint so the message names the LLM width at fault.
    for (const ExpectedTensor &t : visionSelectorTensors(width)) {
        const std::string name = prefix + t.name;
        if (!weights.contains(name))
            throw Error(source, "missing tensor '" + name + "' (the model's LLM width " + std::to_string(width) +
                                    " needs " + formatShape(t.shape) + ")");
        const TensorView &view = weights.at(name);
        if (view.shape != t.shape)
            throw Error(source, name + " has shape " + formatShape(view.shape) + " but the model's LLM width " +
                                    std::to_string(width) + " needs " + formatShape(t.shape));
        selector.emplace(t.name, loadTensor(view, target));
    }
    return selector;
}

nn::ParameterMap loadVisionSelector(const std::filesystem::path &file, const ModelConfig &config,
                                    const ComputeTarget &target)
{
    return loadVisionSelector(WeightStore::openFile(file), "", config.llm.hiddenSize, target);
}

nn::ParameterMap loadQwenVisionSelector(const std::filesystem::path &dir, QwenTensorLayout layout, int llmWidth,
                                        const ComputeTarget &target)
{
    // train_qwen_selector.py attaches the scorer as model.visual.importance_scorer and saves the
    // whole model, so released checkpoints carry it among the tower's tensors.
    const WeightStore weights = WeightStore::openDirectory(dir);
    const std::string prefix = qwenVisionPrefix(layout) + "importance_scorer.";
    if (weights.contains(prefix + "q_proj.weight"))
        return loadVisionSelector(weights, prefix, llmWidth, target);
    if (const auto beside = dir / "selector.safetensors"; std::filesystem::exists(beside))
        return loadVisionSelector(WeightStore::openFile(beside), "", llmWidth, target);
    return {};
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
