// SPDX-License-Identifier: MIT
#include "compress/vispruner.h"

#include "compress/patch_pooling.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace tokenscope {

std::vector<std::int64_t> vispruneDiverse(std::vector<std::int64_t> residual, std::int64_t count,
                                          const torch::Tensor &similarity)
{
    const auto matrix = similarity.to(torch::kFloat32).cpu().contiguous();
    const float *values = matrix.data_ptr<float>();
    const std::int64_t n = matrix.size(0);
    // llava_arch.py encode_images: `while True: r = min(8, R - T_div); if r <= 0: break; ...`
    for (;;) {
        const auto size = static_cast<std::int64_t>(residual.size());
        const std::int64_t r = std::min<std::int64_t>(8, size - count);
        if (r <= 0)
            return residual;
        std::vector<std::int64_t> a, b;   // residual[::2], residual[1::2]
        for (std::int64_t i = 0; i < size; ++i)
            (i % 2 == 0 ? a : b).push_back(residual[std::size_t(i)]);
        // Each A token's highest cosine to any B token (an odd-sized residual has one A more). A
        // gathered [A, B] block per round cost more in copies than these lookups within one row.
        std::vector<float> score(a.size(), -std::numeric_limits<float>::infinity());
        at::parallel_for(0, std::int64_t(a.size()), 64, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) {
                const float *row = values + a[std::size_t(i)] * n;
                float best = -std::numeric_limits<float>::infinity();
                for (std::int64_t j : b)
                    best = std::max(best, row[j]);
                score[std::size_t(i)] = best;
            }
        });
        // argsort(descending)[r:]: drop the r most redundant A tokens, keep the rest in that order
        // (ties: the earlier A first, as a stable sort gives).
        std::vector<std::size_t> order(a.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return score[x] > score[y]; });
        std::vector<std::int64_t> next;
        next.reserve(std::size_t(size - r));
        for (std::size_t i = std::size_t(r); i < order.size(); ++i)
            next.push_back(a[order[i]]);
        next.insert(next.end(), b.begin(), b.end());
        residual = std::move(next);
    }
}

TokenSelection VisPrunerSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    const auto n = static_cast<std::int64_t>(input.plan.tokens.size());
    const auto attention = tokenClsAttention(input);   // [N]
    TokenSelection selection;
    selection.scores.assign(attention.data_ptr<float>(), attention.data_ptr<float>() + n);
    selection.positions = PositionPolicy::Contiguous;

    // important_token_num = int(T * 0.5): the share is a parameter here, 0.5 by default.
    const auto important = static_cast<std::int64_t>(double(keep) * input.choice.parameter("important_fraction"));
    const std::int64_t diverse = keep - important;

    // argsort(descending): ties to the lower index, for determinism.
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const float *a = attention.data_ptr<float>();
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t x, std::int64_t y) { return a[x] > a[y]; });
    std::vector<std::int64_t> kept(order.begin(), order.begin() + important);
    std::vector<std::int64_t> residual(order.begin() + important, order.end());

    if (diverse > 0 && static_cast<std::int64_t>(residual.size()) > diverse) {
        namespace F = torch::nn::functional;
        const auto features = F::normalize(tokenFeatures(input), F::NormalizeFuncOptions().dim(-1));   // [N, C]
        residual = vispruneDiverse(std::move(residual), diverse, features.matmul(features.t()));
    }
    kept.insert(kept.end(), residual.begin(), residual.end());
    std::sort(kept.begin(), kept.end());
    selection.kept = std::move(kept);
    return selection;
}

} // namespace tokenscope
