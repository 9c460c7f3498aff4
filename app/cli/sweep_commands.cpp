// SPDX-License-Identifier: MIT
// sweep, merge and report: budget sweeps from the command line.
#include "command_line.h"
#include "commands.h"
#include "progress_bar.h"
#include "report_plots.h"

#include "common/error.h"
#include "eval/sweep_summary.h"
#include "pipeline/engine.h"
#include "sweep/sweep_merge.h"
#include "sweep/sweep_runner.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace tokenscope::cli {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_interrupted{false};


// summary.json, summary.csv and the terminal table for `records`; plots when this build has them.
void writeReport(const std::vector<SampleRecord> &records, const fs::path &dir, bool plots)
{
    const std::vector<SummaryRow> rows = summarize(records);
    writeSummaryJson(dir / "summary.json", rows);
    writeSummaryCsv(dir / "summary.csv", rows);
    std::cout << summaryTable(rows) << '\n';
    std::cout << "summary: " << (dir / "summary.json").string() << ", " << (dir / "summary.csv").string() << '\n';
    if (!plots)
        return;
    for (const fs::path &file : renderReportPlots(rows, dir / "plots"))
        std::cout << "plot: " << file.string() << '\n';
}

} // namespace

int sweepCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("sweep", args,
                         {"model", "data", "methods", "budgets", "out", "shard", "limit", "max-new-tokens", "seed",
                          "device", "dtype", "threads"},
                         {"no-encoder-cache"});
    SweepSpec spec;
    spec.dataset = cl.required("data");
    spec.methods = parseMethodList(cl.required("methods"));
    spec.budgets = parseBudgetList(cl.required("budgets"));
    spec.outDir = cl.required("out");
    if (auto shard = cl.value("shard"))
        std::tie(spec.shardIndex, spec.shardCount) = parseShard(*shard);
    spec.limit = cl.integer("limit", 0);
    if (spec.limit < 0)
        throw UsageError("sweep: --limit must be >= 0");
    spec.maxNewTokens = cl.integer("max-new-tokens", 16);
    spec.seed = static_cast<std::uint64_t>(cl.integer("seed", 0));
    spec.cacheEncoder = !cl.has("no-encoder-cache");

    auto engine = Engine::load(cl.required("model"), computeOptions(cl));
    std::signal(SIGINT, [](int) { g_interrupted = true; });
    std::signal(SIGTERM, [](int) { g_interrupted = true; });

    ProgressBar bar("sweep");
    const auto start = std::chrono::steady_clock::now();
    SweepCallbacks callbacks;
    callbacks.abort = [] { return g_interrupted.load(); };
    callbacks.progress = [&](const SweepProgress &p) {
        std::string stage = std::to_string(p.done) + "/" + std::to_string(p.total);
        if (p.etaSeconds >= 0)
            stage += " ETA " + formatDuration(p.etaSeconds);
        bar.callbacks().progress(p.fraction(), stage);
    };
    SweepOutcome outcome;
    try {
        outcome = runSweep(*engine, spec, callbacks);
    } catch (const Cancelled &) {
        bar.finish();
        std::cerr << "tokenscope-cli: sweep stopped; finished cells are in " << recordsPath(spec).string()
                  << " (run the same command again to resume)\n";
        return 130;
    }
    bar.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "records: " << outcome.recordsFile.string() << " (" << outcome.ran << " cells run, " << outcome.resumed
              << " resumed, " << outcome.images << " images encoded, " << formatDuration(seconds) << ")\n";
    // A shard's summary would mislead: merge the shards, then report.
    if (spec.shardCount == 1)
        writeReport(outcome.records, spec.outDir, /*plots=*/false);
    return 0;
}

int mergeCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("merge", args, {"out"}, {}, /*positionals=*/true);
    std::vector<fs::path> dirs(cl.positionals().begin(), cl.positionals().end());
    if (dirs.empty())
        throw UsageError("merge: name at least one sweep folder");
    const fs::path out = cl.value("out").value_or(dirs.front().string());
    const MergeOutcome merged = mergeSweeps(dirs, out);
    std::cout << "merged " << merged.inputs.size() << " files into " << merged.recordsFile.string() << ": "
              << merged.records << " records";
    if (merged.duplicates > 0)
        std::cout << " (" << merged.duplicates << " duplicate cells kept once)";
    std::cout << '\n';
    return 0;
}

int reportCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("report", args, {}, {"no-plots"}, /*positionals=*/true);
    if (cl.positionals().size() != 1)
        throw UsageError("report: name exactly one sweep folder");
    const fs::path dir = cl.positionals().front();
    MergeOutcome read;
    const std::vector<SampleRecord> records = readSweep({dir}, read);
    writeReport(records, dir, !cl.has("no-plots"));
    return 0;
}

} // namespace tokenscope::cli
