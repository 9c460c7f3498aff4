// SPDX-License-Identifier: MIT
#include "compress/visionzip.h"

#include "compress/patch_pooling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tokenscope {

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

    // Members join the target whose key is most cosine-similar (visionzip/clip_encoder.py: the
    // layer's keys averaged over heads, normalised, argmax over targets); the contextual token is
    // the target plus its members' mean (target_hidden + aggregated_hidden / counts, counts >= 1).
    const auto x = input.visualTokens.to(torch::kFloat32);
    const auto options = torch::TensorOptions().dtype(torch::kInt64);
    const auto targetIndex = torch::tensor(targets, options);
    auto contextualTokens = x.index_select(0, targetIndex.to(x.device())).clone();   // [c, D], the targets
    if (!members.empty()) {
        namespace F = torch::nn::functional;
        const auto keys = F::normalize(tokenKeysHeadMean(input), F::NormalizeFuncOptions().dim(-1));   // [N, d]
        const auto memberIndex = torch::tensor(members, options);
        const auto similarity = keys.index_select(0, memberIndex).matmul(keys.index_select(0, targetIndex).t());
        const auto assignment = similarity.argmax(1).contiguous();             // [M] -> target slot
        auto sums = torch::zeros_like(contextualTokens);
        auto counts = torch::zeros({contextualTokens.size(0)}, x.options());
        const auto onDevice = assignment.to(x.device());
        sums.index_add_(0, onDevice, x.index_select(0, memberIndex.to(x.device())));
        counts.index_add_(0, onDevice, torch::ones({onDevice.size(0)}, x.options()));
        contextualTokens += sums / counts.clamp_min(1).unsqueeze(1);
        for (std::size_t m = 0; m < members.size(); ++m)
            selection.mergedInto[std::size_t(members[m])] =
                static_cast<int>(targets[std::size_t(assignment.data_ptr<std::int64_t>()[m])]);
    }

    // Rows in `kept` order: dominant rows unchanged, target rows replaced by their contextual tokens.
    std::vector<torch::Tensor> rows;
    rows.reserve(selection.kept.size());
    std::size_t nextTarget = 0;
    for (std::int64_t i : selection.kept) {
        if (nextTarget < targets.size() && targets[nextTarget] == i)
            rows.push_back(contextualTokens[std::int64_t(nextTarget++)]);
        else
            rows.push_back(x[i]);
    }
    selection.keptEmbeddings = torch::stack(rows, 0);
    return selection;
}

} // namespace tokenscope
