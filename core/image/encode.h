// SPDX-License-Identifier: MIT
#pragma once

// Encoding RGB images to PNG or JPEG bytes (OpenCV imgcodecs). writePng is built on it; tests and
// fixture generators use it to make JPEG inputs without including OpenCV themselves.

#include "image/image.h"

#include <cstddef>
#include <string>
#include <vector>

namespace tokenscope {

enum class ImageEncoding { Png, Jpeg };

// Throws Error(source, …) for an invalid image or a failed encode. jpegQuality is 0..100.
std::vector<std::byte> encodeImage(const RgbImage &image, ImageEncoding encoding, const std::string &source,
                                   int jpegQuality = 95);

} // namespace tokenscope
