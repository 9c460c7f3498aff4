// SPDX-License-Identifier: MIT
#include "compress/sparsevlm.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>

namespace tokenscope {

namespace {

// score.py sparse_token_dict (version 1.0): visual rows kept after layers 2, 6 and 15 of 32, per
// retained-token setting of LLaVA-1.5's 576.
struct RetainedSetting {
    int retained;
    std::int64_t keep[3];
};
constexpr RetainedSetting kSettings[] = {{192, {300, 200, 110}}, {128, {303, 110, 36}}, {96, {238, 48, 26}}, {64, {66, 30, 17}}};
constexpr int kReferenceLayers = 32;
constexpr int kReferenceLocations[] = {2, 6, 15};   // LlamaDynamicvitModel pruning_loc
constexpr double kReferenceTokens = 576;

} // namespace

std::vector<std::int64_t> sparseVlmRaters(const torch::Tensor &embeds, const std::vector<std::int64_t> &visualRows)
{
    if (visualRows.empty())
        throw std::invalid_argument("SparseVLM raters: no visual rows");
    const std::int64_t textStart = visualRows.back() + 1;
    if (textStart >= embeds.size(0))
        throw std::invalid_argument("SparseVLM raters: no text after the visual rows");
    const auto rows = torch::tensor(visualRows, torch::TensorOptions().dtype(torch::kInt64)).to(embeds.device());
    const auto visual = embeds.index_select(0, rows).to(torch::kFloat32);   // [V, D]
    const auto text = embeds.slice(0, textStart).to(torch::kFloat32);       // [T, D]
    const auto relevance = torch::softmax(torch::matmul(visual, text.t()), 1).mean(0).cpu().contiguous();   // [T]
    const double mean = relevance.mean().item<double>();
    std::vector<std::int64_t> raters;
    const float *m = relevance.data_ptr<float>();
    for (std::int64_t t = 0; t < relevance.numel(); ++t)
        if (double(m[t]) > mean)
            raters.push_back(textStart + t);
    // A strict "above the mean" leaves none only when all are equal; then every text row rates.
    if (raters.empty())
        for (std::int64_t t = 0; t < relevance.numel(); ++t)
            raters.push_back(textStart + t);
    return raters;
}

torch::Tensor sparseVlmMerge(const torch::Tensor &x, std::int64_t clusters)
{
    const auto n = x.size(0);
    if (x.dim() != 2 || clusters < 1 || clusters > n)
        throw std::invalid_argument("SparseVLM merge: need [N, C] rows and 1 <= clusters <= N");
    const auto xf = x.to(torch::kFloat32);
    // |a - b|² = |a|² + |b|² - 2a·b in double: no [N, N, C] difference tensor (the reference's
    // einops broadcast), and exact zeros on the diagonal, which the density's k nearest include.
    const auto xd = x.to(torch::kFloat64);
    const auto norms = xd.pow(2).sum(1);
    auto squared = (norms.unsqueeze(1) + norms.unsqueeze(0) - 2 * torch::matmul(xd, xd.t())).clamp_min_(0);
    squared.fill_diagonal_(0);
    const auto distance = (squared.sqrt() / std::sqrt(double(x.size(1)))).cpu().contiguous();   // [N, N]
    const auto nearest = std::get<0>(distance.topk(clusters, -1, /*largest=*/false));
    const auto density = (-nearest.pow(2).mean(-1)).exp().contiguous();
    const double *d = distance.data_ptr<double>();
    const double *rho = density.data_ptr<double>();
    const double farthest = distance.max().item<double>();
    const auto denser = [&](std::int64_t a, std::int64_t b) { return rho[a] > rho[b] || (rho[a] == rho[b] && a < b); };

    std::vector<double> score(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        double delta = farthest;
        for (std::int64_t j = 0; j < n; ++j)
            if (denser(j, i))
                delta = std::min(delta, d[i * n + j]);
        score[std::size_t(i)] = delta * rho[i];
    }
    const std::vector<std::int64_t> centres = largestFirst(torch::tensor(score, torch::kFloat64), clusters);

    std::vector<std::int64_t> member(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        std::int64_t best = 0;   // argmin over centres: the first on ties
        for (std::int64_t c = 1; c < clusters; ++c)
            if (d[centres[std::size_t(c)] * n + i] < d[centres[std::size_t(best)] * n + i])
                best = c;
        member[std::size_t(i)] = best;
    }
    for (std::int64_t c = 0; c < clusters; ++c)
        member[std::size_t(centres[std::size_t(c)])] = c;

    const auto index = torch::tensor(member, torch::TensorOptions().dtype(torch::kInt64)).to(x.device());
    auto counts = torch::zeros({clusters}, xf.options()).index_add_(0, index, torch::ones({n}, xf.options()));
    auto sums = torch::zeros({clusters, x.size(1)}, xf.options()).index_add_(0, index, xf);
    return (sums / (counts + 1e-6).unsqueeze(1)).to(x.scalar_type());
}

std::int64_t sparseVlmRecycled(std::int64_t dropped)
{
    return static_cast<std::int64_t>(double(dropped) * 0.3) + 1;
}

std::int64_t sparseVlmClusters(std::int64_t recycled)
{
    return recycled / 10 + 1;
}

SparseVlmSchedule sparseVlmSchedule(int llmLayers, double budget, std::int64_t visualTokens)
{
    if (llmLayers < 2)
        throw Error("method 'sparsevlm'", "needs an LLM of at least 2 layers to cut between; this one has " +
                                              std::to_string(llmLayers));
    if (!(budget > 0) || budget > 1)
        throw Error("method 'sparsevlm'", "budget must be in (0, 1], got " + std::to_string(budget));
    const RetainedSetting *setting = &kSettings[0];
    for (const RetainedSetting &s : kSettings)
        if (std::abs(std::log(budget * kReferenceTokens / s.retained)) <
            std::abs(std::log(budget * kReferenceTokens / setting->retained)))
            setting = &s;

    SparseVlmSchedule out;
    out.retained = setting->retained;
    const double scale = budget * double(visualTokens) / setting->retained;
    for (int i = 0; i < 3; ++i) {
        const int rounded = (2 * kReferenceLocations[i] * llmLayers + kReferenceLayers) / (2 * kReferenceLayers);
        const int layer = std::min(rounded + 1, llmLayers - 1);
        const auto keep = std::max<std::int64_t>(1, std::llround(double(setting->keep[i]) * scale));
        if (!out.layers.empty() && out.layers.back() == layer) {
            out.keep.back() = keep;   // two cuts on one layer: the later count
        } else {
            out.layers.push_back(layer);
            out.keep.push_back(keep);
        }
    }
    // The rows each cut leaves: the cap at N_now - 1 (always one dropped), plus the centres.
    std::int64_t now = visualTokens;
    double rows = double(out.layers.front()) * double(visualTokens);
    for (std::size_t s = 0; s < out.layers.size(); ++s) {
        const std::int64_t kept = std::min(out.keep[s], std::max<std::int64_t>(now - 1, 0));
        const std::int64_t dropped = now - kept;
        now = kept + (dropped > 0 ? sparseVlmClusters(sparseVlmRecycled(dropped)) : 0);
        out.rowsFrom.push_back(now);
        const int end = s + 1 < out.layers.size() ? out.layers[s + 1] : llmLayers;
        rows += double(now) * double(end - out.layers[s]);
    }
    out.meanShare = visualTokens > 0 ? rows / (double(llmLayers) * double(visualTokens)) : 1.0;
    return out;
}

namespace {

// What the cuts of one prefill share: the visual tokens' prefill rows, which of them are still
// present, and the centres one cut made for its insertRows to place.
struct SparseVlmState {
    std::vector<std::int64_t> visualRows;
    // The raters, chosen once per prefill from its input (every cut asks for them).
    const void *ratersOf = nullptr;
    std::vector<std::int64_t> raters;
    torch::Tensor centres;
    std::int64_t insertAfter = 0;
};

} // namespace

std::vector<LayerPruning> sparseVlmSteps(const SparseVlmSchedule &schedule, int llmLayers,
                                         std::vector<std::int64_t> visualRows, InsideLlmSelection &out)
{
    const auto n = static_cast<std::int64_t>(visualRows.size());
    for (std::int64_t i = 1; i < n; ++i)
        if (visualRows[std::size_t(i)] != visualRows[std::size_t(i - 1)] + 1)
            throw std::logic_error("SparseVLM needs the visual rows in one contiguous block");
    out.kept.resize(std::size_t(n));
    std::iota(out.kept.begin(), out.kept.end(), std::int64_t(0));
    out.scores.assign(std::size_t(n), 1.0f);
    out.tokensSent = static_cast<int>(std::lround(schedule.meanShare * double(n)));
    out.visualRowsFrom.clear();
    auto state = std::make_shared<SparseVlmState>();
    state->visualRows = std::move(visualRows);

    std::vector<LayerPruning> steps;
    for (std::size_t s = 0; s < schedule.layers.size(); ++s) {
        LayerPruning step;
        step.layer = schedule.layers[s];
        step.needAttention = true;      // layer K-1's attention, from the raters' rows
        step.renumberPositions = true;  // position_ids[:, :new_length] after each cut
        step.queryRows = [state](const torch::Tensor &embeds) {
            if (state->ratersOf != embeds.data_ptr()) {
                state->raters = sparseVlmRaters(embeds, state->visualRows);
                state->ratersOf = embeds.data_ptr();
            }
            return state->raters;
        };
        out.visualRowsFrom.emplace_back(step.layer, static_cast<int>(schedule.rowsFrom[s]));
        step.keepRows = [state, keep = schedule.keep[s], layer = step.layer, llmLayers,
                         &out](const PruningInput &in) -> torch::Tensor {
            const std::int64_t first = state->visualRows.front(), last = state->visualRows.back();
            // The visual rows now: original tokens still present and earlier cuts' centres,
            // all before the first text row.
            std::vector<std::int64_t> visualNow;
            std::int64_t textStart = static_cast<std::int64_t>(in.rows.size());
            for (std::size_t r = 0; r < in.rows.size(); ++r) {
                const std::int64_t row = in.rows[r];
                if (row == kInsertedRow || (row >= first && row <= last))
                    visualNow.push_back(static_cast<std::int64_t>(r));
                else if (row > last) {
                    textStart = static_cast<std::int64_t>(r);
                    break;
                }
            }
            const auto scores = in.attentionReceived.to(torch::kFloat32)
                                    .index_select(0, torch::tensor(visualNow).to(in.attentionReceived.device()))
                                    .cpu();
            const auto count = static_cast<std::int64_t>(visualNow.size());
            std::vector<std::int64_t> chosen = largestFirst(scores, std::min(keep, std::max<std::int64_t>(count - 1, 0)));
            std::sort(chosen.begin(), chosen.end());

            std::vector<bool> kept(std::size_t(count), false);
            for (std::int64_t i : chosen)
                kept[std::size_t(i)] = true;
            std::vector<std::int64_t> dropped, survivors;
            for (std::int64_t i = 0; i < count; ++i) {
                const std::int64_t row = in.rows[std::size_t(visualNow[std::size_t(i)])];
                const bool original = row != kInsertedRow;
                if (kept[std::size_t(i)]) {
                    if (original)
                        survivors.push_back(row - first);
                } else {
                    dropped.push_back(i);
                    if (original)   // seen by the layers before this cut
                        out.scores[std::size_t(row - first)] = float(layer) / float(llmLayers);
                }
            }
            out.kept = std::move(survivors);

            // Recycling: the dropped rows the raters attend to most, merged into centres that go
            // right after the kept visual rows.
            state->centres = torch::Tensor();
            if (!dropped.empty()) {
                const auto droppedScores = scores.index_select(0, torch::tensor(dropped));
                std::vector<std::int64_t> recycled;
                for (std::int64_t i : largestFirst(droppedScores, sparseVlmRecycled(std::int64_t(dropped.size()))))
                    recycled.push_back(visualNow[std::size_t(dropped[std::size_t(i)])]);
                const auto rows = torch::tensor(recycled).to(in.hidden.device());
                state->centres = sparseVlmMerge(in.hidden.index_select(0, rows),
                                                sparseVlmClusters(static_cast<std::int64_t>(recycled.size())));
            }
            const auto keepRows = keptRowIndices(in.hidden.size(0), visualNow, chosen);
            // After the last kept row before the text: the prefix and the kept visual rows.
            state->insertAfter = (textStart - count + static_cast<std::int64_t>(chosen.size())) - 1;
            return keepRows;
        };
        step.insertRows = [state](const PruningInput &, const std::vector<std::int64_t> &) {
            return InsertedRows{state->centres, state->insertAfter};
        };
        steps.push_back(std::move(step));
    }
    return steps;
}

} // namespace tokenscope
