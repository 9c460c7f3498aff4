// SPDX-License-Identifier: MIT
#include "image_conversion.h"

#include <cstring>

namespace tokenscope::widgets {

QImage toQImage(const RgbImage &image)
{
    if (image.width <= 0 || image.height <= 0)
        return {};
    // The wrapping constructor does not copy, so copy() detaches from the core's buffer.
    return QImage(image.rgb.data(), image.width, image.height, qsizetype(image.width) * 3, QImage::Format_RGB888)
        .copy();
}

RgbImage toRgbImage(const QImage &image)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    RgbImage out{rgb.width(), rgb.height(), std::vector<std::uint8_t>(std::size_t(rgb.width()) * rgb.height() * 3)};
    const std::size_t rowBytes = std::size_t(rgb.width()) * 3;
    for (int y = 0; y < rgb.height(); ++y)   // QImage rows are 4-byte aligned; RgbImage rows are packed
        std::memcpy(out.rgb.data() + std::size_t(y) * rowBytes, rgb.constScanLine(y), rowBytes);
    return out;
}

} // namespace tokenscope::widgets
