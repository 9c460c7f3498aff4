// SPDX-License-Identifier: MIT
#pragma once

// PIL's Image.resize(size) with its default filter, reproduced in plain C++ so that TokenScope's
// tiles carry the same bytes as the reference preprocessing (InternVL resizes with PIL).

#include "image/image.h"

namespace tokenscope {

// What PIL's `image.resize((width, height))` returns for an RGB image: separable bicubic
// (a = -0.5) whose kernel widens by the shrink factor on an axis that shrinks (antialiasing),
// in PIL's 8-bit fixed point, horizontal pass first, an axis of unchanged size left alone.
// Matches Pillow (tested against 9.4.0) to within one grey level; in practice bit for bit.
// Non-positive target sizes, or a source whose size and bytes disagree, throw Error.
RgbImage resizeBicubicPil(const RgbImage &source, int width, int height);

} // namespace tokenscope
