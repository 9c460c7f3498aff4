// SPDX-License-Identifier: MIT
#pragma once

// Horizontal bars of a run's StageTimings (tiling, encoder, router, connector, prefill, decode,
// in ms) with value labels, and under them one line on the speed-up the run's tokens can give at
// most (analytic FLOPs: pipeline/prefill_flops.h), so a small speed-up explains itself. Exports
// PNG without being shown (headless export, README images).
// QCustomPlot stays out of this header: it uses bare Qt keywords and QT_NO_KEYWORDS is on.

#include "pipeline/engine.h"

#include <QWidget>

class QCustomPlot;

namespace tokenscope::widgets {

class StageTimingChart : public QWidget {
    Q_OBJECT
public:
    explicit StageTimingChart(QWidget *parent = nullptr);
    ~StageTimingChart() override;

    void setTimings(const StageTimings &timings, const PrefillFlops &flops = {});
    // Whose timings these are, named in the title when not the only run ("the left canvas").
    void setSubject(const QString &subject) { m_subject = subject; }
    QString boundText() const;   // the line under the bars; empty before a run
    void clear();
    bool hasTimings() const { return m_hasTimings; }

    // Renders at the given size (the widget's own when 0) whether or not it is visible.
    bool savePng(const QString &path, int width = 0, int height = 0) const;

    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuild(const StageTimings &timings, const PrefillFlops &flops);
    void showBoundText();   // wrapped to the chart's width

    QCustomPlot *m_plot;
    bool m_hasTimings = false;
    QString m_subject;
    QString m_bound;
};

} // namespace tokenscope::widgets
