// SPDX-License-Identifier: MIT
#pragma once

// The canvas's layer switches: tile grid, token heatmap, dropped tokens, merges, and one
// opacity for the token layers. Changes apply at once (drawing only, nothing re-runs).

#include "overlay_painter.h"

#include <QWidget>

class QCheckBox;
class QSlider;

namespace tokenscope::widgets {

class LayerPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayerPanel(QWidget *parent = nullptr);

    OverlayLayers layers() const;   // highlightedToken is the canvas's business: always -1 here
    void setLayers(const OverlayLayers &layers);

Q_SIGNALS:
    void layersChanged(const tokenscope::widgets::OverlayLayers &layers);

private:
    void emitChanged();

    QCheckBox *m_tiles;
    QCheckBox *m_heatmap;
    QCheckBox *m_dropped;
    QCheckBox *m_merges;
    QSlider *m_opacity;
};

} // namespace tokenscope::widgets
