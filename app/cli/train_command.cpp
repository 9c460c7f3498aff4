// SPDX-License-Identifier: MIT
// tokenscope-cli train --stage base|vico|router|selector --data train.jsonl --out DIR
//   [--from DIR] [--tokenizer tokenizer.json --shape demo] [--val val.jsonl] [--steps N]
//   [--batch IMAGES] [--lr RATE] [--warmup N] [--weight-decay W] [--clip NORM] [--seed S]
//   [--checkpoint-every N] [--log-every N] [--val-images N] [--eval-every N] [--eval-images N]
//   [--max-answer-tokens N] [--vision-lr-scale S] [--connector-lr-scale S] [--llm-lr-scale S] [--router-percentile K]
//   [--router-window N] [--selector-budget B] [--lambda-start L] [--lambda-end L]
//   [--device cpu|cuda] [--threads N]
// Runs or resumes one training stage; prints a log line every --log-every steps (with ETA) and
// the held-out metrics at the end.
#include "command_line.h"
#include "commands.h"
#include "progress_bar.h"
#include "report_plots.h"

#include "common/error.h"
#include "train/train_log.h"
#include "train/trainer.h"

#include <cstdio>

namespace tokenscope::cli {

namespace {

TrainOptions trainOptions(const CommandLine &cl)
{
    TrainOptions o;
    const std::string stage = cl.required("stage");
    const auto parsed = parseTrainStage(stage);
    if (!parsed)
        throw UsageError("train: --stage '" + stage + "' is not a stage (base, vico, router, selector)");
    o.stage = *parsed;
    o.data = cl.required("data");
    o.out = cl.required("out");
    o.validation = cl.value("val").value_or("");
    o.from = cl.value("from").value_or("");
    o.tokenizer = cl.value("tokenizer").value_or("");
    o.shape = cl.value("shape").value_or(o.shape);
    o.steps = cl.integer("steps", o.steps);
    o.batchImages = cl.integer("batch", o.batchImages);
    o.learningRate = cl.number("lr", 0);
    o.warmupSteps = cl.integer("warmup", -1);
    o.weightDecay = cl.number("weight-decay", o.weightDecay);
    o.visionLearningRateScale = cl.number("vision-lr-scale", o.visionLearningRateScale);
    o.clipNorm = cl.number("clip", o.clipNorm);
    o.seed = static_cast<std::uint64_t>(cl.integer("seed", 1));
    o.checkpointEvery = cl.integer("checkpoint-every", o.checkpointEvery);
    o.logEvery = cl.integer("log-every", o.logEvery);
    o.validationImages = cl.integer("val-images", o.validationImages);
    o.evalEvery = cl.integer("eval-every", o.evalEvery);
    o.evalImages = cl.integer("eval-images", o.evalImages);
    o.maxAnswerTokens = cl.integer("max-answer-tokens", o.maxAnswerTokens);
    o.connectorLearningRateScale = cl.number("connector-lr-scale", o.connectorLearningRateScale);
    o.llmLearningRateScale = cl.number("llm-lr-scale", o.llmLearningRateScale);
    o.routerPercentile = cl.number("router-percentile", o.routerPercentile);
    o.routerWindow = cl.integer("router-window", o.routerWindow);
    o.selectorBudget = cl.number("selector-budget", o.selectorBudget);
    o.lambdaStart = cl.number("lambda-start", o.lambdaStart);
    o.lambdaEnd = cl.number("lambda-end", o.lambdaEnd);
    o.compute = computeOptions(cl);
    return o;
}

} // namespace

int trainCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("train", args,
                         {"stage", "data", "val", "from", "out", "tokenizer", "shape", "steps", "batch", "lr", "warmup",
                          "weight-decay", "vision-lr-scale", "connector-lr-scale", "llm-lr-scale", "clip", "seed", "checkpoint-every", "log-every", "val-images",
                          "eval-every", "eval-images", "max-answer-tokens", "router-percentile", "router-window", "selector-budget", "lambda-start", "lambda-end",
                          "device", "dtype", "threads"},
                         {});
    const TrainOptions options = trainOptions(cl);
    ProgressBar bar(std::string("train ") + trainStageName(options.stage));
    TrainCallbacks callbacks;
    callbacks.progress = bar.callbacks();
    callbacks.log = [&](const TrainLogEntry &entry) {
        const double elapsed = entry.values.at("elapsed_s");
        const double done = double(entry.step) / double(options.steps);
        std::string line = "step " + std::to_string(entry.step) + "/" + std::to_string(options.steps);
        for (const auto &[name, value] : entry.values) {
            if (name == "elapsed_s" || name == "images")
                continue;
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "  %s %.4g", name.c_str(), value);
            line += buffer;
        }
        line += "  elapsed " + formatDuration(elapsed);
        if (done > 0 && done < 1)
            line += "  eta " + formatDuration(elapsed / done * (1 - done));
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    };
    const TrainReport report = trainStage(options, callbacks);
    bar.finish();
    if (report.alreadyComplete)
        std::printf("%s already holds a finished '%s' stage (%d steps); nothing to do\n", report.out.string().c_str(),
                    trainStageName(options.stage), report.steps);
    else
        std::printf("%s stage: %d steps%s in %s, %lld trainable parameters -> %s\n", trainStageName(options.stage),
                    report.steps - report.firstStep,
                    report.firstStep > 0 ? (" (resumed at step " + std::to_string(report.firstStep) + ")").c_str() : "",
                    formatDuration(report.seconds).c_str(), static_cast<long long>(report.trainableParameters),
                    report.out.string().c_str());
    for (const auto &[name, value] : report.validation)
        std::printf("validation %s %.4f\n", name.c_str(), value);
    return 0;
}

} // namespace tokenscope::cli

namespace tokenscope::cli {

// tokenscope-cli plot-training STAGE_DIR... --out curves.png [--held-out held-out.png]
int plotTrainingCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("plot-training", args, {"out", "held-out"}, {}, /*positionals=*/true);
    if (cl.positionals().empty())
        throw UsageError("plot-training: name at least one stage folder (the --out of `train`)");
    std::vector<StageLog> stages;
    for (const std::string &dir : cl.positionals())
        stages.push_back(readStageLog(dir));
    const std::filesystem::path out = cl.required("out");
    if (!renderTrainingPlot(stages, out))
        return 0;
    std::printf("wrote %s (%zu stages)\n", out.string().c_str(), stages.size());
    if (const auto heldOut = cl.value("held-out"); heldOut && renderHeldOutPlot(stages, *heldOut))
        std::printf("wrote %s (held-out exact match per category)\n", heldOut->c_str());
    return 0;
}

} // namespace tokenscope::cli
