// SPDX-License-Identifier: MIT
// PIL-exact bicubic resize. OpenCV's cubic neither antialiases when shrinking nor rounds like PIL,
// so tiles differed from the reference by several grey levels; this follows Pillow's algorithm
// step for step (src/libImaging/Resample.c), including its fixed-point arithmetic.
#include "image/pil_resize.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace tokenscope {

namespace {

// Pillow's 8-bit path keeps weights in fixed point: 8 bits for the result and 2 bits of headroom
// for the overshoot of a kernel with negative lobes (Pillow src/libImaging/Resample.c).
constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr double kOne = static_cast<double>(1 << kPrecisionBits);
// Every sum starts at one half, so the final shift rounds to nearest instead of truncating.
constexpr std::int32_t kHalf = 1 << (kPrecisionBits - 1);
constexpr double kBicubicSupport = 2.0;
constexpr int kChannels = 3;

// Keys' cubic convolution kernel with a = -0.5, written with Pillow's operation order so that
// the doubles come out identical (Pillow src/libImaging/Resample.c, bicubic_filter).
double bicubic(double x)
{
    constexpr double a = -0.5;
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

// Weights along one axis: output position i reads `count[i]` source samples starting at
// `first[i]`, with weights weights[i * stride ...]. Computed once per axis, so the pixel loops
// neither allocate nor evaluate the kernel.
struct AxisTaps {
    int stride = 0;
    std::vector<int> first;
    std::vector<int> count;
    std::vector<std::int32_t> weights;

    const std::int32_t *weightsOf(int i) const { return weights.data() + static_cast<std::size_t>(i) * stride; }
};

// Pillow src/libImaging/Resample.c: precompute_coeffs, then normalize_coeffs_8bpc.
AxisTaps computeTaps(int inSize, int outSize)
{
    const double scale = static_cast<double>(inSize) / outSize;
    // Shrinking stretches the kernel over `scale` source samples: each output averages everything
    // it covers instead of aliasing. Enlarging keeps the plain 4-tap kernel.
    const double filterScale = std::max(scale, 1.0);
    const double support = kBicubicSupport * filterScale;
    const double inverseFilterScale = 1.0 / filterScale;

    AxisTaps taps;
    taps.stride = static_cast<int>(std::ceil(support)) * 2 + 1;
    taps.first.resize(static_cast<std::size_t>(outSize));
    taps.count.resize(static_cast<std::size_t>(outSize));
    taps.weights.assign(static_cast<std::size_t>(outSize) * static_cast<std::size_t>(taps.stride), 0);

    std::vector<double> real(static_cast<std::size_t>(taps.stride));
    for (int i = 0; i < outSize; ++i) {
        const double centre = (i + 0.5) * scale;
        // The window is rounded with +0.5 and truncation, as Pillow does, then clamped to the
        // image: edge outputs simply lose their outside taps and renormalise.
        const int first = std::max(0, static_cast<int>(centre - support + 0.5));
        const int last = std::min(inSize, static_cast<int>(centre + support + 0.5));
        const int count = last - first;

        double total = 0.0;
        for (int t = 0; t < count; ++t) {
            const double w = bicubic((t + first - centre + 0.5) * inverseFilterScale);
            real[static_cast<std::size_t>(t)] = w;
            total += w;
        }
        std::int32_t *fixed = taps.weights.data() + static_cast<std::size_t>(i) * taps.stride;
        for (int t = 0; t < count; ++t) {
            double w = real[static_cast<std::size_t>(t)];
            if (total != 0.0)
                w /= total;
            // Round half away from zero, exactly as Pillow writes it (not lround: 0.5 + w·2²² is
            // rounded to a double first, which decides a few near-half cases differently).
            fixed[t] = static_cast<std::int32_t>(w < 0 ? -0.5 + w * kOne : 0.5 + w * kOne);
        }
        taps.first[static_cast<std::size_t>(i)] = first;
        taps.count[static_cast<std::size_t>(i)] = count;
    }
    return taps;
}

// Back to 8 bits: drop the fraction (the sum already holds +0.5) and clamp the overshoot.
// Pillow src/libImaging/Resample.c, clip8. Sums stay well inside int32: the positive bicubic
// weights add up to less than 1.2, times 255 · 2²².
std::uint8_t toByte(std::int32_t sum)
{
    return static_cast<std::uint8_t>(std::clamp(sum >> kPrecisionBits, 0, 255));
}

// Horizontal pass over source rows [rowBegin, rowEnd) (Pillow src/libImaging/Resample.c,
// ImagingResampleHorizontal_8bpc).
RgbImage resampleRows(const RgbImage &source, int rowBegin, int rowEnd, const AxisTaps &taps, int width)
{
    RgbImage out{width, rowEnd - rowBegin, {}};
    out.rgb.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * kChannels);
    const std::size_t inStride = static_cast<std::size_t>(source.width) * kChannels;
    std::uint8_t *dst = out.rgb.data();
    for (int y = rowBegin; y < rowEnd; ++y) {
        const std::uint8_t *row = source.rgb.data() + static_cast<std::size_t>(y) * inStride;
        for (int x = 0; x < width; ++x) {
            const std::uint8_t *px = row + static_cast<std::size_t>(taps.first[static_cast<std::size_t>(x)]) * kChannels;
            const std::int32_t *w = taps.weightsOf(x);
            const int count = taps.count[static_cast<std::size_t>(x)];
            std::int32_t r = kHalf, g = kHalf, b = kHalf;
            for (int t = 0; t < count; ++t, px += kChannels) {
                r += px[0] * w[t];
                g += px[1] * w[t];
                b += px[2] * w[t];
            }
            *dst++ = toByte(r);
            *dst++ = toByte(g);
            *dst++ = toByte(b);
        }
    }
    return out;
}

// Vertical pass; taps.first counts from row 0 of `source` (Pillow src/libImaging/Resample.c,
// ImagingResampleVertical_8bpc). Sums a whole output row at a time in one int32 buffer, so the
// inner loop runs along contiguous bytes.
RgbImage resampleColumns(const RgbImage &source, const AxisTaps &taps, int height)
{
    RgbImage out{source.width, height, {}};
    const std::size_t rowBytes = static_cast<std::size_t>(source.width) * kChannels;
    out.rgb.resize(rowBytes * static_cast<std::size_t>(height));
    std::vector<std::int32_t> sums(rowBytes);
    for (int y = 0; y < height; ++y) {
        std::fill(sums.begin(), sums.end(), kHalf);
        const std::int32_t *w = taps.weightsOf(y);
        const int first = taps.first[static_cast<std::size_t>(y)];
        const int count = taps.count[static_cast<std::size_t>(y)];
        for (int t = 0; t < count; ++t) {
            const std::uint8_t *row = source.rgb.data() + static_cast<std::size_t>(first + t) * rowBytes;
            const std::int32_t weight = w[t];
            for (std::size_t i = 0; i < rowBytes; ++i)
                sums[i] += row[i] * weight;
        }
        std::uint8_t *dst = out.rgb.data() + static_cast<std::size_t>(y) * rowBytes;
        for (std::size_t i = 0; i < rowBytes; ++i)
            dst[i] = toByte(sums[i]);
    }
    return out;
}

} // namespace

RgbImage resizeBicubicPil(const RgbImage &source, int width, int height)
{
    const std::string name = "bicubic resize";
    if (width <= 0 || height <= 0)
        throw Error(name, "target size must be positive (got " + std::to_string(width) + " x "
                              + std::to_string(height) + ")");
    if (source.width <= 0 || source.height <= 0
        || source.rgb.size() != static_cast<std::size_t>(source.width) * static_cast<std::size_t>(source.height) * kChannels)
        throw Error(name, "source image is empty or its bytes do not match its " + std::to_string(source.width)
                              + " x " + std::to_string(source.height) + " size");

    // Pillow src/libImaging/Resample.c, ImagingResampleInner: an axis whose size is unchanged is
    // not filtered at all (Image.resize copies when neither changes).
    const bool horizontal = width != source.width;
    const bool vertical = height != source.height;
    if (!horizontal && !vertical)
        return source;

    AxisTaps rows = computeTaps(source.height, height);
    if (!horizontal)
        return resampleColumns(source, rows, height);

    // Horizontal first, rounded to 8 bits in between, over only the rows the vertical pass reads.
    const int rowBegin = rows.first.front();
    const int rowEnd = rows.first.back() + rows.count.back();
    RgbImage stretched = resampleRows(source, rowBegin, rowEnd, computeTaps(source.width, width), width);
    if (!vertical)
        return stretched;
    for (int &first : rows.first)
        first -= rowBegin;
    return resampleColumns(stretched, rows, height);
}

} // namespace tokenscope
