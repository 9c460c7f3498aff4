// SPDX-License-Identifier: MIT
#pragma once

// Pure QPainter drawing of an image with its compression plan: every grid tile outlined and
// tinted by the router's decision (1/4 keeps resolution, 1/16 is compressed), p(compress) in a
// corner when a router ran, and a legend strip under the image that also carries the
// thumbnail's decision (the thumbnail covers the whole image, so tinting it would hide the
// grid). Shared by the canvas and the exporters so both show the same picture.

#include "pipeline/compression_plan.h"

#include <QColor>
#include <QCoreApplication>
#include <QImage>
#include <QRectF>
#include <QSize>

#include <vector>

class QPainter;

namespace tokenscope::widgets {

class OverlayPainter {
    Q_DECLARE_TR_FUNCTIONS(OverlayPainter)
public:
    struct Layout {
        QRectF image;    // the whole image, aspect kept
        QRectF legend;   // under the image; empty without a plan
        double fontPx = 12;
    };

    // `plan` may be null (image only); both must outlive the painter.
    OverlayPainter(const QImage &image, const CompressionPlan *plan);

    // Splits `bounds` into the image and the legend strip under it.
    Layout layout(const QRectF &bounds) const;
    Layout layout(const QRectF &bounds, double fontPx) const;
    void paint(QPainter &painter, const Layout &layout) const;
    void paint(QPainter &painter, const QRectF &bounds) const { paint(painter, layout(bounds)); }

    // Offscreen rendering for export: the image at `imageSize` (its own resolution when empty)
    // with the legend strip added below it.
    static QImage render(const QImage &image, const CompressionPlan *plan, const QSize &imageSize = {});

    static QColor ratioColour(TileRatio ratio);
    // Text size that stays legible without crowding a drawing of this size.
    static double fontPxFor(const QSizeF &size);

private:
    struct LegendItem {
        QString text;
        QColor swatch;   // invalid: no swatch
    };
    std::vector<LegendItem> legendItems() const;
    // Lays the items out left to right, wrapping at `width`; returns the strip's height and,
    // when `painter` is set, draws them into the strip starting at `origin`.
    double flowLegend(double width, double fontPx, QPainter *painter, const QPointF &origin) const;
    void paintTile(QPainter &painter, const TilePlan &tile, const QRectF &rect, double fontPx) const;

    const QImage &m_image;
    const CompressionPlan *m_plan;
};

// Export resolution: the image's own, scaled up (aspect kept) when its longer side is under
// 800 px, so tile labels and the legend stay legible on small inputs.
QSize overlayExportSize(const QSize &imageSize);

} // namespace tokenscope::widgets
