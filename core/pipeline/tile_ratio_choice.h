// SPDX-License-Identifier: MIT
#pragma once

// The per-tile ratio stage: which tiles go through the 1/4 connector and which through 1/16, for
// a request's route mode, from the router's probabilities.

#include "io/model_config.h"
#include "model/router_rule.h"
#include "model/tile_ratio.h"
#include "pipeline/engine.h"

#include <vector>

namespace tokenscope {

// Throws Error naming the threshold or budget when it is out of range.
void checkThresholds(const RouterThresholds &thresholds);

// `p` holds one p(compress) per tile (zeros where no router ran).
std::vector<TileRatio> chooseTileRatios(const ModelConfig &config, RouteMode mode, const RouterThresholds &thresholds,
                                        double targetBudget, const std::vector<double> &p);

// The catalog name of what a route mode does ("none", "all-1/16", "vir", "vir-budget").
const char *ratioMethodName(RouteMode mode);

} // namespace tokenscope
