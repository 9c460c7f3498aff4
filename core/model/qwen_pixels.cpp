// SPDX-License-Identifier: MIT
#include "model/qwen_pixels.h"

#include "common/error.h"
#include "image/pil_resize.h"
#include "image/smart_resize.h"

namespace tokenscope {

torch::Tensor qwenPatchify(const torch::Tensor &image, const QwenVisionConfig &v)
{
    const std::int64_t p = v.patchSize, m = v.spatialMergeSize, tps = v.temporalPatchSize;
    if (image.dim() != 3 || image.size(0) != 3)
        throw Error("qwenPatchify", "expects a [3, H, W] image");
    const std::int64_t height = image.size(1), width = image.size(2);
    if (height % (p * m) != 0 || width % (p * m) != 0)
        throw Error("qwenPatchify", "the image's sides must be multiples of " + std::to_string(p * m) + " px, got " +
                                        std::to_string(height) + "x" + std::to_string(width));
    const std::int64_t h = height / p, w = width / p;
    // image_processing_qwen2_vl.py _preprocess: a still image is tiled over temporal_patch_size
    // frames, reshaped to (t, tps, C, h/m, m, p, w/m, m, p), transposed (0, 3, 6, 4, 7, 2, 1, 5, 8).
    auto frames = image.unsqueeze(0).expand({tps, 3, height, width});
    auto x = frames.reshape({1, tps, 3, h / m, m, p, w / m, m, p}).permute({0, 3, 6, 4, 7, 2, 1, 5, 8});
    return x.reshape({h * w, 3 * tps * p * p}).contiguous();
}

torch::Tensor qwenPixelValues(const RgbImage &resized, const QwenPreprocessorConfig &processor,
                              const QwenVisionConfig &vision)
{
    // image_processing_qwen2_vl.py _preprocess after the resize: rescale by 1/255, normalise with
    // the processor's mean and std (channels last), then channels first and patches.
    auto bytes = torch::from_blob(const_cast<std::uint8_t *>(resized.rgb.data()), {resized.height, resized.width, 3},
                                  torch::kUInt8);
    const auto mean =
        torch::tensor({processor.imageMean[0], processor.imageMean[1], processor.imageMean[2]}, torch::kFloat32);
    const auto deviation =
        torch::tensor({processor.imageStd[0], processor.imageStd[1], processor.imageStd[2]}, torch::kFloat32);
    const auto scaled = bytes.to(torch::kFloat32).mul(1.0 / 255.0);
    return qwenPatchify(((scaled - mean) / deviation).permute({2, 0, 1}), vision);
}

QwenImageInput qwenPreprocess(const RgbImage &image, const QwenPreprocessorConfig &processor,
                              const QwenVisionConfig &vision, const std::string &source)
{
    ResizedSize size;
    try {
        size = smartResize(image.height, image.width, {processor.factor(), processor.minPixels, processor.maxPixels});
    } catch (const Error &e) {
        throw Error(source, e.problem());
    }
    QwenImageInput input;
    input.resized = resizeBicubicPil(image, size.width, size.height);   // PIL's bicubic, as the processor's resize
    input.pixelValues = qwenPixelValues(input.resized, processor, vision);
    input.grid = {1, size.height / vision.patchSize, size.width / vision.patchSize};
    return input;
}

}   // namespace tokenscope
