// SPDX-License-Identifier: MIT
#pragma once

// The ViR Visual Resolution Router of InternVL3.5-Flash: cross-attention pooling of one tile's
// pre-shuffle encoder tokens into a single vector, then a residual MLP gate with 2 outputs.
// Private to core: includes LibTorch.

#include "model/layers.h"

#include <array>

namespace tokenscope {

class VisualResolutionRouter {
public:
    static constexpr int kPoolingHeads = 16;   // CrossAttentionPooling(dim, num_heads=16)

    VisualResolutionRouter(const nn::ParameterMap &params, int width);

    // patch tokens [n, P, C] (CLS removed, before pixel shuffle) -> softmax probabilities [n, 2];
    // column 0 is "compress this tile" (use the 1/16 connector).
    torch::Tensor probabilities(const torch::Tensor &patchTokens) const;

    // The pooled tile vector [n, C] (exposed for tests and the trainer).
    torch::Tensor pool(const torch::Tensor &patchTokens) const;

private:
    struct PoolingBlock {
        torch::Tensor inProjWeight, inProjBias;
        nn::Linear outProj;
        nn::Norm norm;
    };
    struct GateBlock {
        nn::Linear up, down;
        nn::Norm norm;
    };
    torch::Tensor attend(const PoolingBlock &block, const torch::Tensor &query, const torch::Tensor &tokens) const;

    int m_width;
    torch::Tensor m_query;
    PoolingBlock m_block1, m_block2;
    std::array<GateBlock, 4> m_gateBlocks;
    nn::Norm m_gateNorm;
    nn::Linear m_gate;
};

} // namespace tokenscope
