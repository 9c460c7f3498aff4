// SPDX-License-Identifier: MIT
#include "train/router_labels.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tokenscope {

LossRatioLabeler::LossRatioLabeler(double percentile, std::size_t window)
    : m_percentile(percentile)
    , m_window(window)
{
    if (!(percentile >= 0 && percentile <= 100))
        throw Error("--router-percentile", "must be in [0, 100]");
    if (window < 1)
        throw Error("--router-window", "must be at least 1");
}

double LossRatioLabeler::threshold() const
{
    if (m_recent.empty())
        return 1.0;
    std::vector<double> sorted(m_recent.begin(), m_recent.end());
    std::sort(sorted.begin(), sorted.end());
    const double rank = m_percentile / 100.0 * double(sorted.size() - 1);
    const auto below = std::size_t(std::floor(rank));
    const auto above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (rank - double(below));
}

bool LossRatioLabeler::label(double ratio)
{
    const bool compress = ratio < threshold();
    m_recent.push_back(ratio);
    if (m_recent.size() > m_window)
        m_recent.pop_front();
    return compress;
}

} // namespace tokenscope
