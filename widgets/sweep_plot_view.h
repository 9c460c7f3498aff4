// SPDX-License-Identifier: MIT
#pragma once

// One sweep figure, interactive: click a legend entry to hide or show that method's line, hover a
// point for its values (method, budget, score with its interval, kept tokens, latencies), click a
// point to open its samples (pointClicked). Redrawing with new rows (a sweep in progress) keeps
// the hidden methods hidden.

#include "sweep_figures.h"

#include <QSet>
#include <QWidget>

#include <optional>

class QCustomPlot;
class QMouseEvent;

namespace tokenscope::widgets {

class SweepPlotView : public QWidget {
    Q_OBJECT
public:
    explicit SweepPlotView(SweepFigure figure, QWidget *parent = nullptr);
    ~SweepPlotView() override;

    void setRows(const std::vector<SummaryRow> &rows);
    const std::vector<SummaryRow> &rows() const { return m_rows; }
    SweepFigure figure() const { return m_figure; }

    // The row drawn nearest to `pos` (widget coordinates), within a few pixels; for tooltips,
    // clicks and tests.
    std::optional<std::size_t> rowAt(const QPointF &pos) const;
    // Where row `index` is drawn (widget coordinates), if it is.
    std::optional<QPointF> positionOf(std::size_t index) const;
    QString describeRow(std::size_t index) const;

    void setMethodHidden(const QString &series, bool hidden);
    bool isMethodHidden(const QString &series) const { return m_hidden.contains(series); }
    const QSet<QString> &hiddenMethods() const { return m_hidden; }

    bool savePng(const QString &path, int width = 900, int height = 600);
    bool savePdf(const QString &path, int width = 900, int height = 600);
    QWidget *plotWidget() const;   // the QCustomPlot, for mouse events in tests

Q_SIGNALS:
    void pointClicked(const tokenscope::SummaryRow &row);

private:
    void redraw();
    void onMouseMove(QMouseEvent *event);
    void onMousePress(QMouseEvent *event);

    SweepFigure m_figure;
    QCustomPlot *m_plot;
    std::vector<SummaryRow> m_rows;
    FigurePoints m_points;
    QSet<QString> m_hidden;
};

} // namespace tokenscope::widgets
