// SPDX-License-Identifier: MIT
#pragma once

// The interface every token-selection method implements: given the visual tokens the connectors
// produced for one request (and what else a method may need), choose which `keep` of them reach
// the LLM. Private to core: includes LibTorch.

#include "compress/method_catalog.h"
#include "io/model_config.h"
#include "model/layers.h"
#include "model/vision_encoder.h"
#include "pipeline/compression_plan.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tokenscope {

struct SelectionInput {
    const ModelConfig &config;
    const CompressionPlan &plan;          // tiles (with their ratios) and every visual token, in order
    torch::Tensor visualTokens;           // [N, D] connector outputs, plan order (LLM width)
    LastLayerSignals lastLayer;           // the encoder's last-layer CLS attention and keys, per tile
    const nn::ParameterMap *selector = nullptr;   // selector.safetensors weights, when loaded
    const MethodChoice &choice;           // budget and parameters
    std::uint64_t seed = 0;
    torch::Tensor instruction;            // [M, D] the question's tokens as LLM input embeddings (CDPruner)
};

struct TokenSelection {
    std::vector<std::int64_t> kept;       // indices into plan.tokens, strictly increasing
    std::vector<float> scores;            // one per visual token for the heatmap (may be empty)
    std::vector<int> mergedInto;          // per visual token: the kept token it was merged into, or -1
    torch::Tensor keptEmbeddings;         // [kept, D] when merging changed them; undefined: gather rows
    // [a, D]: tokens that are no input token (PruMerge+'s merge of everything dropped), sent after
    // the last kept one; they count toward `keep`, so kept.size() + a == keep.
    torch::Tensor appendedEmbeddings;
    PositionPolicy positions = PositionPolicy::Contiguous;
};

class TokenSelector {
public:
    virtual ~TokenSelector() = default;
    // `keep` is already max(1, ⌊b·N⌋) and at most N.
    virtual TokenSelection select(const SelectionInput &input, std::int64_t keep) const = 0;
};

// The implementation behind a token-selection MethodInfo name (nullptr for unknown names).
std::unique_ptr<TokenSelector> makeTokenSelector(const std::string &name);

// Helpers for implementations: the `keep` highest scores, returned sorted by index (ties: lower
// index first), and a plain TokenSelection from scores.
std::vector<std::int64_t> topKSorted(const torch::Tensor &scores, std::int64_t keep);
TokenSelection selectionFromScores(const torch::Tensor &scores, std::int64_t keep, PositionPolicy positions);

} // namespace tokenscope
