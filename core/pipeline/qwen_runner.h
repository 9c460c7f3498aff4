// SPDX-License-Identifier: MIT
#pragma once

// A Qwen2.5-VL model folder behind a LibTorch-free facade, for the command line until the
// engine's model-family seam serves Qwen2.5-VL to the app and the sweeps (docs/qwen2_5_vl.md).
// Methods so far: every token ("none") and VisionSelector's released scorer ("visionselector").

#include "common/compute_options.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tokenscope {

// True when `dir`/config.json names Qwen2_5_VLForConditionalGeneration.
bool isQwen25VLFolder(const std::filesystem::path &dir);

struct QwenRunSummary {
    std::string answer;
    int gridRows = 0, gridCols = 0;   // the merged-token grid (28-px cells)
    int visualTokens = 0, keptTokens = 0;
    std::vector<std::int64_t> kept;   // raster indices of the image tokens sent
    int promptTokens = 0;
    int answerTokens = 0;
    bool stoppedOnEos = false;
    double totalMs = 0;
};

class QwenRunner {
public:
    // Errors name the file (config.json, the weights, tokenizer.json).
    static std::unique_ptr<QwenRunner> load(const std::filesystem::path &dir, const ComputeOptions &options = {});
    ~QwenRunner();

    bool hasSelector() const;
    // `method` is "none" or "visionselector" (at `budget`); anything else is an Error.
    QwenRunSummary run(const std::filesystem::path &image, const std::string &question, const std::string &method,
                       double budget, int maxNewTokens);

private:
    struct Impl;
    explicit QwenRunner(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

}   // namespace tokenscope
