// SPDX-License-Identifier: MIT
#pragma once

// The part of the pipeline that depends on the image alone: tiling, the vision encoder (with the
// CLS attention of its last layer captured in the same pass) and the ViR router's probabilities.
// Methods and budgets never change it, so a sweep computes it once per image.
// Private to core: includes LibTorch.

#include "common/progress.h"
#include "image/image.h"
#include "model/internvl_model.h"

#include <vector>

namespace tokenscope {

struct EncodedImage {
    TiledImage tiled;
    int maxTiles = 0;                          // the tile cap it was tiled with
    torch::Tensor patches;                     // [tiles, P, C] encoder outputs without CLS
    LastLayerSignals lastLayer;                // CLS attention and keys of the encoder's last layer
    std::vector<double> compressProbability;   // ViR p(compress) per tile; empty without a router
    double tilingMs = 0, encoderMs = 0, routerMs = 0;
};

// Progress runs from 0 to 0.55 (tiling, then one step per tile, per batch of tiles on a GPU); cancel is
// checked between steps.
// `maxTiles` > 0 lowers the config's tile cap (the downsampling baseline).
EncodedImage encodeImage(const InternVLModel &model, const RgbImage &image, ProgressReporter &progress, int maxTiles = 0);

// The tiling the model's config asks for (tile size, tile range, thumbnail), with the pixels in
// the form its device takes (bytes where the GPU normalises them: model/device_pixels.h).
TilingOptions tilingFor(const InternVLModel &model);

} // namespace tokenscope
