// SPDX-License-Identifier: MIT
#include "compress/prumerge.h"

#include "compress/patch_pooling.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

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

// Per row, the column indices of the `count` largest values, ascending (ties at the cut go to
// the lower index). The cut value comes from nth_element on a copy of the row's floats, then
// one scan collects the indices: LibTorch 1.13's topk took 11 ms for 895 rows of 1,792, and
// nth_element over indices with an indirect comparison was no faster.
torch::Tensor mostSimilar(const torch::Tensor &similarity, std::int64_t count)
{
    const auto values = similarity.contiguous();
    const std::int64_t rows = values.size(0), cols = values.size(1);
    auto out = torch::empty({rows, count}, torch::TensorOptions().dtype(torch::kInt64));
    at::parallel_for(0, rows, 16, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> copy(static_cast<std::size_t>(cols));
        for (std::int64_t r = begin; r < end; ++r) {
            const float *v = values.data_ptr<float>() + r * cols;
            std::copy(v, v + cols, copy.begin());
            std::nth_element(copy.begin(), copy.begin() + (count - 1), copy.end(), std::greater<float>());
            const float cut = copy[std::size_t(count - 1)];
            std::int64_t above = 0;
            for (std::int64_t c = 0; c < cols; ++c)
                above += v[c] > cut ? 1 : 0;
            std::int64_t *dst = out.data_ptr<std::int64_t>() + r * count;
            std::int64_t filled = 0, atCut = count - above;
            for (std::int64_t c = 0; c < cols && filled < count; ++c)
                if (v[c] > cut || (v[c] == cut && atCut-- > 0))
                    dst[filled++] = c;
        }
    });
    return out;
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
    const auto scores = tokenClsAttentionFullWidth(input);
    TokenSelection selection;
    selection.scores.assign(scores.data_ptr<float>(), scores.data_ptr<float>() + n);
    selection.mergedInto.assign(std::size_t(n), -1);
    // One of the k slots carries the appended token of everything dropped; with k = 1 or k = N
    // nothing is appended (a lone slot keeps the top token; keeping all drops nothing).
    const bool appends = keep >= 2 && keep < n;
    const std::int64_t kept = appends ? keep - 1 : keep;

    // Outliers first; PruMerge+ then adds an arithmetic sequence of positions (spatially uniform).
    std::vector<std::int64_t> outliers = iqrOutliers(scores);
    if (static_cast<std::int64_t>(outliers.size()) >= kept) {
        selection.kept = topKSorted(scores, kept);   // the outliers are the highest scores
    } else {
        std::vector<bool> chosen(std::size_t(n), false);
        for (std::int64_t i : outliers)
            chosen[std::size_t(i)] = true;
        std::vector<std::int64_t> rest;
        for (std::int64_t i = 0; i < n; ++i)
            if (!chosen[std::size_t(i)])
                rest.push_back(i);
        const std::int64_t fill = kept - static_cast<std::int64_t>(outliers.size());
        const auto r = static_cast<std::int64_t>(rest.size());
        selection.kept = outliers;
        for (std::int64_t j = 0; j < fill; ++j)
            selection.kept.push_back(rest[std::size_t(j * r / fill)]);   // strictly increasing since fill <= r
        std::sort(selection.kept.begin(), selection.kept.end());
    }
    if (!appends)
        return selection;   // nothing to merge into the kept rows' slots either way: rows pass unchanged

    std::vector<bool> isKept(std::size_t(n), false);
    for (std::int64_t i : selection.kept)
        isKept[std::size_t(i)] = true;
    std::vector<std::int64_t> dropped;
    for (std::int64_t i = 0; i < n; ++i)
        if (!isKept[std::size_t(i)])
            dropped.push_back(i);

    // 42Shawn/LLaVA-PruMerge clip_encoder.py token_prune_merge_advanced_plus: every kept token i
    // becomes x_i + Σ a_j·x_j over the 32 tokens (kept or dropped, i excluded) whose keys are most
    // cosine-similar to its key, unnormalised (the "/ torch.sum(weights)" is commented out there),
    // and one extra token Σ_dropped a_j·x_j is appended after the kept ones.
    namespace F = torch::nn::functional;
    const auto x = input.visualTokens.to(torch::kFloat32);
    const auto keys = F::normalize(tokenKeysFullWidth(input), F::NormalizeFuncOptions().dim(-1));   // [N, C]
    const auto keptIndex = torch::tensor(selection.kept, torch::TensorOptions().dtype(torch::kInt64));
    auto similarity = keys.index_select(0, keptIndex).matmul(keys.t());                            // [K, N]
    similarity.scatter_(1, keptIndex.unsqueeze(1), -std::numeric_limits<float>::infinity());   // i excluded
    const auto members = mostSimilar(similarity, std::min<std::int64_t>(32, n - 1));                // [K, 32]
    const auto a = scores.to(torch::kFloat32).cpu();
    // Σ a_j·x_j over each kept token's members, gathered in blocks of kept tokens (a dense [K, N]
    // weight matrix made the products 10% of a 1,792-token prefill; a [K, 32, D] gather at once
    // would take ~1 GB at InternVL-8B's width).
    const auto device = x.device();
    const auto memberWeights = a.index_select(0, members.flatten()).view_as(members).to(device);   // [K, 32]
    const auto memberRows = members.to(device);
    constexpr std::int64_t kBlock = 64;
    std::vector<torch::Tensor> merged;
    for (std::int64_t begin = 0; begin < memberRows.size(0); begin += kBlock) {
        const auto rows = memberRows.slice(0, begin, begin + kBlock);
        const auto gathered = x.index_select(0, rows.flatten()).view({rows.size(0), rows.size(1), x.size(1)});
        merged.push_back((gathered * memberWeights.slice(0, begin, begin + kBlock).unsqueeze(2)).sum(1));
    }
    selection.keptEmbeddings = x.index_select(0, keptIndex.to(device)) + torch::cat(merged, 0);

    // For the overlay: a dropped token is drawn merged into its most key-similar absorber, if any.
    const auto memberList = members.contiguous();
    const auto similar = similarity.accessor<float, 2>();
    const auto *memberOf = memberList.data_ptr<std::int64_t>();
    std::vector<float> bestSimilarity(std::size_t(n), -std::numeric_limits<float>::infinity());
    for (std::int64_t row = 0; row < memberList.size(0); ++row)
        for (std::int64_t c = 0; c < memberList.size(1); ++c) {
            const std::int64_t j = memberOf[row * memberList.size(1) + c];
            if (!isKept[std::size_t(j)] && similar[row][j] > bestSimilarity[std::size_t(j)]) {
                bestSimilarity[std::size_t(j)] = similar[row][j];
                selection.mergedInto[std::size_t(j)] = static_cast<int>(selection.kept[std::size_t(row)]);
            }
        }
    const auto droppedIndex = torch::tensor(dropped, torch::TensorOptions().dtype(torch::kInt64));
    selection.appendedEmbeddings = a.index_select(0, droppedIndex).to(device).unsqueeze(0).matmul(x.index_select(0, droppedIndex.to(device)));
    return selection;
}

} // namespace tokenscope
