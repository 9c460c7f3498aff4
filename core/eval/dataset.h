// SPDX-License-Identifier: MIT
#pragma once

// The evaluation dataset file: JSONL, one question per line (docs/dataset-format.md).
// Loading validates every line and checks that every image exists before returning, so a sweep
// never starts on a dataset that would fail half-way through.

#include "eval/eval_sample.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tokenscope {

struct Dataset {
    std::filesystem::path file;         // as given to loadDataset
    std::vector<EvalSample> samples;    // in file order; images absolute, `line` set
};

// Parses and validates `file`. Throws Error whose source is "<file>:<line>" for a bad line
// (or the file itself for file-level problems) and whose problem names the field at fault.
// Images are checked for existence only; decoding errors come later, from the engine.
Dataset loadDataset(const std::filesystem::path &file);

// Writes `samples` as JSONL (the loader's format). Images inside the file's folder are written
// relative to it, others absolute. Validates first and writes nothing if a sample is invalid;
// replaces `file` only once everything is written.
void saveDataset(const std::filesystem::path &file, const std::vector<EvalSample> &samples);

// The image path as a dataset file in `folder` holds it: relative when inside the folder (so the
// folder can be moved as a whole), absolute otherwise (so moving the file alone keeps it valid).
std::string datasetImagePath(const std::filesystem::path &image, const std::filesystem::path &folder);

// Throws Error(source, "<field> '<name>' is not a known metric (exact_match, …)") if unknown.
void requireDatasetMetric(const std::string &source, const std::string &field, std::string_view name);

} // namespace tokenscope
