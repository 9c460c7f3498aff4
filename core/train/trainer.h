// SPDX-License-Identifier: MIT
#pragma once

// The demo model's trainer (docs/training.md): four stages, each reading the
// previous stage's output folder and writing a complete, loadable model folder.
//   base      the whole model, every tile at 1/4 (next-token cross-entropy on answers)
//   vico      ViCO stage 1: a frozen copy of the base model at 1/4 is the reference; the policy
//             sees each tile at a ratio drawn from {1/4, 1/16}; loss = KL(π_ref ‖ π_θ)
//   router    ViCO stage 2 (ViR): only the router learns, BCE against loss-ratio labels (from
//             'vico', or from 'base' for the no-ViCO ablation)
//   selector  VisionSelector: only the scorer learns, CE + λ(step)·BCE(soft mask, hard mask)
// AdamW, linear warm-up + cosine decay, gradient clipping; the data order and every random
// choice are functions of (seed, step), so a run resumed from its last checkpoint continues
// exactly as if it had never stopped. Checkpoints are written atomically (temporary + rename).

#include "common/compute_options.h"
#include "common/progress.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tokenscope {

enum class TrainStage { Base, Consistency, Router, Selector };
const char *trainStageName(TrainStage stage);   // "base", "vico", "router", "selector"
std::optional<TrainStage> parseTrainStage(std::string_view name);

struct TrainOptions {
    TrainStage stage = TrainStage::Base;
    std::filesystem::path data;         // training split (sweep dataset JSONL)
    std::filesystem::path validation;   // optional held-out split, evaluated at the end
    std::filesystem::path from;         // the previous stage's output folder (base: optional, an earlier base run to continue)
    std::filesystem::path out;          // this stage's output folder (resumed when it holds a partial run)
    // base only: the model's shape (a fixture shape name) and the tokenizer it is trained with
    std::string shape = "demo";
    std::filesystem::path tokenizer;

    int steps = 1000;
    int batchImages = 8;                // images per step (all their questions are trained)
    double learningRate = 0;            // peak; 0 = the stage's default
    int warmupSteps = -1;               // -1 = 5% of the steps
    double visionLearningRateScale = 1.0;   // multiplies the rate of the vision encoder (0 freezes it)
    double connectorLearningRateScale = 1.0;   // multiplies the rate of mlp1 and mlp2 (the connectors)
    double llmLearningRateScale = 1.0;         // multiplies the rate of the language model (0 freezes it)
    double weightDecay = 0.01;
    double clipNorm = 1.0;
    std::uint64_t seed = 1;
    int checkpointEvery = 100;
    int logEvery = 10;
    int validationImages = 200;         // held-out images evaluated at the end (0 = all)
    int evalEvery = 0;                  // steps between held-out evaluations logged as val_* (0 = end only)
    int evalImages = 64;                // held-out images of each of those evaluations
    int maxAnswerTokens = 96;           // longest answer trained (the read-all answers of 6-tile images fit)
    ComputeOptions compute;

    double routerPercentile = 50;       // router: τ is this percentile of recent loss ratios
    int routerWindow = 512;             //         over this many recent tiles
    double selectorBudget = 0.2;        // selector: fraction of the batch's visual tokens kept
    double lambdaStart = 0.1, lambdaEnd = 2.0;
};

// One line of train-log.jsonl: the step and its named values (loss, lr, grad_norm, …).
struct TrainLogEntry {
    int step = 0;
    std::map<std::string, double> values;
};

struct TrainCallbacks {
    ProgressCallbacks progress;                          // fraction of the stage's steps
    std::function<void(const TrainLogEntry &)> log;      // every logEvery steps
};

struct TrainReport {
    std::filesystem::path out;
    int firstStep = 0;                  // > 0 when resumed from a checkpoint
    int steps = 0;
    bool alreadyComplete = false;       // the folder held a finished run of this stage
    double seconds = 0;
    std::int64_t trainableParameters = 0;
    std::map<std::string, double> validation;   // held-out metrics of the finished stage
};

// Runs (or resumes) one stage. Throws Error naming the file for bad input: a missing or
// unfinished previous stage, a dataset line whose answer cannot be trained, a truncated
// checkpoint, an output folder holding another stage or a run with different options.
// Cancelled from the progress abort callback leaves the last checkpoint in place.
TrainReport trainStage(const TrainOptions &options, const TrainCallbacks &callbacks = {});

} // namespace tokenscope
