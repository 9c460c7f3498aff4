// SPDX-License-Identifier: MIT
#pragma once

// The picture Ctrl+E writes: each canvas's overlay with what produced it above (method and
// budget) and what it answered below; in compare mode both canvases side by side, as one image.

#include <QImage>
#include <QString>

#include <vector>

namespace tokenscope::widgets {

struct ExportPanel {
    QImage overlay;   // OverlayPainter::render: the image, its layers and the legend
    QString title;    // "vir+visionselector · budget 50%"
    QString answer;   // the model's answer on this canvas
};

// Panels left to right on white, top-aligned, each with its title and answer; null for no panels.
QImage composeExport(const std::vector<ExportPanel> &panels);

}   // namespace tokenscope::widgets
