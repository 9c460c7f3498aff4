// SPDX-License-Identifier: MIT
#include "tile_geometry_p.h"

namespace tokenscope::widgets {

QRectF fitImage(const QSizeF &imageSize, const QRectF &bounds)
{
    if (imageSize.isEmpty() || bounds.isEmpty())
        return {};
    const QSizeF fitted = imageSize.scaled(bounds.size(), Qt::KeepAspectRatio);
    return QRectF(bounds.center() - QPointF(fitted.width() / 2, fitted.height() / 2), fitted);
}

QRectF mapImageRect(const RectF &rect, const QSizeF &imageSize, const QRectF &target)
{
    if (imageSize.isEmpty())
        return {};
    const double sx = target.width() / imageSize.width();
    const double sy = target.height() / imageSize.height();
    return QRectF(target.x() + rect.x * sx, target.y() + rect.y * sy, rect.width * sx, rect.height * sy);
}

int tileIndexAt(const CompressionPlan &plan, const QSizeF &imageSize, const QRectF &target, const QPointF &point)
{
    for (std::size_t i = 0; i < plan.tiles.size(); ++i) {
        const TilePlan &tile = plan.tiles[i];
        if (!tile.thumbnail && mapImageRect(tile.sourceRect, imageSize, target).contains(point))
            return static_cast<int>(i);
    }
    return -1;
}

int tokenIndexAt(const CompressionPlan &plan, const QSizeF &imageSize, const QRectF &target, const QPointF &point)
{
    const int tile = tileIndexAt(plan, imageSize, target, point);
    if (tile < 0)
        return -1;
    const TilePlan &t = plan.tiles[static_cast<std::size_t>(tile)];
    for (int i = t.firstToken; i < t.firstToken + t.tokenCount && i < static_cast<int>(plan.tokens.size()); ++i)
        if (mapImageRect(plan.tokens[static_cast<std::size_t>(i)].sourceRect, imageSize, target).contains(point))
            return i;
    return -1;
}

} // namespace tokenscope::widgets
