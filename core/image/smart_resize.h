// SPDX-License-Identifier: MIT
#pragma once

// The size Qwen2-VL and Qwen2.5-VL resize an image to before their vision tower: both sides
// multiples of patch·merge (28), the area within [min_pixels, max_pixels], the aspect ratio kept
// as closely as that allows. qwen-vl-utils' rule (vision_process.py `smart_resize`, the resize
// Qwen2.5-VL's own inference examples apply before the processor), rounding included: every side
// at least one factor. transformers' models/qwen2_vl/image_processing_qwen2_vl.py at cb0fc56 (the
// version read for docs/qwen2_5_vl.md) raises for a side under 28 px instead and can floor a side
// of an extreme aspect ratio to 0; for every other image the two agree.

#include <cstdint>

namespace tokenscope {

struct PixelLimits {
    int factor = 28;                               // patch_size · merge_size
    std::int64_t minPixels = 56 * 56;              // preprocessor_config.json "min_pixels"
    std::int64_t maxPixels = 14 * 14 * 4 * 1280;   // and "max_pixels"
};

struct ResizedSize {
    int height = 0;
    int width = 0;
};

// Each side to the nearest multiple of the factor (halves to even, as Python's round); when that
// area is over the maximum, both sides scaled down by sqrt(area / max) and floored to multiples
// (at least one factor); when under the minimum, scaled up by sqrt(min / area) and ceiled.
// Throws Error for a non-positive side, an aspect ratio over 200 (the reference's limit), or
// limits that are not positive.
ResizedSize smartResize(int height, int width, const PixelLimits &limits = {});

}   // namespace tokenscope
