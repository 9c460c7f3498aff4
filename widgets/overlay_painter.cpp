// SPDX-License-Identifier: MIT
#include "overlay_painter.h"

#include "colour_map_p.h"
#include "tile_geometry_p.h"

#include "model/router_rule.h"

#include <QBrush>
#include <QFont>
#include <QFontMetricsF>
#include <QLineF>
#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tokenscope::widgets {

namespace {

constexpr int fillAlpha = 70;   // light enough to still read the image underneath
const QColor labelBackground(0, 0, 0, 170);
const QColor legendBackground(32, 32, 36);
const QColor mergeColour(120, 255, 200, 200);   // the merge arrows and their legend swatch

QFont fontOfPixelSize(double px)
{
    QFont font;
    font.setPixelSize(std::max(1, static_cast<int>(std::lround(px))));
    return font;
}

// White text on a dark rounded box, anchored at a corner of `rect`.
void paintLabel(QPainter &painter, const QString &text, const QRectF &rect, Qt::Corner corner, double fontPx)
{
    painter.setFont(fontOfPixelSize(fontPx));
    const QFontMetricsF metrics(painter.font());
    const double pad = std::max(2.0, fontPx * 0.25);
    const QSizeF box(metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad);
    const double inset = std::max(2.0, fontPx * 0.3);
    QPointF topLeft;
    switch (corner) {
    case Qt::TopLeftCorner: topLeft = rect.topLeft() + QPointF(inset, inset); break;
    case Qt::TopRightCorner: topLeft = QPointF(rect.right() - inset - box.width(), rect.top() + inset); break;
    case Qt::BottomLeftCorner: topLeft = QPointF(rect.left() + inset, rect.bottom() - inset - box.height()); break;
    case Qt::BottomRightCorner: topLeft = rect.bottomRight() - QPointF(inset + box.width(), inset + box.height()); break;
    }
    const QRectF boxRect(topLeft, box);
    painter.setPen(Qt::NoPen);
    painter.setBrush(labelBackground);
    painter.drawRoundedRect(boxRect, pad, pad);
    painter.setPen(Qt::white);
    painter.drawText(boxRect, Qt::AlignCenter, text);
}

// Three decimals: the relative (quantile) threshold often splits tiles whose p differ only there.
QString probabilityText(double p)
{
    return QStringLiteral("p %1").arg(p, 0, 'f', 3);
}

} // namespace

OverlayPainter::OverlayPainter(const QImage &image, const CompressionPlan *plan, const OverlayLayers &layers)
    : m_image(image), m_plan(plan), m_layers(layers), m_scores(plan ? scoreRange(*plan) : std::pair(0.0f, 0.0f))
{
    m_layers.opacity = std::clamp(m_layers.opacity, 0.0, 1.0);
}

bool OverlayPainter::heatmapShown() const
{
    return m_layers.heatmap && m_scores.first < m_scores.second;
}

std::pair<float, float> OverlayPainter::scoreRange(const CompressionPlan &plan)
{
    float low = std::numeric_limits<float>::infinity(), high = -low;
    for (const VisualToken &token : plan.tokens) {
        if (plan.tiles[static_cast<std::size_t>(token.tile)].thumbnail || !std::isfinite(token.score))
            continue;
        low = std::min(low, token.score);
        high = std::max(high, token.score);
    }
    return low <= high ? std::pair(low, high) : std::pair(0.0f, 0.0f);
}

QColor OverlayPainter::ratioColour(TileRatio ratio)
{
    return ratio == TileRatio::Quarter ? QColor(46, 134, 222) : QColor(235, 120, 30);
}

double OverlayPainter::fontPxFor(const QSizeF &size)
{
    return std::clamp(std::min(size.width(), size.height()) / 40.0, 9.0, 14.0);
}

OverlayPainter::Layout OverlayPainter::layout(const QRectF &bounds) const
{
    return layout(bounds, fontPxFor(bounds.size()));
}

double OverlayPainter::legendHeight(const QRectF &bounds) const
{
    const bool withLegend = m_plan && !m_plan->tiles.empty();
    return withLegend ? flowLegend(bounds.width(), fontPxFor(bounds.size()), nullptr, {}) : 0.0;
}

OverlayPainter::Layout OverlayPainter::layout(const QRectF &bounds, double fontPx, double legendFloor) const
{
    Layout out;
    out.fontPx = fontPx;
    const bool withLegend = m_plan && !m_plan->tiles.empty();
    const double legendHeight =
        withLegend ? std::max(legendFloor, flowLegend(bounds.width(), fontPx, nullptr, {})) : legendFloor;
    out.viewport = bounds.adjusted(0, 0, 0, -legendHeight);
    out.image = fitImage(m_image.size(), out.viewport);
    if (withLegend && !out.image.isEmpty()) {
        // Right under the image, as wide as the bounds allow (it wraps at that width).
        out.legend = QRectF(bounds.left(), out.image.bottom(), bounds.width(), legendHeight);
        out.viewport.setBottom(out.image.bottom());
    }
    return out;
}

void OverlayPainter::paint(QPainter &painter, const Layout &layout) const
{
    if (m_image.isNull())
        return;
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF viewport = layout.viewport.isEmpty() ? layout.image : layout.viewport;
    painter.setClipRect(viewport);
    painter.drawImage(layout.image, m_image);
    if (m_plan) {
        paintTokens(painter, layout.image);
        const QSizeF imageSize = m_image.size();
        // Labels keep a readable size however far the view is zoomed in.
        if (m_layers.tiles)
            for (const TilePlan &tile : m_plan->tiles)
                if (!tile.thumbnail)
                    paintTile(painter, tile, mapImageRect(tile.sourceRect, imageSize, layout.image), layout.fontPx);
        paintHighlight(painter, layout.image);
        painter.setClipping(false);
        if (!layout.legend.isEmpty())
            flowLegend(layout.legend.width(), layout.fontPx, &painter, layout.legend.topLeft());
    }
    painter.restore();
}

void OverlayPainter::paintTile(QPainter &painter, const TilePlan &tile, const QRectF &rect, double fontPx) const
{
    const QColor colour = ratioColour(tile.ratio);
    QColor fill = colour;
    fill.setAlpha(fillAlpha);
    const double penWidth = std::clamp(std::min(rect.width(), rect.height()) / 60.0, 1.0, 3.0);
    // Inset by half the pen so neighbouring tiles' outlines sit side by side instead of overlapping.
    const QRectF inner = rect.adjusted(penWidth / 2, penWidth / 2, -penWidth / 2, -penWidth / 2);
    // Over a heatmap a tint would muddy the scores' colours: outline only.
    painter.setBrush(heatmapShown() ? QBrush(Qt::NoBrush) : QBrush(fill));
    painter.setPen(QPen(colour, penWidth));
    painter.drawRect(inner);

    const double labelPx = std::min(fontPx, rect.height() / 4.0);
    if (labelPx < 6)
        return;   // too small to read; the tooltip still tells
    paintLabel(painter, QStringLiteral("#%1 %2").arg(tile.index).arg(QString::fromLatin1(tileRatioName(tile.ratio))),
               inner, Qt::TopLeftCorner, labelPx);
    if (tile.compressProbability >= 0)
        paintLabel(painter, probabilityText(tile.compressProbability), inner, Qt::BottomRightCorner, labelPx);
}

void OverlayPainter::paintTokens(QPainter &painter, const QRectF &imageRect) const
{
    const QSizeF imageSize = m_image.size();
    const auto [low, high] = m_scores;
    const bool heatmap = heatmapShown();
    const int alpha = static_cast<int>(std::lround(255 * m_layers.opacity));
    auto gridToken = [this](const VisualToken &token) {
        return !m_plan->tiles[static_cast<std::size_t>(token.tile)].thumbnail;
    };
    painter.save();
    // Token cells are axis-aligned rectangles: antialiasing them only costs time (and blurs edges).
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(Qt::NoPen);
    if (heatmap)
        for (const VisualToken &token : m_plan->tokens) {
            if (!gridToken(token))
                continue;
            QColor colour = heatColour((token.score - low) / (high - low));
            colour.setAlpha(alpha);
            painter.fillRect(mapImageRect(token.sourceRect, imageSize, imageRect), colour);
        }
    if (m_layers.dropped) {
        // Dim enough to tell dropped from kept at a glance, not so much that the image is lost.
        const QColor dim(0, 0, 0, std::max(50, alpha * 2 / 3));
        const QBrush hatch(QColor(255, 255, 255, 80), Qt::BDiagPattern);
        for (const VisualToken &token : m_plan->tokens) {
            if (token.kept || !gridToken(token))
                continue;
            const QRectF rect = mapImageRect(token.sourceRect, imageSize, imageRect);
            painter.fillRect(rect, dim);
            painter.fillRect(rect, hatch);
        }
    }
    painter.restore();
    if (m_layers.merges) {
        painter.setPen(QPen(mergeColour, 1.2));
        for (const VisualToken &token : m_plan->tokens) {
            if (token.mergedInto < 0 || token.mergedInto >= static_cast<int>(m_plan->tokens.size()) || !gridToken(token))
                continue;
            const VisualToken &target = m_plan->tokens[static_cast<std::size_t>(token.mergedInto)];
            if (!gridToken(target))
                continue;
            const QRectF to = mapImageRect(target.sourceRect, imageSize, imageRect);
            // An arrowhead at the kept token says which way the merge went.
            const double head = std::clamp(std::min(to.width(), to.height()) * 0.3, 3.0, 8.0);
            drawArrow(painter, mapImageRect(token.sourceRect, imageSize, imageRect).center(), to.center(), head);
        }
        painter.setPen(Qt::NoPen);
    }
}

void OverlayPainter::drawArrow(QPainter &painter, const QPointF &from, const QPointF &to, double head)
{
    const QLineF line(from, to);
    if (line.length() < 1e-6)
        return;
    painter.drawLine(line);
    const QPointF back = (from - to) / line.length() * head;
    const QPointF side(-back.y() * 0.6, back.x() * 0.6);
    painter.drawLine(to, to + back + side);
    painter.drawLine(to, to + back - side);
}

void OverlayPainter::paintHighlight(QPainter &painter, const QRectF &imageRect) const
{
    const int index = m_layers.highlightedToken;
    if (index < 0 || index >= static_cast<int>(m_plan->tokens.size()))
        return;
    const QRectF rect = mapImageRect(m_plan->tokens[static_cast<std::size_t>(index)].sourceRect, m_image.size(), imageRect);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(Qt::black, 3));
    painter.drawRect(rect);
    painter.setPen(QPen(QColor(255, 230, 0), 1.5));
    painter.drawRect(rect);
}

std::vector<OverlayPainter::LegendItem> OverlayPainter::legendItems() const
{
    int quarter = 0, sixteenth = 0;
    const TilePlan *thumbnail = nullptr;
    for (const TilePlan &tile : m_plan->tiles) {
        if (tile.thumbnail)
            thumbnail = &tile;
        else
            ++(tile.ratio == TileRatio::Quarter ? quarter : sixteenth);
    }
    std::vector<LegendItem> items{
        {tr("1/4 full resolution: %n tile(s)", nullptr, quarter), ratioColour(TileRatio::Quarter)},
        {tr("1/16 compressed: %n tile(s)", nullptr, sixteenth), ratioColour(TileRatio::Sixteenth)},
    };
    if (thumbnail) {
        QString text = tr("thumbnail: %1").arg(QString::fromLatin1(tileRatioName(thumbnail->ratio)));
        if (thumbnail->compressProbability >= 0)
            text += QStringLiteral(", ") + probabilityText(thumbnail->compressProbability);
        items.push_back({text, ratioColour(thumbnail->ratio)});
    }
    // What "p" on each tile means, and the rule that turned it into the tile's ratio.
    std::vector<double> p;
    for (const TilePlan &tile : m_plan->tiles)
        if (tile.compressProbability >= 0)
            p.push_back(tile.compressProbability);
    if (!p.empty() && m_plan->routerRule)
        items.push_back({tr("p: the router's p(compress); 1/16 where p > %1 (quantile %2 of p) and p \u2265 %3")
                             .arg(linearQuantile(p, m_plan->routerRule->relative), 0, 'f', 3)
                             .arg(m_plan->routerRule->relative, 0, 'g', 3)
                             .arg(m_plan->routerRule->absolute, 0, 'g', 3),
                         {}});
    else if (!p.empty() && m_plan->targetBudget > 0)
        items.push_back({tr("p: the router's p(compress); 1/16 from the highest p down, to the budget"), {}});
    else if (!p.empty())
        items.push_back({tr("p: the router's p(compress), not used by this method"), {}});
    const double percent = 100.0 * m_plan->tokensSent / std::max(1, m_plan->tokensBeforeCompression);
    items.push_back({tr("visual tokens %1 / %2 (%3%)")
                         .arg(m_plan->tokensSent)
                         .arg(m_plan->tokensBeforeCompression)
                         .arg(percent, 0, 'f', 1),
                     {}});
    if (heatmapShown())
        items.push_back({tr("%1 score %2 \u2192 %3")
                             .arg(QString::fromStdString(m_plan->method))
                             .arg(double(m_scores.first), 0, 'g', 3)
                             .arg(double(m_scores.second), 0, 'g', 3),
                         {}, true});
    const bool anyDropped =
        std::any_of(m_plan->tokens.begin(), m_plan->tokens.end(), [](const VisualToken &t) { return !t.kept; });
    const QString method = QString::fromStdString(m_plan->method);
    if (m_layers.heatmap && !heatmapShown())
        items.push_back({anyDropped ? tr("no token scores: %1 does not rank tokens").arg(method)
                                    : tr("no token scores: %1 keeps every token of its tiles").arg(method),
                         {}});
    if (m_layers.dropped && anyDropped)
        items.push_back({tr("dropped: dimmed, hatched"), QColor(60, 60, 60)});
    const auto merged = std::count_if(m_plan->tokens.begin(), m_plan->tokens.end(),
                                      [](const VisualToken &t) { return t.mergedInto >= 0; });
    if (m_layers.merges && merged > 0)
        items.push_back(
            {tr("merged: %n dropped token(s) → the kept token each joined", nullptr, int(merged)), mergeColour});
    return items;
}

QStringList OverlayPainter::legendTexts() const
{
    QStringList texts;
    if (m_plan && !m_plan->tiles.empty())
        for (const LegendItem &item : legendItems())
            texts.push_back(item.text);
    return texts;
}

double OverlayPainter::flowLegend(double width, double fontPx, QPainter *painter, const QPointF &origin) const
{
    const QFont font = fontOfPixelSize(fontPx);
    const QFontMetricsF metrics(font);
    const double pad = fontPx * 0.6;
    const double swatch = metrics.height() * 0.7;
    const double lineHeight = metrics.height() * 1.3;
    const double gap = fontPx * 1.5;

    const std::vector<LegendItem> items = legendItems();
    if (painter) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(legendBackground);
        painter->drawRect(QRectF(origin, QSizeF(width, flowLegend(width, fontPx, nullptr, {}))));
        painter->setFont(font);
    }
    double x = pad, y = pad;
    for (const LegendItem &item : items) {
        const double swatchWidth = item.colourBar ? swatch * 5 : swatch;
        const double itemWidth = (item.swatch.isValid() || item.colourBar ? swatchWidth + pad * 0.6 : 0.0)
                                 + metrics.horizontalAdvance(item.text);
        if (x > pad && x + itemWidth > width - pad) {   // wrap
            x = pad;
            y += lineHeight;
        }
        if (painter) {
            double textX = origin.x() + x;
            const double centreY = origin.y() + y + lineHeight / 2;
            if (item.colourBar) {
                QLinearGradient ramp(textX, 0, textX + swatchWidth, 0);
                for (int i = 0; i <= 8; ++i)
                    ramp.setColorAt(i / 8.0, heatColour(i / 8.0));
                painter->setPen(QPen(Qt::white, 1));
                painter->setBrush(ramp);
                painter->drawRect(QRectF(textX, centreY - swatch / 2, swatchWidth, swatch));
                textX += swatchWidth + pad * 0.6;
            } else if (item.swatch.isValid()) {
                QColor fill = item.swatch;
                fill.setAlpha(200);
                painter->setPen(QPen(item.swatch, 1));
                painter->setBrush(fill);
                painter->drawRect(QRectF(textX, centreY - swatch / 2, swatch, swatch));
                textX += swatch + pad * 0.6;
            }
            painter->setPen(Qt::white);
            painter->drawText(QRectF(textX, origin.y() + y, width, lineHeight), Qt::AlignVCenter | Qt::AlignLeft,
                              item.text);
        }
        x += itemWidth + gap;
    }
    return y + lineHeight + pad;
}

QImage OverlayPainter::render(const QImage &image, const CompressionPlan *plan, const QSize &imageSize,
                              const OverlayLayers &layers)
{
    const QSize size = imageSize.isEmpty() ? image.size() : imageSize;
    if (size.isEmpty() || image.isNull())
        return {};
    const OverlayPainter overlay(image, plan, layers);
    const double fontPx = fontPxFor(size);
    const bool withLegend = plan && !plan->tiles.empty();
    const int legendHeight =
        withLegend ? static_cast<int>(std::ceil(overlay.flowLegend(size.width(), fontPx, nullptr, {}))) : 0;
    QImage out(size.width(), size.height() + legendHeight, QImage::Format_RGB32);
    out.fill(legendBackground);
    QPainter painter(&out);
    overlay.paint(painter, overlay.layout(QRectF(QPointF(0, 0), QSizeF(out.size())), fontPx));
    painter.end();
    return out;
}

QSize overlayExportSize(const QSize &imageSize)
{
    constexpr int minimumLongSide = 800;
    const int longSide = std::max(imageSize.width(), imageSize.height());
    if (imageSize.isEmpty() || longSide >= minimumLongSide)
        return imageSize;
    return imageSize.scaled(QSize(minimumLongSide, minimumLongSide), Qt::KeepAspectRatio);
}

} // namespace tokenscope::widgets
