// SPDX-License-Identifier: MIT
#pragma once

// The Inspect tab's drawing area: the main canvas and, in compare mode, a second one beside it,
// each under a caption naming its method and budget. The two show the same image in the same
// layers, and their zoom and pan are linked; files dropped on either are forwarded.

#include "overlay_painter.h"

#include <QWidget>

class QImage;
class QLabel;
class QSplitter;

namespace tokenscope::widgets {

class ImageCanvas;

class CanvasPair : public QWidget {
    Q_OBJECT
public:
    explicit CanvasPair(QWidget *parent = nullptr);

    ImageCanvas *primary() const { return m_primary; }
    ImageCanvas *secondary() const { return m_secondary; }

    void setComparing(bool comparing);   // shows the second canvas, at the first one's view
    bool isComparing() const { return m_comparing; }
    void setCaptions(const QString &primary, const QString &secondary);   // shown in compare mode only

    void setImage(const QImage &image);   // both canvases; clears their plans
    void setLayers(const OverlayLayers &layers);
    void clearPlans();

Q_SIGNALS:
    void imageFileDropped(const QString &path);
    void modelFolderDropped(const QString &path);

private:
    QWidget *pane(ImageCanvas *canvas, QLabel *caption);

    ImageCanvas *m_primary;
    ImageCanvas *m_secondary;
    QLabel *m_primaryCaption;
    QLabel *m_secondaryCaption;
    QWidget *m_secondaryPane;
    QSplitter *m_splitter;
    bool m_comparing = false;
};

} // namespace tokenscope::widgets
