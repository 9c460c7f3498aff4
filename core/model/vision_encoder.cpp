// SPDX-License-Identifier: MIT
#include "model/vision_encoder.h"

#include "model/torch_compat.h"

#include <cmath>

namespace tokenscope {

VisionEncoder::VisionEncoder(const VisionConfig &config, const nn::ParameterMap &params)
    : m_config(config)
{
    const std::string e = "vision_model.embeddings.";
    m_classEmbedding = nn::param(params, e + "class_embedding");
    m_positionEmbedding = nn::param(params, e + "position_embedding");
    m_patchEmbedding = nn::linear(params, e + "patch_embedding");
    const double eps = config.layerNormEps;
    auto norm = [&](const std::string &prefix) {
        return config.normType == NormType::LayerNorm ? nn::layerNorm(params, prefix, eps)
                                                      : nn::rmsNorm(params, prefix, eps);
    };
    for (int i = 0; i < config.numLayers; ++i) {
        const std::string l = "vision_model.encoder.layers." + std::to_string(i) + ".";
        Block b;
        b.norm1 = norm(l + "norm1");
        b.norm2 = norm(l + "norm2");
        b.qkv = nn::linear(params, l + "attn.qkv");
        b.proj = nn::linear(params, l + "attn.proj");
        b.fc1 = nn::linear(params, l + "mlp.fc1");
        b.fc2 = nn::linear(params, l + "mlp.fc2");
        if (config.qkNormalization) {
            b.qNorm = nn::rmsNorm(params, l + "attn.q_norm", eps);
            b.kNorm = nn::rmsNorm(params, l + "attn.k_norm", eps);
        }
        b.ls1 = nn::param(params, l + "ls1");
        b.ls2 = nn::param(params, l + "ls2");
        m_blocks.push_back(std::move(b));
    }
}

std::array<torch::Tensor, 3> VisionEncoder::projectQkv(const Block &block, const torch::Tensor &x) const
{
    const auto n = x.size(0), t = x.size(1), c = x.size(2);
    const int heads = m_config.numHeads;
    const auto headDim = c / heads;
    auto qkv = block.qkv(x).view({n, t, 3, heads, headDim});
    auto q = qkv.select(2, 0), k = qkv.select(2, 1), v = qkv.select(2, 2);   // [n, t, h, d]
    if (m_config.qkNormalization) {
        // InternViT-6B normalises q and k over all heads at once (RMSNorm of width C).
        q = block.qNorm(q.reshape({n, t, c})).view({n, t, heads, headDim});
        k = block.kNorm(k.reshape({n, t, c})).view({n, t, heads, headDim});
    }
    return {q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)};
}

torch::Tensor VisionEncoder::attention(const Block &block, const torch::Tensor &x, LastLayerSignals *signals) const
{
    const auto [q, k, v] = projectQkv(block, x);
    const double scale = 1.0 / std::sqrt(double(q.size(-1)));
    if (signals) {
        // Explicit probabilities for the CLS row only: [n, heads, 1, T] -> mean over heads -> drop CLS.
        const auto q0 = q.slice(2, 0, 1).to(torch::kFloat32), kf = k.to(torch::kFloat32);
        auto probs = torch::softmax(torch::matmul(q0, kf.transpose(-2, -1)).mul(scale), -1);
        signals->clsAttention = probs.mean(1).squeeze(1).slice(1, 1);
        // The same row with the heads side by side as one C-wide head: [n, 1, C] · [n, C, T].
        const auto n = x.size(0), t = x.size(1), c = x.size(2);
        const auto qWide = q0.transpose(1, 2).reshape({n, 1, c});
        const auto kWide = kf.transpose(1, 2).reshape({n, t, c});
        signals->clsAttentionFullWidth =
            torch::softmax(torch::matmul(qWide, kWide.transpose(1, 2)).mul(1.0 / std::sqrt(double(c))), -1).squeeze(1).slice(1, 1);
        signals->keys = kWide.slice(1, 1).contiguous();
    }
    auto out = compat::scaledDotProductAttention(q, k, v, std::nullopt, scale);
    return block.proj(out.transpose(1, 2).reshape({x.size(0), x.size(1), x.size(2)}));
}

torch::Tensor VisionEncoder::embed(const torch::Tensor &pixels) const
{
    const int p = m_config.patchSize;
    auto patches = torch::conv2d(pixels, m_patchEmbedding.weight, m_patchEmbedding.bias, {p, p});   // [n, C, g, g]
    patches = patches.flatten(2).transpose(1, 2);                                                   // [n, P, C]
    const auto n = patches.size(0);
    return torch::cat({m_classEmbedding.expand({n, 1, -1}), patches}, 1) + m_positionEmbedding;
}

void VisionEncoder::runBlock(const Block &b, torch::Tensor &x, LastLayerSignals *signals) const
{
    x = x + attention(b, b.norm1(x), signals) * b.ls1;
    x = x + b.fc2(nn::gelu(b.fc1(b.norm2(x)))) * b.ls2;
}

torch::Tensor VisionEncoder::forward(const torch::Tensor &pixels, LastLayerSignals *signals) const
{
    auto x = embed(pixels);
    for (std::size_t i = 0; i < m_blocks.size(); ++i)
        runBlock(m_blocks[i], x, i + 1 == m_blocks.size() ? signals : nullptr);
    return x;
}

} // namespace tokenscope
