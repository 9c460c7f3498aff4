// SPDX-License-Identifier: MIT
#pragma once

// ViR's router labels (InternVL3.5, arXiv 2508.18265, §ViR): a tile is labelled "compress" when its
// loss ratio r = L(answer | tile at 1/16) / L(answer | tile at 1/4) is below τ, the k-th
// percentile of the most recent `window` ratios. The paper publishes neither k nor the window.

#include <cstddef>
#include <deque>

namespace tokenscope {

class LossRatioLabeler {
public:
    LossRatioLabeler(double percentile, std::size_t window);

    // τ over the ratios seen so far (linear interpolation between order statistics, like
    // numpy.percentile); 1.0 before any ratio arrived.
    double threshold() const;
    // Labels `ratio` against the window as it stood, then adds it: true = compress.
    bool label(double ratio);
    std::size_t size() const { return m_recent.size(); }

private:
    double m_percentile;
    std::size_t m_window;
    std::deque<double> m_recent;
};

} // namespace tokenscope
