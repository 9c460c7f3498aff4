// SPDX-License-Identifier: MIT
#pragma once

// Analytic FLOPs of one request's prefill, per stage, for the plan a method made and for the same
// image with every token kept: the speed-up a method can give at most, to stand beside the one it
// gave. Users' most common complaint about token compression is "I see no speed-up"; most often
// the stage the method shortens is a small part of the prefill (the encoder runs on every tile
// whatever the budget), and this says so before anyone times anything.
//
// Counting: 2 FLOPs per multiply-add of every matrix product (projections, MLPs, attention's
// q·kᵀ and p·v with its causal half counted exactly); norms, activations, softmax and rotary are
// left out (linear in the sequence and a few percent at most). Free of LibTorch.

#include "io/model_config.h"

#include <vector>

namespace tokenscope {

struct StageFlops {
    double encoder = 0;      // InternViT over every tile
    double router = 0;       // ViR pooling + gating (only where the method routes)
    double connector = 0;    // mlp1 on 1/4 tiles, mlp2 on 1/16 tiles
    double llmBeforeK = 0;   // LLM layers that see every prompt row (all of them for pre-LLM methods)
    double llmAfterK = 0;    // LLM layers from an inside-LLM method's first cut (layer K) on, + the LM head
    double llm() const { return llmBeforeK + llmAfterK; }
    double total() const { return encoder + router + connector + llm(); }
};

// What the FLOPs depend on: the tiles and their ratios, what reached the LLM, and where.
struct PrefillShape {
    int tiles = 0;                       // every tile (and the thumbnail) goes through the encoder
    int fullTiles = 0;                   // the same image at the model's own tile cap (0: `tiles`)
    int compressedTiles = 0;             // of those, tiles at 1/16 (mlp2)
    bool routed = false;                 // the ViR router ran for the decision
    int textTokens = 0;                  // prompt rows that are not visual
    int visualTokens = 0;                // visual rows entering layer 0
    // An inside-LLM method's cuts at increasing layers (FastV, DART: one at K; PyramidDrop: one per
    // stage): visual rows from `layer` on. Empty: no pruning inside the LLM.
    struct Cut {
        int layer = 0;
        int visualTokens = 0;
    };
    std::vector<Cut> cuts;
};

struct PrefillFlops {
    StageFlops full;   // every tile at 1/4, every token through every layer, no router
    StageFlops plan;   // what this run computed
    // full / plan over the LLM alone (the stage token methods shorten) and over the whole prefill.
    double llmBound() const { return plan.llm() > 0 ? full.llm() / plan.llm() : 1.0; }
    double prefillBound() const { return plan.total() > 0 ? full.total() / plan.total() : 1.0; }
    // The encoder's share of this plan's prefill: what no token budget can remove.
    double encoderShare() const { return plan.total() > 0 ? plan.encoder / plan.total() : 0.0; }
};

// Stage by stage, for `shape` and for its all-kept counterpart (same tiles, all at 1/4, the same
// text). Throws std::invalid_argument for counts that cannot be (negative, a cut's layer out of
// range or not after the previous one, a cut keeping more rows than the one before).
PrefillFlops prefillFlops(const ModelConfig &config, const PrefillShape &shape);

// LLM FLOPs for `rows` prompt rows through `layers` layers (causal attention over those rows).
double llmLayerFlops(const LlmConfig &llm, double rows, int layers);

} // namespace tokenscope
