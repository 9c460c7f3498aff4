// SPDX-License-Identifier: MIT
#include "compress/vispruner.h"

#include "compress/patch_pooling.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>

namespace tokenscope {

namespace {

// Each residual token's most similar other residual tokens, most similar first. A token's highest
// similarity to a set B within the residual is the similarity of the first listed token that is
// in B, as long as the list was made over a residual that contained the present one: every token
// missing from the list is at most as similar as the last one listed. That makes most lookups
// O(1) instead of a pass over B (O(R^2) per round in all), with the same values. A list that names
// no B token (B's members near the token have been dropped, or it was never made) is made again
// over the present residual.
class NeighbourLists {
public:
    // 16 rather than 8: a third fewer lists made again, and almost no token needs the pass over B
    // (346 → 1 at b = 0.1 on demo-448), for the same time per list.
    static constexpr std::size_t length = 16;

    NeighbourLists(const float *similarity, std::int64_t n) : m_similarity(similarity), m_lists(std::size_t(n)), m_n(n)
    {
    }

    // The residual must outlive the lookups that follow.
    void setResidual(const std::vector<std::int64_t> &residual) { m_residual = &residual; }

    // The highest similarity of `token` to any token with inB set; `b` is that set. Tokens' lists
    // are independent, so lookups for different tokens may run in parallel.
    float bestIn(std::int64_t token, const std::vector<char> &inB, const std::vector<std::int64_t> &b)
    {
        const float *row = m_similarity + token * m_n;
        std::vector<std::int64_t> &list = m_lists[std::size_t(token)];
        for (int attempt = 0; attempt < 2; ++attempt) {
            for (std::int64_t other : list)
                if (inB[std::size_t(other)])
                    return row[other];
            if (attempt == 0)
                list = mostSimilar(token);
        }
        // Not one of the token's most similar residual tokens is in B (rare): look at all of B.
        float best = -std::numeric_limits<float>::infinity();
        for (std::int64_t other : b)
            best = std::max(best, row[other]);
        return best;
    }

private:
    // One pass over the present residual along the token's row, keeping the `length` largest
    // values seen so far in order: once the list is full, a value enters only when it beats the
    // last one, which is rare after the first columns, so the pass costs about one comparison per
    // residual token. (Walking the residual rather than the whole row skips the dropped tokens,
    // most of the row at small budgets.)
    std::vector<std::int64_t> mostSimilar(std::int64_t token) const
    {
        const float *row = m_similarity + token * m_n;
        std::array<float, length> value;
        std::array<std::int64_t, length> index;
        value.fill(-std::numeric_limits<float>::infinity());
        std::size_t count = 0;
        for (std::int64_t j : *m_residual) {
            const float v = row[j];
            if (!(v > value[length - 1]) || j == token)
                continue;
            std::size_t k = std::min(count, length - 1);
            for (; k > 0 && value[k - 1] < v; --k) {
                value[k] = value[k - 1];
                index[k] = index[k - 1];
            }
            value[k] = v;
            index[k] = j;
            count = std::min(count + 1, length);
        }
        return {index.begin(), index.begin() + std::ptrdiff_t(count)};
    }

    const float *m_similarity;
    std::vector<std::vector<std::int64_t>> m_lists;
    const std::vector<std::int64_t> *m_residual = nullptr;
    std::int64_t m_n;
};

}   // namespace

std::vector<std::int64_t> vispruneDiverse(std::vector<std::int64_t> residual, std::int64_t count,
                                          const torch::Tensor &similarity)
{
    const auto matrix = similarity.to(torch::kFloat32).cpu().contiguous();
    const std::int64_t n = matrix.size(0);
    NeighbourLists neighbours(matrix.data_ptr<float>(), n);
    std::vector<char> inB(std::size_t(n), 0);
    // llava_arch.py encode_images: `while True: r = min(8, R - T_div); if r <= 0: break; ...`
    for (;;) {
        const auto size = static_cast<std::int64_t>(residual.size());
        const std::int64_t r = std::min<std::int64_t>(8, size - count);
        if (r <= 0)
            return residual;
        std::vector<std::int64_t> a, b;   // residual[::2], residual[1::2]
        for (std::int64_t i = 0; i < size; ++i)
            (i % 2 == 0 ? a : b).push_back(residual[std::size_t(i)]);
        // Each A token's highest cosine to any B token (an odd-sized residual has one A more).
        neighbours.setResidual(residual);
        for (std::int64_t t : b)
            inB[std::size_t(t)] = 1;
        std::vector<float> score(a.size());
        at::parallel_for(0, std::int64_t(a.size()), 64, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i)
                score[std::size_t(i)] = neighbours.bestIn(a[std::size_t(i)], inB, b);
        });
        for (std::int64_t t : b)
            inB[std::size_t(t)] = 0;
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
