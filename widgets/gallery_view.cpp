// SPDX-License-Identifier: MIT
#include "gallery_view.h"

#include <QFileInfo>
#include <QSignalBlocker>

#include <QIcon>
#include <QImageReader>
#include <QPixmap>

namespace tokenscope::widgets {

namespace {
constexpr int thumbnailPx = 72;
}

GalleryView::GalleryView(QWidget *parent) : QListWidget(parent)
{
    setIconSize(QSize(thumbnailPx, thumbnailPx));
    setSpacing(2);
    setUniformItemSizes(true);
    setWordWrap(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) { choose(row(item)); });
    connect(this, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) { choose(row(item)); });
    reload();
}

void GalleryView::reload()
{
    clear();
    QString error;
    m_images = galleryImages(&error);
    if (m_images.isEmpty()) {
        auto *note = new QListWidgetItem(error.isEmpty() ? tr("No demo images found.") : error, this);
        note->setFlags(Qt::NoItemFlags);
        return;
    }
    for (const GalleryImage &image : m_images) {
        QImageReader reader(image.path);
        const QSize size = reader.size();
        if (size.isValid())
            reader.setScaledSize(size.scaled(thumbnailPx, thumbnailPx, Qt::KeepAspectRatio));
        auto *item = new QListWidgetItem(QIcon(QPixmap::fromImage(reader.read())), image.title, this);
        item->setToolTip(QStringLiteral("%1\n%2\n\u201c%3\u201d").arg(image.title, image.note, image.question));
    }
}

void GalleryView::choose(int row)
{
    if (row < 0 || row >= m_images.size())
        return;
    Q_EMIT imageChosen(m_images[row].path, m_images[row].question);
}

void GalleryView::showCurrent(const QString &path)
{
    const QString shown = QFileInfo(path).canonicalFilePath();
    int row = -1;
    for (int i = 0; i < m_images.size() && row < 0; ++i)
        if (QFileInfo(m_images[i].path).canonicalFilePath() == shown)
            row = i;
    const QSignalBlocker block(this);   // highlighting is not choosing
    if (row >= 0)
        setCurrentRow(row);
    else
        clearSelection();
    if (row < 0)
        setCurrentItem(nullptr);
}

} // namespace tokenscope::widgets
