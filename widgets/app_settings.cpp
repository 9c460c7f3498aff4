// SPDX-License-Identifier: MIT
#include "app_settings.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace tokenscope::widgets {

namespace {

QString recentKey(RecentKind kind)
{
    return kind == RecentKind::Model ? QStringLiteral("recent/models") : QStringLiteral("recent/images");
}

} // namespace

AppSettings::AppSettings() : m_settings(std::make_unique<QSettings>()) {}

AppSettings::~AppSettings() = default;

QStringList AppSettings::recent(RecentKind kind) const
{
    QStringList out;
    for (const QString &path : m_settings->value(recentKey(kind)).toStringList())
        if (QFileInfo::exists(path))
            out.push_back(path);
    return out;
}

void AppSettings::addRecent(RecentKind kind, const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = m_settings->value(recentKey(kind)).toStringList();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > maxRecent)
        list.removeLast();
    m_settings->setValue(recentKey(kind), list);
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(QStringLiteral("window/geometry")).toByteArray();
}

QByteArray AppSettings::windowState() const
{
    if (m_settings->value(QStringLiteral("window/layoutVersion")).toInt() != layoutVersion)
        return {};
    return m_settings->value(QStringLiteral("window/state")).toByteArray();
}

void AppSettings::saveWindow(const QByteArray &geometry, const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("window/geometry"), geometry);
    m_settings->setValue(QStringLiteral("window/state"), state);
    m_settings->setValue(QStringLiteral("window/layoutVersion"), layoutVersion);
}

std::optional<SweepFormSettings> AppSettings::sweepForm() const
{
    if (!m_settings->contains(QStringLiteral("sweep/methods")))
        return std::nullopt;
    SweepFormSettings form;
    form.dataset = m_settings->value(QStringLiteral("sweep/dataset")).toString();
    form.methods = m_settings->value(QStringLiteral("sweep/methods")).toStringList();
    form.budgets = m_settings->value(QStringLiteral("sweep/budgets")).toString();
    form.limit = m_settings->value(QStringLiteral("sweep/limit"), 0).toInt();
    form.outDir = m_settings->value(QStringLiteral("sweep/out")).toString();
    return form;
}

void AppSettings::setSweepForm(const SweepFormSettings &form)
{
    m_settings->setValue(QStringLiteral("sweep/dataset"), form.dataset);
    m_settings->setValue(QStringLiteral("sweep/methods"), form.methods);
    m_settings->setValue(QStringLiteral("sweep/budgets"), form.budgets);
    m_settings->setValue(QStringLiteral("sweep/limit"), form.limit);
    m_settings->setValue(QStringLiteral("sweep/out"), form.outDir);
}

QString AppSettings::lastQuestion() const
{
    return m_settings->value(QStringLiteral("inspect/question")).toString();
}

void AppSettings::setLastQuestion(const QString &question)
{
    m_settings->setValue(QStringLiteral("inspect/question"), question);
}

MethodSettings AppSettings::method(bool comparison) const
{
    const QString group = comparison ? QStringLiteral("compare/") : QStringLiteral("method/");
    MethodSettings out;
    if (comparison)
        out.method = QStringLiteral("vir+random");   // the same tokens, chosen at random
    out.method = m_settings->value(group + QStringLiteral("name"), out.method).toString();
    out.budget = m_settings->value(group + QStringLiteral("budget"), out.budget).toDouble();
    out.live = m_settings->value(group + QStringLiteral("live"), out.live).toBool();
    return out;
}

void AppSettings::setMethod(const MethodSettings &method, bool comparison)
{
    const QString group = comparison ? QStringLiteral("compare/") : QStringLiteral("method/");
    m_settings->setValue(group + QStringLiteral("name"), method.method);
    m_settings->setValue(group + QStringLiteral("budget"), method.budget);
    m_settings->setValue(group + QStringLiteral("live"), method.live);
}

bool AppSettings::comparing() const
{
    return m_settings->value(QStringLiteral("compare/on"), false).toBool();
}

void AppSettings::setComparing(bool comparing)
{
    m_settings->setValue(QStringLiteral("compare/on"), comparing);
}

OverlayLayers AppSettings::layers() const
{
    OverlayLayers out;
    out.tiles = m_settings->value(QStringLiteral("layers/tiles"), out.tiles).toBool();
    out.heatmap = m_settings->value(QStringLiteral("layers/heatmap"), out.heatmap).toBool();
    out.dropped = m_settings->value(QStringLiteral("layers/dropped"), out.dropped).toBool();
    out.merges = m_settings->value(QStringLiteral("layers/merges"), out.merges).toBool();
    out.opacity = m_settings->value(QStringLiteral("layers/opacity"), out.opacity).toDouble();
    return out;
}

void AppSettings::setLayers(const OverlayLayers &layers)
{
    m_settings->setValue(QStringLiteral("layers/tiles"), layers.tiles);
    m_settings->setValue(QStringLiteral("layers/heatmap"), layers.heatmap);
    m_settings->setValue(QStringLiteral("layers/dropped"), layers.dropped);
    m_settings->setValue(QStringLiteral("layers/merges"), layers.merges);
    m_settings->setValue(QStringLiteral("layers/opacity"), layers.opacity);
}

std::optional<ComputeOptions> AppSettings::compute() const
{
    if (!m_settings->contains(QStringLiteral("compute/device")))
        return std::nullopt;
    ComputeOptions out;
    // A value this build does not know (edited by hand, or from a newer build) keeps the default.
    if (auto device = parseDeviceKind(m_settings->value(QStringLiteral("compute/device")).toString().toStdString()))
        out.device = *device;
    if (auto dtype = parseComputeDType(m_settings->value(QStringLiteral("compute/dtype")).toString().toStdString()))
        out.dtype = *dtype;
    out.threads = std::max(0, m_settings->value(QStringLiteral("compute/threads"), 0).toInt());
    return out;
}

void AppSettings::setCompute(const ComputeOptions &compute)
{
    m_settings->setValue(QStringLiteral("compute/device"), QString::fromLatin1(deviceName(compute.device).data()));
    m_settings->setValue(QStringLiteral("compute/dtype"), QString::fromLatin1(dtypeName(compute.dtype).data()));
    m_settings->setValue(QStringLiteral("compute/threads"), compute.threads);
}

QString AppSettings::language() const
{
    return m_settings->value(QStringLiteral("ui/language")).toString();
}

void AppSettings::setLanguage(const QString &language)
{
    m_settings->setValue(QStringLiteral("ui/language"), language);
}

void AppSettings::sync()
{
    m_settings->sync();
}

} // namespace tokenscope::widgets
