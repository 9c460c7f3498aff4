// SPDX-License-Identifier: MIT
#pragma once

// VisionSelector's differentiable Top-K (arXiv 2510.16598): a soft mask
// p_i = σ(x_i + t) whose shift t makes Σ p_i = k, found by bisection, with the gradient of the
// implicit function instead of back-propagating through the bisection.
// Private to core: includes LibTorch.

#include <torch/torch.h>

namespace tokenscope {

// scores [N] -> soft mask [N] with sum k (0 < k < N). 64 bisection steps on t in
// [-max(x) - 10, -min(x) + 10]. Backward: v = σ'(x + t), ∂L/∂x = g⊙v − (Σ g⊙v)·v / Σ v.
torch::Tensor softTopKMask(const torch::Tensor &scores, double k);

// The hard mask the soft one is pulled towards: 1 for the k highest scores (ties: lower index).
torch::Tensor hardTopKMask(const torch::Tensor &scores, std::int64_t k);

} // namespace tokenscope
