// SPDX-License-Identifier: MIT
#include "common/progress.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tokenscope {

void ProgressReporter::report(double fraction, std::string_view stage)
{
    // Throttle to 1/1000 steps, as heaptrack does: callers may report per layer or per token.
    const int permille = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000.0));
    if (permille != m_lastPermille && m_callbacks.progress) {
        m_lastPermille = permille;
        m_callbacks.progress(permille / 1000.0, stage);
    }
    checkCancelled();
}

void ProgressReporter::checkCancelled() const
{
    if (m_callbacks.abort && m_callbacks.abort())
        throw Cancelled();
}

std::string formatDuration(double seconds)
{
    const auto s = static_cast<long long>(seconds + 0.5);
    char text[32];
    if (s >= 3600)
        std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%llds", s);
    return text;
}

} // namespace tokenscope
