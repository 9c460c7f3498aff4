// SPDX-License-Identifier: MIT
#include "compress/patch_pooling.h"

#include <cmath>
#include <stdexcept>

namespace tokenscope {

torch::Tensor sumOverTokenPatches(const torch::Tensor &perPatch, const CompressionPlan &plan)
{
    const auto signal = perPatch.to(torch::kFloat32).cpu();
    if (signal.dim() < 2 || signal.size(0) != static_cast<std::int64_t>(plan.tiles.size()))
        throw std::logic_error("encoder signal: [tiles, P, ...] expected");
    const auto g = static_cast<std::int64_t>(std::lround(std::sqrt(double(signal.size(1)))));
    if (g * g != signal.size(1))
        throw std::logic_error("encoder signal: a square patch grid expected");
    const auto width = signal.dim() == 2 ? std::int64_t(1) : signal.size(2);
    const auto perTile = signal.reshape({signal.size(0), g, g, width});

    // Per tile: [g, g, E] -> [s, f, s, f, E] -> sum over each f×f block -> [s·s, E] in raster order.
    std::vector<torch::Tensor> pooled;
    for (std::size_t t = 0; t < plan.tiles.size(); ++t) {
        const std::int64_t s = plan.tiles[t].gridSide;
        if (s <= 0 || g % s != 0)
            throw std::logic_error("encoder signal: tile grid does not divide the patch grid");
        const std::int64_t f = g / s;
        // Each token's f·f patches made adjacent first: a reduction over one contiguous axis is
        // several times faster here than one over the two strided axes of [s, f, s, f, E].
        pooled.push_back(perTile[std::int64_t(t)]
                             .view({s, f, s, f, width})
                             .permute({0, 2, 1, 3, 4})
                             .reshape({s * s, f * f, width})
                             .sum(1));
    }
    std::vector<std::int64_t> rows;
    rows.reserve(plan.tokens.size());
    std::vector<std::int64_t> tileStart(plan.tiles.size(), 0);
    for (std::size_t t = 1; t < plan.tiles.size(); ++t)
        tileStart[t] = tileStart[t - 1] + pooled[t - 1].size(0);
    for (const VisualToken &token : plan.tokens)
        rows.push_back(tileStart[std::size_t(token.tile)] + std::int64_t(token.gridY) * plan.tiles[std::size_t(token.tile)].gridSide
                       + token.gridX);
    auto all = torch::cat(pooled, 0).index_select(0, torch::tensor(rows, torch::TensorOptions().dtype(torch::kInt64)));
    return signal.dim() == 2 ? all.squeeze(1).contiguous() : all.contiguous();
}

torch::Tensor tokenClsAttention(const SelectionInput &input)
{
    return sumOverTokenPatches(input.lastLayer.clsAttention, input.plan);
}

torch::Tensor tokenClsAttentionFullWidth(const SelectionInput &input)
{
    return sumOverTokenPatches(input.lastLayer.clsAttentionFullWidth, input.plan);
}

torch::Tensor tokenKeysHeadMean(const SelectionInput &input)
{
    const auto &keys = input.lastLayer.keys;   // [tiles, P, C]
    const int heads = input.config.vision.numHeads;
    if (keys.dim() != 3 || heads <= 0 || keys.size(2) % heads != 0)
        throw std::logic_error("encoder keys: [tiles, P, heads·d] expected");
    return sumOverTokenPatches(keys.view({keys.size(0), keys.size(1), heads, keys.size(2) / heads}).mean(2), input.plan);
}

torch::Tensor tokenKeysFullWidth(const SelectionInput &input)
{
    return sumOverTokenPatches(input.lastLayer.keys, input.plan);
}

torch::Tensor tokenFeatures(const SelectionInput &input)
{
    return sumOverTokenPatches(input.lastLayer.features, input.plan);
}

} // namespace tokenscope
