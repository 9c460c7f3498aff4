// SPDX-License-Identifier: MIT
#pragma once

// The three figures of a budget sweep, drawn into any QCustomPlot: the offscreen exporter
// (sweep_plots) and the workbench's interactive view draw the same pictures.
//   ScoreVsKept      mean score vs mean kept-token fraction, one line per method, 95% intervals;
//   PrefillVsBudget  median prefill latency vs budget, one line per method;
//   Pareto           every (method, budget) as median total latency vs score, with the
//                    non-dominated front (tokenscope::paretoFront) as a step line.
// Methods keep one colour and marker across the figures. QCustomPlot stays out of this header
// (it spells Qt's keywords bare).

#include "eval/sweep_summary.h"

#include <QSet>
#include <QString>

#include <cstddef>
#include <utility>
#include <vector>

class QCustomPlot;
class QCPGraph;

namespace tokenscope::widgets {

enum class SweepFigure { ScoreVsKept, PrefillVsBudget, Pareto };

// Per data graph, the rows its points show, in the graph's (sorted) data order: data point i of
// `first` is rows[second[i]]. The Pareto front line is not listed (its points repeat rows).
using FigurePoints = std::vector<std::pair<QCPGraph *, std::vector<std::size_t>>>;

// Clears `plot` (graphs, items, title) and draws `figure`; does not replot.
FigurePoints drawSweepFigure(QCustomPlot *plot, SweepFigure figure, const std::vector<SummaryRow> &rows);

// Series (methods) a user switched off: greyed in the legend so they can come back (the
// interactive view), or gone from the legend too (an exported figure).
enum class HiddenSeries { Greyed, Dropped };
void showSeries(QCustomPlot *plot, const QSet<QString> &hidden, HiddenSeries mode);

// "score_vs_kept", "prefill_vs_budget", "pareto": the exported files' names.
const char *sweepFigureStem(SweepFigure figure);

} // namespace tokenscope::widgets
