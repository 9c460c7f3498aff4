// SPDX-License-Identifier: MIT
#include "pipeline/image_encoding.h"

#include "model/torch_runtime.h"

namespace tokenscope {

TilingOptions tilingFor(const ModelConfig &c)
{
    TilingOptions tiling;
    tiling.tileSize = c.vision.imageSize;
    tiling.minTiles = c.minDynamicPatch;
    tiling.maxTiles = c.maxDynamicPatch;
    tiling.dynamic = c.dynamicImageSize;
    tiling.useThumbnail = c.useThumbnail;
    return tiling;
}

torch::Tensor tilePixels(const InternVLModel &model, const TiledImage &tiled)
{
    const auto n = static_cast<std::int64_t>(tiled.tiles.size());
    const std::int64_t t = tiled.tileSize;
    return torch::from_blob(const_cast<float *>(tiled.pixels.data()), {n, 3, t, t}, torch::kFloat32)
        .to(model.target().device, model.target().dtype);
}

EncodedImage encodeImage(const InternVLModel &model, const RgbImage &image, ProgressReporter &progress)
{
    StageTimer timer(model.target().device);
    EncodedImage out;
    out.tiled = tileImage(image, tilingFor(model.config()));
    out.tilingMs = timer.elapsedMs();
    progress.report(0.05, "tiling");

    const auto n = static_cast<std::int64_t>(out.tiled.tiles.size());
    const auto pixels = tilePixels(model, out.tiled);
    std::vector<torch::Tensor> patches, cls;
    // One tile at a time: progress and cancel between tiles, and bounded activation memory.
    for (std::int64_t i = 0; i < n; ++i) {
        torch::Tensor attention;
        patches.push_back(VisionEncoder::patchTokens(model.vision().forward(pixels.slice(0, i, i + 1), &attention)));
        cls.push_back(attention);
        progress.report(0.05 + 0.45 * double(i + 1) / double(n), "encoder");
    }
    out.patches = torch::cat(patches, 0);
    out.clsAttention = torch::cat(cls, 0);
    out.encoderMs = timer.elapsedMs();

    // p(compress) costs two small attention layers; computing it for every mode lets the plan
    // show what the router would have chosen even when a fixed ratio is asked for.
    if (const VisualResolutionRouter *router = model.router()) {
        auto p = router->probabilities(out.patches).select(1, 0).to(torch::kFloat64).cpu().contiguous();
        out.compressProbability.assign(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    }
    out.routerMs = timer.elapsedMs();
    progress.report(0.55, "router");
    return out;
}

} // namespace tokenscope
