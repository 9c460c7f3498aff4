// SPDX-License-Identifier: MIT
#include "compress/cdpruner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tokenscope {

namespace {

// A marginal gain at or below this is rounding, not diversity (kernel entries are O(1)).
constexpr float kExhausted = 1e-6f;

} // namespace

std::vector<std::int64_t> dppGreedyMap(const torch::Tensor &kernel, std::int64_t count)
{
    const auto l = kernel.to(torch::kFloat32).cpu().contiguous();
    const std::int64_t n = l.size(0);
    if (l.dim() != 2 || l.size(1) != n || count < 0 || count > n)
        throw std::invalid_argument("DPP: a square kernel and 0 <= count <= N expected");
    // cis[t] holds the t-th Cholesky row over all N items; di2s the remaining marginal gains,
    // starting at diag(L) (llava_arch.py: di2s = diagonal(kernel)).
    auto cis = torch::zeros({std::max<std::int64_t>(count, 1), n}, torch::kFloat32);
    auto di2s = l.diagonal().clone().contiguous();
    float *d = di2s.data_ptr<float>();
    std::vector<std::int64_t> picks;
    picks.reserve(std::size_t(count));
    std::int64_t i = 0;
    for (; i < count; ++i) {
        const std::int64_t j = di2s.argmax().item<std::int64_t>();   // ties: the lower index
        // The kernel's rank is spent (its similarity has rank <= the token width): every further
        // gain is 0 up to rounding, and sqrt of a rounding-negative gain would turn all into NaN.
        if (!(d[j] > kExhausted))
            break;
        picks.push_back(j);
        // eis = (L[j] − Σ_t cis[t, j]·cis[t]) / sqrt(di2s[j]); one matrix–vector product.
        auto eis = l[j].clone();
        if (i > 0) {
            const auto done = cis.slice(0, 0, i);
            eis -= torch::mv(done.t(), done.select(1, j).contiguous());
        }
        eis /= std::sqrt(d[j]);
        cis[i] = eis;
        di2s -= eis.square();
        d[j] = -std::numeric_limits<float>::infinity();
    }
    if (i < count) {
        // Past the rank the DPP prefers nothing; the rest go by quality, diag(L) descending (ties:
        // the lower index). The reference never gets here: it keeps fewer tokens than its width.
        std::vector<bool> picked(std::size_t(n), false);
        for (std::int64_t p : picks)
            picked[std::size_t(p)] = true;
        const auto quality = l.diagonal().contiguous();
        const float *q = quality.data_ptr<float>();
        std::vector<std::int64_t> rest;
        for (std::int64_t k = 0; k < n; ++k)
            if (!picked[std::size_t(k)])
                rest.push_back(k);
        std::stable_sort(rest.begin(), rest.end(), [&](std::int64_t a, std::int64_t b) { return q[a] > q[b]; });
        picks.insert(picks.end(), rest.begin(), rest.begin() + (count - i));
    }
    return picks;
}

TokenSelection CdPrunerSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    namespace F = torch::nn::functional;
    const auto n = static_cast<std::int64_t>(input.plan.tokens.size());
    if (!input.instruction.defined() || input.instruction.size(0) == 0)
        throw std::logic_error("CDPruner needs the instruction's embeddings");
    const auto x = F::normalize(input.visualTokens.to(torch::kFloat32).cpu(), F::NormalizeFuncOptions().dim(-1));   // [N, D]
    const auto text = F::normalize(input.instruction.to(torch::kFloat32).cpu(), F::NormalizeFuncOptions().dim(-1));  // [M, D]
    const auto similarity = x.matmul(x.t());                                                                      // [N, N]

    // relevance = (±cos).mean over the instruction's tokens, then (r − min + 1e-6) / (max − min).
    const bool negative = input.choice.parameter("relevance") == 0;
    auto relevance = x.matmul(text.t()).mean(-1);
    if (negative)
        relevance = -relevance;
    const auto low = relevance.min(), high = relevance.max();
    relevance = (relevance - low + 1e-6) / (high - low).clamp_min(1e-12);   // the reference divides by max − min as is

    const auto kernel = relevance.unsqueeze(1) * similarity * relevance.unsqueeze(0);
    const std::vector<std::int64_t> order = dppGreedyMap(kernel, keep);

    TokenSelection selection;
    selection.scores.assign(relevance.data_ptr<float>(), relevance.data_ptr<float>() + n);
    selection.kept = order;
    std::sort(selection.kept.begin(), selection.kept.end());
    selection.positions = PositionPolicy::Contiguous;
    return selection;
}

} // namespace tokenscope
