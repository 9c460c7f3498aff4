// SPDX-License-Identifier: MIT
// The one Qt-using part of the CLI: the sweep figures come from the widgets library's plots.
#include "report_plots.h"

#include "sweep_plots.h"

#include <QApplication>

#include <cstdlib>
#include <filesystem>

namespace tokenscope::cli {

std::vector<std::filesystem::path> renderReportPlots(const std::vector<SummaryRow> &rows, const std::filesystem::path &dir)
{
    // QCustomPlot needs a QApplication; a headless machine has no display, so draw offscreen.
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    int argc = 1;
    char name[] = "tokenscope-cli";
    char *argv[] = {name, nullptr};
    QApplication app(argc, argv);
    std::filesystem::create_directories(dir);
    QStringList written;
    widgets::renderSweepPlots(rows, QString::fromStdString(dir.string()), &written);
    std::vector<std::filesystem::path> files;
    for (const QString &file : written)
        files.emplace_back(file.toStdString());
    return files;
}

} // namespace tokenscope::cli
