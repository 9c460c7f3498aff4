// SPDX-License-Identifier: MIT
#include "compress/prumerge.h"

#include "compress/visionzip.h"

#include <algorithm>
#include <cmath>

namespace tokenscope {

namespace {

// Linear interpolation between order statistics at q·(n − 1), like numpy.percentile.
double quantileOfSorted(const std::vector<float> &sorted, double q)
{
    const double pos = q * double(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return double(sorted[lo]) + (pos - double(lo)) * (double(sorted[hi]) - double(sorted[lo]));
}

} // namespace

std::vector<std::int64_t> iqrOutliers(const torch::Tensor &scores)
{
    const auto s = scores.to(torch::kFloat32).cpu().contiguous();
    const float *v = s.data_ptr<float>();
    const auto n = s.numel();
    if (n == 0)
        return {};
    std::vector<float> sorted(v, v + n);
    std::sort(sorted.begin(), sorted.end());
    const double q1 = quantileOfSorted(sorted, 0.25), q3 = quantileOfSorted(sorted, 0.75);
    const double upper = q3 + 1.5 * (q3 - q1);
    std::vector<std::int64_t> outliers;
    for (std::int64_t i = 0; i < n; ++i)
        if (double(v[i]) > upper)
            outliers.push_back(i);
    return outliers;
}

TokenSelection PruMergePlusSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    const auto n = static_cast<std::int64_t>(input.plan.tokens.size());
    const auto scores = tokenClsAttention(input);
    TokenSelection selection;
    selection.scores.assign(scores.data_ptr<float>(), scores.data_ptr<float>() + n);
    selection.mergedInto.assign(std::size_t(n), -1);

    // Outliers first; PruMerge+ then adds an arithmetic sequence of positions (spatially uniform).
    std::vector<std::int64_t> outliers = iqrOutliers(scores);
    if (static_cast<std::int64_t>(outliers.size()) >= keep) {
        selection.kept = topKSorted(scores, keep);   // the outliers are the highest scores
    } else {
        std::vector<bool> chosen(std::size_t(n), false);
        for (std::int64_t i : outliers)
            chosen[std::size_t(i)] = true;
        std::vector<std::int64_t> rest;
        for (std::int64_t i = 0; i < n; ++i)
            if (!chosen[std::size_t(i)])
                rest.push_back(i);
        const std::int64_t fill = keep - static_cast<std::int64_t>(outliers.size());
        const auto r = static_cast<std::int64_t>(rest.size());
        selection.kept = outliers;
        for (std::int64_t j = 0; j < fill; ++j)
            selection.kept.push_back(rest[std::size_t(j * r / fill)]);   // strictly increasing since fill <= r
        std::sort(selection.kept.begin(), selection.kept.end());
    }
    if (static_cast<std::int64_t>(selection.kept.size()) == n)
        return selection;   // nothing dropped, nothing to merge

    std::vector<bool> isKept(std::size_t(n), false);
    for (std::int64_t i : selection.kept)
        isKept[std::size_t(i)] = true;
    std::vector<std::int64_t> dropped;
    for (std::int64_t i = 0; i < n; ++i)
        if (!isKept[std::size_t(i)])
            dropped.push_back(i);

    const auto x = input.visualTokens.to(torch::kFloat32);
    const auto options = torch::TensorOptions().dtype(torch::kInt64);
    const auto keptIndex = torch::tensor(selection.kept, options).to(x.device());
    const auto droppedIndex = torch::tensor(dropped, options).to(x.device());
    const auto weights = scores.to(x.device());
    const auto xk = x.index_select(0, keptIndex), xd = x.index_select(0, droppedIndex);
    const auto normalize = torch::nn::functional::NormalizeFuncOptions().dim(-1);
    const auto assignment = torch::nn::functional::normalize(xd, normalize)
                                .matmul(torch::nn::functional::normalize(xk, normalize).t())
                                .argmax(1);                                    // [dropped] -> kept slot

    // Weighted sums: each kept token with weight a_i, plus its joiners with weights a_j.
    const auto wk = weights.index_select(0, keptIndex), wd = weights.index_select(0, droppedIndex);
    auto sums = xk * wk.unsqueeze(1);
    auto total = wk.clone();
    sums.index_add_(0, assignment, xd * wd.unsqueeze(1));
    total.index_add_(0, assignment, wd);
    // A group with no attention mass at all (hand-made inputs) keeps its plain mean instead of 0/0.
    auto plainSums = xk.clone();
    auto counts = torch::ones({xk.size(0)}, x.options());
    plainSums.index_add_(0, assignment, xd);
    counts.index_add_(0, assignment, torch::ones({xd.size(0)}, x.options()));
    const auto positive = (total > 0).unsqueeze(1);
    selection.keptEmbeddings = torch::where(positive, sums / total.clamp_min(1e-30f).unsqueeze(1),
                                            plainSums / counts.unsqueeze(1));

    const auto assigned = assignment.cpu().contiguous();
    for (std::size_t d = 0; d < dropped.size(); ++d)
        selection.mergedInto[std::size_t(dropped[d])] =
            static_cast<int>(selection.kept[std::size_t(assigned.data_ptr<std::int64_t>()[d])]);
    return selection;
}

} // namespace tokenscope
