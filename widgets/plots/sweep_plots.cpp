// SPDX-License-Identifier: MIT
#include "sweep_plots.h"

#include "common/error.h"
#include "sweep_figures.h"

#include "custom_plot.h"

#include <QDir>

namespace tokenscope::widgets {

namespace {

constexpr int kWidth = 900;
constexpr int kHeight = 600;

void save(QCustomPlot &plot, const QDir &dir, const QString &stem, QStringList *written)
{
    const QString png = dir.filePath(stem + QLatin1String(".png"));
    if (!plot.savePng(png, kWidth, kHeight))
        throw Error(png.toStdString(), "cannot write PNG");
    const QString pdf = dir.filePath(stem + QLatin1String(".pdf"));
    if (!plot.savePdf(pdf, kWidth, kHeight))
        throw Error(pdf.toStdString(), "cannot write PDF");
    if (written)
        *written << png << pdf;
}

} // namespace

void renderSweepPlots(const std::vector<tokenscope::SummaryRow> &rows, const QString &outDir, QStringList *written,
                      const std::map<SweepFigure, QSet<QString>> &hidden)
{
    if (!QDir().mkpath(outDir))
        throw Error(outDir.toStdString(), "cannot create the plot directory");
    const QDir dir(outDir);
    for (SweepFigure figure : {SweepFigure::ScoreVsKept, SweepFigure::PrefillVsBudget, SweepFigure::Pareto}) {
        QCustomPlot plot;
        plot.resize(kWidth, kHeight);
        drawSweepFigure(&plot, figure, rows);
        if (const auto off = hidden.find(figure); off != hidden.end())
            showSeries(&plot, off->second, HiddenSeries::Dropped);
        save(plot, dir, QString::fromLatin1(sweepFigureStem(figure)), written);
    }
}

} // namespace tokenscope::widgets
