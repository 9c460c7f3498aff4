// SPDX-License-Identifier: MIT
#include "pipeline/prefill_flops.h"

#include <stdexcept>
#include <string>

namespace tokenscope {

namespace {

// One InternViT tile: patch embedding, then per layer the fused qkv, attention over 1 + P tokens,
// the output projection and the MLP.
double encoderTileFlops(const ModelConfig &c)
{
    const double p = c.vision.patchSize, patches = double(c.vision.patchesPerSide()) * c.vision.patchesPerSide();
    const double t = patches + 1, width = c.vision.hiddenSize, inner = c.vision.intermediateSize;
    const double embed = 2 * patches * (3 * p * p) * width;
    const double layer = 2 * t * width * 3 * width     // qkv
                         + 2 * 2 * t * t * width       // q·kᵀ and p·v over all heads
                         + 2 * t * width * width       // proj
                         + 2 * 2 * t * width * inner;  // fc1, fc2
    return embed + c.vision.numLayers * layer;
}

// ViR on one tile (model/router.cpp): four single-query attention pools over P patch tokens
// (block 1 once, block 2 three times), then four Linear(C, 4C)/Linear(4C, C) gating blocks and
// the 2-way gate.
double routerTileFlops(const ModelConfig &c)
{
    const double patches = double(c.vision.patchesPerSide()) * c.vision.patchesPerSide(), width = c.vision.hiddenSize;
    const double pool = 2 * width * width          // query projection
                        + 2 * 2 * patches * width * width   // key and value projections
                        + 2 * 2 * patches * width           // one query's scores and weighted sum
                        + 2 * width * width;                // out_proj
    const double gating = 4 * (2 * 2 * width * 4 * width) + 2 * width * 2;
    return 4 * pool + gating;
}

// mlp1 per 1/4 token: Linear(W4, D), Linear(D, D); mlp2 per 1/16 token: Linear(W16, 2D),
// Linear(2D, 2D), Linear(2D, D) (io/model_config.cpp addConnectors).
double connectorTokenFlops(const ModelConfig &c, bool compressed)
{
    const double d = c.llm.hiddenSize;
    if (!compressed)
        return 2 * (double(c.connectorWidthFull()) * d + d * d);
    return 2 * (double(c.connectorWidthCompressed()) * 2 * d + 2 * d * 2 * d + 2 * d * d);
}

} // namespace

double llmLayerFlops(const LlmConfig &llm, double rows, int layers)
{
    const double d = llm.hiddenSize, q = double(llm.numHeads) * llm.headDim, kv = double(llm.numKvHeads) * llm.headDim;
    const double projections = 2 * rows * d * (q + 2 * kv) + 2 * rows * q * d;
    // Causal: row i attends to i + 1 rows; q·kᵀ and p·v each cost 2·headDim per pair and head.
    const double attention = 2 * 2 * q * rows * (rows + 1) / 2;
    const double mlp = 2 * 3 * rows * d * llm.intermediateSize;
    return layers * (projections + attention + mlp);
}

PrefillFlops prefillFlops(const ModelConfig &c, const PrefillShape &s)
{
    const int layers = c.llm.numLayers;
    if (s.tiles < 0 || s.compressedTiles < 0 || s.compressedTiles > s.tiles || s.textTokens < 0 || s.visualTokens < 0 ||
        s.fullTiles < 0)
        throw std::invalid_argument("prefill shape: counts out of range");
    int previousLayer = 0, previousRows = s.visualTokens;
    for (const PrefillShape::Cut &cut : s.cuts) {
        if (cut.layer <= previousLayer || cut.layer >= layers)
            throw std::invalid_argument("prefill shape: pruning layer " + std::to_string(cut.layer) + " is not in [" +
                                        std::to_string(previousLayer + 1) + ", " + std::to_string(layers - 1) + "]");
        if (cut.visualTokens < 0 || cut.visualTokens > previousRows)
            throw std::invalid_argument("prefill shape: counts out of range");
        previousLayer = cut.layer;
        previousRows = cut.visualTokens;
    }

    const double tokensPerTile = c.tokensPerTileFull(), tiles = s.tiles;
    // The all-kept counterpart tiles the image at the model's own cap (downsampling lowers it).
    const double fullTiles = s.fullTiles > 0 ? s.fullTiles : s.tiles;
    // The LM head runs on the last row only: the prefill predicts one token.
    const double head = 2.0 * c.llm.hiddenSize * c.llm.vocabSize;

    PrefillFlops out;
    out.full.encoder = fullTiles * encoderTileFlops(c);
    out.full.connector = fullTiles * tokensPerTile * connectorTokenFlops(c, false);
    out.full.llmBeforeK = llmLayerFlops(c.llm, s.textTokens + fullTiles * tokensPerTile, layers);
    out.full.llmAfterK = head;

    out.plan.encoder = tiles * encoderTileFlops(c);
    out.plan.router = s.routed ? tiles * routerTileFlops(c) : 0.0;
    const double compressed = s.compressedTiles, quarter = tiles - compressed;
    out.plan.connector = quarter * tokensPerTile * connectorTokenFlops(c, false) +
                         (c.flash ? compressed * c.tokensPerTileCompressed() * connectorTokenFlops(c, true) : 0.0);
    const double rows = double(s.textTokens) + s.visualTokens;
    const int firstCut = s.cuts.empty() ? layers : s.cuts.front().layer;
    out.plan.llmBeforeK = llmLayerFlops(c.llm, rows, firstCut);
    out.plan.llmAfterK = head;
    for (std::size_t i = 0; i < s.cuts.size(); ++i) {
        const int end = i + 1 < s.cuts.size() ? s.cuts[i + 1].layer : layers;
        out.plan.llmAfterK += llmLayerFlops(c.llm, double(s.textTokens) + s.cuts[i].visualTokens, end - s.cuts[i].layer);
    }
    return out;
}

} // namespace tokenscope
