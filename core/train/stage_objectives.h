// SPDX-License-Identifier: MIT
#pragma once

// What each training stage minimises and how its result is checked on held-out images.
// Private to core: includes LibTorch.

#include "model/internvl_model.h"
#include "train/router_labels.h"
#include "train/teacher_forcing.h"
#include "train/trainer.h"

#include <map>
#include <memory>
#include <random>
#include <string>

namespace tokenscope {

struct StepOutcome {
    torch::Tensor loss;                     // scalar, differentiable in the stage's parameters
    std::map<std::string, double> values;   // logged beside it
};

class StageObjective {
public:
    virtual ~StageObjective() = default;
    // `random` is seeded from (seed, step): the step's random choices repeat on resume.
    virtual StepOutcome step(const ImageBatch &batch, int step, std::mt19937_64 &random) = 0;
    // Held-out metrics without gradients, over `set`'s first `images` images in batches.
    virtual std::map<std::string, double> validate(const TrainingSet &set, std::size_t images, int batchImages) = 0;
};

struct ObjectiveContext {
    const InternVLModel &model;             // the model being trained (or scored, for the selector)
    const Tokenizer &tokenizer;
    const TrainOptions &options;
    const InternVLModel *reference = nullptr;    // vico: the frozen base model
    const nn::ParameterMap *selector = nullptr;  // selector: the scorer being trained
};

std::unique_ptr<StageObjective> makeStageObjective(const ObjectiveContext &context);

} // namespace tokenscope
