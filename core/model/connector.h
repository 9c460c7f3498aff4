// SPDX-License-Identifier: MIT
#pragma once

// The two MLP connectors of InternVL3.5-Flash (modeling_internvl_chat.py mlp1 / mlp2):
//   mlp1 (ratio 1/4):  LayerNorm(4C) → Linear(4C→D) → GELU → Linear(D→D)
//   mlp2 (ratio 1/16): LayerNorm(16C) → Linear(16C→2D) → GELU → [Dropout] → Linear(2D→2D) → GELU
//                      → [Dropout] → Linear(2D→D); checkpoint indices .0/.1/.4/.7.
// Private to core: includes LibTorch.

#include "model/layers.h"
#include "model/tile_ratio.h"

#include <vector>

namespace tokenscope {

class Connector {
public:
    static Connector full(const nn::ParameterMap &params);         // mlp1
    static Connector compressed(const nn::ParameterMap &params);   // mlp2

    // pixel-shuffled features [n, tokens, width] -> LLM embeddings [n, tokens, D]
    torch::Tensor forward(const torch::Tensor &shuffled) const;

private:
    nn::Norm m_norm;
    std::vector<nn::Linear> m_linears;   // GELU between consecutive linears
};

} // namespace tokenscope
