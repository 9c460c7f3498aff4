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

// What the last layer's attention tells token-selection methods, from the one encoder pass.
// InternVL uses that layer's output (select_layer -1), so it is the analogue of the CLIP layer
// VisionZip and PruMerge+ read in LLaVA.
struct LastLayerSignals {
    // [n, P] fp32: the CLS query's attention to each patch, softmax per head, mean over heads
    // (VisionZip: cls_attention over heads of attentions[-2]).
    torch::Tensor clsAttention;
    // [n, P] fp32: the CLS row of softmax(q·kᵀ·C^-0.5) with q and k taken over the full width as
    // one head (PruMerge+ clip_encoder.py: desired_layer_q @ desired_layer_k.T * C ** -0.5).
    torch::Tensor clsAttentionFullWidth;
    // [n, P, C] fp32: the patches' keys, heads side by side (C = heads·d); as attention uses them
    // (after InternViT-6B's k_norm).
    torch::Tensor keys;
    // [n, P, C]: the layer's output without CLS, the features the connectors read (the same tensor
    // as the encoder's result, no copy; set by the caller that keeps it).
    torch::Tensor features;
};

class VisionEncoder {
public:
    VisionEncoder(const VisionConfig &config, const nn::ParameterMap &params);

    // pixels [n, 3, T, T] -> last hidden state [n, 1 + P, C] (CLS first). With `signals`, also
    // the last layer's CLS attention and keys, from the same pass (one extra query row and a copy
    // of the keys, not a second encoder run).
    torch::Tensor forward(const torch::Tensor &pixels, LastLayerSignals *signals = nullptr) const;

    // The patch tokens only: [n, P, C] (InternVL drops CLS before the connectors).
    static torch::Tensor patchTokens(const torch::Tensor &hidden) { return hidden.slice(1, 1); }

private:
    struct Block {
        nn::Norm norm1, norm2;
        nn::Linear qkv, proj, fc1, fc2;
        nn::Norm qNorm, kNorm;   // InternViT-6B only
        torch::Tensor ls1, ls2;
    };
    torch::Tensor attention(const Block &block, const torch::Tensor &x, LastLayerSignals *signals) const;
    // q, k, v as [n, heads, tokens, headDim], q/k-normalised where the model does so.
    std::array<torch::Tensor, 3> projectQkv(const Block &block, const torch::Tensor &x) const;
    torch::Tensor embed(const torch::Tensor &pixels) const;
    void runBlock(const Block &block, torch::Tensor &x, LastLayerSignals *signals = nullptr) const;

    VisionConfig m_config;
    torch::Tensor m_classEmbedding, m_positionEmbedding;
    nn::Linear m_patchEmbedding;   // conv weight [C, 3, p, p] used with stride p
    std::vector<Block> m_blocks;
};

} // namespace tokenscope
