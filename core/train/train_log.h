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
    std::string name;                   // the folder's name ("read", "base3"): a kind of stage can run twice
    // A finished stage's held-out metrics on all its validation images, at its last step
    // (train-state.json "validation"; keys as in the log without the "val_" prefix). No values
    // while the stage is unfinished.
    TrainLogEntry finalValidation;
};

// Throws Error naming the file for a missing log or a malformed line (a run cut off mid-line
// keeps the lines before it).
StageLog readStageLog(const std::filesystem::path &stageDir);

} // namespace tokenscope
