// SPDX-License-Identifier: MIT
#include "compress/visionzip.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tokenscope {

torch::Tensor tokenClsAttention(const SelectionInput &input)
{
    const auto attention = input.clsAttention.to(torch::kFloat32).cpu().contiguous();   // [tiles, P]
    const CompressionPlan &plan = input.plan;
    if (attention.dim() != 2 || attention.size(0) != static_cast<std::int64_t>(plan.tiles.size()))
        throw std::logic_error("clsAttention: [tiles, P] expected");
    const auto g = static_cast<std::int64_t>(std::lround(std::sqrt(double(attention.size(1)))));
    if (g * g != attention.size(1))
        throw std::logic_error("clsAttention: a square patch grid expected");

    // Per tile: [g, g] -> [s, f, s, f] -> sum over each f×f block -> [s, s] token grid.
    std::vector<torch::Tensor> pooled;
    for (std::size_t t = 0; t < plan.tiles.size(); ++t) {
        const std::int64_t s = plan.tiles[t].gridSide;
        if (s <= 0 || g % s != 0)
            throw std::logic_error("clsAttention: tile grid does not divide the patch grid");
        const std::int64_t f = g / s;
        pooled.push_back(attention[std::int64_t(t)].view({s, f, s, f}).sum({1, 3}).contiguous());
    }
    auto scores = torch::empty({static_cast<std::int64_t>(plan.tokens.size())}, torch::kFloat32);
    auto *out = scores.data_ptr<float>();
    for (std::size_t i = 0; i < plan.tokens.size(); ++i) {
        const VisualToken &token = plan.tokens[i];
        const auto &grid = pooled[std::size_t(token.tile)];
        out[i] = grid.data_ptr<float>()[std::int64_t(token.gridY) * grid.size(1) + token.gridX];
    }
    return scores;
}

TokenSelection VisionZipSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    const auto n = static_cast<std::int64_t>(input.plan.tokens.size());
    const auto scores = tokenClsAttention(input);
    const std::int64_t contextual =
        std::clamp<std::int64_t>(std::llround(double(keep) * input.choice.parameter("contextual_fraction")), 0, keep - 1);
    const std::int64_t dominant = keep - contextual;

    TokenSelection selection;
    selection.scores.assign(scores.data_ptr<float>(), scores.data_ptr<float>() + n);
    selection.mergedInto.assign(std::size_t(n), -1);
    const std::vector<std::int64_t> dominantIdx = topKSorted(scores, dominant);

    std::vector<bool> isDominant(std::size_t(n), false);
    for (std::int64_t i : dominantIdx)
        isDominant[std::size_t(i)] = true;
    std::vector<std::int64_t> remaining;
    for (std::int64_t i = 0; i < n; ++i)
        if (!isDominant[std::size_t(i)])
            remaining.push_back(i);

    // Targets at a uniform stride over the remaining tokens (visionzip/clip_encoder.py: arange(0, R, R // c)[:c]).
    std::vector<std::int64_t> targets, members;
    if (contextual > 0) {
        const auto r = static_cast<std::int64_t>(remaining.size());
        const std::int64_t step = std::max<std::int64_t>(1, r / contextual);
        std::vector<bool> isTarget(remaining.size(), false);
        for (std::int64_t j = 0; j < contextual; ++j)
            isTarget[std::size_t(j * step)] = true;
        for (std::size_t j = 0; j < remaining.size(); ++j)
            (isTarget[j] ? targets : members).push_back(remaining[j]);
    }

    selection.kept = dominantIdx;
    selection.kept.insert(selection.kept.end(), targets.begin(), targets.end());
    std::sort(selection.kept.begin(), selection.kept.end());
    if (targets.empty())
        return selection;   // no merging: the gathered rows are the output

    const auto x = input.visualTokens.to(torch::kFloat32);
    const auto options = torch::TensorOptions().dtype(torch::kInt64);
    const auto targetIndex = torch::tensor(targets, options).to(x.device());
    auto sums = x.index_select(0, targetIndex).clone();                       // [c, D], the target itself
    auto counts = torch::ones({contextual}, x.options());
    if (!members.empty()) {
        const auto memberIndex = torch::tensor(members, options).to(x.device());
        const auto xm = x.index_select(0, memberIndex);
        const auto similarity = torch::nn::functional::normalize(xm, torch::nn::functional::NormalizeFuncOptions().dim(-1))
                                    .matmul(torch::nn::functional::normalize(sums, torch::nn::functional::NormalizeFuncOptions().dim(-1)).t());
        const auto assignment = similarity.argmax(1);                         // [M] -> target slot
        sums.index_add_(0, assignment, xm);
        counts.index_add_(0, assignment, torch::ones({xm.size(0)}, x.options()));
        const auto assigned = assignment.cpu().contiguous();
        for (std::size_t m = 0; m < members.size(); ++m)
            selection.mergedInto[std::size_t(members[m])] =
                static_cast<int>(targets[std::size_t(assigned.data_ptr<std::int64_t>()[m])]);
    }
    const auto means = sums / counts.unsqueeze(1);

    // Rows in `kept` order: dominant rows unchanged, target rows replaced by their group means.
    std::vector<torch::Tensor> rows;
    rows.reserve(selection.kept.size());
    std::size_t nextTarget = 0;
    for (std::int64_t i : selection.kept) {
        if (nextTarget < targets.size() && targets[nextTarget] == i)
            rows.push_back(means[std::int64_t(nextTarget++)]);
        else
            rows.push_back(x[i]);
    }
    selection.keptEmbeddings = torch::stack(rows, 0);
    return selection;
}

} // namespace tokenscope
