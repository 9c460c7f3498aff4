// SPDX-License-Identifier: MIT
#pragma once

// InternViT: patch embedding + CLS + learned positions, then pre-norm blocks with layer scale.
// InternViT-300M uses LayerNorm; InternViT-6B uses RMSNorm with q/k RMSNorm over the full width.
// Private to core: includes LibTorch.

#include "io/model_config.h"
#include "model/layers.h"

#include <array>
#include <vector>

namespace tokenscope {

class VisionEncoder {
public:
    VisionEncoder(const VisionConfig &config, const nn::ParameterMap &params);

    // pixels [n, 3, T, T] -> last hidden state [n, 1 + P, C] (CLS first). With `clsAttention`,
    // also the attention the CLS query pays to each patch in the last layer (whose output InternVL
    // uses, select_layer -1), averaged over heads: [n, P] fp32, the VisionZip / PruMerge+ input.
    // It comes from the same pass: one extra query row, not a second encoder run.
    torch::Tensor forward(const torch::Tensor &pixels, torch::Tensor *clsAttention = nullptr) const;

    // The patch tokens only: [n, P, C] (InternVL drops CLS before the connectors).
    static torch::Tensor patchTokens(const torch::Tensor &hidden) { return hidden.slice(1, 1); }

private:
    struct Block {
        nn::Norm norm1, norm2;
        nn::Linear qkv, proj, fc1, fc2;
        nn::Norm qNorm, kNorm;   // InternViT-6B only
        torch::Tensor ls1, ls2;
    };
    torch::Tensor attention(const Block &block, const torch::Tensor &x, torch::Tensor *clsAttention) const;
    // q, k, v as [n, heads, tokens, headDim], q/k-normalised where the model does so.
    std::array<torch::Tensor, 3> projectQkv(const Block &block, const torch::Tensor &x) const;
    torch::Tensor embed(const torch::Tensor &pixels) const;
    void runBlock(const Block &block, torch::Tensor &x, torch::Tensor *clsAttention = nullptr) const;

    VisionConfig m_config;
    torch::Tensor m_classEmbedding, m_positionEmbedding;
    nn::Linear m_patchEmbedding;   // conv weight [C, 3, p, p] used with stride p
    std::vector<Block> m_blocks;
};

} // namespace tokenscope
