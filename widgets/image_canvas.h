// SPDX-License-Identifier: MIT
#pragma once

// The image with its compression plan drawn over it (OverlayPainter), in a view the user zooms
// (wheel, about the cursor), pans (drag) and fits (double-click). Hovering names the token and
// tile under the cursor; a click pins that token (a second click on it unpins). Image files and
// model folders can be dropped on it. Two canvases link their views through viewChanged/setView.

#include "overlay_painter.h"
#include "pipeline/compression_plan.h"

#include <QElapsedTimer>
#include <QImage>
#include <QPointF>
#include <QWidget>

#include <optional>

namespace tokenscope::widgets {

class ImageCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ImageCanvas(QWidget *parent = nullptr);

    void setImage(const QImage &image);   // clears the plan and the pin; keeps the view
    void setPlan(const CompressionPlan &plan);
    void clearPlan();
    const QImage &image() const { return m_image; }
    const std::optional<CompressionPlan> &plan() const { return m_plan; }
    int tileCount() const { return m_plan ? static_cast<int>(m_plan->tiles.size()) : 0; }

    void setLayers(const OverlayLayers &layers);
    // The canvas beside this one (compare mode), or nullptr: while it is shown, both reserve the
    // taller of their two legends, so the two images sit level however long each legend is.
    void setLegendPartner(const ImageCanvas *partner);
    double legendHeight() const;   // its own legend strip's height at the current size
    // The image alone, no layers (the legend stays, so nothing moves): while Space is held over
    // the canvas, or from View → Show the Raw Image.
    void setRawView(bool raw);
    bool isRawView() const { return m_raw || m_spaceHeld; }
    const OverlayLayers &layers() const { return m_layers; }

    // View: zoom 1 fits the image; pan is the image centre's offset from the fitted centre, in
    // units of the fitted image's size (so a linked canvas of another size shows the same part).
    double zoom() const { return m_zoom; }
    QPointF pan() const { return m_pan; }
    void setView(double zoom, const QPointF &pan);
    void zoomBy(double factor, const QPointF &anchor);   // keeps the image point under `anchor` fixed

    QRectF imageRect() const;                   // where the image is drawn, in widget coordinates
    int tileIndexAt(const QPointF &pos) const;  // -1 outside every grid tile
    int tokenIndexAt(const QPointF &pos) const; // -1 outside every grid token
    QString tileToolTip(int index) const;
    QString tokenDescription(int index) const;  // index, tile, grid cell, score, kept, merge
    int hoveredToken() const { return m_hovered; }
    int pinnedToken() const { return m_pinned; }
    void setPinnedToken(int index);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void fitToWindow();
    void zoomIn();
    void zoomOut();

Q_SIGNALS:
    void imageFileDropped(const QString &path);
    void modelFolderDropped(const QString &path);
    void viewChanged(double zoom, const QPointF &pan);
    // -1 when the cursor leaves every token.
    void tokenHovered(int index);
    void tokenPinned(int index);
    void legendChanged();   // the plan, the image or the layers changed: the legend may differ

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    bool holdSpace(const QKeyEvent *event, bool held);
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QRectF drawingBounds() const;
    QRectF fittedRect() const;   // the image at zoom 1
    // Where the image is drawn, or an empty rect when `pos` is outside the part of it on screen.
    QRectF imageRectAt(const QPointF &pos) const;
    OverlayPainter::Layout viewLayout() const;
    OverlayLayers paintedLayers() const;
    OverlayPainter::Layout fittedLayout() const;   // at zoom 1, level with the partner's image
    void setHovered(int index);

    QImage m_image;
    std::optional<CompressionPlan> m_plan;
    OverlayLayers m_layers;
    double m_zoom = 1.0;
    QPointF m_pan;
    int m_hovered = -1;
    int m_pinned = -1;
    std::optional<QPointF> m_pressAt;   // a press that has not (yet) become a drag
    QPointF m_lastDragAt;
    bool m_dragging = false;
    int m_pinBeforeClick = -1;   // restored when the click turns out to start a double-click
    QElapsedTimer m_lastClick;
    bool m_raw = false;         // View → Show the Raw Image
    bool m_spaceHeld = false;   // Space held over the canvas
    const ImageCanvas *m_legendPartner = nullptr;
};

} // namespace tokenscope::widgets
