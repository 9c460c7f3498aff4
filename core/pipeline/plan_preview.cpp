// SPDX-License-Identifier: MIT
#include "pipeline/plan_preview.h"

#include <algorithm>
#include <numeric>

namespace tokenscope {

std::optional<CompressionPlan> planAtBudget(const CompressionPlan &shown, const MethodChoice &shownChoice,
                                            const MethodChoice &wanted)
{
    if (wanted.name != shownChoice.name || wanted.parameters != shownChoice.parameters)
        return std::nullopt;
    if (!wanted.tokens || !wanted.tokens->keepsTopScores || (wanted.ratio && wanted.ratio->usesBudget))
        return std::nullopt;
    if (shown.tokens.empty() || shown.appendedTokens != 0 || shown.method != wanted.name)
        return std::nullopt;

    CompressionPlan plan = shown;
    const auto n = static_cast<int>(plan.tokens.size());
    // The engine's ranking (topKSorted): a stable descending sort, so ties go to the lower index.
    std::vector<int> order(std::size_t(n), 0);
    std::iota(order.begin(), order.end(), 0);
    const int keep = keptCount(wanted.budget, n);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return plan.tokens[std::size_t(a)].score > plan.tokens[std::size_t(b)].score;
    });
    for (VisualToken &t : plan.tokens)
        t.kept = false;
    for (int i = 0; i < keep; ++i)
        plan.tokens[std::size_t(order[std::size_t(i)])].kept = true;
    plan.tokensSent = keep;
    plan.budget = wanted.budget;
    return plan;
}

}   // namespace tokenscope
