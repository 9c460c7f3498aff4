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

// One panel per stage that logged held-out evaluations (`train --eval-every`): the exact match of
// every question category at full tokens (`val_full_em/<category>`) against the step, 0–100%,
// the legend beside the axes; 640 × 340 pixels a panel, two panels a row.
// Throws tokenscope::Error naming `png` when no stage has such values or the file cannot be written.
void renderHeldOutCurves(const std::vector<tokenscope::StageLog> &stages, const QString &png);

} // namespace tokenscope::widgets
