// SPDX-License-Identifier: MIT
#pragma once

// Pure QPainter drawing of an image with its compression plan, in layers the user toggles: every
// grid tile outlined and tinted by the router's decision (1/4 keeps resolution, 1/16 is
// compressed) with p(compress) in a corner when a router ran; the selected method's token scores
// as a heatmap; dropped tokens dimmed and hatched; merges as lines from each merged token to the
// kept token it joined. A legend strip under the image carries the thumbnail's decision (the
// thumbnail covers the whole image, so tinting it would hide the grid) and the heatmap's colour
// bar. Shared by the canvas and the exporters so both show the same picture.

#include "pipeline/compression_plan.h"

#include <QColor>
#include <QCoreApplication>
#include <QImage>
#include <QRectF>
#include <QSize>
#include <QStringList>

#include <utility>
#include <vector>

class QPainter;

namespace tokenscope::widgets {

// Which layers are drawn, and how strongly. Token layers show only grid tiles' tokens.
struct OverlayLayers {
    bool tiles = true;        // grid tinted by ratio, router probability labels
    bool heatmap = true;      // token scores (when the method produced any)
    bool dropped = true;      // dropped tokens dimmed and hatched
    bool merges = true;       // merged token -> the kept token it joined
    double opacity = 0.35;    // of the heatmap and the dimming, in [0, 1]: the image stays readable
    int highlightedToken = -1;   // outlined (hover or pin), index into plan.tokens
};

class OverlayPainter {
    Q_DECLARE_TR_FUNCTIONS(OverlayPainter)
public:
    struct Layout {
        QRectF image;      // the whole image, aspect kept (may extend past the viewport when zoomed)
        QRectF viewport;   // what image and layers are clipped to
        QRectF legend;     // under the viewport; empty without a plan
        double fontPx = 12;
    };

    // `plan` may be null (image only); image and plan must outlive the painter.
    OverlayPainter(const QImage &image, const CompressionPlan *plan, const OverlayLayers &layers = {});

    // Splits `bounds` into the image and the legend strip under it; the strip is at least
    // `legendFloor` high (so a canvas beside one with a taller legend puts its image level with it).
    Layout layout(const QRectF &bounds) const;
    Layout layout(const QRectF &bounds, double fontPx, double legendFloor = 0) const;
    // The legend strip's own height in `bounds` (0 without a plan).
    double legendHeight(const QRectF &bounds) const;
    void paint(QPainter &painter, const Layout &layout) const;
    void paint(QPainter &painter, const QRectF &bounds) const { paint(painter, layout(bounds)); }

    // Offscreen rendering for export: the image at `imageSize` (its own resolution when empty)
    // with the legend strip added below it.
    static QImage render(const QImage &image, const CompressionPlan *plan, const QSize &imageSize = {},
                         const OverlayLayers &layers = {});

    static QColor ratioColour(TileRatio ratio);
    // The scores' range over grid tokens; min == max when the method gave no scores.
    static std::pair<float, float> scoreRange(const CompressionPlan &plan);
    // Text size that stays legible without crowding a drawing of this size.
    static double fontPxFor(const QSizeF &size);
    // What the legend says, item by item (empty without a plan).
    QStringList legendTexts() const;

private:
    struct LegendItem {
        QString text;
        QColor swatch;           // invalid: no swatch
        bool colourBar = false;  // a heat ramp instead of a swatch
    };
    std::vector<LegendItem> legendItems() const;
    // Lays the items out left to right, wrapping at `width`; returns the strip's height and,
    // when `painter` is set, draws them into the strip starting at `origin`.
    double flowLegend(double width, double fontPx, QPainter *painter, const QPointF &origin) const;
    void paintTile(QPainter &painter, const TilePlan &tile, const QRectF &rect, double fontPx) const;
    void paintTokens(QPainter &painter, const QRectF &imageRect) const;
    void paintHighlight(QPainter &painter, const QRectF &imageRect) const;
    static void drawArrow(QPainter &painter, const QPointF &from, const QPointF &to, double head);
    bool heatmapShown() const;

    const QImage &m_image;
    const CompressionPlan *m_plan;
    OverlayLayers m_layers;
    std::pair<float, float> m_scores;
};

// Export resolution: the image's own, scaled up (aspect kept) when its longer side is under
// 800 px, so tile labels and the legend stay legible on small inputs.
QSize overlayExportSize(const QSize &imageSize);

} // namespace tokenscope::widgets
