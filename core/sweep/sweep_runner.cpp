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

struct SweepRun::State {
    Engine &engine;
    SweepSpec spec;
    Dataset dataset;
    std::vector<SweepSetting> settings;
    std::vector<EvalSample> samples;
    fs::path datasetDir;
    SweepOutcome outcome;
    SweepProgress progress;
    std::set<std::string> finished;
    std::ofstream out;
    std::chrono::steady_clock::time_point started;
    std::shared_ptr<const EncodedImage> encoded;
    fs::path encodedPath;
    std::size_t sample = 0, setting = 0;   // the next cell to look at

    State(Engine &e, const SweepSpec &s) : engine(e), spec(s) {}

    // Moves (sample, setting) past the cells the records file already holds.
    void skipFinished()
    {
        for (; sample < samples.size(); ++sample, setting = 0)
            for (; setting < settings.size(); ++setting)
                if (!finished.count(SampleRecord::cellKeyOf(settings[setting].method, settings[setting].budget,
                                                            samples[sample].id)))
                    return;
    }
};

SweepRun::SweepRun(Engine &engine, const SweepSpec &spec) : d(std::make_unique<State>(engine, spec))
{
    if (spec.maxNewTokens < 1 || spec.maxNewTokens > 4096)
        throw Error("--max-new-tokens", "must be in [1, 4096], got " + std::to_string(spec.maxNewTokens));
    d->dataset = loadDataset(spec.dataset);   // every line and every image checked here
    d->settings = sweepSettings(spec);
    const ModelInfo &info = engine.info();
    for (const SweepSetting &s : d->settings) {
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
    d->samples = shardSamples(d->dataset.samples, spec);
    d->datasetDir = fs::absolute(spec.dataset).parent_path().lexically_normal();

    fs::create_directories(spec.outDir);
    checkOrWriteManifest(manifestOf(engine, spec), spec.outDir);

    SweepOutcome &outcome = d->outcome;
    outcome.recordsFile = recordsPath(spec);
    if (fs::exists(outcome.recordsFile)) {
        RecordFile existing = readRecords(outcome.recordsFile);
        fs::resize_file(outcome.recordsFile, existing.validBytes);   // drop a line cut by a kill
        for (SampleRecord &r : existing.records)
            if (d->finished.insert(r.cellKey()).second)
                outcome.records.push_back(std::move(r));
    }
    d->out.open(outcome.recordsFile, std::ios::app | std::ios::binary);
    if (!d->out)
        throw Error(outcome.recordsFile, "cannot be opened for appending");

    d->started = std::chrono::steady_clock::now();
    d->progress.total = d->samples.size() * d->settings.size();
    d->progress.resumed = d->progress.done = outcome.records.size();
    outcome.resumed = outcome.records.size();
    d->skipFinished();
}

SweepRun::~SweepRun() = default;

bool SweepRun::done() const
{
    return d->sample >= d->samples.size();
}

const SweepProgress &SweepRun::progress() const
{
    return d->progress;
}

const SweepOutcome &SweepRun::outcome() const
{
    return d->outcome;
}

const SampleRecord *SweepRun::step()
{
    if (done())
        return nullptr;
    State &s = *d;
    const EvalSample &sample = s.samples[s.sample];
    const SweepSetting &setting = s.settings[s.setting];
    RunRequest request;
    request.imagePath = sample.image;
    request.question = sample.question;
    request.maxNewTokens = s.spec.maxNewTokens;
    request.seed = s.spec.seed;
    applyMethodChoice(request, chooseMethod(setting.method, setting.budget));
    if (s.encodedPath != sample.image)   // questions on one image (VQA, MME pairs) share its encoding
        s.encoded.reset();
    s.progress.docId = sample.id;
    RunResult result;
    try {
        if (s.spec.cacheEncoder && !s.encoded) {
            s.encoded = s.engine.encode(request);
            s.encodedPath = sample.image;
            ++s.outcome.images;
        }
        result = s.encoded ? s.engine.run(request, *s.encoded) : s.engine.run(request);
        if (!s.spec.cacheEncoder)
            ++s.outcome.images;
    } catch (const Error &e) {
        throw Error(s.dataset.file.string() + ":" + std::to_string(sample.line),
                    "sample '" + sample.id + "' (" + setting.method + " at budget " + std::to_string(setting.budget) +
                        "): " + e.what());
    }
    SampleRecord record = makeRecord(sample, s.datasetDir, setting, result);
    s.out << toJsonLine(record) << '\n';
    s.out.flush();   // the cell is safe once the OS has the line: a kill -9 cannot take it back
    if (!s.out)
        throw Error(s.outcome.recordsFile, "could not be written (disk full?)");
    s.finished.insert(record.cellKey());
    s.outcome.records.push_back(std::move(record));
    ++s.outcome.ran;
    ++s.progress.done;
    s.progress.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
    s.progress.etaSeconds = s.progress.elapsedSeconds / double(s.outcome.ran) * double(s.progress.total - s.progress.done);
    ++s.setting;
    s.skipFinished();
    return &s.outcome.records.back();
}

SweepOutcome runSweep(Engine &engine, const SweepSpec &spec, const SweepCallbacks &callbacks)
{
    SweepRun run(engine, spec);
    while (!run.done()) {
        if (callbacks.abort && callbacks.abort())
            throw Cancelled();
        const SampleRecord *record = run.step();
        if (callbacks.record)
            callbacks.record(*record);
        if (callbacks.progress)
            callbacks.progress(run.progress());
    }
    return run.outcome();
}

} // namespace tokenscope
