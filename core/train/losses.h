// SPDX-License-Identifier: MIT
#pragma once

// The training objectives of the demo model's four stages, over answer tokens only.
// Private to core: includes LibTorch.

#include <torch/torch.h>

namespace tokenscope {

// Next-token cross-entropy per answer token: logits [N, V], targets [N] -> [N] (nats).
torch::Tensor tokenCrossEntropy(const torch::Tensor &logits, const torch::Tensor &targets);

// ViCO stage 1 (InternVL3.5, arXiv 2508.18265, §ViCO): KL(π_ref ‖ π_θ) = Σ_v p_ref (log p_ref − log p_θ)
// per token, from logits [N, V] each -> [N]. The reference side carries no gradient.
torch::Tensor tokenKlDivergence(const torch::Tensor &referenceLogits, const torch::Tensor &policyLogits);

// −[y log p + (1 − y) log(1 − p)] per element, with p clamped away from 0 and 1 so a saturated
// probability gives a large finite loss, not inf.
torch::Tensor binaryCrossEntropy(const torch::Tensor &probability, const torch::Tensor &target);

// Mean of `values` [N] within each group: `group` [N] int64 in [0, groups) -> [groups].
torch::Tensor groupMean(const torch::Tensor &values, const torch::Tensor &group, std::int64_t groups);

} // namespace tokenscope
