// SPDX-License-Identifier: MIT
#pragma once

// Qwen2 / Qwen3 decoder: RMSNorm, RoPE (config theta), grouped-query attention, SwiGLU MLP,
// Qwen3 per-head q/k RMSNorm, tied or untied embeddings, with a preallocated KV cache.
// Private to core: includes LibTorch.

#include "io/model_config.h"
#include "model/layers.h"

#include <vector>

namespace tokenscope {

struct KVCache {
    std::vector<torch::Tensor> keys;     // per layer [1, kvHeads, capacity, headDim]
    std::vector<torch::Tensor> values;
    std::int64_t length = 0;             // filled slots
    std::int64_t nextPosition = 0;       // rotary position of the next token (gaps allowed)
    std::int64_t capacity() const { return keys.empty() ? 0 : keys.front().size(2); }
};

class LanguageModel {
public:
    LanguageModel(const LlmConfig &config, const nn::ParameterMap &params);

    torch::Tensor embed(const torch::Tensor &ids) const;   // [L] -> [L, D]
    KVCache newCache(std::int64_t capacity, const torch::TensorOptions &options) const;

    // Runs `embeds` [L, D] at `positions` [L] (default: contiguous from cache.nextPosition)
    // through all layers, appending to the cache. Returns logits [L, V] when allLogits, else
    // the last position's logits [1, V].
    torch::Tensor forward(const torch::Tensor &embeds, KVCache &cache, bool allLogits = false,
                          const torch::Tensor &positions = {}) const;

    const LlmConfig &config() const { return m_config; }

private:
    struct Layer {
        nn::Norm inputNorm, postAttentionNorm;
        nn::Linear q, k, v, o;
        nn::Norm qNorm, kNorm;   // Qwen3
        nn::Linear gate, up, down;
    };
    torch::Tensor attention(const Layer &layer, std::size_t index, const torch::Tensor &x, const torch::Tensor &cos,
                            const torch::Tensor &sin, KVCache &cache) const;

    LlmConfig m_config;
    torch::Tensor m_embedTokens, m_lmHead;
    std::vector<Layer> m_layers;
    nn::Norm m_finalNorm;
    torch::Tensor m_inverseFrequencies;   // [headDim / 2], fp32
};

} // namespace tokenscope
