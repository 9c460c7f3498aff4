// SPDX-License-Identifier: MIT
#pragma once

// CDPruner (Zhang et al., "Beyond Attention or Similarity: Maximizing Conditional Diversity for
// Token Pruning in MLLMs", arXiv 2506.10967); follows Theia-4869/CDPruner llava/model/llava_arch.py
// (encode_images). Private to core: includes LibTorch.
//
// Kernel L = diag(r)·S·diag(r): S the cosine similarity of the projector outputs, r each token's
// relevance to the instruction, min–max normalised; the k tokens are the greedy MAP of the DPP
// with kernel L (Chen et al.'s fast incremental Cholesky), kept in index order.
// What stands in for CLIP's text encoder: InternVL has none. The reference compares CLIP image
// embeddings with CLIP text embeddings of the instruction; here the connector outputs are compared
// with the question's tokens as the LLM embeds them (both in the LLM's input space), and the
// relevance is the mean over those tokens. The reference negates it, r = mean(−cos), a choice
// made for CLIP's space; `relevance=negative` (default, as the code) or `positive` picks the sign.

#include "compress/token_selector.h"

#include <vector>

namespace tokenscope {

// The greedy MAP order of the DPP with the row-major N×N kernel `kernel`: `count` indices in the
// order picked (each the largest remaining marginal gain d_j²), as the reference's loop. When the
// kernel's rank runs out before `count` (no gain above rounding), the rest follow by diag(L).
std::vector<std::int64_t> dppGreedyMap(const torch::Tensor &kernel, std::int64_t count);

class CdPrunerSelector : public TokenSelector {
public:
    TokenSelection select(const SelectionInput &input, std::int64_t keep) const override;
};

} // namespace tokenscope
