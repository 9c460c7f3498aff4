// SPDX-License-Identifier: MIT
#pragma once

// What the benchmark programs share: medians and a deterministic noise image.

#include "image/image.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tokenscope::bench {

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Uniform noise from a fixed LCG: every tile looks equally busy, and runs are repeatable.
inline RgbImage noiseImage(int width, int height, std::uint32_t seed)
{
    RgbImage image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    std::uint32_t state = seed;
    for (auto &v : image.rgb) {
        state = state * 1664525u + 1013904223u;
        v = std::uint8_t(state >> 24);
    }
    return image;
}

} // namespace tokenscope::bench
