// SPDX-License-Identifier: MIT
#pragma once

// The compression plan: the central value type. The pipeline produces it, the GUI draws it, the
// sweep records it. Per tile: grid position, pixel rect, ratio, router probability; per visual
// token: tile, position in the tile's token grid, pixel rect, score, kept or not, merged-into.

#include "image/image.h"
#include "model/router_rule.h"
#include "model/tile_ratio.h"

#include <optional>
#include <string>
#include <vector>

namespace tokenscope {

struct TilePlan {
    int index = 0;
    int col = 0, row = 0;               // -1 for the thumbnail
    bool thumbnail = false;
    RectF sourceRect;                   // in original-image pixels
    TileRatio ratio = TileRatio::Quarter;
    double compressProbability = -1;    // ViR p(compress); -1 when no router ran
    int gridSide = 0;                   // the tile's token grid is gridSide × gridSide
    int firstToken = 0;                 // index of its first token in CompressionPlan::tokens
    int tokenCount = 0;
};

struct VisualToken {
    int tile = 0;
    int gridX = 0, gridY = 0;
    RectF sourceRect;
    float score = 0.0f;                 // method-specific (selector score, attention received…)
    bool kept = true;
    int mergedInto = -1;                // index of the kept token it was merged into, if any
};

enum class PositionPolicy { Contiguous, OriginalWithGaps };

struct CompressionPlan {
    std::string method = "none";
    double budget = 1.0;                // asked, as a fraction of tokensBeforeCompression
    std::vector<TilePlan> tiles;
    std::vector<VisualToken> tokens;    // the connector's output tokens, tile by tile
    int tokensBeforeCompression = 0;    // all tiles at 1/4
    int tokensSent = 0;                 // visual tokens that reach the LLM (kept + appended)
    int appendedTokens = 0;             // sent after the last kept token, made from dropped ones (PruMerge+)
    PositionPolicy positions = PositionPolicy::Contiguous;
    std::optional<RouterThresholds> routerRule;   // the thresholds ViR's rule applied (method "vir")
    double targetBudget = 0;                      // "ViR down to the budget": the share asked (sent may exceed it)

    int compressedTiles() const;
};

// Lays out tiles and tokens for the given per-tile ratios (tokens all kept). `fullSide` and
// `compressedSide` are the token-grid sides at 1/4 and 1/16 (16 and 8 for 448-px tiles).
CompressionPlan planForRatios(const TiledImage &image, const std::vector<TileRatio> &ratios,
                              const std::vector<double> &compressProbability, int fullSide, int compressedSide);

} // namespace tokenscope
