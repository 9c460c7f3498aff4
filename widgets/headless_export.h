// SPDX-License-Identifier: MIT
#pragma once

// One run without a window (the app's --headless mode, CI, README images): runs the pipeline on
// the calling thread and writes what the window would show. Needs a QApplication (the chart is
// a widget; the "offscreen" platform is enough).

#include "common/compute_options.h"
#include "common/progress.h"
#include "pipeline/engine.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope::widgets {

struct ExportRequest {
    std::filesystem::path modelDir;
    std::filesystem::path imagePath;
    std::string question;
    std::string method = "vir";     // the CLI's method names (compress/method_catalog.h)
    double budget = 0.5;
    int maxNewTokens = 64;
    ComputeOptions compute;
    std::filesystem::path outDir;   // created if needed
};

struct ExportResult {
    ModelInfo model;
    RunResult run;
    // overlay.png (image + tile grid), stages.png (timing chart), answer.txt, result.json
    std::vector<std::filesystem::path> written;
};

// Throws tokenscope::Error (bad model, image, question, unwritable output) naming the file,
// and Cancelled if `callbacks.abort` asks to stop.
ExportResult exportRun(const ExportRequest &request, const ProgressCallbacks &callbacks = {});

} // namespace tokenscope::widgets
