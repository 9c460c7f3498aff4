// SPDX-License-Identifier: MIT
#pragma once

// Where a plan's tiles land on screen: TilePlan::sourceRect is in original-image pixels, the
// canvas and the exporter draw the image scaled into some target rectangle. One mapping for
// drawing and for hit-testing, so the tooltip always names the tile under the cursor.

#include "pipeline/compression_plan.h"

#include <QRectF>
#include <QSizeF>

namespace tokenscope::widgets {

// The largest rectangle of the image's aspect ratio centred in `bounds`.
QRectF fitImage(const QSizeF &imageSize, const QRectF &bounds);

// A rect in image pixels mapped into `target` (the rectangle the whole image is drawn in).
QRectF mapImageRect(const RectF &rect, const QSizeF &imageSize, const QRectF &target);

// Index (into plan.tiles) of the grid tile under `point`, or -1. The thumbnail covers the whole
// image, so it is never the answer.
int tileIndexAt(const CompressionPlan &plan, const QSizeF &imageSize, const QRectF &target, const QPointF &point);

// Index (into plan.tokens) of the grid tile's visual token under `point`, or -1 (thumbnail
// tokens cover the whole image coarsely and are never the answer).
int tokenIndexAt(const CompressionPlan &plan, const QSizeF &imageSize, const QRectF &target, const QPointF &point);

}   // namespace tokenscope::widgets
