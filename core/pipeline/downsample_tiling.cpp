// SPDX-License-Identifier: MIT
#include "pipeline/downsample_tiling.h"

namespace tokenscope {

int tiledTokenCount(int width, int height, const TilingOptions &options, int tokensPerTile)
{
    const int tiles = options.dynamic ? chooseTileGrid(width, height, options).count() : 1;
    return tokensPerTile * (tiles + (options.useThumbnail && tiles > 1 ? 1 : 0));
}

DownsampledTiling downsampleTiling(int width, int height, const TilingOptions &options, int tokensPerTile, double budget)
{
    DownsampledTiling out;
    out.fullTokens = tiledTokenCount(width, height, options, tokensPerTile);
    TilingOptions capped = options;
    for (int cap = options.maxTiles; cap >= options.minTiles; --cap) {
        capped.maxTiles = cap;
        out.maxTiles = cap;
        out.tokens = tiledTokenCount(width, height, capped, tokensPerTile);
        if (out.tokens <= budget * out.fullTokens + 1e-9)
            break;
    }
    return out;
}

} // namespace tokenscope
