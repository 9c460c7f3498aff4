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
    for (const QJsonValue &value : document.array()) {
        const QJsonObject entry = value.toObject();
        const QString path = images.filePath(entry.value(QLatin1String("file")).toString());
        if (entry.value(QLatin1String("file")).toString().isEmpty() || !QFileInfo::exists(path))
            continue;
        out.push_back({QFileInfo(path).absoluteFilePath(), entry.value(QLatin1String("title")).toString(),
                       entry.value(QLatin1String("question")).toString(), entry.value(QLatin1String("note")).toString()});
    }
    return out;
}

} // namespace tokenscope::widgets
