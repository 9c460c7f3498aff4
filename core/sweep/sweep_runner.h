// SPDX-License-Identifier: MIT
#pragma once

// Runs a budget sweep on one engine: for each sample (dataset order), the image is encoded once
// (consecutive questions on one image share it) and every (method, budget) setting re-runs only
// compression and the LLM. Each finished cell is
// appended to the records file and flushed at once, so a run killed at any moment and started
// again with the same spec resumes where it stopped and ends with the same records.

#include "eval/eval_sample.h"
#include "eval/sample_record.h"
#include "pipeline/engine.h"
#include "sweep/sweep_spec.h"

#include <functional>

namespace tokenscope {

struct SweepProgress {
    std::size_t done = 0;      // cells finished, resumed ones included
    std::size_t total = 0;     // cells of this shard
    std::size_t resumed = 0;   // cells found finished in the records file at start
    std::string docId;         // the sample being worked on
    double fraction() const { return total ? double(done) / double(total) : 1.0; }
    double elapsedSeconds = 0; // since this run started
    double etaSeconds = -1;    // from this run's pace so far; -1 until a cell has finished
};

struct SweepCallbacks {
    std::function<void(const SweepProgress &)> progress;
    std::function<bool()> abort;                           // checked between cells; stops with Cancelled
    std::function<void(const SampleRecord &)> record;      // each newly finished cell (partial results)
};

struct SweepOutcome {
    std::filesystem::path recordsFile;
    std::vector<SampleRecord> records;   // every cell of this shard, resumed ones included
    std::size_t ran = 0, resumed = 0;
    int images = 0;                      // images encoded by this run
};

// Validates everything first (dataset, images, methods against this model, the folder's earlier
// spec), then runs. Errors name the file, line or sample; records written before stay valid.
SweepOutcome runSweep(Engine &engine, const SweepSpec &spec, const SweepCallbacks &callbacks = {});

// The record of one cell from a finished run (fields as in the records file).
SampleRecord makeRecord(const EvalSample &sample, const std::filesystem::path &datasetDir,
                        const SweepSetting &setting, const RunResult &result);

} // namespace tokenscope
