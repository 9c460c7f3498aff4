// SPDX-License-Identifier: MIT
#pragma once

// Internal to tokenscope_image: the one place where RgbImage meets cv::Mat.

#include "image/image.h"

#include <opencv2/core.hpp>

#include <string>

namespace tokenscope {

// Throws Error(source, …) unless the image has positive dimensions and exactly width*height*3 bytes.
void requireValidRgb(const RgbImage &image, const std::string &source);

// A CV_8UC3 header over the image's bytes (no copy; channel order stays RGB). Only for reading.
cv::Mat wrapRgb(const RgbImage &image);

} // namespace tokenscope
