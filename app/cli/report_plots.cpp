// SPDX-License-Identifier: MIT
// The one Qt-using part of the CLI: the sweep figures come from the widgets library's plots.
#include "report_plots.h"

#include "sweep_plots.h"
#include "training_curves.h"

#include <QApplication>

#include <cstdlib>
#include <filesystem>

namespace tokenscope::cli {

namespace {

bool hasValue(const char *variable)
{
    const char *value = std::getenv(variable);
    return value && *value;
}

bool drawOffscreenWithoutDisplay()
{
    const bool headless = !hasValue("DISPLAY") && !hasValue("WAYLAND_DISPLAY");
    if (headless)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    return headless;
}

// QCustomPlot needs a QApplication; a headless machine has no display, so it draws offscreen
// (decided before the application exists: members initialise in declaration order).
struct PlotApplication {
    bool headless = drawOffscreenWithoutDisplay();
    int argc = 1;
    char name[16] = "tokenscope-cli";
    char *argv[2] = {name, nullptr};
    QApplication app{argc, argv};
};

} // namespace

bool renderTrainingPlot(const std::vector<StageLog> &stages, const std::filesystem::path &png)
{
    PlotApplication app;
    widgets::renderTrainingCurves(stages, QString::fromStdString(png.string()));
    return true;
}

bool renderHeldOutPlot(const std::vector<StageLog> &stages, const std::filesystem::path &png)
{
    PlotApplication app;
    widgets::renderHeldOutCurves(stages, QString::fromStdString(png.string()));
    return true;
}

std::vector<std::filesystem::path> renderReportPlots(const std::vector<SummaryRow> &rows, const std::filesystem::path &dir)
{
    PlotApplication app;
    std::filesystem::create_directories(dir);
    QStringList written;
    widgets::renderSweepPlots(rows, QString::fromStdString(dir.string()), &written);
    std::vector<std::filesystem::path> files;
    for (const QString &file : written)
        files.emplace_back(file.toStdString());
    return files;
}

} // namespace tokenscope::cli
