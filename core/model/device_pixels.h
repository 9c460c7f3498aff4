// SPDX-License-Identifier: MIT
#pragma once

// Tile pixels onto the model's device. With a CUDA LibTorch and TokenScope's kernels, the tiler
// hands over RGB bytes and the GPU normalises them (core/cuda/tile_kernels.h): a quarter of the
// float32 bytes cross PCIe and the per-pixel work leaves the CPU. Otherwise the tiler normalises
// on the CPU and the floats are copied over. Private to core: includes LibTorch.

#include "image/image.h"
#include "model/torch_runtime.h"

namespace tokenscope {

// Whether tiling for `target` should keep bytes (TilingOptions::normalise = false).
bool deviceNormalisesPixels(const ComputeTarget &target);

// [tiles, 3, T, T] on target.device in target.dtype, from whichever of `pixels`/`bytes` the
// tiler filled.
torch::Tensor devicePixels(const TiledImage &tiled, const ComputeTarget &target);

} // namespace tokenscope
