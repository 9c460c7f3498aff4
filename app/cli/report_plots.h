// SPDX-License-Identifier: MIT
#pragma once

#include "eval/sweep_summary.h"
#include "train/train_log.h"

#include <filesystem>
#include <vector>

namespace tokenscope::cli {

// The sweep figures as PNG + PDF in `dir` (QCustomPlot, headless); the files written. In a build
// without the GUI (TOKENSCOPE_BUILD_GUI=OFF) it writes nothing and says so on stderr.
std::vector<std::filesystem::path> renderReportPlots(const std::vector<SummaryRow> &rows, const std::filesystem::path &dir);

// The training curves of the given stages as one PNG; false (with a note on stderr) without the GUI.
bool renderTrainingPlot(const std::vector<StageLog> &stages, const std::filesystem::path &png);

// The held-out exact match per question category of the stages that logged it, as one PNG; false
// (with a note on stderr) without the GUI.
bool renderHeldOutPlot(const std::vector<StageLog> &stages, const std::filesystem::path &png);

} // namespace tokenscope::cli
