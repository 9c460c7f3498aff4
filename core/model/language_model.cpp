// SPDX-License-Identifier: MIT
#include "model/language_model.h"

#include "model/torch_compat.h"

#include <cmath>
#include <limits>

namespace tokenscope {

LanguageModel::LanguageModel(const LlmConfig &config, const nn::ParameterMap &params)
    : m_config(config)
{
    const std::string m = "language_model.model.";
    m_embedTokens = nn::param(params, m + "embed_tokens.weight");
    m_lmHead = config.tieWordEmbeddings ? m_embedTokens : nn::param(params, "language_model.lm_head.weight");
    const double eps = config.rmsNormEps;
    for (int i = 0; i < config.numLayers; ++i) {
        const std::string p = m + "layers." + std::to_string(i) + ".";
        Layer l;
        l.inputNorm = nn::rmsNorm(params, p + "input_layernorm", eps);
        l.postAttentionNorm = nn::rmsNorm(params, p + "post_attention_layernorm", eps);
        l.q = nn::linear(params, p + "self_attn.q_proj");
        l.k = nn::linear(params, p + "self_attn.k_proj");
        l.v = nn::linear(params, p + "self_attn.v_proj");
        l.o = nn::linear(params, p + "self_attn.o_proj");
        if (config.arch == LlmArch::Qwen3) {
            l.qNorm = nn::rmsNorm(params, p + "self_attn.q_norm", eps);
            l.kNorm = nn::rmsNorm(params, p + "self_attn.k_norm", eps);
        }
        l.gate = nn::linear(params, p + "mlp.gate_proj");
        l.up = nn::linear(params, p + "mlp.up_proj");
        l.down = nn::linear(params, p + "mlp.down_proj");
        m_layers.push_back(std::move(l));
    }
    m_finalNorm = nn::rmsNorm(params, m + "norm", eps);
    // Qwen rotary: inv_freq_i = theta^(-2i/d), computed in fp32 like the reference.
    m_inverseFrequencies =
        1.0 / torch::pow(config.ropeTheta,
                         torch::arange(0, config.headDim, 2, torch::TensorOptions().dtype(torch::kInt64)).to(torch::kFloat32) /
                             double(config.headDim));
    m_inverseFrequencies = m_inverseFrequencies.to(m_embedTokens.device());
}

torch::Tensor LanguageModel::embed(const torch::Tensor &ids) const
{
    return torch::embedding(m_embedTokens, ids);
}

KVCache LanguageModel::newCache(std::int64_t capacity, const torch::TensorOptions &options) const
{
    KVCache cache;
    for (int i = 0; i < m_config.numLayers; ++i) {
        cache.keys.push_back(torch::empty({1, m_config.numKvHeads, capacity, m_config.headDim}, options));
        cache.values.push_back(torch::empty({1, m_config.numKvHeads, capacity, m_config.headDim}, options));
    }
    return cache;
}

namespace {

// rotate_half(x) = cat(-x2, x1) over the last dimension.
torch::Tensor applyRotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    const auto half = x.size(-1) / 2;
    auto rotated = torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
    return x * cos + rotated * sin;
}

} // namespace

torch::Tensor LanguageModel::attention(const Layer &layer, std::size_t index, const torch::Tensor &x,
                                       const torch::Tensor &cos, const torch::Tensor &sin, KVCache &cache) const
{
    const auto length = x.size(0);
    const int heads = m_config.numHeads, kvHeads = m_config.numKvHeads, headDim = m_config.headDim;
    auto q = layer.q(x).view({length, heads, headDim});
    auto k = layer.k(x).view({length, kvHeads, headDim});
    auto v = layer.v(x).view({length, kvHeads, headDim});
    if (m_config.arch == LlmArch::Qwen3) {
        q = layer.qNorm(q);
        k = layer.kNorm(k);
    }
    q = applyRotary(q.transpose(0, 1), cos, sin).unsqueeze(0);   // [1, H, L, d]
    k = applyRotary(k.transpose(0, 1), cos, sin).unsqueeze(0);   // [1, KV, L, d]
    v = v.transpose(0, 1).unsqueeze(0);

    const auto start = cache.length;
    cache.keys[index].narrow(2, start, length).copy_(k);
    cache.values[index].narrow(2, start, length).copy_(v);
    const auto total = start + length;
    auto keys = cache.keys[index].narrow(2, 0, total);
    auto values = cache.values[index].narrow(2, 0, total);
    if (heads != kvHeads) {   // GQA: each KV head serves heads/kvHeads consecutive query heads
        keys = keys.repeat_interleave(heads / kvHeads, 1);
        values = values.repeat_interleave(heads / kvHeads, 1);
    }
    std::optional<torch::Tensor> mask;
    if (length > 1) {   // causal over the new rows, offset by what the cache already holds
        auto allowed = torch::ones({length, total}, torch::TensorOptions().dtype(torch::kBool).device(x.device()))
                           .tril(start);
        mask = torch::zeros({length, total}, x.options())
                   .masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
    }
    auto out = compat::scaledDotProductAttention(q, keys, values, mask, 1.0 / std::sqrt(double(headDim)));
    return layer.o(out.squeeze(0).transpose(0, 1).reshape({length, heads * headDim}));
}

torch::Tensor LanguageModel::forward(const torch::Tensor &embeds, KVCache &cache, bool allLogits,
                                     const torch::Tensor &positions) const
{
    const auto length = embeds.size(0);
    if (cache.length + length > cache.capacity())
        throw std::length_error("KV cache capacity exceeded");
    auto pos = positions.defined()
                   ? positions.to(torch::kFloat32)
                   : torch::arange(cache.nextPosition, cache.nextPosition + length,
                                   torch::TensorOptions().dtype(torch::kFloat32).device(embeds.device()));
    auto freqs = torch::outer(pos.to(embeds.device()), m_inverseFrequencies);   // [L, d/2]
    auto angles = torch::cat({freqs, freqs}, -1);
    auto cos = angles.cos().to(embeds.scalar_type()), sin = angles.sin().to(embeds.scalar_type());

    auto x = embeds;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        const Layer &l = m_layers[i];
        x = x + attention(l, i, l.inputNorm(x), cos, sin, cache);
        auto h = l.postAttentionNorm(x);
        x = x + l.down(torch::silu(l.gate(h)) * l.up(h));
    }
    cache.length += length;
    cache.nextPosition = (positions.defined() ? positions.max().item<std::int64_t>() : cache.nextPosition + length - 1) + 1;
    x = m_finalNorm(allLogits ? x : x.slice(0, length - 1));
    return torch::linear(x, m_lmHead);
}

} // namespace tokenscope
