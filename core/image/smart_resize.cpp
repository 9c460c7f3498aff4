// SPDX-License-Identifier: MIT
#include "image/smart_resize.h"

#include "common/error.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <string>

namespace tokenscope {

namespace {

// Python's round(): to the nearest integer, halves to even.
double roundHalfEven(double x)
{
    const int mode = std::fegetround();
    std::fesetround(FE_TONEAREST);
    const double r = std::nearbyint(x);
    std::fesetround(mode);
    return r;
}

}   // namespace

ResizedSize smartResize(int height, int width, const PixelLimits &limits)
{
    const std::string source = "smart_resize";
    if (height <= 0 || width <= 0)
        throw Error(source, "image size " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
    if (limits.factor <= 0 || limits.minPixels <= 0 || limits.maxPixels < limits.minPixels)
        throw Error(source, "factor, min_pixels and max_pixels must be positive with min_pixels <= max_pixels");
    const double h = height, w = width, f = limits.factor;
    if (std::max(h, w) / std::min(h, w) > 200)
        throw Error(source, "aspect ratio of " + std::to_string(width) + "x" + std::to_string(height) +
                                " is over 200 (the reference's limit)");
    // The reference's arithmetic, operation for operation, in doubles as Python's floats.
    double hBar = roundHalfEven(h / f) * f;
    double wBar = roundHalfEven(w / f) * f;
    const auto maxPixels = double(limits.maxPixels), minPixels = double(limits.minPixels);
    if (hBar * wBar > maxPixels) {
        const double beta = std::sqrt((h * w) / maxPixels);
        hBar = std::max(f, std::floor(h / beta / f) * f);
        wBar = std::max(f, std::floor(w / beta / f) * f);
    } else if (hBar * wBar < minPixels) {
        const double beta = std::sqrt(minPixels / (h * w));
        hBar = std::ceil(h * beta / f) * f;
        wBar = std::ceil(w * beta / f) * f;
    }
    return {static_cast<int>(hBar), static_cast<int>(wBar)};
}

}   // namespace tokenscope
