// SPDX-License-Identifier: MIT
#include "image_canvas.h"

#include "dropped_path.h"
#include "tile_geometry_p.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLineF>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace tokenscope::widgets {

namespace {
constexpr int canvasMargin = 8;
constexpr double minZoom = 0.25;
constexpr double maxZoom = 64.0;
constexpr double zoomStep = 1.25;
constexpr double dragThresholdPx = 4.0;   // less than this between press and release is a click
}

ImageCanvas::ImageCanvas(QWidget *parent) : QWidget(parent)
{
    setAcceptDrops(true);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setBackgroundRole(QPalette::Dark);
    setAutoFillBackground(true);
    setFocusPolicy(Qt::WheelFocus);
}

void ImageCanvas::setImage(const QImage &image)
{
    m_image = image;
    m_plan.reset();
    m_pinned = -1;
    setHovered(-1);
    update();
    Q_EMIT legendChanged();
}

void ImageCanvas::setPlan(const CompressionPlan &plan)
{
    // The same image's tokens keep their indices across budgets, so a pin survives a new plan
    // of the same size (moving the slider) and is dropped otherwise.
    if (!m_plan || m_plan->tokens.size() != plan.tokens.size())
        m_pinned = -1;
    m_plan = plan;
    update();
    Q_EMIT legendChanged();
}

void ImageCanvas::clearPlan()
{
    m_plan.reset();
    m_pinned = -1;
    setHovered(-1);
    update();
    Q_EMIT legendChanged();
}

void ImageCanvas::setLayers(const OverlayLayers &layers)
{
    m_layers = layers;
    update();
    Q_EMIT legendChanged();
}

void ImageCanvas::setLegendPartner(const ImageCanvas *partner)
{
    m_legendPartner = partner;
    update();
}

double ImageCanvas::legendHeight() const
{
    const CompressionPlan *plan = m_plan ? &*m_plan : nullptr;
    return OverlayPainter(m_image, plan, m_layers).legendHeight(drawingBounds());
}

OverlayPainter::Layout ImageCanvas::fittedLayout() const
{
    const CompressionPlan *plan = m_plan ? &*m_plan : nullptr;
    const QRectF bounds = drawingBounds();
    const double floor = m_legendPartner && m_legendPartner->isVisible() ? m_legendPartner->legendHeight() : 0.0;
    return OverlayPainter(m_image, plan, m_layers).layout(bounds, OverlayPainter::fontPxFor(bounds.size()), floor);
}

void ImageCanvas::setView(double zoom, const QPointF &pan)
{
    zoom = std::clamp(zoom, minZoom, maxZoom);
    if (zoom == m_zoom && pan == m_pan)
        return;
    m_zoom = zoom;
    m_pan = pan;
    update();
    Q_EMIT viewChanged(m_zoom, m_pan);
}

void ImageCanvas::zoomBy(double factor, const QPointF &anchor)
{
    const QRectF before = imageRect();
    if (before.isEmpty())
        return;
    const double zoom = std::clamp(m_zoom * factor, minZoom, maxZoom);
    // The anchor's position inside the image, in [0, 1]², stays under the anchor.
    const QPointF inImage((anchor.x() - before.left()) / before.width(), (anchor.y() - before.top()) / before.height());
    const QRectF fitted = fittedRect();
    const QSizeF size = fitted.size() * zoom;
    const QPointF topLeft(anchor.x() - inImage.x() * size.width(), anchor.y() - inImage.y() * size.height());
    const QPointF centre = topLeft + QPointF(size.width() / 2, size.height() / 2);
    const QPointF offset = centre - fitted.center();
    setView(zoom, QPointF(offset.x() / fitted.width(), offset.y() / fitted.height()));
}

void ImageCanvas::fitToWindow()
{
    setView(1.0, {});
}

void ImageCanvas::zoomIn()
{
    zoomBy(zoomStep, QRectF(rect()).center());
}

void ImageCanvas::zoomOut()
{
    zoomBy(1.0 / zoomStep, QRectF(rect()).center());
}

QRectF ImageCanvas::drawingBounds() const
{
    return QRectF(rect()).adjusted(canvasMargin, canvasMargin, -canvasMargin, -canvasMargin);
}

OverlayLayers ImageCanvas::paintedLayers() const
{
    OverlayLayers layers = m_layers;
    layers.highlightedToken = m_pinned >= 0 ? m_pinned : m_hovered;
    if (isRawView()) {
        layers.tiles = layers.heatmap = layers.dropped = layers.merges = false;
        layers.highlightedToken = -1;
    }
    return layers;
}

void ImageCanvas::setRawView(bool raw)
{
    m_raw = raw;
    update();
}

void ImageCanvas::keyPressEvent(QKeyEvent *event)
{
    if (!holdSpace(event, true))
        QWidget::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent *event)
{
    if (!holdSpace(event, false))
        QWidget::keyReleaseEvent(event);
}

// Space held shows the raw image; true when `event` was that key.
bool ImageCanvas::holdSpace(const QKeyEvent *event, bool held)
{
    if (event->key() != Qt::Key_Space || event->isAutoRepeat())
        return false;
    m_spaceHeld = held;
    update();
    return true;
}

QRectF ImageCanvas::fittedRect() const
{
    return fittedLayout().image;
}

OverlayPainter::Layout ImageCanvas::viewLayout() const
{
    OverlayPainter::Layout layout = fittedLayout();
    // The legend sits right under the fitted image; zooming moves the image, not the legend.
    const QRectF fitted = layout.image;
    if (fitted.isEmpty())
        return layout;
    layout.viewport = QRectF(drawingBounds().topLeft(), QPointF(drawingBounds().right(), fitted.bottom()));
    const QSizeF size = fitted.size() * m_zoom;
    const QPointF centre = fitted.center() + QPointF(m_pan.x() * fitted.width(), m_pan.y() * fitted.height());
    layout.image = QRectF(centre - QPointF(size.width() / 2, size.height() / 2), size);
    return layout;
}

QRectF ImageCanvas::imageRect() const
{
    return viewLayout().image;
}

QRectF ImageCanvas::imageRectAt(const QPointF &pos) const
{
    if (!m_plan || m_image.isNull())
        return {};
    const OverlayPainter::Layout layout = viewLayout();   // once per hit-test: it runs on every mouse move
    return layout.viewport.contains(pos) ? layout.image : QRectF();
}

int ImageCanvas::tileIndexAt(const QPointF &pos) const
{
    const QRectF image = imageRectAt(pos);
    return image.isEmpty() ? -1 : widgets::tileIndexAt(*m_plan, m_image.size(), image, pos);
}

int ImageCanvas::tokenIndexAt(const QPointF &pos) const
{
    const QRectF image = imageRectAt(pos);
    return image.isEmpty() ? -1 : widgets::tokenIndexAt(*m_plan, m_image.size(), image, pos);
}

QString ImageCanvas::tileToolTip(int index) const
{
    if (!m_plan || index < 0 || index >= static_cast<int>(m_plan->tiles.size()))
        return {};
    const TilePlan &tile = m_plan->tiles[static_cast<std::size_t>(index)];
    const QString position = tile.thumbnail ? tr("thumbnail") : tr("column %1, row %2").arg(tile.col).arg(tile.row);
    const QString probability = tile.compressProbability >= 0 ? QString::number(tile.compressProbability, 'f', 3)
                                                              : tr("n/a (no router)");
    return tr("Tile %1 (%2)\nratio %3\np(compress) %4\ntokens %5")
        .arg(tile.index)
        .arg(position, QString::fromLatin1(tileRatioName(tile.ratio)), probability)
        .arg(tile.tokenCount);
}

QString ImageCanvas::tokenDescription(int index) const
{
    if (!m_plan || index < 0 || index >= static_cast<int>(m_plan->tokens.size()))
        return {};
    const VisualToken &token = m_plan->tokens[static_cast<std::size_t>(index)];
    QString state = token.kept ? tr("kept") : tr("dropped");
    if (token.mergedInto >= 0)
        state = tr("merged into token %1").arg(token.mergedInto);
    const TilePlan &tile = m_plan->tiles[static_cast<std::size_t>(token.tile)];
    return tr("Token %1 (tile %2 at %3, cell %4,%5) \u00b7 score %6 \u00b7 %7")
        .arg(index)
        .arg(token.tile)
        .arg(QString::fromLatin1(tileRatioName(tile.ratio)))
        .arg(token.gridX)
        .arg(token.gridY)
        .arg(double(token.score), 0, 'g', 4)
        .arg(state);
}

void ImageCanvas::setPinnedToken(int index)
{
    if (!m_plan || index < 0 || index >= static_cast<int>(m_plan->tokens.size()))
        index = -1;
    if (index == m_pinned)
        return;
    m_pinned = index;
    update();
    Q_EMIT tokenPinned(m_pinned);
}

void ImageCanvas::setHovered(int index)
{
    if (index == m_hovered)
        return;
    m_hovered = index;
    update();
    Q_EMIT tokenHovered(index);
}

QSize ImageCanvas::sizeHint() const
{
    return {720, 540};
}

QSize ImageCanvas::minimumSizeHint() const
{
    return {240, 180};
}

bool ImageCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int tile = tileIndexAt(help->pos());
        if (tile >= 0) {
            QString text = tileToolTip(tile);
            if (const int token = tokenIndexAt(help->pos()); token >= 0)
                text = tokenDescription(token) + QLatin1Char('\n') + text;
            QToolTip::showText(help->globalPos(), text, this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

void ImageCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (m_image.isNull()) {
        painter.setPen(palette().color(QPalette::BrightText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Drop an image or a model folder here\n(File \u2192 Open Image\u2026 or Open Model Folder\u2026)"));
        return;
    }
    const CompressionPlan *plan = m_plan ? &*m_plan : nullptr;
    OverlayPainter(m_image, plan, paintedLayers()).paint(painter, viewLayout());
}

void ImageCanvas::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0 || m_image.isNull()) {
        event->ignore();
        return;
    }
    zoomBy(std::pow(zoomStep, steps), event->position());
    event->accept();
}

void ImageCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressAt = event->position();
    m_lastDragAt = event->position();
    m_dragging = false;
}

void ImageCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (m_pressAt && (event->buttons() & Qt::LeftButton)) {
        if (!m_dragging && QLineF(*m_pressAt, event->position()).length() >= dragThresholdPx) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            const QRectF fitted = fittedRect();
            if (!fitted.isEmpty()) {
                const QPointF delta = event->position() - m_lastDragAt;
                setView(m_zoom, m_pan + QPointF(delta.x() / fitted.width(), delta.y() / fitted.height()));
            }
            m_lastDragAt = event->position();
            return;
        }
    }
    setHovered(tokenIndexAt(event->position()));
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressAt) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    if (!m_dragging) {
        const int token = tokenIndexAt(event->position());
        // The pin before a click that may begin a double-click (a second click within the
        // interval belongs to the same gesture).
        if (!m_lastClick.isValid() || m_lastClick.elapsed() > QApplication::doubleClickInterval())
            m_pinBeforeClick = m_pinned;
        m_lastClick.start();
        setPinnedToken(token == m_pinned ? -1 : token);
    }
    m_pressAt.reset();
    m_dragging = false;
    unsetCursor();
}

void ImageCanvas::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    // A double-click fits; the click that began it does not pin, nor does its last release.
    m_pressAt.reset();
    setPinnedToken(m_pinBeforeClick);
    fitToWindow();
}

void ImageCanvas::leaveEvent(QEvent *event)
{
    setHovered(-1);
    QWidget::leaveEvent(event);
}

void ImageCanvas::dragEnterEvent(QDragEnterEvent *event)
{
    if (classifyDrop(event->mimeData()).kind != DroppedPath::Kind::None)
        event->acceptProposedAction();
}

void ImageCanvas::dropEvent(QDropEvent *event)
{
    const DroppedPath dropped = classifyDrop(event->mimeData());
    switch (dropped.kind) {
    case DroppedPath::Kind::ImageFile:
        Q_EMIT imageFileDropped(dropped.path);
        break;
    case DroppedPath::Kind::ModelFolder:
        Q_EMIT modelFolderDropped(dropped.path);
        break;
    case DroppedPath::Kind::None:
        return;
    }
    event->acceptProposedAction();
}

} // namespace tokenscope::widgets
