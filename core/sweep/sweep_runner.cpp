// SPDX-License-Identifier: MIT
#include "sweep/sweep_runner.h"

#include "common/error.h"
#include "eval/dataset.h"
#include "eval/metrics.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>

#include <unistd.h>

namespace tokenscope {

namespace fs = std::filesystem;

namespace {

// The spec's identity: a folder's records are only resumed by the same sweep (shards aside).
nlohmann::json manifestOf(const Engine &engine, const SweepSpec &spec)
{
    return {{"model", fs::absolute(engine.info().directory).lexically_normal().string()},
            {"dataset", fs::absolute(spec.dataset).lexically_normal().string()},
            {"methods", spec.methods},
            {"budgets", spec.budgets},
            {"limit", spec.limit},
            {"max_new_tokens", spec.maxNewTokens},
            {"seed", spec.seed},
            {"shards", spec.shardCount},
            {"device", engine.info().device},
            {"dtype", engine.info().dtype}};
}

void checkOrWriteManifest(const nlohmann::json &manifest, const fs::path &outDir)
{
    const fs::path file = outDir / "sweep.json";
    if (fs::exists(file)) {
        std::ifstream in(file);
        const nlohmann::json earlier = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (earlier.is_discarded())
            throw Error(file, "is not valid JSON; remove it or use another --out");
        for (const auto &[key, value] : manifest.items())
            if (!earlier.contains(key) || earlier[key] != value)
                throw Error(file, "belongs to a different sweep (" + key + " was " +
                                      (earlier.contains(key) ? earlier[key].dump() : "absent") + ", now " + value.dump() +
                                      "); use another --out to start a new one");
        return;
    }
    // Shards of one sweep may start together: write aside, then rename (atomic on one filesystem).
    const fs::path partial = outDir / ("sweep.json." + std::to_string(::getpid()) + ".tmp");
    std::ofstream(partial) << manifest.dump(2) << '\n';
    fs::rename(partial, file);
}

std::vector<EvalSample> shardSamples(std::vector<EvalSample> samples, const SweepSpec &spec)
{
    if (spec.limit > 0 && std::size_t(spec.limit) < samples.size())
        samples.resize(std::size_t(spec.limit));
    std::vector<EvalSample> mine;
    for (std::size_t i = 0; i < samples.size(); ++i)
        if (int(i % std::size_t(spec.shardCount)) == spec.shardIndex)
            mine.push_back(std::move(samples[i]));
    return mine;
}

} // namespace

SampleRecord makeRecord(const EvalSample &sample, const fs::path &datasetDir, const SweepSetting &setting,
                        const RunResult &result)
{
    SampleRecord r;
    r.method = setting.method;
    r.budget = setting.budget;
    r.docId = sample.id;
    r.input = sample.question;
    r.target = sample.answers;
    r.response = result.answer;
    r.metric = sample.metric;
    r.score = scoreAnswer(*parseMetric(sample.metric), result.answer, sample.answers);
    r.category = sample.category;
    r.image = datasetImagePath(sample.image, datasetDir);
    r.visualTokens = result.plan.tokensBeforeCompression;
    r.keptTokens = result.plan.tokensSent;
    for (const TilePlan &t : result.plan.tiles)
        r.tileRatios.push_back(t.ratio == TileRatio::Quarter ? 0.25 : 0.0625);
    const StageTimings &t = result.timings;
    r.latencyMs = {{"tiling", t.tilingMs},       {"encoder", t.encoderMs}, {"router", t.routerMs},
                   {"connector", t.connectorMs}, {"selection", t.selectionMs}, {"prefill", t.prefillMs},
                   {"decode", t.decodeMs},       {"total", t.totalMs()}};
    const PrefillFlops &f = result.flops;
    r.flops = {{"full", f.full.total()}, {"plan", f.plan.total()}, {"llm_full", f.full.llm()}, {"llm_plan", f.plan.llm()}};
    r.device = result.device;
    r.dtype = result.dtype;
    return r;
}

SweepOutcome runSweep(Engine &engine, const SweepSpec &spec, const SweepCallbacks &callbacks)
{
    if (spec.maxNewTokens < 1 || spec.maxNewTokens > 4096)
        throw Error("--max-new-tokens", "must be in [1, 4096], got " + std::to_string(spec.maxNewTokens));
    const Dataset dataset = loadDataset(spec.dataset);   // every line and every image checked here
    const std::vector<SweepSetting> settings = sweepSettings(spec);
    const ModelInfo &info = engine.info();
    for (const SweepSetting &s : settings) {
        RunRequest probe;
        probe.question = "?";
        probe.maxNewTokens = spec.maxNewTokens;
        applyMethodChoice(probe, chooseMethod(s.method, s.budget));
        try {
            engine.validate(probe);
        } catch (const Error &e) {
            throw Error("--methods", "method '" + s.method + "' cannot run on " + info.directory.string() + ": " + e.what());
        }
    }
    const std::vector<EvalSample> samples = shardSamples(dataset.samples, spec);
    const fs::path datasetDir = fs::absolute(spec.dataset).parent_path().lexically_normal();

    fs::create_directories(spec.outDir);
    checkOrWriteManifest(manifestOf(engine, spec), spec.outDir);

    SweepOutcome outcome;
    outcome.recordsFile = recordsPath(spec);
    std::set<std::string> finished;
    if (fs::exists(outcome.recordsFile)) {
        RecordFile existing = readRecords(outcome.recordsFile);
        fs::resize_file(outcome.recordsFile, existing.validBytes);   // drop a line cut by a kill
        for (SampleRecord &r : existing.records)
            if (finished.insert(r.cellKey()).second)
                outcome.records.push_back(std::move(r));
    }
    std::ofstream out(outcome.recordsFile, std::ios::app | std::ios::binary);
    if (!out)
        throw Error(outcome.recordsFile, "cannot be opened for appending");

    const auto started = std::chrono::steady_clock::now();
    SweepProgress progress;
    progress.total = samples.size() * settings.size();
    progress.resumed = progress.done = outcome.records.size();
    outcome.resumed = outcome.records.size();
    std::shared_ptr<const EncodedImage> encoded;
    fs::path encodedPath;
    for (const EvalSample &sample : samples) {
        RunRequest request;
        request.imagePath = sample.image;
        request.question = sample.question;
        request.maxNewTokens = spec.maxNewTokens;
        request.seed = spec.seed;
        if (encodedPath != sample.image)   // questions on one image (VQA, MME pairs) share its encoding
            encoded.reset();
        progress.docId = sample.id;
        for (const SweepSetting &setting : settings) {
            if (finished.count(SampleRecord::cellKeyOf(setting.method, setting.budget, sample.id)))
                continue;
            if (callbacks.abort && callbacks.abort())
                throw Cancelled();
            applyMethodChoice(request, chooseMethod(setting.method, setting.budget));
            RunResult result;
            try {
                if (spec.cacheEncoder && !encoded) {
                    encoded = engine.encode(request);
                    encodedPath = sample.image;
                    ++outcome.images;
                }
                result = encoded ? engine.run(request, *encoded) : engine.run(request);
                if (!spec.cacheEncoder)
                    ++outcome.images;
            } catch (const Error &e) {
                throw Error(dataset.file.string() + ":" + std::to_string(sample.line),
                            "sample '" + sample.id + "' (" + setting.method + " at budget " +
                                std::to_string(setting.budget) + "): " + e.what());
            }
            SampleRecord record = makeRecord(sample, datasetDir, setting, result);
            out << toJsonLine(record) << '\n';
            out.flush();   // the cell is safe once the OS has the line: a kill -9 cannot take it back
            if (!out)
                throw Error(outcome.recordsFile, "could not be written (disk full?)");
            finished.insert(record.cellKey());
            if (callbacks.record)
                callbacks.record(record);
            outcome.records.push_back(std::move(record));
            ++outcome.ran;
            ++progress.done;
            progress.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            progress.etaSeconds = progress.elapsedSeconds / double(outcome.ran) * double(progress.total - progress.done);
            if (callbacks.progress)
                callbacks.progress(progress);
        }
    }
    return outcome;
}

} // namespace tokenscope
