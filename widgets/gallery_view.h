// SPDX-License-Identifier: MIT
#pragma once

// The demo image gallery: thumbnails of resources/images (synthetic task images, photographs, a
// document) with their titles; clicking one opens it with its suggested question.

#include "demo_resources.h"

#include <QListWidget>

namespace tokenscope::widgets {

class GalleryView : public QListWidget {
    Q_OBJECT
public:
    explicit GalleryView(QWidget *parent = nullptr);

    // Loads the manifest and the thumbnails (small files, read once).
    void reload();
    const QVector<GalleryImage> &images() const { return m_images; }
    // Emits imageChosen for the image at `row`, as a click does.
    void choose(int row);
    // Highlights the gallery image at `path`, or none when the image shown is not one of them.
    void showCurrent(const QString &path);

Q_SIGNALS:
    void imageChosen(const QString &path, const QString &question);

private:
    QVector<GalleryImage> m_images;
};

} // namespace tokenscope::widgets
