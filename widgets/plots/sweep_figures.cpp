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

// Okabe–Ito (distinguishable with the common colour-vision deficiencies), without its yellow (too
// light on white) and black (the Pareto front and the full-token reference).
const std::array<QColor, 7> kPalette{{
    QColor(0, 114, 178),
    QColor(213, 94, 0),
    QColor(0, 158, 115),
    QColor(204, 121, 167),
    QColor(230, 159, 0),
    QColor(86, 180, 233),
    QColor(120, 120, 120),
}};

// Shapes vary too, so series stay apart in greyscale prints. Series i takes colour i mod 7 and
// shape (i + 2·(i div 7)) mod 6: a colour's second series gets a shape of another family, and no
// two of the first 14 series share both.
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
            series.push_back({name,
                              kPalette[index % kPalette.size()],
                              kShapes[(index + 2 * (index / kPalette.size())) % kShapes.size()],
                              {}});
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

// Title, labelled axes and the legend under the axes (outside the data, wrapping into as many
// columns as fit), on a cleared plot.
void setUpPlot(QCustomPlot *plot, const QString &title, const QString &xLabel, const QString &yLabel)
{
    plot->clearPlottables();
    plot->clearItems();
    QCPLayoutGrid *layout = plot->plotLayout();
    if (QCPLayout *holder = plot->legend->layout())   // the previous figure's row, or the default inset
        holder->take(plot->legend);
    for (int i = layout->elementCount() - 1; i >= 0; --i)   // the previous figure's title
        if (qobject_cast<QCPTextElement *>(layout->elementAt(i)))
            layout->removeAt(i);
    layout->simplify();
    QFont base = plot->font();
    base.setPointSize(10);
    QFont labelFont = base;
    labelFont.setPointSize(11);
    QFont titleFont = base;
    titleFont.setPointSize(13);
    titleFont.setBold(true);

    layout->insertRow(0);
    layout->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    layout->addElement(2, 0, plot->legend);
    layout->setRowStretchFactor(2, 0.001);   // as tall as its entries, no taller
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
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(std::max(1, plot->width() / 160));
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
    for (QCPAxis *axis : {plot.xAxis, plot.yAxis}) {
        const QCPRange range = axis->range();
        const double margin = range.size() > 0 ? range.size() * 0.06
                                               : (range.center() != 0 ? std::abs(range.center()) * 0.1 : 1.0);
        axis->setRange(range.lower - margin, range.upper + margin);
    }
    // Every metric's score lies in [0, 1], and so do its intervals.
    if (scoreOnY)
        plot.yAxis->setRange(-0.04, 1.04);
}

// The full-token run ("none") as a labelled horizontal line across the plot, so that series equal to
// it cannot hide it. Call after the axes are fitted.
void drawFullTokenReference(QCustomPlot &plot, const std::vector<SummaryRow> &rows)
{
    const auto none = std::find_if(rows.begin(), rows.end(), [](const SummaryRow &r) { return r.method == "none"; });
    if (none == rows.end() || !std::isfinite(none->meanScore))
        return;
    auto *line = new QCPItemStraightLine(&plot);
    line->point1->setCoords(plot.xAxis->range().lower, none->meanScore);
    line->point2->setCoords(plot.xAxis->range().upper, none->meanScore);
    line->setPen(QPen(QColor(40, 40, 40), 1.2, Qt::DashLine));
    auto *label = new QCPItemText(&plot);
    label->position->setCoords(plot.xAxis->range().lower, none->meanScore);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setPadding(QMargins(6, 0, 0, 3));
    label->setText(text(QT_TRANSLATE_NOOP("SweepFigures", "every token (none): %1")).arg(none->meanScore, 0, 'f', 3));
    QFont font = plot.font();
    font.setPointSize(9);
    label->setFont(font);
    label->setColor(QColor(40, 40, 40));
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
    setUpPlot(plot,
              text(QT_TRANSLATE_NOOP("SweepFigures", "Score vs kept visual tokens (bars: 95% bootstrap interval)")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "kept visual tokens (fraction of all visual tokens)")),
              metricLabel(rows));
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
    drawFullTokenReference(*plot, rows);
}

void prefillVsBudget(QCustomPlot *plot, const std::vector<SummaryRow> &rows, FigurePoints &figurePoints)
{
    setUpPlot(plot, text(QT_TRANSLATE_NOOP("SweepFigures", "Prefill latency vs budget")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "token budget (fraction of visual tokens)")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "median prefill latency (ms)")));
    const auto drawn = drawSeries(plot, rows, [](const SummaryRow &r) { return r.budget; },
                                  [](const SummaryRow &r) { return r.medianPrefillMs; }, true, figurePoints);
    fitAxes(*plot, !drawn.empty());
}

void pareto(QCustomPlot *plot, const std::vector<SummaryRow> &rows, FigurePoints &figurePoints)
{
    setUpPlot(plot, text(QT_TRANSLATE_NOOP("SweepFigures", "Quality–latency trade-off")),
              text(QT_TRANSLATE_NOOP("SweepFigures", "median total latency per sample (ms)")), metricLabel(rows));
    const auto total = [](const SummaryRow &r) { return r.medianTotalMs; };
    const auto score = [](const SummaryRow &r) { return r.meanScore; };
    QFont budgetFont = plot->font();
    budgetFont.setPointSize(8);

    const auto drawn = drawSeries(plot, rows, total, score, false, figurePoints);
    fitAxes(*plot, !drawn.empty(), /*scoreOnY=*/true);
    plot->replot();   // lays out the axes, so that coordinates map to pixels below
    // Each point says its budget (the method is in the colour and marker), unless another label
    // already sits there: piled-up numbers read as one ("0.50.30.1"); hovering tells the rest.
    std::vector<QPointF> placed;
    for (const auto &[graph, series, points] : drawn) {
        for (int i = 0; i < points.x.size(); ++i) {
            const QPointF at(plot->xAxis->coordToPixel(points.x[i]), plot->yAxis->coordToPixel(points.y[i]));
            if (std::any_of(placed.begin(), placed.end(), [&](const QPointF &p) {
                    return std::abs(p.x() - at.x()) < 28 && std::abs(p.y() - at.y()) < 12;
                }))
                continue;
            placed.push_back(at);
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
    drawFullTokenReference(*plot, rows);
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

void showSeries(QCustomPlot *plot, const QSet<QString> &hidden, HiddenSeries mode)
{
    for (int i = plot->plottableCount() - 1; i >= 0; --i) {
        QCPAbstractPlottable *plottable = plot->plottable(i);
        auto *bars = qobject_cast<QCPErrorBars *>(plottable);
        // Error bars belong to their graph: hidden with it.
        const QString name = bars && bars->dataPlottable() ? bars->dataPlottable()->name() : plottable->name();
        const bool off = hidden.contains(name);
        plottable->setVisible(!off);
        if (bars)
            continue;
        if (off && mode == HiddenSeries::Dropped)
            plottable->removeFromLegend();
        else if (QCPPlottableLegendItem *entry = plot->legend->itemWithPlottable(plottable))
            entry->setTextColor(off ? QColor(160, 160, 160) : QColor(Qt::black));
    }
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
