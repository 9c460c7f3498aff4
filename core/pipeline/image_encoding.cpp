// SPDX-License-Identifier: MIT
#include "pipeline/image_encoding.h"

#include "model/device_pixels.h"
#include "model/torch_runtime.h"

#include <algorithm>

namespace tokenscope {

TilingOptions tilingFor(const InternVLModel &model)
{
    const ModelConfig &c = model.config();
    TilingOptions tiling;
    tiling.tileSize = c.vision.imageSize;
    tiling.minTiles = c.minDynamicPatch;
    tiling.maxTiles = c.maxDynamicPatch;
    tiling.dynamic = c.dynamicImageSize;
    tiling.useThumbnail = c.useThumbnail;
    tiling.normalise = !deviceNormalisesPixels(model.target());
    return tiling;
}

EncodedImage encodeImage(const InternVLModel &model, const RgbImage &image, ProgressReporter &progress, int maxTiles)
{
    const ComputeTarget &target = model.target();
    StageTimer timer(target.device);
    EncodedImage out;
    TilingOptions tiling = tilingFor(model);
    if (maxTiles > 0)
        tiling.maxTiles = std::clamp(maxTiles, tiling.minTiles, tiling.maxTiles);
    out.maxTiles = tiling.maxTiles;
    out.tiled = tileImage(image, tiling);
    const auto pixels = devicePixels(out.tiled, target);
    out.tilingMs = timer.elapsedMs();
    progress.report(0.05, "tiling");

    const auto n = static_cast<std::int64_t>(out.tiled.tiles.size());
    // On the CPU one tile at a time: progress and cancel between tiles, bounded activation memory,
    // and no loss (a tile's products already keep the cores busy). One tile leaves most of a GPU
    // idle, so there the tiles go in batches (all 13 of InternVL's 12 + thumbnail in one).
    const std::int64_t batch = target.device.is_cuda() ? 16 : 1;
    std::vector<torch::Tensor> patches, cls, clsWide, keys;
    for (std::int64_t i = 0; i < n; i += batch) {
        const std::int64_t count = std::min(batch, n - i);
        LastLayerSignals signals;
        patches.push_back(VisionEncoder::patchTokens(model.vision().forward(pixels.slice(0, i, i + count), &signals)));
        cls.push_back(signals.clsAttention);
        clsWide.push_back(signals.clsAttentionFullWidth);
        keys.push_back(signals.keys);
        progress.report(0.05 + 0.45 * double(i + count) / double(n), "encoder");
    }
    out.patches = torch::cat(patches, 0);
    out.lastLayer = {torch::cat(cls, 0), torch::cat(clsWide, 0), torch::cat(keys, 0), out.patches};
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
