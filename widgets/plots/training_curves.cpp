// SPDX-License-Identifier: MIT
#include "training_curves.h"

#include "common/error.h"

#include "custom_plot.h"

#include <map>

namespace tokenscope::widgets {

namespace {

// What each stage minimises, then a second quantity worth watching beside it.
std::vector<std::pair<std::string, QColor>> curvesOf(const std::string &stage)
{
    const QColor first(0, 114, 178), second(213, 94, 0);
    if (stage == "base")
        return {{"ce", first}, {"em", second}};
    if (stage == "vico")
        return {{"kl", first}, {"ce", second}};
    if (stage == "router")
        return {{"bce", first}, {"agreement", second}};
    if (stage == "selector")
        return {{"ce", first}, {"mask_bce", second}};
    return {};
}

void addPanel(QCustomPlot &plot, const StageLog &log, int row, int col)
{
    auto *rect = new QCPAxisRect(&plot);
    plot.plotLayout()->addElement(row, col, rect);
    rect->axis(QCPAxis::atBottom)->setLabel(QString::fromStdString(log.stage) + QLatin1String(" step"));
    auto *legend = new QCPLegend;
    rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer(QStringLiteral("legend"));
    const auto curves = curvesOf(log.stage);
    // The objective on the left axis, the quantity beside it on the right: their scales differ.
    const QCPAxis::AxisType sides[] = {QCPAxis::atLeft, QCPAxis::atRight};
    for (std::size_t i = 0; i < curves.size() && i < 2; ++i) {
        const auto &[key, colour] = curves[i];
        QVector<double> x, y;
        for (const TrainLogEntry &e : log.entries)
            if (auto it = e.values.find(key); it != e.values.end()) {
                x.push_back(e.step);
                y.push_back(it->second);
            }
        if (x.isEmpty())
            continue;
        QCPAxis *value = rect->axis(sides[i]);
        value->setVisible(true);
        value->setLabel(QString::fromStdString(key));
        value->setLabelColor(colour);
        auto *graph = plot.addGraph(rect->axis(QCPAxis::atBottom), value);
        graph->setData(x, y);
        graph->setPen(QPen(colour, 2));
        graph->setName(QString::fromStdString(key));
        graph->rescaleAxes();
        legend->addItem(new QCPPlottableLegendItem(legend, graph));
    }
}

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const QColor kCategoryColours[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115), QColor(204, 121, 167),
                                   QColor(230, 159, 0),  QColor(86, 180, 233), QColor(0, 0, 0),     QColor(240, 228, 66)};

constexpr const char *kHeldOutPrefix = "val_full_em/";

// Per category: (step, exact match) points in step order, ending with the finished stage's
// evaluation on all its held-out images when it has one.
std::map<std::string, std::pair<QVector<double>, QVector<double>>> heldOutSeries(const StageLog &log)
{
    std::map<std::string, std::pair<QVector<double>, QVector<double>>> series;
    const std::string prefix = kHeldOutPrefix;
    const auto add = [&](const std::string &category, int step, double value) {
        auto &[x, y] = series[category];
        if (!x.isEmpty() && x.back() == step) {   // the final evaluation replaces the last periodic one
            y.back() = 100 * value;
            return;
        }
        x.push_back(step);
        y.push_back(100 * value);
    };
    for (const TrainLogEntry &e : log.entries)
        for (const auto &[key, value] : e.values)
            if (key.rfind(prefix, 0) == 0)
                add(key.substr(prefix.size()), e.step, value);
    const std::string finalPrefix = prefix.substr(4);   // "full_em/": train-state.json drops "val_"
    for (const auto &[key, value] : log.finalValidation.values)
        if (key.rfind(finalPrefix, 0) == 0)
            add(key.substr(finalPrefix.size()), log.finalValidation.step, value);
    return series;
}

// "base3 (base stage)": the folder names the run, the kind says what it trained.
QString panelTitle(const StageLog &log)
{
    if (log.name.empty() || log.name == log.stage)
        return QString::fromStdString(log.stage) + QStringLiteral(" stage");
    return QString::fromStdString(log.name) + QStringLiteral(" (") + QString::fromStdString(log.stage) + QStringLiteral(" stage)");
}

void addHeldOutPanel(QCustomPlot &plot, const StageLog &log, int row, int col)
{
    // The stage's name above, the legend to the right of the axes: the curves fill the panel.
    auto *panel = new QCPLayoutGrid;
    plot.plotLayout()->addElement(row, col, panel);
    auto *rect = new QCPAxisRect(&plot);
    auto *legend = new QCPLegend;
    panel->addElement(0, 0, new QCPTextElement(&plot, panelTitle(log), QFont(plot.font().family(), -1, QFont::Bold)));
    panel->addElement(1, 0, rect);
    panel->addElement(1, 1, legend);
    panel->setColumnStretchFactors({4, 1});
    panel->setRowStretchFactors({0.01, 1});
    legend->setLayer(QStringLiteral("legend"));
    rect->axis(QCPAxis::atBottom)->setLabel(QStringLiteral("step"));
    rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("held-out exact match (%)"));
    rect->axis(QCPAxis::atLeft)->setRange(0, 100);
    int i = 0;
    double first = 0, last = 1;
    for (const auto &[category, points] : heldOutSeries(log)) {
        auto *graph = plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        graph->setData(points.first, points.second);
        graph->setPen(QPen(kCategoryColours[i++ % std::size(kCategoryColours)], 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
        graph->setName(QString::fromStdString(category));
        legend->addItem(new QCPPlottableLegendItem(legend, graph));
        first = i == 1 ? points.first.front() : std::min(first, points.first.front());
        last = std::max(last, points.first.back());
    }
    rect->axis(QCPAxis::atBottom)->setRange(0, last + (last - first) * 0.02);
}

} // namespace

void renderHeldOutCurves(const std::vector<StageLog> &stages, const QString &png)
{
    std::vector<const StageLog *> evaluated;
    for (const StageLog &log : stages)
        if (!heldOutSeries(log).empty())
            evaluated.push_back(&log);
    if (evaluated.empty())
        throw Error(png.toStdString(), "not drawn: no stage logged held-out evaluations (train --eval-every N --val FILE)");
    QCustomPlot plot;
    plot.setAutoAddPlottableToLegend(false);
    plot.plotLayout()->clear();
    const int cols = evaluated.size() > 1 ? 2 : 1;
    for (std::size_t i = 0; i < evaluated.size(); ++i)
        addHeldOutPanel(plot, *evaluated[i], int(i) / cols, int(i) % cols);
    const int rows = (int(evaluated.size()) + cols - 1) / cols;
    if (!plot.savePng(png, 640 * cols, 340 * rows))
        throw Error(png.toStdString(), "cannot write PNG");
}

void renderTrainingCurves(const std::vector<StageLog> &stages, const QString &png)
{
    QCustomPlot plot;
    plot.setAutoAddPlottableToLegend(false);
    plot.plotLayout()->clear();
    const int cols = stages.size() > 1 ? 2 : 1;
    for (std::size_t i = 0; i < stages.size(); ++i)
        addPanel(plot, stages[i], int(i) / cols, int(i) % cols);
    const int rows = (int(stages.size()) + cols - 1) / cols;
    if (!plot.savePng(png, 500 * cols, 340 * std::max(rows, 1)))
        throw Error(png.toStdString(), "cannot write PNG");
}

} // namespace tokenscope::widgets
