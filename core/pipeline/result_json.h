// SPDX-License-Identifier: MIT
#pragma once

#include "pipeline/engine.h"

#include <string>

namespace tokenscope {

// The plan and the run as JSON, for other tools to draw or record (tokenscope-cli --json).
// `withTokens` adds the per-token list (tile, grid cell, pixel rect, score, kept, merged-into).
std::string compressionPlanToJson(const CompressionPlan &plan, bool withTokens, int indent = -1);
std::string runResultToJson(const RunResult &result, bool withTokens, int indent = 2);

} // namespace tokenscope
