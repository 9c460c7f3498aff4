// SPDX-License-Identifier: MIT
#include "image_canvas.h"

#include "dropped_path.h"
#include "overlay_painter.h"
#include "tile_geometry.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHelpEvent>
#include <QMimeData>
#include <QPainter>
#include <QToolTip>

namespace tokenscope::widgets {

namespace {
constexpr int canvasMargin = 8;
}

ImageCanvas::ImageCanvas(QWidget *parent) : QWidget(parent)
{
    setAcceptDrops(true);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setBackgroundRole(QPalette::Dark);
    setAutoFillBackground(true);
}

void ImageCanvas::setImage(const QImage &image)
{
    m_image = image;
    m_plan.reset();
    update();
}

void ImageCanvas::setPlan(const CompressionPlan &plan)
{
    m_plan = plan;
    update();
}

void ImageCanvas::clearPlan()
{
    m_plan.reset();
    update();
}

QRectF ImageCanvas::drawingBounds() const
{
    return QRectF(rect()).adjusted(canvasMargin, canvasMargin, -canvasMargin, -canvasMargin);
}

QRectF ImageCanvas::imageRect() const
{
    const CompressionPlan *plan = m_plan ? &*m_plan : nullptr;
    return OverlayPainter(m_image, plan).layout(drawingBounds()).image;
}

int ImageCanvas::tileIndexAt(const QPointF &pos) const
{
    if (!m_plan || m_image.isNull())
        return -1;
    return widgets::tileIndexAt(*m_plan, m_image.size(), imageRect(), pos);
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
        const int index = tileIndexAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), tileToolTip(index), this);
        else
            QToolTip::hideText();
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
    OverlayPainter(m_image, plan).paint(painter, drawingBounds());
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
