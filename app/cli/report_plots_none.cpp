// SPDX-License-Identifier: MIT
// Builds without the GUI have no QCustomPlot: report writes the tables only.
#include "report_plots.h"

#include <cstdio>

namespace tokenscope::cli {

std::vector<std::filesystem::path> renderReportPlots(const std::vector<SummaryRow> &, const std::filesystem::path &)
{
    std::fputs("tokenscope-cli: this build has no GUI libraries, so report writes no plots\n", stderr);
    return {};
}

bool renderTrainingPlot(const std::vector<StageLog> &, const std::filesystem::path &)
{
    std::fputs("tokenscope-cli: this build has no GUI libraries, so no training-curve figure is drawn\n", stderr);
    return false;
}

bool renderHeldOutPlot(const std::vector<StageLog> &, const std::filesystem::path &)
{
    std::fputs("tokenscope-cli: this build has no GUI libraries, so no held-out figure is drawn\n", stderr);
    return false;
}

} // namespace tokenscope::cli
