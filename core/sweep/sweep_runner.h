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
#include <memory>

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

// A sweep one cell at a time, so that other work can use the same engine between cells (the
// workbench answers questions on the model its sweep is running). The constructor validates
// everything first (dataset, images, methods against this model, the folder's earlier spec) and
// opens the records file; errors name the file, line or sample, and records written before stay
// valid. The engine must outlive the run.
class SweepRun {
public:
    SweepRun(Engine &engine, const SweepSpec &spec);
    ~SweepRun();
    SweepRun(const SweepRun &) = delete;
    SweepRun &operator=(const SweepRun &) = delete;

    bool done() const;   // no unfinished cell left
    // Runs the next unfinished cell, appends its record to the file (flushed) and returns it
    // (valid until the next step); nullptr when done.
    const SampleRecord *step();
    const SweepProgress &progress() const;
    const SweepOutcome &outcome() const;   // so far: resumed cells and those run

private:
    struct State;
    std::unique_ptr<State> d;
};

// The whole sweep: a SweepRun stepped to the end, checking `abort` before each cell.
SweepOutcome runSweep(Engine &engine, const SweepSpec &spec, const SweepCallbacks &callbacks = {});

// The record of one cell from a finished run (fields as in the records file).
SampleRecord makeRecord(const EvalSample &sample, const std::filesystem::path &datasetDir,
                        const SweepSetting &setting, const RunResult &result);

} // namespace tokenscope
