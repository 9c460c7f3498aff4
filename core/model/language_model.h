// SPDX-License-Identifier: MIT
#pragma once

// Qwen2 / Qwen3 decoder: RMSNorm, RoPE (config theta), grouped-query attention, SwiGLU MLP,
// Qwen3 per-head q/k RMSNorm, tied or untied embeddings, with a preallocated KV cache.
// Private to core: includes LibTorch.

#include "io/model_config.h"
#include "model/layers.h"

#include <functional>
#include <utility>
#include <vector>

namespace tokenscope {

struct KVCache {
    std::vector<torch::Tensor> keys;     // per layer [1, kvHeads, capacity, headDim]
    std::vector<torch::Tensor> values;
    // Filled slots per layer: equal unless a prefill pruned rows at a layer (FastV, DART), after
    // which the layers from that one on hold fewer rows than the layers before it.
    std::vector<std::int64_t> layerLengths;
    std::int64_t length = 0;             // filled slots of layer 0 (every row the model was given)
    std::int64_t nextPosition = 0;       // rotary position of the next token (gaps allowed)
    // Per layer, how far a new row's rotary position sits below nextPosition: non-zero after a
    // prefill that renumbered the kept rows (PyramidDrop), so decoding continues each layer's
    // own contiguous numbering. Empty or all zero otherwise.
    std::vector<std::int64_t> positionShift;
    std::int64_t capacity() const { return keys.empty() ? 0 : keys.front().size(2); }
};

// What a pruning step sees at the boundary before layer `LayerPruning::layer` (K): the rows still
// in the prefill (all of them, unless an earlier step dropped some), as they leave layer K-1.
struct PruningInput {
    torch::Tensor hidden;      // [L, D] hidden states entering layer K
    std::vector<std::int64_t> rows;    // [L] each current row's index in the prefill as given, or
                                       // kInsertedRow for a row an earlier step inserted
    torch::Tensor attentionReceived;   // [L] fp32: layer K-1 attention each row receives, mean over
                                       // heads and query rows: all of them, the last (lastQueryOnly)
                                       // or the step's queryRows
    double attentionMs = 0;            // what computing attentionReceived cost (a method's overhead)
    torch::Tensor keys;        // [kvHeads, L, headDim] layer K-1 keys after rotary (when needKeys)
    torch::Tensor normedHidden;   // [L, D] `hidden` through the final RMSNorm (when needNormedHidden)
    torch::Tensor nextLayerLastRowAttention;   // [L] fp32: layer K's own attention from the last row
                                               // (its input norm, q/k, rotary), mean over heads
};

inline constexpr std::int64_t kInsertedRow = -1;

// Rows a step adds after its cut (SparseVLM recycles the dropped visual rows into cluster
// centres): `hidden` [M, D] goes in right after kept row `after` (an index into the kept rows,
// before the last one).
struct InsertedRows {
    torch::Tensor hidden;
    std::int64_t after = 0;
};

// One step of a prefill that drops rows inside the LLM: layers < K run on the rows they are given,
// `keepRows` picks the current rows (int64 indices into PruningInput::rows, strictly increasing)
// that layers >= K and later decoding see. Only layer K-1 computes attention probabilities
// explicitly, and only when asked (in blocks of query rows, never the whole [H, L, L] map);
// every layer's output still comes from the fused path. Several steps at increasing layers make
// a pyramid (PyramidDrop).
struct LayerPruning {
    int layer = 2;
    bool needAttention = false;
    bool lastQueryOnly = false;      // attentionReceived from the last row (official FastV) instead of all
    bool needKeys = false;
    bool needNormedHidden = false;   // PruningInput::normedHidden (DART)
    bool needNextLayerLastRowAttention = false;   // PruningInput::nextLayerLastRowAttention (PyramidDrop)
    // Kept rows keep their rotary positions (FastV, DART), or are renumbered contiguously from the
    // first row's position on, decoding following (PyramidDrop resets position_ids after a drop).
    bool renumberPositions = false;
    // When set, attentionReceived averages over these query rows only: indices into the prefill
    // as given (none of them dropped before this step), chosen from the prefill's input
    // embeddings [L0, D] (SparseVLM's text raters).
    std::function<std::vector<std::int64_t>(const torch::Tensor &embeds)> queryRows;
    std::function<torch::Tensor(const PruningInput &)> keepRows;
    // Called after keepRows with what it returned; the rows it gives are inserted before layer K.
    // Needs renumberPositions (a new row has no position of its own).
    std::function<InsertedRows(const PruningInput &, const std::vector<std::int64_t> &keep)> insertRows;
};

// Where a checkpoint keeps the decoder: `body` + embed_tokens / layers.N / norm, and the output
// head (unused when the embeddings are tied). InternVL's names by default.
struct LlmTensorNames {
    std::string body = "language_model.model.";
    std::string head = "language_model.lm_head.weight";
};

class LanguageModel {
public:
    LanguageModel(const LlmConfig &config, const nn::ParameterMap &params, const LlmTensorNames &names = {});

    torch::Tensor embed(const torch::Tensor &ids) const;   // [L] -> [L, D]
    KVCache newCache(std::int64_t capacity, const torch::TensorOptions &options) const;

    // Runs `embeds` [L, D] at `positions` (default: contiguous from cache.nextPosition) through
    // all layers, appending to the cache. Positions are [L], or [3, L] (t, h, w) for a model with
    // M-RoPE (a [L] position is the same on all three axes); the next position is the largest
    // given plus one. Returns logits [L, V] when allLogits, else the last position's logits [1, V].
    torch::Tensor forward(const torch::Tensor &embeds, KVCache &cache, bool allLogits = false,
                          const torch::Tensor &positions = {}) const;

    // Prefill `embeds` [L, D] at `positions` ([L], or [3, L] with M-RoPE) into an empty cache,
    // dropping rows at each step's layer (steps in strictly increasing layer order); kept rows keep
    // their positions (3-D ones cannot be renumbered). Returns the last row's logits [1, V] (the
    // last row must be kept) or, when allLogits, the kept rows' logits [kept, V].
    torch::Tensor prefill(const torch::Tensor &embeds, KVCache &cache, const torch::Tensor &positions,
                          const std::vector<LayerPruning> &steps, bool allLogits = false) const;
    torch::Tensor prefill(const torch::Tensor &embeds, KVCache &cache, const torch::Tensor &positions,
                          const LayerPruning &pruning, bool allLogits = false) const
    {
        return prefill(embeds, cache, positions, std::vector<LayerPruning>{pruning}, allLogits);
    }

    // Training and teacher-forced scoring: embeds [B, L, D] at positions [B, L], no cache. Causal
    // by default (right padding needs no mask: a causal row never sees the rows after it); or
    // `visible` [B, L, L] bool, row i attends to key j where visible[b, i, j] (packed sequences
    // that share a prefix; every row must see at least one key). Returns the final normed hidden
    // states [B, L, D]; vocabularyLogits() turns the rows one needs into logits.
    torch::Tensor hiddenStates(const torch::Tensor &embeds, const torch::Tensor &positions,
                               const torch::Tensor &visible = {}) const;
    torch::Tensor vocabularyLogits(const torch::Tensor &hidden) const { return torch::linear(hidden, m_lmHead); }

    const LlmConfig &config() const { return m_config; }
    torch::Device device() const { return m_embedTokens.device(); }

private:
    struct Layer {
        nn::Norm inputNorm, postAttentionNorm;
        nn::Linear q, k, v, o;
        nn::Norm qNorm, kNorm;   // Qwen3
        nn::Linear gate, up, down;
    };
    // `queries` / `keys`, when given, receive this call's rotated queries [H, L, d] and keys
    // [kvHeads, L, d] (what a pruning step at the next layer may read).
    torch::Tensor attention(const Layer &layer, std::size_t index, const torch::Tensor &x, const torch::Tensor &cos,
                            const torch::Tensor &sin, KVCache &cache, torch::Tensor *queries = nullptr,
                            torch::Tensor *keys = nullptr) const;
    torch::Tensor block(std::size_t index, const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                        KVCache &cache, torch::Tensor *queries = nullptr, torch::Tensor *keys = nullptr) const;
    // cos, sin [..., L, d] for positions [..., L]; with `multimodal`, positions [3, L] -> [L, d].
    std::pair<torch::Tensor, torch::Tensor> rotary(const torch::Tensor &positions, const torch::Tensor &like,
                                                   bool multimodal = false) const;
    // Whether forward/prefill positions are M-RoPE's [3, L]; throws for any other shape but [L].
    bool isMultimodal(const torch::Tensor &positions) const;
    torch::Tensor feedForward(const Layer &layer, const torch::Tensor &y) const;
    torch::Tensor lastRowAttention(std::size_t index, const torch::Tensor &x, const torch::Tensor &cos,
                                   const torch::Tensor &sin) const;
    torch::Tensor batchedAttention(const Layer &layer, const torch::Tensor &x, const torch::Tensor &cos,
                                   const torch::Tensor &sin, const torch::Tensor &additiveMask) const;

    LlmConfig m_config;
    torch::Tensor m_embedTokens, m_lmHead;
    std::vector<Layer> m_layers;
    nn::Norm m_finalNorm;
    torch::Tensor m_inverseFrequencies;   // [headDim / 2], fp32
};

} // namespace tokenscope
