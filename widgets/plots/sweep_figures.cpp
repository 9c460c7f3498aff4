// SPDX-License-Identifier: MIT
#include "sweep_figures.h"

#include "custom_plot.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace tokenscope::widgets {

namespace {

// Figure text in the workbench's language (English in the CLI, which installs no translation).
QString text(const char *source)
{
    return QCoreApplication::translate("SweepFigures", source);
}


// Okabe–Ito (distinguishable with the common colour-vision deficiencies), then darker extras.
// Black is reserved for the Pareto front.
const std::array<QColor, 10> kPalette{{
    QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115), QColor(204, 121, 167), QColor(230, 159, 0),
    QColor(86, 180, 233), QColor(120, 120, 120), QColor(140, 86, 75), QColor(148, 103, 189), QColor(188, 189, 34),
}};

// Shapes vary too, so series stay apart in greyscale prints and where colours repeat.
const std::array<QCPScatterStyle::ScatterShape, 6> kShapes{
    QCPScatterStyle::ssCircle, QCPScatterStyle::ssSquare, QCPScatterStyle::ssTriangle,
    QCPScatterStyle::ssDiamond, QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssCrossSquare};

// One method's rows (one metric's, when the sweep used several).
struct Series {
    QString name;
    QColor colour;
    QCPScatterStyle::ScatterShape shape;
    std::vector<const SummaryRow *> rows;
};

// Series in the rows' order (summarize's: "none" first, then alphabetical), so a method gets the
// same colour in every figure.
std::vector<Series> seriesOf(const std::vector<SummaryRow> &rows)
{
    std::set<std::string> metrics;
    for (const SummaryRow &row : rows)
        metrics.insert(row.metric);
    const bool severalMetrics = metrics.size() > 1;

    std::vector<Series> series;
    for (const SummaryRow &row : rows) {
        QString name = QString::fromStdString(row.method);
        if (severalMetrics)
            name += QStringLiteral(" (%1)").arg(QString::fromStdString(row.metric));
        auto it = std::find_if(series.begin(), series.end(), [&](const Series &s) { return s.name == name; });
        if (it == series.end()) {
            const std::size_t index = series.size();
            series.push_back({name, kPalette[index % kPalette.size()], kShapes[index % kShapes.size()], {}});
            it = series.end() - 1;
        }
        it->rows.push_back(&row);
    }
    return series;
}

QString metricLabel(const std::vector<SummaryRow> &rows)
{
    std::set<std::string> metrics;
    for (const SummaryRow &row : rows)
        metrics.insert(row.metric);
    return metrics.size() == 1 ? text(QT_TRANSLATE_NOOP("SweepFigures", "mean score (%1)")).arg(QString::fromStdString(*metrics.begin()))
                               : text(QT_TRANSLATE_NOOP("SweepFigures", "mean score"));
}

// Title, labelled axes and a legend in `legendCorner`, on a cleared plot.
void setUpPlot(QCustomPlot *plot, const QString &title, const QString &xLabel, const QString &yLabel,
               Qt::Alignment legendCorner)
{
    plot->clearPlottables();
    plot->clearItems();
    if (plot->plotLayout()->rowCount() > 1)   // the previous figure's title
        plot->plotLayout()->remove(plot->plotLayout()->element(0, 0));
    plot->plotLayout()->simplify();
    QFont base = plot->font();
    base.setPointSize(11);
    QFont labelFont = base;
    labelFont.setPointSize(12);
    QFont titleFont = base;
    titleFont.setPointSize(14);
    titleFont.setBold(true);

    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
        axis->setLabelFont(labelFont);
        axis->setTickLabelFont(base);
        axis->grid()->setSubGridVisible(true);
        axis->grid()->setSubGridPen(QPen(QColor(235, 235, 235)));
    }
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);

    plot->legend->setVisible(true);
    plot->legend->setFont(base);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, legendCorner);
}

QCPGraph *addSeriesGraph(QCustomPlot &plot, const Series &series, bool withLine)
{
    QCPGraph *graph = plot.addGraph();
    graph->setName(series.name);
    graph->setPen(QPen(series.colour, 2.0));
    graph->setLineStyle(withLine ? QCPGraph::lsLine : QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(series.shape, series.colour, series.colour, 9));
    return graph;
}

// Points of `series` as (x, y), finite ones only, sorted by x (QCPGraph keeps its data sorted by
// key, and error bars are matched to it by index).
struct Points {
    QVector<double> x, y;
    std::vector<const SummaryRow *> rows;
};

template <typename X, typename Y>
Points pointsOf(const Series &series, X xOf, Y yOf)
{
    std::vector<const SummaryRow *> rows;
    for (const SummaryRow *row : series.rows)
        if (std::isfinite(xOf(*row)) && std::isfinite(yOf(*row)))
            rows.push_back(row);
    std::stable_sort(rows.begin(), rows.end(), [&](const SummaryRow *a, const SummaryRow *b) { return xOf(*a) < xOf(*b); });
    Points points;
    for (const SummaryRow *row : rows) {
        points.x.push_back(xOf(*row));
        points.y.push_back(yOf(*row));
    }
    points.rows = std::move(rows);
    return points;
}

// Rescale to the data with a margin, so points do not sit on the frame (and a lone point gets a
// non-empty range).
// Scores are fractions: a score axis always shows [0, 1], so flat or near-equal scores are not
// blown up into a misleading slope.
void fitAxes(QCustomPlot &plot, bool hasData, bool scoreOnY = false)
{
    if (!hasData) {
        auto *note = new QCPItemText(&plot);
        note->position->setType(QCPItemPosition::ptAxisRectRatio);
        note->position->setCoords(0.5, 0.5);
        note->setText(text(QT_TRANSLATE_NOOP("SweepFigures", "no data")));
        note->setFont(QFont(plot.font().family(), 14));
        plot.legend->setVisible(false);
        return;
    }
    plot.rescaleAxes();
    if (scoreOnY)
        plot.yAxis->setRange(std::min(0.0, plot.yAxis->range().lower), std::max(1.0, plot.yAxis->range().upper));
    for (QCPAxis *axis : {plot.xAxis, plot.yAxis}) {
        const QCPRange range = axis->range();
        const double margin = range.size() > 0 ? range.size() * 0.06
                                               : (range.center() != 0 ? std::abs(range.center()) * 0.1 : 1.0);
        axis->setRange(range.lower - margin, range.upper + margin);
    }
}


// Positions of `subset` (pointers into `rows`) as indices into `rows`.
std::vector<std::size_t> rowIndices(const std::vector<SummaryRow> &rows, const std::vector<const SummaryRow *> &subset)
{
    std::vector<std::size_t> out;
    out.reserve(subset.size());
    for (const SummaryRow *row : subset)
        out.push_back(static_cast<std::size_t>(row - rows.data()));
    return out;
}

struct DrawnSeries {
    QCPGraph *graph;
    Series series;
    Points points;
};

// One graph per series with any finite (x, y) point, recorded in `figurePoints` for hit-testing.
template <typename X, typename Y>
std::vector<DrawnSeries> drawSeries(QCustomPlot *plot, const std::vector<SummaryRow> &rows, X xOf, Y yOf,
                                    bool withLine, FigurePoints &figurePoints)
{
    std::vector<DrawnSeries> drawn;
    for (const Series &series : seriesOf(rows)) {
        Points points = pointsOf(series, xOf, yOf);
        if (points.x.isEmpty())
            continue;
        QCPGraph *graph = addSeriesGraph(*plot, series, withLine);
        graph->setData(points.x, points.y, true);
        figurePoints.emplace_back(graph, rowIndices(rows, points.rows));
        drawn.push_back({graph, series, std::move(points)});
    }
    return drawn;
}

void scoreVsKept(QCustomPlot *plot, const std::vector<SummaryRow> &rows, FigurePoints &figurePoints)
{
    // Curves rise to the right and the full-token point sits bottom right: the legend goes top left.
    setUpPlot(plot, text(QT_TRANSLATE_NOOP("SweepFigures", "Score vs kept visual tokens")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "kept visual tokens (fraction of all visual tokens)")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "%1, 95% bootstrap interval")).arg(metricLabel(rows)),
              Qt::AlignTop | Qt::AlignLeft);
    const auto drawn = drawSeries(plot, rows, [](const SummaryRow &r) { return r.meanKeptFraction; },
                                  [](const SummaryRow &r) { return r.meanScore; }, true, figurePoints);
    for (const auto &[graph, series, points] : drawn) {
        QVector<double> below, above;
        for (const SummaryRow *row : points.rows) {
            below.push_back(std::isfinite(row->ciLow) ? row->meanScore - row->ciLow : 0.0);
            above.push_back(std::isfinite(row->ciHigh) ? row->ciHigh - row->meanScore : 0.0);
        }
        auto *bars = new QCPErrorBars(plot->xAxis, plot->yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(graph);
        bars->setData(below, above);
        bars->setPen(QPen(series.colour, 1.5));
        bars->setWhiskerWidth(8);
    }
    fitAxes(*plot, !drawn.empty(), /*scoreOnY=*/true);
}

void prefillVsBudget(QCustomPlot *plot, const std::vector<SummaryRow> &rows, FigurePoints &figurePoints)
{
    setUpPlot(plot, text(QT_TRANSLATE_NOOP("SweepFigures", "Prefill latency vs budget")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "token budget (fraction of visual tokens)")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "median prefill latency (ms)")), Qt::AlignTop | Qt::AlignLeft);
    const auto drawn = drawSeries(plot, rows, [](const SummaryRow &r) { return r.budget; },
                                  [](const SummaryRow &r) { return r.medianPrefillMs; }, true, figurePoints);
    fitAxes(*plot, !drawn.empty());
}

void pareto(QCustomPlot *plot, const std::vector<SummaryRow> &rows, FigurePoints &figurePoints)
{
    setUpPlot(plot, text(QT_TRANSLATE_NOOP("SweepFigures", "Quality–latency trade-off")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "median total latency per sample (ms)")), metricLabel(rows),
              Qt::AlignBottom | Qt::AlignRight);
    const auto total = [](const SummaryRow &r) { return r.medianTotalMs; };
    const auto score = [](const SummaryRow &r) { return r.meanScore; };
    QFont budgetFont = plot->font();
    budgetFont.setPointSize(8);

    const auto drawn = drawSeries(plot, rows, total, score, false, figurePoints);
    for (const auto &[graph, series, points] : drawn) {
        // Each point says its budget: the method is in the colour, the budget is not.
        for (int i = 0; i < points.x.size(); ++i) {
            auto *label = new QCPItemText(plot);
            label->position->setCoords(points.x[i], points.y[i]);
            label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
            label->setPadding(QMargins(6, 0, 0, 4));
            label->setText(QString::number(points.rows[std::size_t(i)]->budget, 'g', 4));
            label->setFont(budgetFont);
            label->setColor(series.colour.darker(130));
        }
    }

    // Step line through the front: from each front point, its score holds until the next
    // (slower, better) one — the best score reachable within that latency.
    QVector<double> frontX, frontY;
    for (std::size_t index : paretoFront(rows)) {
        frontX.push_back(rows[index].medianTotalMs);
        frontY.push_back(rows[index].meanScore);
    }
    if (!frontX.isEmpty()) {
        QCPGraph *front = plot->addGraph();
        front->setName(text(QT_TRANSLATE_NOOP("SweepFigures", "Pareto front")));
        front->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
        front->setLineStyle(QCPGraph::lsStepLeft);
        front->setData(frontX, frontY, true);
    }
    fitAxes(*plot, !drawn.empty(), /*scoreOnY=*/true);
}

} // namespace

FigurePoints drawSweepFigure(QCustomPlot *plot, SweepFigure figure, const std::vector<SummaryRow> &rows)
{
    FigurePoints points;
    switch (figure) {
    case SweepFigure::ScoreVsKept: scoreVsKept(plot, rows, points); break;
    case SweepFigure::PrefillVsBudget: prefillVsBudget(plot, rows, points); break;
    case SweepFigure::Pareto: pareto(plot, rows, points); break;
    }
    return points;
}

const char *sweepFigureStem(SweepFigure figure)
{
    switch (figure) {
    case SweepFigure::ScoreVsKept: return "score_vs_kept";
    case SweepFigure::PrefillVsBudget: return "prefill_vs_budget";
    case SweepFigure::Pareto: return "pareto";
    }
    return "figure";
}

} // namespace tokenscope::widgets
