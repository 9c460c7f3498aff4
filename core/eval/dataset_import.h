// SPDX-License-Identifier: MIT
#pragma once

// Importers from public benchmark files into EvalSample lists (save them with saveDataset).
// Importers resolve image paths but do not check them on disk: loadDataset does, for all lines.

#include "eval/eval_sample.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tokenscope {

// TextVQA (`{"data":[{"question_id", "image_id", "question", "answers"}]}`, image =
// <imageDir>/<image_id>.jpg, metric vqa_accuracy) or DocVQA (`{"data":[{"questionId", "image",
// "question", "answers"}]}`, image = <imageDir>/<image>, metric anls), told apart per entry by its
// keys. An empty `imageDir` means the JSON file's folder; `metric` overrides the detected one.
std::vector<EvalSample> importVqaJson(const std::filesystem::path &json, const std::filesystem::path &imageDir,
                                      std::optional<std::string> metric = {});

struct ImportResult {
    std::vector<EvalSample> samples;
    int skipped = 0;   // lines that carry no image path
};

// An lmms-eval `--log_samples` file (`[<date>_]samples_<task>.jsonl`). Question from doc.question
// (else `input`, the full prompt), answers from `target`, image from doc.image / doc.image_path /
// input_media. Relative image paths resolve against `imageRoot` (empty: the log's folder).
// Lines without an image path are skipped and counted; a log with none at all is an error.
// The metric comes from `metric`, else the task name, else the metric key on each line.
ImportResult importLmmsEvalSamples(const std::filesystem::path &jsonl, const std::filesystem::path &imageRoot = {},
                                   std::optional<std::string> metric = {});

} // namespace tokenscope
