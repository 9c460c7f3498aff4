// SPDX-License-Identifier: MIT
#pragma once

// DivPrune (arXiv 2503.02175, CVPR 2025): training-free max–min diversity selection on the
// connector outputs with the cosine distance d(i, j) = 1 − cos(x_i, x_j).
// Private to core: includes LibTorch.

#include "compress/token_selector.h"

namespace tokenscope {

// The greedy max–min order over the rows of `tokens` [N, D]: first the row whose nearest
// neighbour is farthest, then repeatedly the row whose minimum distance to the chosen rows is
// largest; ties go to the lower index. Returns the first `keep` rows in pick order.
std::vector<std::int64_t> divPruneOrder(const torch::Tensor &tokens, std::int64_t keep);

// Kept: divPruneOrder, sorted. Heatmap score: (k − r) / k for the token picked r-th (0-based),
// so the first pick scores 1 and dropped tokens score 0. Positions are contiguous, as in the
// reference (pruned tokens leave the sequence before the LLM assigns positions).
class DivPruneSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
