// SPDX-License-Identifier: MIT
#include "compress/divprune.h"

#include <algorithm>
#include <limits>

namespace tokenscope {

namespace {

// Rows per block when computing nearest-neighbour distances: bounds the [block, N] temporary.
constexpr std::int64_t kBlockRows = 1024;
// Up to this many tokens the CPU path keeps the whole N×N distance matrix (256 MB at the limit;
// 44 MB for InternVL's 13 tiles): one matrix product instead of one matrix–vector product and a
// handful of tensor ops per pick, whose dispatch cost dominated (13% of a 1,792-token prefill).
constexpr std::int64_t kWholeMatrixTokens = 8192;

// The greedy max–min walk from `pick` over a precomputed row-major N×N distance matrix.
std::vector<std::int64_t> greedyOnMatrix(const float *d, std::int64_t n, std::int64_t keep, std::int64_t pick)
{
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> minDistance(std::size_t(n), inf);
    std::vector<std::int64_t> picks;
    picks.reserve(std::size_t(keep));
    for (std::int64_t r = 0; r < keep; ++r) {
        if (r > 0) {
            float best = -inf;
            for (std::int64_t i = 0; i < n; ++i)
                if (minDistance[std::size_t(i)] > best) {
                    best = minDistance[std::size_t(i)];
                    pick = i;
                }
        }
        picks.push_back(pick);
        const float *row = d + pick * n;
        for (std::int64_t i = 0; i < n; ++i)
            minDistance[std::size_t(i)] = std::min(minDistance[std::size_t(i)], row[i]);
        minDistance[std::size_t(pick)] = -inf;   // never picked twice
    }
    return picks;
}

} // namespace

// DivPrune (arXiv 2503.02175): vbdi/divprune llava_arch.py DivPrune — first pick argmax of the
// 2nd-smallest column entry of 1 − cos (the nearest-neighbour distance), then argmax of the
// column minimum over the chosen rows. Same rule here, with chosen tokens excluded explicitly
// (the reference relies on d(i, i) = 0, which repeats a token when the rest are exact duplicates).
std::vector<std::int64_t> divPruneOrder(const torch::Tensor &tokens, std::int64_t keep)
{
    const torch::NoGradGuard noGrad;
    const std::int64_t n = tokens.size(0);
    keep = std::clamp<std::int64_t>(keep, 0, n);
    if (keep == 0)
        return {};
    // Unit rows (a zero row stays zero: distance 1 to everything).
    const auto x = torch::nn::functional::normalize(tokens.to(torch::kFloat32),
                                                    torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-12));
    const auto inf = std::numeric_limits<float>::infinity();
    if (x.device().is_cpu() && n <= kWholeMatrixTokens) {
        auto distance = (1.0 - torch::mm(x, x.t())).contiguous();
        // Self-distances at +inf: out of the nearest-neighbour minimum, and harmless in the walk
        // (a pick's own entry is set to -inf right after).
        distance.fill_diagonal_(inf);
        const auto first = std::get<0>(distance.min(1)).argmax().item<std::int64_t>();   // ties: lower index
        return greedyOnMatrix(distance.data_ptr<float>(), n, keep, first);
    }

    // Nearest-neighbour distance of every token, self excluded (+inf when N = 1).
    std::vector<torch::Tensor> nearest;
    for (std::int64_t begin = 0; begin < n; begin += kBlockRows) {
        const std::int64_t end = std::min(n, begin + kBlockRows);
        auto d = 1.0 - torch::mm(x.slice(0, begin, end), x.t());   // [rows, N]
        auto self = torch::arange(begin, end, torch::TensorOptions().dtype(torch::kInt64).device(x.device()));
        d.scatter_(1, self.unsqueeze(1), inf);
        nearest.push_back(std::get<0>(d.min(1)));
    }
    // argmax returns the first maximal index: ties go to the lower index.
    auto pick = torch::cat(nearest).argmax();

    // Running minimum distance to the chosen set: one [N, D]·[D] product per pick, O(N·k·D),
    // all on the device; chosen tokens sit at −inf so they are never picked twice.
    auto minDistance = torch::full({n}, inf, x.options());
    std::vector<torch::Tensor> picks;
    picks.reserve(std::size_t(keep));
    for (std::int64_t r = 0; r < keep; ++r) {
        if (r > 0)
            pick = minDistance.argmax();
        picks.push_back(pick.reshape({1}));
        const auto distance = 1.0 - torch::mv(x, x.index_select(0, picks.back()).squeeze(0));
        minDistance = torch::minimum(minDistance, distance);
        minDistance.index_fill_(0, picks.back(), -inf);
    }
    auto order = torch::cat(picks).to(torch::kCPU, torch::kInt64).contiguous();
    return {order.data_ptr<std::int64_t>(), order.data_ptr<std::int64_t>() + order.numel()};
}

TokenSelection DivPruneSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    const std::vector<std::int64_t> order = divPruneOrder(input.visualTokens, keep);
    TokenSelection selection;
    selection.scores.assign(std::size_t(input.visualTokens.size(0)), 0.0f);
    for (std::size_t r = 0; r < order.size(); ++r)
        selection.scores[std::size_t(order[r])] = float(order.size() - r) / float(order.size());
    selection.kept = order;
    std::sort(selection.kept.begin(), selection.kept.end());
    selection.positions = PositionPolicy::Contiguous;
    return selection;
}

} // namespace tokenscope
