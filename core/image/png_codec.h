// SPDX-License-Identifier: MIT
#pragma once

// PNG through libpng directly: the codec of builds without OpenCV's imgcodecs (the GPU machine,
// where imgcodecs would pull ~165 MB through GDAL). Same results as the OpenCV path: 16-bit
// scaled by 1/257 with rounding, palettes and grey expanded to RGB, alpha dropped without
// compositing, gAMA/iCCP ignored. Built and tested everywhere, used where imgcodecs is off.

#include "image/image.h"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tokenscope {

// `bytes` must hold a PNG (signature already checked by the caller); `limits` are checked against
// the header before any pixel is decoded. Errors name `source`.
RgbImage decodePng(std::span<const std::byte> bytes, const std::string &source, const ImageLimits &limits);

// 8-bit RGB PNG.
std::vector<std::byte> encodePng(const RgbImage &image, const std::string &source);

} // namespace tokenscope
