// SPDX-License-Identifier: MIT
#pragma once

// The downsampling baseline: reach a token budget by giving the image fewer tiles (a smaller
// image at the encoder's resolution) instead of choosing tokens. VTC-Bench (arXiv 2510.07143)
// found that plain downsampling beats many token-compression methods; on InternVL the way to
// hand the encoder fewer pixels is a lower tile cap (max_dynamic_patch), because its dynamic
// tiling picks the grid by aspect ratio, not by image size.

#include "image/image.h"

namespace tokenscope {

struct DownsampledTiling {
    int maxTiles = 1;      // the tile cap that reaches the budget
    int tokens = 0;        // visual tokens at that cap (every tile at 1/4, the thumbnail included)
    int fullTokens = 0;    // visual tokens at the model's own cap
};

// Visual tokens of a `width` × `height` image tiled with `options`: tokensPerTile per tile, plus
// the thumbnail when there is more than one tile.
int tiledTokenCount(int width, int height, const TilingOptions &options, int tokensPerTile);

// The largest cap in [options.minTiles, options.maxTiles] whose token count is at most
// budget × the count at options.maxTiles; the smallest cap when none is (the budget is a ceiling
// that a coarse step may undershoot: one tile cannot be split).
DownsampledTiling downsampleTiling(int width, int height, const TilingOptions &options, int tokensPerTile, double budget);

} // namespace tokenscope
