// SPDX-License-Identifier: MIT
#include "model/qwen2_5_vl_model.h"

#include "common/error.h"
#include "model/tensor_loading.h"

namespace tokenscope {

QwenTensorLayout detectQwenLayout(const WeightStore &weights, const std::filesystem::path &source)
{
    // The hub's files name the tower visual.*; transformers >= 4.52 saves model.visual.*
    // (_checkpoint_conversion_mapping in modeling_qwen2_5_vl.py maps the one onto the other).
    const std::string probe = "patch_embed.proj.weight";
    if (weights.contains(qwenVisionPrefix(QwenTensorLayout::Hub) + probe))
        return QwenTensorLayout::Hub;
    if (weights.contains(qwenVisionPrefix(QwenTensorLayout::Nested) + probe))
        return QwenTensorLayout::Nested;
    throw Error(source, "has no Qwen2.5-VL vision tower (neither visual." + probe + " nor model.visual." + probe + ")");
}

Qwen25VLModel Qwen25VLModel::load(const std::filesystem::path &dir, const ComputeTarget &target)
{
    Qwen25VLConfig config = parseQwen25VLFolder(dir);
    const WeightStore weights = WeightStore::openDirectory(dir);
    const QwenTensorLayout layout = detectQwenLayout(weights, dir);
    nn::ParameterMap params = loadParameters(weights, expectedQwen25VLTensors(config, layout), target);
    return Qwen25VLModel(std::move(config), layout, std::move(params), target);
}

Qwen25VLModel::Qwen25VLModel(Qwen25VLConfig config, QwenTensorLayout layout, nn::ParameterMap params,
                             const ComputeTarget &target)
    : m_config(std::move(config)), m_layout(layout), m_target(target), m_params(std::move(params)),
      m_vision(m_config.vision, m_params, qwenVisionPrefix(layout)),
      m_language(m_config.llm, m_params, {qwenLanguagePrefix(layout), "lm_head.weight"})
{
}

torch::Tensor Qwen25VLModel::embedPrompt(const std::vector<std::int64_t> &inputIds,
                                         const std::vector<torch::Tensor> &images) const
{
    const auto ids = torch::tensor(inputIds, torch::kLong).to(m_language.device());
    auto embeds = m_language.embed(ids);
    const auto rows = (ids == std::int64_t(m_config.imageTokenId)).nonzero().flatten();
    std::int64_t visual = 0;
    for (const auto &image : images)
        visual += image.size(0);
    // Qwen2_5_VLModel.forward raises when the image tokens and the features disagree.
    if (rows.size(0) != visual)
        throw Error("prompt", "has " + std::to_string(rows.size(0)) + " image tokens for " + std::to_string(visual) +
                                  " image features");
    if (visual > 0)
        embeds.index_copy_(0, rows, torch::cat(images).to(embeds.scalar_type()));
    return embeds;
}

}   // namespace tokenscope
