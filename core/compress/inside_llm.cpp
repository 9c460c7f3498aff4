// SPDX-License-Identifier: MIT
#include "compress/inside_llm.h"

#include "common/error.h"
#include "compress/sparsevlm.h"
#include "compress/token_selector.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <set>
#include <stdexcept>

namespace tokenscope {

namespace {

torch::Tensor rowIndex(const std::vector<std::int64_t> &rows, const torch::Device &device)
{
    return torch::tensor(rows, torch::TensorOptions().dtype(torch::kInt64)).to(device);
}

} // namespace

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

PyramidSchedule pyramidSchedule(int llmLayers, int stages, double lambda, double budget, std::int64_t visualTokens)
{
    const std::string method = "method 'pyramiddrop'";
    if (stages == 0)
        stages = std::min(4, llmLayers);
    if (stages < 2 || stages > llmLayers)
        throw Error(method, "stages=" + std::to_string(stages) + " is out of range: this model's LLM has " +
                                std::to_string(llmLayers) + " layers, so stages must be in [2, " +
                                std::to_string(llmLayers) + "]");
    PyramidSchedule out;
    for (int s = 1; s < stages; ++s)   // rounded half up: [8, 16, 24] of 32 for 4 stages
        out.layers.push_back((2 * llmLayers * s + stages) / (2 * stages));
    // Layer-averaged share for a given lambda: the first part sees every row, part s a lambda^s share.
    const auto share = [&](double l) {
        double rows = out.layers.front(), power = 1;
        for (std::size_t s = 0; s < out.layers.size(); ++s) {
            power *= l;
            const int end = s + 1 < out.layers.size() ? out.layers[s + 1] : llmLayers;
            rows += power * (end - out.layers[s]);
        }
        return rows / llmLayers;
    };
    if (lambda <= 0) {
        const double floor = share(0);
        if (budget < floor)
            throw Error(method, "budget " + std::to_string(budget).substr(0, 5) + " is below what " +
                                    std::to_string(stages) + " stages can reach: the layers before the first cut (" +
                                    std::to_string(out.layers.front()) + " of " + std::to_string(llmLayers) +
                                    ") see every visual token, so the layer-averaged share is at least " +
                                    std::to_string(floor).substr(0, 5) + "; use more stages or set lambda");
        double lo = 0, hi = 1;   // share() rises with lambda: bisect to well below one token
        for (int i = 0; i < 60; ++i)
            (share(0.5 * (lo + hi)) < budget ? lo : hi) = 0.5 * (lo + hi);
        lambda = 0.5 * (lo + hi);
    }
    out.lambda = std::min(lambda, 1.0);
    double power = 1, rows = double(out.layers.front()) * double(visualTokens);
    for (std::size_t s = 0; s < out.layers.size(); ++s) {
        power *= out.lambda;
        const auto keep = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(double(visualTokens) * power)));
        out.keep.push_back(std::min(keep, s == 0 ? visualTokens : out.keep.back()));
        const int end = s + 1 < out.layers.size() ? out.layers[s + 1] : llmLayers;
        rows += double(out.keep.back()) * (end - out.layers[s]);
    }
    out.meanShare = visualTokens > 0 ? rows / (double(llmLayers) * double(visualTokens)) : 1.0;
    return out;
}

torch::Tensor keptRowIndices(std::int64_t length, const std::vector<std::int64_t> &visualNow,
                             const std::vector<std::int64_t> &keptVisual)
{
    std::vector<bool> drop(std::size_t(length), false);
    for (std::int64_t r : visualNow)
        drop[std::size_t(r)] = true;
    for (std::int64_t i : keptVisual)
        drop[std::size_t(visualNow[std::size_t(i)])] = false;
    std::vector<std::int64_t> keepRows;
    for (std::int64_t r = 0; r < length; ++r)
        if (!drop[std::size_t(r)])
            keepRows.push_back(r);
    return torch::tensor(keepRows, torch::TensorOptions().dtype(torch::kInt64));
}

namespace {

// PyramidDrop's cuts: before each layer of the schedule, rank the visual rows still present by the
// attention that layer's last prompt row gives them (pdrop_rank_drop: the last instruction token's
// query, layer rank_layer's q/k on the hidden states entering it, mean over heads) and keep the
// schedule's count; kept rows are renumbered (position_ids reset to arange after each drop).
std::vector<LayerPruning> pyramidDropSteps(const PyramidSchedule &schedule, int llmLayers,
                                           std::vector<std::int64_t> visualRows, InsideLlmSelection &out)
{
    const auto n = static_cast<std::int64_t>(visualRows.size());
    out.kept.resize(std::size_t(n));
    std::iota(out.kept.begin(), out.kept.end(), std::int64_t(0));
    out.scores.assign(std::size_t(n), 1.0f);
    out.tokensSent = static_cast<int>(std::lround(schedule.meanShare * double(n)));
    out.visualRowsFrom.clear();
    auto prefillRows = std::make_shared<std::vector<std::int64_t>>(std::move(visualRows));
    std::vector<LayerPruning> steps;
    for (std::size_t s = 0; s < schedule.layers.size(); ++s) {
        LayerPruning step;
        step.layer = schedule.layers[s];
        step.needNextLayerLastRowAttention = true;
        step.renumberPositions = true;
        out.visualRowsFrom.emplace_back(step.layer, static_cast<int>(schedule.keep[s]));
        step.keepRows = [prefillRows, keep = schedule.keep[s], layer = step.layer, llmLayers,
                         &out](const PruningInput &in) -> torch::Tensor {
            // The visual tokens still present (out.kept, in token order) and their current rows.
            std::vector<std::int64_t> visualNow;
            std::size_t t = 0;
            for (std::size_t r = 0; r < in.rows.size() && t < out.kept.size(); ++r)
                if (in.rows[r] == (*prefillRows)[std::size_t(out.kept[t])]) {
                    visualNow.push_back(static_cast<std::int64_t>(r));
                    ++t;
                }
            if (t != out.kept.size())
                throw std::logic_error("PyramidDrop lost track of its visual rows");
            const auto scores = fastvScores(in.nextLayerLastRowAttention, visualNow);
            std::vector<std::int64_t> chosen = largestFirst(scores, keep);
            std::sort(chosen.begin(), chosen.end());
            // Tokens cut here were seen by `layer` of the LLM's layers.
            std::vector<std::int64_t> survivors;
            std::size_t c = 0;
            for (std::size_t i = 0; i < out.kept.size(); ++i) {
                if (c < chosen.size() && chosen[c] == static_cast<std::int64_t>(i)) {
                    survivors.push_back(out.kept[i]);
                    ++c;
                } else {
                    out.scores[std::size_t(out.kept[i])] = float(layer) / float(llmLayers);
                }
            }
            out.kept = std::move(survivors);
            return keptRowIndices(in.hidden.size(0), visualNow, chosen);
        };
        steps.push_back(std::move(step));
    }
    return steps;
}

} // namespace

std::vector<LayerPruning> makeInsideLlmPruning(const MethodChoice &choice, std::vector<std::int64_t> visualRows,
                                               std::int64_t keep, InsideLlmSelection &out, int llmLayers)
{
    if (!choice.tokens || choice.tokens->kind != MethodKind::InsideLlm)
        throw std::logic_error("not an inside-LLM method: " + choice.name);
    const std::string name = choice.tokens->name;
    if (name == "sparsevlm") {
        const SparseVlmSchedule schedule =
            sparseVlmSchedule(llmLayers, choice.budget, static_cast<std::int64_t>(visualRows.size()));
        return sparseVlmSteps(schedule, llmLayers, std::move(visualRows), out);
    }
    if (name == "pyramiddrop") {
        const PyramidSchedule schedule =
            pyramidSchedule(llmLayers, static_cast<int>(choice.parameter("stages")), choice.parameter("lambda"),
                            choice.budget, static_cast<std::int64_t>(visualRows.size()));
        return pyramidDropSteps(schedule, llmLayers, std::move(visualRows), out);
    }
    if (name != "fastv" && name != "dart")
        throw std::logic_error("no implementation for method " + name);
    LayerPruning pruning;
    pruning.layer = static_cast<int>(choice.parameter("layer"));
    pruning.needAttention = name == "fastv";
    // FastV's "query" choice: 0 = last (the official ranking), 1 = all (VisionSelector's port).
    pruning.lastQueryOnly = name == "fastv" && choice.parameter("query") == 0;
    pruning.needKeys = name == "dart";
    pruning.needNormedHidden = name == "dart";
    out.tokensSent = static_cast<int>(keep);
    out.visualRowsFrom = {{pruning.layer, static_cast<int>(keep)}};
    pruning.keepRows = [name, rows = std::move(visualRows), keep, &out](const PruningInput &in) -> torch::Tensor {
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
        return keptRowIndices(in.hidden.size(0), rows, out.kept);
    };
    return {pruning};
}

} // namespace tokenscope
