// SPDX-License-Identifier: MIT
#pragma once

#include "train/train_log.h"

#include <QString>

#include <vector>

namespace tokenscope::widgets {

// One panel per training stage (left to right, top to bottom): that stage's objective against
// its step (base: answer CE; vico: KL; router: BCE and label agreement; selector: CE and mask
// BCE). Writes `png` at export size; throws tokenscope::Error naming the file on failure.
void renderTrainingCurves(const std::vector<tokenscope::StageLog> &stages, const QString &png);

} // namespace tokenscope::widgets
