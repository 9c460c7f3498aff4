// SPDX-License-Identifier: MIT
#include "demo_resources.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tokenscope::widgets {

namespace {
// The shipped gallery's titles and notes, so lupdate offers them for translation; entries a user
// adds to gallery.json show as written. (Questions stay English: the demo model reads English.)
[[maybe_unused]] const char *const kShippedGalleryTexts[] = {
    QT_TRANSLATE_NOOP("Gallery", "Synthetic task, 3×2 tiles"),
    QT_TRANSLATE_NOOP("Gallery", "the router keeps the two card tiles at 1/4 and sends the shape tiles at 1/16 (answer: lamp)"),
    QT_TRANSLATE_NOOP("Gallery", "Synthetic task, 5×1 tiles"),
    QT_TRANSLATE_NOOP("Gallery", "a wide image: five tiles in a row plus the thumbnail; the shape tile goes to 1/16 and keeps its colour (answer: purple)"),
    QT_TRANSLATE_NOOP("Gallery", "Rocket launch (photo)"),
    QT_TRANSLATE_NOOP("Gallery", "a real photograph: the demo model never saw one, so watch the routing, not the answer"),
    QT_TRANSLATE_NOOP("Gallery", "Astronaut (photo)"),
    QT_TRANSLATE_NOOP("Gallery", "a real portrait photograph"),
    QT_TRANSLATE_NOOP("Gallery", "Coffee cup (photo)"),
    QT_TRANSLATE_NOOP("Gallery", "a real photograph"),
    QT_TRANSLATE_NOOP("Gallery", "Cat (photo)"),
    QT_TRANSLATE_NOOP("Gallery", "Text (document)"),
    QT_TRANSLATE_NOOP("Gallery", "a scanned text image: dense detail for the router and the selectors"),
};
} // namespace

QString resourcesDir()
{
    QStringList candidates;
    if (const QString env = qEnvironmentVariable("TOKENSCOPE_RESOURCES"); !env.isEmpty())
        candidates << env;
    if (QCoreApplication::instance())
        candidates << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/tokenscope/resources"));
    candidates << QStringLiteral(TOKENSCOPE_SOURCE_RESOURCES);
    for (const QString &dir : candidates)
        if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("images/gallery.json"))))
            return QDir(dir).absolutePath();
    return {};
}

QString demoModelDir()
{
    const QString root = resourcesDir();
    const QString dir = QDir(root).filePath(QStringLiteral("models/demo"));
    return !root.isEmpty() && QFileInfo::exists(QDir(dir).filePath(QStringLiteral("config.json"))) ? dir : QString();
}

QVector<GalleryImage> galleryImages(QString *error)
{
    const QString root = resourcesDir();
    if (root.isEmpty()) {
        if (error)
            *error = QCoreApplication::translate("Gallery", "no resources folder found (set TOKENSCOPE_RESOURCES)");
        return {};
    }
    const QDir images(QDir(root).filePath(QStringLiteral("images")));
    QFile manifest(images.filePath(QStringLiteral("gallery.json")));
    QJsonParseError parse{};
    const QJsonDocument document =
        manifest.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(manifest.readAll(), &parse) : QJsonDocument();
    if (!document.isArray()) {
        if (error)
            *error = QCoreApplication::translate("Gallery", "%1: not a JSON array of images (%2)")
                         .arg(manifest.fileName(), parse.errorString());
        return {};
    }
    QVector<GalleryImage> out;
    const QJsonArray entries = document.array();
    for (const auto &value : entries) {   // const: iterating does not detach
        const QJsonObject entry = value.toObject();
        const QString path = images.filePath(entry.value(QLatin1String("file")).toString());
        if (entry.value(QLatin1String("file")).toString().isEmpty() || !QFileInfo::exists(path))
            continue;
        const QByteArray title = entry.value(QLatin1String("title")).toString().toUtf8();
        const QByteArray note = entry.value(QLatin1String("note")).toString().toUtf8();
        out.push_back({QFileInfo(path).absoluteFilePath(), QCoreApplication::translate("Gallery", title.constData()),
                       entry.value(QLatin1String("question")).toString(),
                       entry.value(QLatin1String("answer")).toString(),
                       QCoreApplication::translate("Gallery", note.constData())});
    }
    return out;
}

} // namespace tokenscope::widgets
