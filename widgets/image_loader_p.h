// SPDX-License-Identifier: MIT
#pragma once

// Decodes image files off the GUI thread (a 50-megapixel photo takes a while) with the core's
// decoder, so the GUI shows exactly the pixels the engine will see. Only the latest request's
// outcome is delivered.

#include "image/image.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QString>

#include <memory>

namespace tokenscope::widgets {

struct DecodedImage {
    QString path;
    std::shared_ptr<const RgbImage> pixels;   // shared with every RunRequest made from it
    QImage preview;
    QString error;   // empty on success
};

class ImageLoader : public QObject {
    Q_OBJECT
public:
    explicit ImageLoader(QObject *parent = nullptr);
    ~ImageLoader() override;

    quint64 load(const QString &path);
    bool isBusy() const { return m_running > 0; }
    // The last successful result (valid after `loaded`).
    const DecodedImage &current() const { return m_current; }

Q_SIGNALS:
    void loaded(const QString &path, const QImage &preview);
    void failed(const QString &path, const QString &message);

private:
    void onFinished(QFutureWatcher<DecodedImage> *watcher, quint64 generation);

    quint64 m_generation = 0;
    int m_running = 0;
    DecodedImage m_current;
};

}   // namespace tokenscope::widgets
