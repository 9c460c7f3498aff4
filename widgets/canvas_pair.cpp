// SPDX-License-Identifier: MIT
#include "canvas_pair.h"

#include "image_canvas.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

namespace tokenscope::widgets {

CanvasPair::CanvasPair(QWidget *parent)
    : QWidget(parent), m_primary(new ImageCanvas(this)), m_secondary(new ImageCanvas(this)),
      m_primaryCaption(new QLabel(this)), m_secondaryCaption(new QLabel(this))
{
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(pane(m_primary, m_primaryCaption));
    m_secondaryPane = pane(m_secondary, m_secondaryCaption);
    splitter->addWidget(m_secondaryPane);
    splitter->setChildrenCollapsible(false);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    for (ImageCanvas *canvas : {m_primary, m_secondary}) {
        connect(canvas, &ImageCanvas::imageFileDropped, this, &CanvasPair::imageFileDropped);
        connect(canvas, &ImageCanvas::modelFolderDropped, this, &CanvasPair::modelFolderDropped);
    }
    // Linked views: setView ignores a view it already shows, so the two do not ping-pong.
    connect(m_primary, &ImageCanvas::viewChanged, m_secondary, &ImageCanvas::setView);
    connect(m_secondary, &ImageCanvas::viewChanged, m_primary, &ImageCanvas::setView);
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
    if (comparing)
        m_secondary->setView(m_primary->zoom(), m_primary->pan());
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
