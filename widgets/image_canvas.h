// SPDX-License-Identifier: MIT
#pragma once

// The image, scaled to fit with its aspect kept, and the compression plan drawn over it
// (OverlayPainter). Hovering a tile tells its index, grid position, ratio, p(compress) and
// tokens; image files and model folders can be dropped on it.

#include "pipeline/compression_plan.h"

#include <QImage>
#include <QWidget>

#include <optional>

namespace tokenscope::widgets {

class ImageCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ImageCanvas(QWidget *parent = nullptr);

    void setImage(const QImage &image);   // clears the plan: it belonged to the previous image
    void setPlan(const CompressionPlan &plan);
    void clearPlan();

    const QImage &image() const { return m_image; }
    const std::optional<CompressionPlan> &plan() const { return m_plan; }
    int tileCount() const { return m_plan ? static_cast<int>(m_plan->tiles.size()) : 0; }

    QRectF imageRect() const;                  // where the image is drawn, in widget coordinates
    int tileIndexAt(const QPointF &pos) const; // -1 outside every grid tile
    QString tileToolTip(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void imageFileDropped(const QString &path);
    void modelFolderDropped(const QString &path);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QRectF drawingBounds() const;

    QImage m_image;
    std::optional<CompressionPlan> m_plan;
};

} // namespace tokenscope::widgets
