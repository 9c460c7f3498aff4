// SPDX-License-Identifier: MIT
#pragma once

// Figures of a budget sweep, rendered without a window to PNG and PDF (900×600):
//   score_vs_kept     mean score vs mean kept-token fraction, one line per method, 95% intervals;
//   prefill_vs_budget median prefill latency vs budget, one line per method;
//   pareto            every (method, budget) as median total latency vs score, with the
//                     non-dominated front (tokenscope::paretoFront) as a step line.
// Needs a QApplication (QCustomPlot is a widget; the "offscreen" platform is enough).
// QCustomPlot stays out of this header: it uses bare Qt keywords and QT_NO_KEYWORDS is on.

#include "eval/sweep_summary.h"
#include "sweep_figures.h"

#include <QString>
#include <QStringList>

#include <map>
#include <vector>

namespace tokenscope::widgets {

// Creates outDir if needed and writes score_vs_kept, prefill_vs_budget and pareto, each as .png
// and .pdf; appends the written paths to `written` when given. Methods keep one colour across
// the three figures. Rows from several metrics are drawn as separate series ("method (metric)").
// Throws tokenscope::Error naming the directory or file that could not be written.
// `hidden`: per figure, the series left out (what the workbench's figures have switched off).
void renderSweepPlots(const std::vector<tokenscope::SummaryRow> &rows, const QString &outDir,
                      QStringList *written = nullptr, const std::map<SweepFigure, QSet<QString>> &hidden = {});

} // namespace tokenscope::widgets
