// SPDX-License-Identifier: MIT
#pragma once

// Turns a checkpoint's memory-mapped tensors into LibTorch parameters, after checking every
// name and shape against what the config implies. Private to core: includes LibTorch.

#include "io/model_config.h"
#include "io/safetensors.h"
#include "model/layers.h"
#include "model/torch_runtime.h"

namespace tokenscope {

// Throws Error naming the checkpoint and the tensor for: a required tensor missing, a shape that
// differs from the config's, or (with `rejectUnexpected`) a tensor the config does not explain.
void validateCheckpoint(const WeightStore &weights, const std::vector<ExpectedTensor> &expected,
                        bool rejectUnexpected);

// Copies one tensor out of the mapping, converting F16/BF16/F32 to the target's dtype.
torch::Tensor loadTensor(const TensorView &view, const ComputeTarget &target);

// Validates, then loads every expected tensor that is present.
// (An InternVL checkpoint in transformers' layout: model/internvl_model.cpp maps the names.)
nn::ParameterMap loadParameters(const WeightStore &weights, const std::vector<ExpectedTensor> &expected,
                                const ComputeTarget &target);

} // namespace tokenscope
