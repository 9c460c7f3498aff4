// SPDX-License-Identifier: MIT
#pragma once

// What a budget move will produce, computed from the plan already on screen without running the
// model, so an overlay can follow a budget slider at screen rate. Only where that is exact: the
// token part keeps the top max(1, ⌊b·N⌋) of scores that do not depend on the budget
// (MethodInfo::keepsTopScores) and the tile-ratio part does not read the budget either. The run
// that follows yields the same kept set (tst_compression_methods checks it for every such method).

#include "compress/method_catalog.h"
#include "pipeline/compression_plan.h"

#include <optional>

namespace tokenscope {

// `shown` is the plan a run of `shownChoice` produced. Returns the plan `wanted` will produce, or
// std::nullopt where only a run can tell (another method or parameter, or a method without the
// property, or a plan that carries no scores to rank).
std::optional<CompressionPlan> planAtBudget(const CompressionPlan &shown, const MethodChoice &shownChoice,
                                            const MethodChoice &wanted);

}   // namespace tokenscope
