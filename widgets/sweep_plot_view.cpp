// SPDX-License-Identifier: MIT
#include "sweep_plot_view.h"

#include "custom_plot.h"

#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace tokenscope::widgets {

namespace {
constexpr double hitRadiusPx = 10.0;

QString number(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("\u2013");
}
} // namespace

SweepPlotView::SweepPlotView(SweepFigure figure, QWidget *parent)
    : QWidget(parent), m_figure(figure), m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setInteractions(QCP::iSelectLegend);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &SweepPlotView::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, &SweepPlotView::onMousePress);
    connect(m_plot, &QCustomPlot::legendClick, this, [this](QCPLegend *, QCPAbstractLegendItem *item, QMouseEvent *) {
        if (auto *entry = qobject_cast<QCPPlottableLegendItem *>(item))
            setMethodHidden(entry->plottable()->name(), !isMethodHidden(entry->plottable()->name()));
    });
    redraw();
}

SweepPlotView::~SweepPlotView() = default;

void SweepPlotView::setRows(const std::vector<SummaryRow> &rows)
{
    m_rows = rows;
    redraw();
}

void SweepPlotView::redraw()
{
    m_points = drawSweepFigure(m_plot, m_figure, m_rows);
    showSeries(m_plot, m_hidden, HiddenSeries::Greyed);
    m_plot->replot();   // now, so hit-testing sees the new axes at once
}

void SweepPlotView::setMethodHidden(const QString &series, bool hidden)
{
    if (hidden)
        m_hidden.insert(series);
    else
        m_hidden.remove(series);
    redraw();
}

std::optional<QPointF> SweepPlotView::positionOf(std::size_t index) const
{
    for (const auto &[graph, rows] : m_points) {
        if (!graph->visible())
            continue;
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (rows[i] == index) {
                const auto point = graph->data()->at(int(i));
                return QPointF(graph->keyAxis()->coordToPixel(point->key), graph->valueAxis()->coordToPixel(point->value))
                       + QPointF(m_plot->pos());
            }
    }
    return std::nullopt;
}

std::optional<std::size_t> SweepPlotView::rowAt(const QPointF &pos) const
{
    const QPointF local = pos - QPointF(m_plot->pos());
    double best = hitRadiusPx;
    std::optional<std::size_t> found;
    for (const auto &[graph, rows] : m_points) {
        if (!graph->visible())
            continue;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto point = graph->data()->at(int(i));
            const QPointF at(graph->keyAxis()->coordToPixel(point->key), graph->valueAxis()->coordToPixel(point->value));
            const double distance = std::hypot(at.x() - local.x(), at.y() - local.y());
            if (distance <= best) {
                best = distance;
                found = rows[i];
            }
        }
    }
    return found;
}

QString SweepPlotView::describeRow(std::size_t index) const
{
    if (index >= m_rows.size())
        return {};
    const SummaryRow &row = m_rows[index];
    return tr("%1 at budget %2\n%3 %4 [%5, %6] (n = %7), %8 of full\nkept tokens %9 (%10%)\nprefill %11 ms, total %12 ms")
        .arg(QString::fromStdString(row.method), QString::number(row.budget, 'g', 4), QString::fromStdString(row.metric),
             number(row.meanScore, 3), number(row.ciLow, 3), number(row.ciHigh, 3))
        .arg(row.samples)
        .arg(number(row.relativeToFull, 3), number(row.meanKeptTokens, 1), number(100 * row.meanKeptFraction, 1),
             number(row.medianPrefillMs, 1), number(row.medianTotalMs, 1));
}

void SweepPlotView::onMouseMove(QMouseEvent *event)
{
    const QPointF pos = event->position() + QPointF(m_plot->pos());
    if (const auto row = rowAt(pos)) {
        QToolTip::showText(event->globalPosition().toPoint(), describeRow(*row), m_plot);
        m_plot->setCursor(Qt::PointingHandCursor);
    } else {
        QToolTip::hideText();
        m_plot->unsetCursor();
    }
}

void SweepPlotView::onMousePress(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    if (const auto row = rowAt(event->position() + QPointF(m_plot->pos())))
        Q_EMIT pointClicked(m_rows[*row]);
}

QWidget *SweepPlotView::plotWidget() const
{
    return m_plot;
}

bool SweepPlotView::savePng(const QString &path, int width, int height)
{
    return m_plot->savePng(path, width, height);
}

bool SweepPlotView::savePdf(const QString &path, int width, int height)
{
    return m_plot->savePdf(path, width, height);
}

} // namespace tokenscope::widgets
