// SPDX-License-Identifier: MIT
#include "model/pixel_shuffle.h"

#include <cmath>

namespace tokenscope {

torch::Tensor pixelShuffleV2(const torch::Tensor &features, double scale)
{
    const auto n = features.size(0), w = features.size(1), h = features.size(2), c = features.size(3);
    const auto hs = static_cast<std::int64_t>(std::lround(double(h) * scale));
    const auto ws = static_cast<std::int64_t>(std::lround(double(w) * scale));
    const auto cs = static_cast<std::int64_t>(std::lround(double(c) / scale));
    const auto css = static_cast<std::int64_t>(std::lround(double(c) / (scale * scale)));
    auto x = features.reshape({n, w, hs, cs}).permute({0, 2, 1, 3}).contiguous();
    x = x.view({n, hs, ws, css}).permute({0, 2, 1, 3}).contiguous();
    return x.view({n, ws * hs, css});
}

} // namespace tokenscope
