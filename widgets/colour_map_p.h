// SPDX-License-Identifier: MIT
#pragma once

// The heatmap's colour scale: a perceptually ordered dark-to-bright ramp (black, purple, red,
// orange, pale yellow), so a score's rank reads the same in colour and in greyscale print.

#include <QColor>

namespace tokenscope::widgets {

// t in [0, 1] (clamped; NaN maps to 0).
QColor heatColour(double t);

}   // namespace tokenscope::widgets
