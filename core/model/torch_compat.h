// SPDX-License-Identifier: MIT
#pragma once

// The one place where LibTorch 1.13 (Debian, CPU) and 2.x (CUDA builds) differ for us.
// Private to core: includes LibTorch.

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

// LibTorch 2.x headers need C++17 or later (1.13's compiled as C++14); the project is C++20 on both.
static_assert(__cplusplus >= 201703L, "LibTorch 2.x needs C++17 or later");

namespace tokenscope::compat {

// Scores of query rows [first, first + rows) against the keys they may see, times `scale`, in
// `dtype`: [..., rows, visible]. Causal (`causalOffset` = rows already cached): row i sees keys
// j <= offset + i, later keys are left out or set to -inf. Shared by the block-wise attention
// below and FastV's explicit attention (language_model.cpp).
inline torch::Tensor blockScores(const torch::Tensor &q, const torch::Tensor &keysT, std::int64_t first, std::int64_t rows,
                                 std::optional<std::int64_t> causalOffset, double scale, torch::ScalarType dtype)
{
    const auto total = keysT.size(-1);
    const auto visible = causalOffset ? std::min(total, *causalOffset + first + rows) : total;
    auto scores = torch::matmul(q.narrow(-2, first, rows), keysT.narrow(-1, 0, visible)).to(dtype).mul_(scale);
    if (causalOffset) {
        auto future = torch::ones({rows, visible}, torch::TensorOptions().dtype(torch::kBool).device(q.device()))
                          .triu(*causalOffset + first + 1);
        scores.masked_fill_(future, -std::numeric_limits<float>::infinity());
    }
    return scores;
}

// softmax(q kᵀ · scale) v over [..., L, E] queries and [..., S, E] keys/values. With
// `causalOffset` = o, query row i sees key rows j <= o + i (o = rows already cached), else all.
// 2.x takes the fused kernel. 1.13 has none: it runs blocks of query rows, because one whole
// score map is large (a 2k-token prefill: 65 MB per layer) and softmax over fresh memory that
// size ran ~20× slower here than the same work in 128-row blocks; causal blocks also skip the
// keys they cannot see.
inline torch::Tensor scaledDotProductAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                               std::optional<std::int64_t> causalOffset, double scale)
{
    const auto length = q.size(-2);
#if TORCH_VERSION_MAJOR >= 2
    const auto total = k.size(-2);
    std::optional<torch::Tensor> mask;
    if (causalOffset && length > 1) {
        auto future = torch::ones({length, total}, torch::TensorOptions().dtype(torch::kBool).device(q.device()))
                          .triu(*causalOffset + 1);
        mask = torch::zeros({length, total}, q.options()).masked_fill(future, -std::numeric_limits<float>::infinity());
    }
    return at::scaled_dot_product_attention(q, k, v, mask, 0.0, false, scale);
#else
    constexpr std::int64_t kQueryBlock = 128;
    const auto keysT = k.transpose(-2, -1);
    std::vector<torch::Tensor> blocks;
    for (std::int64_t r = 0; r < length; r += kQueryBlock) {
        const auto rows = std::min(kQueryBlock, length - r);
        auto scores = blockScores(q, keysT, r, rows, causalOffset, scale, q.scalar_type());
        blocks.push_back(torch::matmul(torch::softmax(scores, -1), v.narrow(-2, 0, scores.size(-1))));
    }
    return blocks.size() == 1 ? blocks.front() : torch::cat(blocks, -2);
#endif
}

// softmax(q kᵀ · scale + mask) v with an additive mask broadcast to [..., L, S] (0 = visible,
// -inf = hidden): packed training sequences, short enough for one explicit score map.
inline torch::Tensor maskedAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                     const torch::Tensor &additiveMask, double scale)
{
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(q, k, v, additiveMask, 0.0, false, scale);
#else
    auto scores = torch::matmul(q, k.transpose(-2, -1)).mul_(scale).add_(additiveMask);
    return torch::matmul(torch::softmax(scores, -1), v);
#endif
}

} // namespace tokenscope::compat
