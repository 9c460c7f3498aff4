// SPDX-License-Identifier: MIT
#include "colour_map_p.h"

#include <array>
#include <cmath>

namespace tokenscope::widgets {

namespace {
// Stops sampled from matplotlib's "inferno" at 0, 1/4, 1/2, 3/4, 1 (monotone in lightness).
constexpr std::array<std::array<int, 3>, 5> kStops{{{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}}};
}

QColor heatColour(double t)
{
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    const double scaled = t * (kStops.size() - 1);
    const auto low = static_cast<std::size_t>(std::floor(scaled));
    const std::size_t high = low + 1 < kStops.size() ? low + 1 : low;
    const double f = scaled - static_cast<double>(low);
    auto mix = [&](std::size_t c) {
        return static_cast<int>(std::lround(kStops[low][c] + f * (kStops[high][c] - kStops[low][c])));
    };
    return QColor(mix(0), mix(1), mix(2));
}

} // namespace tokenscope::widgets
