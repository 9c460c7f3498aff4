// SPDX-License-Identifier: MIT
#include "pipeline/tile_ratio_choice.h"

#include "common/error.h"

#include <string>

namespace tokenscope {

void checkThresholds(const RouterThresholds &t)
{
    if (!(t.relative >= 0 && t.relative <= 1))
        throw Error("relative threshold", "must be in [0, 1], got " + std::to_string(t.relative));
    if (!(t.absolute >= 0 && t.absolute <= 1))
        throw Error("absolute threshold", "must be in [0, 1], got " + std::to_string(t.absolute));
}

std::vector<TileRatio> chooseTileRatios(const ModelConfig &c, RouteMode mode, const RouterThresholds &thresholds,
                                        double targetBudget, const std::vector<double> &p)
{
    std::vector<bool> compress(p.size(), false);
    switch (mode) {
    case RouteMode::AllFull:
    case RouteMode::Downsample:   // the budget was met by the tiling
        break;
    case RouteMode::AllCompressed:
        compress.assign(p.size(), true);
        break;
    case RouteMode::Router:
        compress = routerDecisions(p, thresholds);
        break;
    case RouteMode::TargetBudget:
        if (!(targetBudget > 0 && targetBudget <= 1))
            throw Error("target budget", "must be in (0, 1], got " + std::to_string(targetBudget));
        compress = targetBudgetDecisions(p, targetBudget, c.tokensPerTileFull(), c.tokensPerTileCompressed());
        break;
    }
    std::vector<TileRatio> ratios;
    for (bool b : compress)
        ratios.push_back(b ? TileRatio::Sixteenth : TileRatio::Quarter);
    return ratios;
}

const char *ratioMethodName(RouteMode mode)
{
    switch (mode) {
    case RouteMode::AllFull: return "none";
    case RouteMode::AllCompressed: return "all-1/16";
    case RouteMode::Router: return "vir";
    case RouteMode::TargetBudget: return "vir-budget";
    case RouteMode::Downsample: return "downsample";
    }
    return "?";
}

} // namespace tokenscope
