// SPDX-License-Identifier: MIT
#include "stage_timing_chart.h"

#include "custom_plot.h"

#include <QFontMetrics>
#include <QStringList>
#include <QVBoxLayout>

#include <algorithm>
#include <array>

namespace tokenscope::widgets {

namespace {

struct Stage {
    const char *name;
    double StageTimings::*ms;
    QColor colour;
};

// Pipeline order, drawn top to bottom.
const std::array<Stage, 7> &stages()
{
    static const std::array<Stage, 7> list{{
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "tiling"), &StageTimings::tilingMs, QColor(120, 144, 156)},
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "encoder"), &StageTimings::encoderMs, QColor(46, 134, 222)},
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "router"), &StageTimings::routerMs, QColor(142, 68, 173)},
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "connector"), &StageTimings::connectorMs, QColor(235, 120, 30)},
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "selection"), &StageTimings::selectionMs, QColor(120, 90, 200)},
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "prefill"), &StageTimings::prefillMs, QColor(39, 174, 96)},
        {QT_TRANSLATE_NOOP("tokenscope::widgets::StageTimingChart", "decode"), &StageTimings::decodeMs, QColor(192, 57, 43)},
    }};
    return list;
}

// Greedy word wrap: the bars' caption must fit a narrow Result dock.
QString wrapped(const QString &text, const QFontMetrics &metrics, int width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        const QString longer = line.isEmpty() ? word : line + u' ' + word;
        if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
            lines << line;
            line = word;
        } else {
            line = longer;
        }
    }
    if (!line.isEmpty())
        lines << line;
    return lines.join(u'\n');
}

QString formatMs(double ms)
{
    return ms >= 100 ? QString::number(ms, 'f', 0) : QString::number(ms, 'f', 1);
}

} // namespace

StageTimingChart::StageTimingChart(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, QString(), QFont(font().family(), -1, QFont::Bold)));
    m_plot->plotLayout()->addElement(2, 0, new QCPTextElement(m_plot, QString(), font()));
    clear();
}

StageTimingChart::~StageTimingChart() = default;

QSize StageTimingChart::sizeHint() const
{
    return {420, 240};
}

void StageTimingChart::setTimings(const StageTimings &timings, const PrefillFlops &flops)
{
    m_hasTimings = true;
    rebuild(timings, flops);
}

void StageTimingChart::clear()
{
    m_hasTimings = false;
    rebuild({}, {});
}

QString StageTimingChart::boundText() const
{
    return m_bound;
}

void StageTimingChart::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    showBoundText();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void StageTimingChart::showBoundText()
{
    auto *caption = qobject_cast<QCPTextElement *>(m_plot->plotLayout()->element(2, 0));
    if (caption)
        caption->setText(wrapped(m_bound, QFontMetrics(caption->font()), std::max(120, m_plot->width() - 16)));
}

namespace {

// One line on what this plan's tokens can save at most, from analytic FLOPs.
QString explainBound(const PrefillFlops &flops)
{
    if (flops.plan.total() <= 0)
        return {};
    const QString prefill = QString::number(flops.prefillBound(), 'f', 2);
    if (flops.prefillBound() < 1.005)
        return StageTimingChart::tr("Every token reaches the LLM: compression cannot speed this prefill up.");
    return StageTimingChart::tr("The encoder is %1% of this prefill: these tokens cannot make it more than %2× faster "
                                "(%3× in the LLM).")
        .arg(qRound(100.0 * flops.encoderShare()))
        .arg(prefill, QString::number(flops.llmBound(), 'f', 2));
}

} // namespace

void StageTimingChart::rebuild(const StageTimings &timings, const PrefillFlops &flops)
{
    m_plot->clearPlottables();
    m_plot->clearItems();

    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double longest = 0;
    for (std::size_t i = 0; i < stages().size(); ++i) {
        const Stage &stage = stages()[i];
        const double key = double(i);
        const double ms = timings.*stage.ms;
        longest = std::max(longest, ms);
        ticker->addTick(key, tr(stage.name));

        // One bar object per stage, so each stage keeps its colour across runs.
        auto *bar = new QCPBars(m_plot->yAxis, m_plot->xAxis);
        bar->setWidth(0.65);
        bar->setPen(QPen(stage.colour.darker(120)));
        bar->setBrush(stage.colour);
        bar->addData(key, ms);

        auto *label = new QCPItemText(m_plot);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setAxes(m_plot->xAxis, m_plot->yAxis);
        label->position->setCoords(ms, key);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->setPadding(QMargins(4, 0, 0, 0));
        label->setClipToAxisRect(false);
        label->setText(m_hasTimings ? tr("%1 ms").arg(formatMs(ms)) : QString());
    }

    m_plot->yAxis->setTicker(ticker);
    m_plot->yAxis->setRangeReversed(true);   // pipeline order reads top to bottom
    m_plot->yAxis->setRange(-0.6, double(stages().size()) - 0.4);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->yAxis->setTickLength(0, 0);
    // Headroom on the right for the value labels.
    m_plot->xAxis->setRange(0, longest > 0 ? longest * 1.3 : 1.0);
    m_plot->xAxis->setLabel(tr("milliseconds"));

    auto *title = qobject_cast<QCPTextElement *>(m_plot->plotLayout()->element(0, 0));
    if (title)
        title->setText(!m_hasTimings ? tr("Stage timings (no run yet)")
                       : m_subject.isEmpty()
                           ? tr("Stage timings: total %1 ms").arg(formatMs(timings.totalMs()))
                           : tr("Stage timings of %1: total %2 ms").arg(m_subject, formatMs(timings.totalMs())));
    m_bound = m_hasTimings ? explainBound(flops) : QString();
    showBoundText();
    m_plot->replot();
}

bool StageTimingChart::savePng(const QString &path, int width, int height) const
{
    return m_plot->savePng(path, width, height);
}

} // namespace tokenscope::widgets
