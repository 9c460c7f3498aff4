// SPDX-License-Identifier: MIT
#pragma once

// Between the core's RgbImage (what the engine sees) and QImage (what the GUI draws).

#include "image/image.h"

#include <QImage>

namespace tokenscope::widgets {

QImage toQImage(const RgbImage &image);     // deep copy, Format_RGB888
RgbImage toRgbImage(const QImage &image);   // any format; alpha dropped

} // namespace tokenscope::widgets
