// SPDX-License-Identifier: MIT
#include "layer_panel.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include <cmath>

namespace tokenscope::widgets {

LayerPanel::LayerPanel(QWidget *parent)
    : QWidget(parent), m_tiles(new QCheckBox(tr("Tile grid (router)"), this)),
      m_heatmap(new QCheckBox(tr("Token scores"), this)), m_dropped(new QCheckBox(tr("Dropped tokens"), this)),
      m_merges(new QCheckBox(tr("Merges"), this)), m_opacity(new QSlider(Qt::Horizontal, this))
{
    m_tiles->setToolTip(tr("Tiles outlined and tinted by ratio: blue 1/4 (full), orange 1/16 (compressed)"));
    m_heatmap->setToolTip(tr("The method's per-token score (selector score, attention received, \u2026)"));
    m_dropped->setToolTip(tr("Tokens that do not reach the LLM, dimmed and hatched"));
    m_merges->setToolTip(tr("Lines from each merged token to the kept token it was merged into"));
    m_opacity->setRange(0, 100);
    m_opacity->setToolTip(tr("Opacity of the token layers"));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tiles, 0, 0);
    layout->addWidget(m_heatmap, 0, 1);
    layout->addWidget(m_dropped, 1, 0);
    layout->addWidget(m_merges, 1, 1);
    layout->addWidget(new QLabel(tr("Opacity:"), this), 2, 0);
    layout->addWidget(m_opacity, 2, 1);

    setLayers(OverlayLayers{});
    for (QCheckBox *box : {m_tiles, m_heatmap, m_dropped, m_merges})
        connect(box, &QCheckBox::toggled, this, &LayerPanel::emitChanged);
    connect(m_opacity, &QSlider::valueChanged, this, &LayerPanel::emitChanged);
}

OverlayLayers LayerPanel::layers() const
{
    OverlayLayers out;
    out.tiles = m_tiles->isChecked();
    out.heatmap = m_heatmap->isChecked();
    out.dropped = m_dropped->isChecked();
    out.merges = m_merges->isChecked();
    out.opacity = m_opacity->value() / 100.0;
    return out;
}

void LayerPanel::setLayers(const OverlayLayers &layers)
{
    {
        const QSignalBlocker a(m_tiles), b(m_heatmap), c(m_dropped), d(m_merges), e(m_opacity);
        m_tiles->setChecked(layers.tiles);
        m_heatmap->setChecked(layers.heatmap);
        m_dropped->setChecked(layers.dropped);
        m_merges->setChecked(layers.merges);
        m_opacity->setValue(static_cast<int>(std::lround(layers.opacity * 100)));
    }
    emitChanged();
}

void LayerPanel::emitChanged()
{
    Q_EMIT layersChanged(layers());
}

} // namespace tokenscope::widgets
