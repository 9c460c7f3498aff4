// SPDX-License-Identifier: MIT
#pragma once

// One question of an evaluation dataset (the sweep's JSONL format, docs/dataset-format.md).

#include <filesystem>
#include <string>
#include <vector>

namespace tokenscope {

struct EvalSample {
    std::string id;                     // unique within the dataset
    std::filesystem::path image;        // absolute (resolved against the dataset file's folder)
    std::string question;
    std::vector<std::string> answers;   // ground truth; VQA datasets carry 10
    std::string metric;                 // a name from eval/metrics.h: "exact_match", "vqa_accuracy", …
    std::string category;               // optional; MME needs it
    int line = 0;                       // 1-based line in the dataset file, for messages
    int tile = -1;                      // optional: the tile (row-major, thumbnail excluded) holding the
                                        // answer; -1 when unknown or spread over tiles (training diagnostics)
};

} // namespace tokenscope
