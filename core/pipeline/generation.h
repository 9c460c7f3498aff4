// SPDX-License-Identifier: MIT
#pragma once

// Prefill + greedy decoding of an assembled sequence, with an optional inside-LLM pruning hook
// (FastV, DART, PyramidDrop) applied during the prefill. Private to core: includes LibTorch.

#include "common/progress.h"
#include "model/language_model.h"
#include "pipeline/sequence_layout.h"

#include <set>
#include <vector>

namespace tokenscope {

struct GenerationInput {
    const SequenceLayout &layout;
    const std::vector<torch::Tensor> &tileEmbeddings;   // per tile, exactly its span's count of rows
    torch::Tensor positions;                           // [L] rotary positions
    int maxNewTokens = 64;
    std::int64_t speakableVocab = 0;                   // greedy picks among ids below this
    const std::set<TokenId> &stopTokens;
    const std::vector<LayerPruning> *pruning = nullptr;   // steps at increasing layers
};

struct Generation {
    std::vector<TokenId> ids;
    bool stoppedOnEos = false;
    double prefillMs = 0, decodeMs = 0;
};

// Progress runs from 0.65 to 1.0: prefill to 0.9, then one step per new token.
Generation generateGreedy(const LanguageModel &llm, const GenerationInput &input, ProgressReporter &progress);

} // namespace tokenscope
