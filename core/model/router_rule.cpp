// SPDX-License-Identifier: MIT
#include "model/router_rule.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace tokenscope {

double linearQuantile(std::vector<double> values, double q)
{
    if (values.empty())
        throw std::invalid_argument("quantile of an empty set");
    std::sort(values.begin(), values.end());
    const double position = std::clamp(q, 0.0, 1.0) * double(values.size() - 1);
    const auto lower = static_cast<std::size_t>(std::floor(position));
    const std::size_t upper = std::min(lower + 1, values.size() - 1);
    const double fraction = position - double(lower);
    return values[lower] + (values[upper] - values[lower]) * fraction;
}

std::vector<bool> routerDecisions(const std::vector<double> &p, const RouterThresholds &thresholds)
{
    std::vector<bool> compress(p.size(), false);
    if (p.empty())
        return compress;
    const double cut = linearQuantile(p, thresholds.relative);
    for (std::size_t i = 0; i < p.size(); ++i)
        compress[i] = p[i] > cut && p[i] >= thresholds.absolute;
    return compress;
}

std::vector<bool> targetBudgetDecisions(const std::vector<double> &p, double budget, int tokensFull,
                                        int tokensCompressed)
{
    std::vector<bool> compress(p.size(), false);
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    const double allowed = budget * double(p.size()) * tokensFull;
    double sent = double(p.size()) * tokensFull;
    for (std::size_t i : order) {
        if (sent <= allowed + 1e-9)
            break;
        compress[i] = true;
        sent -= tokensFull - tokensCompressed;
    }
    return compress;
}

} // namespace tokenscope
