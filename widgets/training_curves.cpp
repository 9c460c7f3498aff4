// SPDX-License-Identifier: MIT
#include "training_curves.h"

#include "common/error.h"

#include "custom_plot.h"

#include <map>

namespace tokenscope::widgets {

namespace {

// What each stage minimises, then a second quantity worth watching beside it.
const std::map<std::string, std::vector<std::pair<std::string, QColor>>> kCurves{
    {"base", {{"ce", QColor(0, 114, 178)}, {"em", QColor(213, 94, 0)}}},
    {"vico", {{"kl", QColor(0, 114, 178)}, {"ce", QColor(213, 94, 0)}}},
    {"router", {{"bce", QColor(0, 114, 178)}, {"agreement", QColor(213, 94, 0)}}},
    {"selector", {{"ce", QColor(0, 114, 178)}, {"mask_bce", QColor(213, 94, 0)}}},
};

void addPanel(QCustomPlot &plot, const StageLog &log, int row, int col)
{
    auto *rect = new QCPAxisRect(&plot);
    plot.plotLayout()->addElement(row, col, rect);
    rect->axis(QCPAxis::atBottom)->setLabel(QString::fromStdString(log.stage) + " step");
    auto *legend = new QCPLegend;
    rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer("legend");
    const auto curves = kCurves.count(log.stage) ? kCurves.at(log.stage) : std::vector<std::pair<std::string, QColor>>{};
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

} // namespace

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
