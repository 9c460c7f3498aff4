// SPDX-License-Identifier: MIT
#include "pipeline/compression_plan.h"

#include <algorithm>
#include <stdexcept>

namespace tokenscope {

int CompressionPlan::compressedTiles() const
{
    return static_cast<int>(std::count_if(tiles.begin(), tiles.end(),
                                          [](const TilePlan &t) { return t.ratio == TileRatio::Sixteenth; }));
}

CompressionPlan planForRatios(const TiledImage &image, const std::vector<TileRatio> &ratios,
                              const std::vector<double> &compressProbability, int fullSide, int compressedSide)
{
    if (ratios.size() != image.tiles.size())
        throw std::invalid_argument("planForRatios: one ratio per tile expected");
    CompressionPlan plan;
    for (std::size_t i = 0; i < image.tiles.size(); ++i) {
        const TileInfo &info = image.tiles[i];
        TilePlan tile;
        tile.index = info.index;
        tile.col = info.col;
        tile.row = info.row;
        tile.thumbnail = info.thumbnail;
        tile.sourceRect = info.sourceRect;
        tile.ratio = ratios[i];
        tile.compressProbability = i < compressProbability.size() ? compressProbability[i] : -1.0;
        tile.gridSide = ratios[i] == TileRatio::Quarter ? fullSide : compressedSide;
        tile.firstToken = static_cast<int>(plan.tokens.size());
        tile.tokenCount = tile.gridSide * tile.gridSide;
        // Pixel shuffle keeps raster order: token (x, y) shows an equal share of the tile.
        const double w = info.sourceRect.width / tile.gridSide, h = info.sourceRect.height / tile.gridSide;
        for (int y = 0; y < tile.gridSide; ++y)
            for (int x = 0; x < tile.gridSide; ++x)
                plan.tokens.push_back({tile.index, x, y,
                                       RectF{info.sourceRect.x + x * w, info.sourceRect.y + y * h, w, h}});
        plan.tiles.push_back(tile);
        plan.tokensBeforeCompression += fullSide * fullSide;
    }
    plan.tokensSent = static_cast<int>(plan.tokens.size());
    plan.budget = plan.tokensBeforeCompression ? double(plan.tokensSent) / plan.tokensBeforeCompression : 1.0;
    return plan;
}

} // namespace tokenscope
