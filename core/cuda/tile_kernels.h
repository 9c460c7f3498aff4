// SPDX-License-Identifier: MIT
#pragma once

// CUDA kernels of the GPU path, behind a plain C++ interface: no CUDA or LibTorch headers here,
// so the LibTorch side (cuda_tiles.cpp) and the kernels (tile_kernels.cu) build apart.

#include <cstdint>

namespace tokenscope::cuda {

enum class PixelType { Float32, BFloat16 };

// Per-channel (v / 255 - mean) / std as scale·v + offset: scale = 1 / (255 std), offset = -mean / std.
struct PixelNormalisation {
    float scale[3];
    float offset[3];
};

// Interleaved RGB bytes [tiles, T, T, 3] -> planar normalised pixels [tiles, 3, T, T] of `type`,
// both on the device, queued on `stream` (a cudaStream_t; null = the default stream). Moving
// bytes and normalising on the GPU sends a quarter of the float32 pixels over PCIe and takes the
// per-pixel work off the CPU. Returns the cudaError_t of the launch (0 = queued).
int normaliseTiles(const std::uint8_t *bytes, std::int64_t tiles, std::int64_t tileSize, const PixelNormalisation &norm,
                   void *out, PixelType type, void *stream);

// cudaGetErrorString for the value above.
const char *errorText(int error);

} // namespace tokenscope::cuda
