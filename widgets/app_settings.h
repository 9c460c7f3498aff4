// SPDX-License-Identifier: MIT
#pragma once

// What TokenScope remembers between runs, in QSettings (organisation and application names set
// by the app): recent model folders and images, the window's geometry and dock layout, the
// method, budget and layers, and the compute options. The layout carries a version: a layout
// saved by a build with other docks is ignored, not half-applied (Hotspot does the same).

#include "common/compute_options.h"
#include "overlay_painter.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QSettings;

namespace tokenscope::widgets {

enum class RecentKind { Model, Image };

struct MethodSettings {
    // A first start shows what compression does: the router, then the learned scorer keeping half
    // of what it sent (a model without a scorer falls back to the router alone).
    QString method = QStringLiteral("vir+visionselector");
    double budget = 0.5;
    bool live = true;
};

// The sweep form as it was last run or left.
struct SweepFormSettings {
    QString dataset;
    QStringList methods;
    QString budgets;
    int limit = 0;
    QString outDir;
};

class AppSettings {
public:
    static constexpr int layoutVersion = 1;
    static constexpr int maxRecent = 8;

    AppSettings();
    ~AppSettings();

    // Most recent first; paths that no longer exist are left out.
    QStringList recent(RecentKind kind) const;
    void addRecent(RecentKind kind, const QString &path);
    // The Inspect page's question when the window closed (the last image is recent(Image)[0]).
    QString lastQuestion() const;
    void setLastQuestion(const QString &question);

    QByteArray windowGeometry() const;
    // Empty when none was saved or it was saved for another layout version.
    QByteArray windowState() const;
    void saveWindow(const QByteArray &geometry, const QByteArray &state);

    // The left (main) canvas's method, or the right one's in compare mode.
    MethodSettings method(bool comparison = false) const;
    void setMethod(const MethodSettings &method, bool comparison = false);
    bool comparing() const;
    void setComparing(bool comparing);
    OverlayLayers layers() const;
    void setLayers(const OverlayLayers &layers);
    std::optional<ComputeOptions> compute() const;   // none saved yet
    void setCompute(const ComputeOptions &compute);
    std::optional<SweepFormSettings> sweepForm() const;   // none saved yet
    void setSweepForm(const SweepFormSettings &form);
    QString language() const;                        // "" = the system's
    void setLanguage(const QString &language);

    void sync();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace tokenscope::widgets
