// SPDX-License-Identifier: MIT
#pragma once

// Reading a stage's train-log.jsonl back (figures, model cards, tests). No LibTorch.

#include "train/trainer.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

struct StageLog {
    std::string stage;                  // from the folder's train-state.json
    std::vector<TrainLogEntry> entries; // in step order
};

// Throws Error naming the file for a missing log or a malformed line (a run cut off mid-line
// keeps the lines before it).
StageLog readStageLog(const std::filesystem::path &stageDir);

} // namespace tokenscope
