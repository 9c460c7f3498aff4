// SPDX-License-Identifier: MIT
#pragma once

// An image as Qwen2.5-VL's processor hands it to the vision tower (Qwen2VLImageProcessor): resized
// to the smart_resize size with PIL's bicubic filter, scaled to [0, 1], normalised with the
// processor's mean and std, and cut into temporal×spatial patches. Private to core: includes LibTorch.

#include "image/image.h"
#include "io/qwen2_5_vl_config.h"

#include <torch/torch.h>

#include <cstdint>

namespace tokenscope {

// An image's size in patches (grid_thw). A still image has t = 1.
struct QwenPatchGrid {
    std::int64_t t = 1;
    std::int64_t h = 0;
    std::int64_t w = 0;
    std::int64_t patches() const { return t * h * w; }
};

// A normalised image [3, H, W] (H, W multiples of patch·merge) -> pixel_values [N, 3·tps·p·p]:
// the still image repeated over the temporal patch, rows ordered merge unit by merge unit (the 4
// patches of one LLM token are consecutive), columns (channel, time, y, x)
// (Qwen2VLImageProcessor._preprocess).
torch::Tensor qwenPatchify(const torch::Tensor &image, const QwenVisionConfig &vision);

struct QwenImageInput {
    RgbImage resized;            // the image at the smart_resize size
    QwenPatchGrid grid;          // its size in patches
    torch::Tensor pixelValues;   // [N, 3·tps·p·p] fp32 (the processor's pixel_values)
};

// An image already at a size the resize rule gives -> pixel_values (rescale, normalise, patchify).
torch::Tensor qwenPixelValues(const RgbImage &resized, const QwenPreprocessorConfig &processor,
                              const QwenVisionConfig &vision);

// Resize, then qwenPixelValues. Throws Error naming `source` when the image is too small or too
// elongated for the resize rule.
QwenImageInput qwenPreprocess(const RgbImage &image, const QwenPreprocessorConfig &processor,
                              const QwenVisionConfig &vision, const std::string &source);

}   // namespace tokenscope
