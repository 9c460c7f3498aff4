// SPDX-License-Identifier: MIT
#pragma once

// Methods that drop visual rows inside the LLM at layer K (FastV, DART): the rankings, and the
// LayerPruning hook that applies them during prefill. Private to core: includes LibTorch.

#include "compress/method_catalog.h"
#include "model/language_model.h"

#include <cstdint>
#include <vector>

namespace tokenscope {

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

// What the pruning chose, in visual-token order (filled when the prefill runs the hook).
struct InsideLlmSelection {
    std::vector<std::int64_t> kept;   // indices into the visual tokens, sorted
    std::vector<float> scores;        // one per visual token
};

// The hook for an InsideLlm method ("fastv", "dart"): keeps every non-visual row and `keep` of
// `visualRows` (the visual tokens' rows in the prefill, in plan order); records into `out`.
LayerPruning makeInsideLlmPruning(const MethodChoice &choice, std::vector<std::int64_t> visualRows,
                                  std::int64_t keep, InsideLlmSelection &out);

} // namespace tokenscope
