// SPDX-License-Identifier: MIT
#pragma once

// Trainer checkpoints: named tensors as F32 safetensors stamped with the stage and step they
// belong to, so a resume can tell a checkpoint interrupted between its files from a whole one.
// Private to core: includes LibTorch.

#include "model/layers.h"
#include "model/torch_runtime.h"

#include <filesystem>
#include <string>

namespace tokenscope {

struct CheckpointStamp {
    std::string stage;
    int step = 0;
};

void saveCheckpointTensors(const std::filesystem::path &file, const nn::ParameterMap &tensors, const CheckpointStamp &stamp);

struct CheckpointTensors {
    nn::ParameterMap tensors;
    CheckpointStamp stamp;
};
// Both throw Error naming the file when it is missing, truncated, or carries no stamp.
CheckpointStamp readCheckpointStamp(const std::filesystem::path &file);
CheckpointTensors loadCheckpointTensors(const std::filesystem::path &file, const ComputeTarget &target);

// Copies `from` over `to` via a temporary file renamed into place.
void copyFileAtomically(const std::filesystem::path &from, const std::filesystem::path &to);

} // namespace tokenscope
