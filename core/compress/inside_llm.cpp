// SPDX-License-Identifier: MIT
#include "compress/inside_llm.h"

#include "compress/token_selector.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

namespace tokenscope {

namespace {

torch::Tensor rowIndex(const std::vector<std::int64_t> &rows, const torch::Device &device)
{
    return torch::tensor(rows, torch::TensorOptions().dtype(torch::kInt64)).to(device);
}

// Indices of the `count` largest values of a 1-D CPU tensor, largest first (ties: lower index).
std::vector<std::int64_t> largestFirst(const torch::Tensor &values, std::int64_t count)
{
    auto v = values.to(torch::kCPU, torch::kFloat64).contiguous();
    const double *p = v.data_ptr<double>();
    std::vector<std::int64_t> order(std::size_t(v.numel()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return p[a] > p[b]; });
    order.resize(std::size_t(std::min<std::int64_t>(count, v.numel())));
    return order;
}

} // namespace

torch::Tensor fastvScores(const torch::Tensor &received, const std::vector<std::int64_t> &visualRows)
{
    return received.to(torch::kFloat32).index_select(0, rowIndex(visualRows, received.device())).cpu().contiguous();
}

DartSelection dartSelect(const torch::Tensor &normedHidden, const torch::Tensor &keys,
                         const std::vector<std::int64_t> &visualRows, std::int64_t keep, int pivotImage, int pivotText)
{
    const auto n = static_cast<std::int64_t>(visualRows.size());
    if (n == 0 || keep < 1 || keep > n)
        throw std::invalid_argument("DART: keep must be in [1, N]");
    const auto length = normedHidden.size(0);
    // Key L1 norm over all KV heads (the official code flattens heads before the norm).
    auto keyNorm = keys.to(torch::kFloat32).transpose(0, 1).reshape({length, -1}).abs().sum(-1).cpu();   // [L]
    auto visualNorm = keyNorm.index_select(0, rowIndex(visualRows, torch::kCPU));
    const std::int64_t textStart = visualRows.back() + 1;

    // Pivots: image pivots (at most keep of them) by key norm, then text pivots after the image.
    std::vector<std::int64_t> imagePivots = largestFirst(visualNorm, std::min<std::int64_t>(pivotImage, keep));
    std::vector<std::int64_t> pivotRows;
    for (std::int64_t i : imagePivots)
        pivotRows.push_back(visualRows[std::size_t(i)]);
    if (textStart < length)
        for (std::int64_t i : largestFirst(keyNorm.slice(0, textStart), pivotText))
            pivotRows.push_back(textStart + i);
    // Pivots take their picks in sequence order (the reference iterates a Python set of small
    // row indices: ascending); picks leave the pool, so the order matters.
    std::sort(pivotRows.begin(), pivotRows.end());

    auto h = torch::nn::functional::normalize(normedHidden.to(torch::kFloat32),
                                              torch::nn::functional::NormalizeFuncOptions().dim(-1));
    auto visual = h.index_select(0, rowIndex(visualRows, h.device()));                        // [N, D]
    auto cosine = torch::matmul(h.index_select(0, rowIndex(pivotRows, h.device())), visual.t()).cpu();   // [P, N]

    std::vector<bool> chosen(std::size_t(n), false);
    for (std::int64_t i : imagePivots)
        chosen[std::size_t(i)] = true;
    // The official code takes TOKEN_TOPK = N*ratio/P per pivot; an exact budget splits the
    // rest evenly instead (the first pivots take one more).
    const std::int64_t rest = keep - static_cast<std::int64_t>(imagePivots.size());
    const auto pivots = static_cast<std::int64_t>(pivotRows.size());
    for (std::int64_t p = 0; p < pivots && rest > 0; ++p) {
        std::int64_t quota = rest / pivots + (p < rest % pivots ? 1 : 0);
        auto similarity = cosine[p].to(torch::kFloat64).contiguous();
        const double *s = similarity.data_ptr<double>();
        std::vector<std::int64_t> candidates;
        for (std::int64_t i = 0; i < n; ++i)
            if (!chosen[std::size_t(i)])
                candidates.push_back(i);
        std::stable_sort(candidates.begin(), candidates.end(), [&](std::int64_t a, std::int64_t b) { return s[a] < s[b]; });
        for (std::int64_t c = 0; c < quota && c < static_cast<std::int64_t>(candidates.size()); ++c)
            chosen[std::size_t(candidates[std::size_t(c)])] = true;
    }

    DartSelection out;
    auto closest = cosine.max(0);
    auto maxCos = std::get<0>(closest).to(torch::kFloat32).contiguous();
    for (std::int64_t i = 0; i < n; ++i) {
        if (chosen[std::size_t(i)])
            out.kept.push_back(i);
        out.scores.push_back(1.0f - maxCos.data_ptr<float>()[i]);
    }
    for (std::int64_t i : imagePivots)
        out.scores[std::size_t(i)] = 2.0f;
    // A pivot quota can only fall short when candidates run out, which keep <= N rules out.
    if (static_cast<std::int64_t>(out.kept.size()) != keep)
        throw std::logic_error("DART kept " + std::to_string(out.kept.size()) + " of " + std::to_string(keep));
    return out;
}

LayerPruning makeInsideLlmPruning(const MethodChoice &choice, std::vector<std::int64_t> visualRows, std::int64_t keep,
                                  InsideLlmSelection &out)
{
    if (!choice.tokens || choice.tokens->kind != MethodKind::InsideLlm)
        throw std::logic_error("not an inside-LLM method: " + choice.name);
    const std::string name = choice.tokens->name;
    LayerPruning pruning;
    pruning.layer = static_cast<int>(choice.parameter("layer"));
    pruning.needAttention = name == "fastv";
    // FastV's "query" choice: 0 = last (the official ranking), 1 = all (VisionSelector's port).
    pruning.lastQueryOnly = name == "fastv" && choice.parameter("query") == 0;
    pruning.needKeys = name == "dart";
    pruning.needNormedHidden = name == "dart";
    if (name != "fastv" && name != "dart")
        throw std::logic_error("no implementation for method " + name);
    pruning.keepRows = [name, rows = std::move(visualRows), keep, &out](const PruningInput &in) -> torch::Tensor {
        const std::int64_t length = in.hidden.size(0);
        if (name == "fastv") {
            auto scores = fastvScores(in.attentionReceived, rows);
            out.kept = topKSorted(scores, keep);
            out.scores.assign(scores.data_ptr<float>(), scores.data_ptr<float>() + scores.numel());
        } else {
            DartSelection d = dartSelect(in.normedHidden, in.keys, rows, keep);
            out.kept = std::move(d.kept);
            out.scores = std::move(d.scores);
        }
        // Every non-visual row stays; of the visual rows only the kept ones.
        std::vector<bool> drop(std::size_t(length), false);
        for (std::int64_t r : rows)
            drop[std::size_t(r)] = true;
        for (std::int64_t i : out.kept)
            drop[std::size_t(rows[std::size_t(i)])] = false;
        std::vector<std::int64_t> keepRows;
        for (std::int64_t r = 0; r < length; ++r)
            if (!drop[std::size_t(r)])
                keepRows.push_back(r);
        return torch::tensor(keepRows, torch::TensorOptions().dtype(torch::kInt64));
    };
    return pruning;
}

} // namespace tokenscope
