// SPDX-License-Identifier: MIT
#include "image_loader_p.h"

#include "common/error.h"
#include "image_conversion.h"

#include <QCoreApplication>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace tokenscope::widgets {

namespace {

DecodedImage decode(const QString &path)
{
    DecodedImage out;
    out.path = path;
    try {
        auto pixels = std::make_shared<RgbImage>(decodeImageFile(path.toStdString()));
        out.preview = toQImage(*pixels);
        out.pixels = std::move(pixels);
    } catch (const std::exception &e) {   // Error names the file; anything else is still one message
        out.error = QString::fromStdString(e.what());
    } catch (...) {
        out.error = QCoreApplication::translate("ImageLoader", "%1: could not be decoded").arg(path);
    }
    return out;
}

} // namespace

ImageLoader::ImageLoader(QObject *parent) : QObject(parent) {}

// Nothing to wait for: a running decode touches only its own future, never this object.
ImageLoader::~ImageLoader() = default;

quint64 ImageLoader::load(const QString &path)
{
    const quint64 generation = ++m_generation;
    ++m_running;
    // Superseded decodes run to the end (they are short) and are ignored in onFinished.
    auto *watcher = new QFutureWatcher<DecodedImage>(this);
    connect(watcher, &QFutureWatcher<DecodedImage>::finished, this,
            [this, watcher, generation] { onFinished(watcher, generation); });
    watcher->setFuture(QtConcurrent::run(decode, path));
    return generation;
}

void ImageLoader::onFinished(QFutureWatcher<DecodedImage> *watcher, quint64 generation)
{
    --m_running;
    watcher->deleteLater();
    if (generation != m_generation)
        return;
    DecodedImage result = watcher->result();
    if (!result.error.isEmpty()) {
        Q_EMIT failed(result.path, result.error);
        return;
    }
    m_current = std::move(result);
    Q_EMIT loaded(m_current.path, m_current.preview);
}

} // namespace tokenscope::widgets
