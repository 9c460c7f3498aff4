// SPDX-License-Identifier: MIT
#pragma once

// Methods that drop visual rows inside the LLM (FastV and DART at one layer K, PyramidDrop and
// SparseVLM at several): the rankings, and the LayerPruning steps that apply them during prefill.
// Private to core: includes LibTorch.

#include "compress/method_catalog.h"
#include "model/language_model.h"

#include <cstdint>
#include <vector>

namespace tokenscope {

// Indices of the `count` largest values of a 1-D tensor, largest first (ties: lower index).
std::vector<std::int64_t> largestFirst(const torch::Tensor &values, std::int64_t count);

// The rows a cut keeps, as LayerPruning::keepRows returns them: every one of the `length`
// current rows that is not visual, and the visual ones at `keptVisual` (indices into
// `visualNow`, the current rows that are visual, in order).
torch::Tensor keptRowIndices(std::int64_t length, const std::vector<std::int64_t> &visualNow,
                             const std::vector<std::int64_t> &keptVisual);

// FastV (arXiv 2403.06764): attention each visual row receives in layer K-1, averaged over heads,
// from the last query row (query=last: pkunlp-icler/FastV modeling_llama.py, last_layer_attention_avg[-1])
// or over every query row (query=all: VisionSelector fastv.py). received [L]
// (PruningInput::attentionReceived), visualRows [N] -> [N].
torch::Tensor fastvScores(const torch::Tensor &received, const std::vector<std::int64_t> &visualRows);

struct DartSelection {
    std::vector<std::int64_t> kept;   // indices into visualRows, sorted
    std::vector<float> scores;        // per visual token: 1 - max cos to a pivot (pivots: 2)
};

// DART (arXiv 2502.11494): pivots are the `pivotImage` visual rows and the `pivotText` rows after
// the last visual row with the largest key L1 norm (layer K-1 keys); each pivot in turn (in row
// order) takes the remaining visual rows least cosine-similar to it until exactly `keep` visual
// rows are kept. The cosine is on `normedHidden`: the hidden states entering layer K through the
// final RMSNorm (VisionSelector dart.py: last_layer_state = self.norm(hidden_states)).
// normedHidden [L, D], keys [kvHeads, L, d].
DartSelection dartSelect(const torch::Tensor &normedHidden, const torch::Tensor &keys,
                         const std::vector<std::int64_t> &visualRows, std::int64_t keep, int pivotImage = 4,
                         int pivotText = 4);

// PyramidDrop's schedule (arXiv 2410.17247): the forward pass in `stages` equal parts, visual
// rows ranked and cut after each part but the last, the s-th cut keeping floor(N * lambda^s)
// (Cooperx521/PyramidDrop modeling_llama_pdrop.py: layer_list [8,16,24] of 32 layers,
// image_token_ratio_list [0.5,0.25,0.125], keep = int(N * ratio)).
struct PyramidSchedule {
    std::vector<int> layers;            // drop before these layers: round(L * s / stages), s = 1 .. stages-1
    std::vector<std::int64_t> keep;     // visual rows kept from each of those layers on (at least 1)
    double lambda = 0;
    double meanShare = 0;               // visual rows per layer, averaged over all L layers, / N
};

// `stages` 0 means PyramidDrop's 4 (one per layer of a shallower LLM). `lambda` in (0, 1], or 0
// to choose it so that the layer-averaged share of visual rows is `budget` (TokenScope's
// convention, which makes the budget comparable with single-cut methods). Throws
// tokenscope::Error when stages is not in [2, L] or the budget is below what the first part,
// which sees every row, already costs (its layers / L).
PyramidSchedule pyramidSchedule(int llmLayers, int stages, double lambda, double budget, std::int64_t visualTokens);

// What the pruning chose, in visual-token order (filled when the prefill runs the steps).
struct InsideLlmSelection {
    std::vector<std::int64_t> kept;   // indices into the visual tokens, sorted: those that reach the last layer
    std::vector<float> scores;        // one per visual token (PyramidDrop: the share of layers that saw it)
    int tokensSent = 0;               // what the plan reports: kept (one cut), the layer average (a pyramid)
    std::vector<std::pair<int, int>> visualRowsFrom;   // (layer, visual rows from that layer on), per cut
};

// The steps for an InsideLlm method ("fastv", "dart": one at layer K keeping `keep`;
// "pyramiddrop", "sparsevlm": their schedules): each keeps every non-visual row and some of `visualRows` (the
// visual tokens' rows in the prefill, in plan order); records into `out`.
std::vector<LayerPruning> makeInsideLlmPruning(const MethodChoice &choice, std::vector<std::int64_t> visualRows,
                                               std::int64_t keep, InsideLlmSelection &out, int llmLayers);

} // namespace tokenscope
