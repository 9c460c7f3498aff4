// SPDX-License-Identifier: MIT
#pragma once

// The one place where LibTorch 1.13 (Debian, CPU) and 2.x (CUDA builds) differ for us.
// Private to core: includes LibTorch.

#include <torch/torch.h>
#include <torch/version.h>

#include <optional>

namespace tokenscope::compat {

// softmax(q kᵀ · scale + mask) v over [..., L, E] tensors. `additiveMask` broadcasts to the
// score shape (0 = attend, -inf = masked). 2.x takes the fused kernel; 1.13 has none.
inline torch::Tensor scaledDotProductAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                               const std::optional<torch::Tensor> &additiveMask, double scale)
{
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(q, k, v, additiveMask, 0.0, false, scale);
#else
    auto scores = torch::matmul(q, k.transpose(-2, -1)).mul_(scale);
    if (additiveMask)
        scores.add_(*additiveMask);
    return torch::matmul(torch::softmax(scores, -1), v);
#endif
}

} // namespace tokenscope::compat
