// SPDX-License-Identifier: MIT
#include "canvas_pair.h"

#include "image_canvas.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace tokenscope::widgets {

CanvasPair::CanvasPair(QWidget *parent)
    : QWidget(parent), m_primary(new ImageCanvas(this)), m_secondary(new ImageCanvas(this)),
      m_primaryCaption(new QLabel(this)), m_secondaryCaption(new QLabel(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this))
{
    m_splitter->addWidget(pane(m_primary, m_primaryCaption));
    m_secondaryPane = pane(m_secondary, m_secondaryCaption);
    m_splitter->addWidget(m_secondaryPane);
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    for (ImageCanvas *canvas : {m_primary, m_secondary}) {
        connect(canvas, &ImageCanvas::imageFileDropped, this, &CanvasPair::imageFileDropped);
        connect(canvas, &ImageCanvas::modelFolderDropped, this, &CanvasPair::modelFolderDropped);
    }
    // Linked views: setView ignores a view it already shows, so the two do not ping-pong.
    connect(m_primary, &ImageCanvas::viewChanged, m_secondary, &ImageCanvas::setView);
    connect(m_secondary, &ImageCanvas::viewChanged, m_primary, &ImageCanvas::setView);
    // Level images: each reserves the other's legend height, so one's legend change moves both.
    m_primary->setLegendPartner(m_secondary);
    m_secondary->setLegendPartner(m_primary);
    connect(m_primary, &ImageCanvas::legendChanged, m_secondary, qOverload<>(&QWidget::update));
    connect(m_secondary, &ImageCanvas::legendChanged, m_primary, qOverload<>(&QWidget::update));
    setComparing(false);
}

QWidget *CanvasPair::pane(ImageCanvas *canvas, QLabel *caption)
{
    auto *widget = new QWidget(this);
    auto *layout = new QVBoxLayout(widget);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    caption->setAlignment(Qt::AlignCenter);
    caption->setStyleSheet(QStringLiteral("QLabel { font-weight: bold; padding: 2px; }"));
    layout->addWidget(caption);
    layout->addWidget(canvas, 1);
    return widget;
}

void CanvasPair::setComparing(bool comparing)
{
    m_comparing = comparing;
    m_secondaryPane->setVisible(comparing);
    m_primaryCaption->setVisible(comparing);
    if (comparing) {
        // Two halves of one width: with linked views, equal canvases show the same part alike.
        const int half = std::max(1, m_splitter->width() / 2);
        m_splitter->setSizes({half, half});
        m_secondary->setView(m_primary->zoom(), m_primary->pan());
    }
}

void CanvasPair::setCaptions(const QString &primary, const QString &secondary)
{
    m_primaryCaption->setText(primary);
    m_secondaryCaption->setText(secondary);
}

void CanvasPair::setImage(const QImage &image)
{
    m_primary->setImage(image);
    m_secondary->setImage(image);
}

void CanvasPair::setLayers(const OverlayLayers &layers)
{
    m_primary->setLayers(layers);
    m_secondary->setLayers(layers);
}

void CanvasPair::clearPlans()
{
    m_primary->clearPlan();
    m_secondary->clearPlan();
}

} // namespace tokenscope::widgets
