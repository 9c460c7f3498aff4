// SPDX-License-Identifier: MIT
#include "image/rgb_mat.h"

#include "common/error.h"

namespace tokenscope {

void requireValidRgb(const RgbImage &image, const std::string &source)
{
    if (image.width <= 0 || image.height <= 0)
        throw Error(source, "image has zero or negative size (" + std::to_string(image.width) + " x "
                                + std::to_string(image.height) + ")");
    const auto expected = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3;
    if (image.rgb.size() != expected)
        throw Error(source, "image buffer holds " + std::to_string(image.rgb.size()) + " bytes; "
                                + std::to_string(image.width) + " x " + std::to_string(image.height)
                                + " RGB needs " + std::to_string(expected));
}

cv::Mat wrapRgb(const RgbImage &image)
{
    // cv::Mat has no const view; callers only read through it.
    return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t *>(image.rgb.data()));
}

} // namespace tokenscope
