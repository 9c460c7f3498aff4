// SPDX-License-Identifier: MIT
#pragma once

// Applies a token-selection method to one request's visual tokens: runs the selector, checks
// what it returned, records it in the plan, and yields the embeddings and positions to send.
// Private to core: includes LibTorch.

#include "compress/token_selector.h"

namespace tokenscope {

struct SelectedVisuals {
    std::vector<torch::Tensor> tileEmbeddings;   // per tile, only its kept tokens (possibly empty)
    std::vector<int> keptPerTile;
};

// `tileEmbeddings` are the connector outputs per tile, in plan order. Updates `plan` (kept flags,
// scores, merges, tokensSent, budget, positions) and returns what reaches the LLM.
SelectedVisuals applyTokenSelection(const TokenSelector &selector, const SelectionInput &input, CompressionPlan &plan,
                                    const std::vector<torch::Tensor> &tileEmbeddings);

// Rotary positions for the assembled (pruned) sequence. Contiguous: 0..L-1. OriginalWithGaps:
// every token keeps the position it had in the unpruned sequence, whose visual tokens form one
// run starting at `firstVisual` (VisionSelector's choice).
torch::Tensor sequencePositions(const CompressionPlan &plan, std::int64_t length, std::int64_t firstVisual);

} // namespace tokenscope
