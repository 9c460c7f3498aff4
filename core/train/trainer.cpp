// SPDX-License-Identifier: MIT
#include "train/trainer.h"

#include "common/error.h"
#include "fixtures/random_checkpoint.h"
#include "io/safetensors.h"
#include "model/internvl_model.h"
#include "pipeline/chat_template.h"
#include "train/adamw.h"
#include "train/checkpoint.h"
#include "train/lr_schedule.h"
#include "train/stage_objectives.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <numeric>
#include <sstream>

namespace tokenscope {

const char *trainStageName(TrainStage stage)
{
    switch (stage) {
    case TrainStage::Base: return "base";
    case TrainStage::Consistency: return "vico";
    case TrainStage::Router: return "router";
    case TrainStage::Selector: return "selector";
    }
    return "?";
}

std::optional<TrainStage> parseTrainStage(std::string_view name)
{
    for (TrainStage s : {TrainStage::Base, TrainStage::Consistency, TrainStage::Router, TrainStage::Selector})
        if (name == trainStageName(s))
            return s;
    return std::nullopt;
}

namespace {

constexpr const char *kStateFile = "train-state.json";
constexpr const char *kLogFile = "train-log.jsonl";

double defaultLearningRate(TrainStage stage)
{
    switch (stage) {
    // Measured on the synthetic task: at 1e-3 (and above) the connector's outputs collapse to an
    // image-independent vector within a few hundred steps and the LLM answers from question priors
    // alone (swapping images moved the logits by 0.03); at 3e-4 the colour of a one-tile shape
    // went from chance (9%) to 60% held-out in 2,400 steps of the tiny shape (docs/training.md).
    case TrainStage::Base: return 3e-4;
    case TrainStage::Consistency: return 3e-4;
    case TrainStage::Router: return 1e-3;
    case TrainStage::Selector: return 1e-3;
    }
    return 1e-3;
}

std::optional<TrainStage> previousStage(TrainStage stage)
{
    switch (stage) {
    case TrainStage::Base: return std::nullopt;
    case TrainStage::Consistency: return TrainStage::Base;
    case TrainStage::Router: return TrainStage::Consistency;   // (a 'base' folder serves too: the no-ViCO ablation)
    case TrainStage::Selector: return TrainStage::Router;   // (a 'vico' folder serves too: the scorer reads the backbone only)
    }
    return std::nullopt;
}

// The stage whose finished folder this run starts from: the previous stage, or, for a base run
// given --from, an earlier base run (a curriculum: the same model continued on other data).
std::optional<TrainStage> startingStage(const TrainOptions &o)
{
    if (o.stage == TrainStage::Base && !o.from.empty())
        return TrainStage::Base;
    return previousStage(o.stage);
}

nlohmann::json readJsonFile(const std::filesystem::path &file)
{
    std::ifstream in(file);
    if (!in)
        throw Error(file, "cannot be read");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception &e) {
        throw Error(file, std::string("is not valid JSON (") + e.what() + ")");
    }
}

void writeTextAtomically(const std::filesystem::path &file, const std::string &text)
{
    const auto temporary = file.string() + ".part";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw Error(file, "could not be written");
    }
    std::error_code ec;
    std::filesystem::rename(temporary, file, ec);
    if (ec)
        throw Error(file, "could not be written: " + ec.message());
}

// What pins a run's identity: resuming with any of these changed would not continue the same run.
nlohmann::json runIdentity(const TrainOptions &o)
{
    nlohmann::json identity = {{"stage", trainStageName(o.stage)},
            {"data", std::filesystem::absolute(o.data).lexically_normal().string()},
            {"steps", o.steps},
            {"batch_images", o.batchImages},
            {"seed", o.seed},
            {"learning_rate", o.learningRate},
            {"vision_lr_scale", o.visionLearningRateScale},
            {"connector_lr_scale", o.connectorLearningRateScale},
            {"selector_budget", o.selectorBudget},
            {"router_percentile", o.routerPercentile},
            {"router_window", o.routerWindow}};
    // Added after runs that predate it were made: only a non-default scale joins their identity.
    if (o.llmLearningRateScale != 1.0)
        identity["llm_lr_scale"] = o.llmLearningRateScale;
    return identity;
}

// The previous stage's folder must hold a finished run of that stage.
void requireFinishedStage(const std::filesystem::path &from, TrainStage previous, TrainStage stage)
{
    const std::string hint = std::string(" (run `tokenscope-cli train --stage ") + trainStageName(previous) +
                             "` first and pass its --out as --from)";
    if (from.empty())
        throw Error("--from", std::string("stage '") + trainStageName(stage) + "' starts from a finished '" +
                                  trainStageName(previous) + "' stage" + hint);
    const auto stateFile = from / kStateFile;
    const char *modelFiles[] = {"config.json", "tokenizer.json", "model.safetensors"};
    if (!std::filesystem::exists(stateFile)) {
        // A model folder without a training record (the embedded demo model, a released checkpoint
        // in one file) serves any stage: its weights are the starting point.
        if (std::all_of(std::begin(modelFiles), std::end(modelFiles),
                        [&](const char *file) { return std::filesystem::exists(from / file); }))
            return;
        throw Error(from,
                    std::string("holds no finished '") + trainStageName(previous) + "' stage: " + kStateFile +
                        " is missing, and it is not a model folder (config.json, tokenizer.json, model.safetensors)" +
                        hint);
    }
    const nlohmann::json state = readJsonFile(stateFile);
    const std::string held = state.value("stage", "");
    // The selector reads the backbone only, so a 'vico' folder serves; a router from 'base' is the no-ViCO ablation.
    const char *alternative = stage == TrainStage::Selector ? "vico" : stage == TrainStage::Router ? "base" : nullptr;
    if (held != trainStageName(previous) && !(alternative && held == alternative))
        throw Error(stateFile, "is a '" + held + "' stage, but '" + trainStageName(stage) + "' needs '" +
                                   trainStageName(previous) + "'" +
                                   (alternative ? std::string(" or '") + alternative + "'" : std::string()) + hint);
    if (!state.value("complete", false))
        throw Error(stateFile, "records an unfinished '" + held + "' run (step " + std::to_string(state.value("step", 0)) +
                                   " of " + std::to_string(state.value("steps", 0)) + "): finish it first" + hint);
    for (const char *file : modelFiles)
        if (!std::filesystem::exists(from / file))
            throw Error(from / file, "is missing: the finished '" + held + "' stage has no checkpoint to start from" + hint);
}

// The base stage's starting point: the fixture initialiser at the requested shape, sized to the
// task's tokenizer, written as a complete model folder.
void initialiseBaseModel(const TrainOptions &o)
{
    if (o.tokenizer.empty())
        throw Error("--tokenizer", "the base stage needs the task's tokenizer.json (tokenscope-cli train-tokenizer)");
    const Tokenizer tokenizer = Tokenizer::fromFile(o.tokenizer);
    for (std::string_view token : {kImageStart, kImageEnd, kImageContext, kImEnd})
        if (!tokenizer.tokenToId(token))
            throw Error(o.tokenizer, "has no token '" + std::string(token) + "', which the InternVL template needs");
    ModelConfig config = fixtureShape(o.shape);
    config.llm.vocabSize = int(tokenizer.vocabSize());
    config.flash = true;
    config.flashMode = true;
    // A trained router's p(compress) is calibrated: compress where it exceeds one half.
    config.flashRelativeThreshold = 0.0;
    config.flashAbsoluteThreshold = 0.5;
    FixtureOptions fixture;
    fixture.seed = o.seed;
    writeRandomCheckpoint(o.out, config, fixture);
    std::filesystem::remove(o.out / "selector.safetensors");
    copyFileAtomically(o.tokenizer, o.out / "tokenizer.json");
    config.llm.eosTokenIds = {*tokenizer.tokenToId(kImEnd)};
    writeTextAtomically(o.out / "config.json", modelConfigToJson(config));
}

bool isRouterParameter(const std::string &name)
{
    return name.rfind("pooling_before_gating.", 0) == 0 || name.rfind("gating.", 0) == 0;
}

// A router stage trains a fresh router. From the recipe's 'vico' folder this rewrites the values
// it already holds (the base stage's initialiser with the same seed); from a model folder with a
// trained router (a released checkpoint) it replaces that router.
void initialiseRouter(nn::ParameterMap &params, const ModelConfig &config, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    for (const ExpectedTensor &t : expectedTensors(config)) {
        if (!isRouterParameter(t.name))
            continue;
        std::vector<float> values = initialValues(t, seed);
        const torch::Tensor &param = nn::param(params, t.name);
        param.copy_(torch::from_blob(values.data(), t.shape, torch::kFloat32).to(param.options()));
    }
}

// VisionSelector's scorer at its published initialisation: weights N(0, 1e-4), biases 0.
nn::ParameterMap initialSelector(int width, std::uint64_t seed, const ComputeTarget &target)
{
    torch::manual_seed(seed);
    const auto options = torch::TensorOptions().dtype(torch::kFloat32);
    nn::ParameterMap s;
    for (const char *p : {"q_proj", "k_proj"}) {
        s[std::string(p) + ".weight"] = (torch::randn({width / 2, width}, options) * 1e-4).to(target.device);
        s[std::string(p) + ".bias"] = torch::zeros({width / 2}, options).to(target.device);
    }
    return s;
}

// Keeps train-log.jsonl lines up to `step` (a resumed run rewrites what came after).
void trimLog(const std::filesystem::path &file, int step)
{
    std::ifstream in(file);
    if (!in)
        return;
    std::string kept, line;
    while (std::getline(in, line)) {
        try {
            if (nlohmann::json::parse(line).value("step", 0) <= step)
                kept += line + "\n";
        } catch (const nlohmann::json::exception &) {
            break;   // a line cut off by the interruption
        }
    }
    writeTextAtomically(file, kept);
}

// Image order: a fresh permutation of the training images every epoch, from (seed, epoch).
class DataOrder {
public:
    DataOrder(std::size_t images, std::uint64_t seed) : m_images(images), m_seed(seed) {}

    std::vector<std::size_t> batch(int step, int batchImages)
    {
        std::vector<std::size_t> out;
        for (int j = 0; j < batchImages; ++j) {
            const std::uint64_t global = std::uint64_t(step) * std::uint64_t(batchImages) + std::uint64_t(j);
            const std::uint64_t epoch = global / m_images;
            if (epoch != m_epoch || m_order.empty()) {
                m_order.resize(m_images);
                std::iota(m_order.begin(), m_order.end(), 0);
                std::mt19937_64 random(m_seed * 0x9E3779B97F4A7C15ull + epoch);
                for (std::size_t i = m_images; i > 1; --i)   // Fisher–Yates with our own range mapping
                    std::swap(m_order[i - 1], m_order[std::size_t(random() % i)]);
                m_epoch = epoch;
            }
            out.push_back(m_order[std::size_t(global % m_images)]);
        }
        return out;
    }

private:
    std::size_t m_images;
    std::uint64_t m_seed;
    std::uint64_t m_epoch = ~0ull;
    std::vector<std::size_t> m_order;
};

void validateOptions(const TrainOptions &o)
{
    if (o.steps < 1)
        throw Error("--steps", "must be at least 1");
    if (o.batchImages < 1)
        throw Error("--batch", "must be at least 1");
    if (o.learningRate < 0)
        throw Error("--lr", "must not be negative");
    if (o.clipNorm < 0)
        throw Error("--clip", "must not be negative");
    if (o.checkpointEvery < 1)
        throw Error("--checkpoint-every", "must be at least 1");
    if (!(o.selectorBudget > 0 && o.selectorBudget < 1))
        throw Error("--selector-budget", "must be in (0, 1)");
    if (o.out.empty())
        throw Error("--out", "is required");
    if (o.maxAnswerTokens < 1)
        throw Error("--max-answer-tokens", "must be at least 1");
    if (o.evalEvery < 0 || o.evalImages < 1)
        throw Error("--eval-every", "must be >= 0 with --eval-images >= 1");
    if (o.visionLearningRateScale < 0)
        throw Error("--vision-lr-scale", "must not be negative");
    if (o.connectorLearningRateScale < 0)
        throw Error("--connector-lr-scale", "must not be negative");
    if (o.llmLearningRateScale < 0)
        throw Error("--llm-lr-scale", "must not be negative");
}

} // namespace

TrainReport trainStage(const TrainOptions &optionsIn, const TrainCallbacks &callbacks)
{
    TrainOptions o = optionsIn;
    validateOptions(o);
    if (o.learningRate == 0)
        o.learningRate = defaultLearningRate(o.stage);
    if (o.warmupSteps < 0)
        o.warmupSteps = std::max(1, o.steps / 20);
    const std::string stageName = trainStageName(o.stage);
    const ComputeTarget target = resolveComputeTarget(o.compute);
    applyThreadCount(o.compute.threads);

    TrainReport report;
    report.out = o.out;
    std::filesystem::create_directories(o.out);
    const auto stateFile = o.out / kStateFile;
    int startStep = 0;
    if (std::filesystem::exists(stateFile)) {
        const nlohmann::json state = readJsonFile(stateFile);
        if (state.value("stage", "") != stageName)
            throw Error(stateFile, "belongs to a '" + state.value("stage", std::string("?")) + "' run; write the '" +
                                       stageName + "' stage to another --out folder");
        if (state.value("identity", nlohmann::json()) != runIdentity(o))
            throw Error(stateFile, "records a run with other options (" + state.value("identity", nlohmann::json()).dump() +
                                       "); resume with the same options or use another --out folder");
        if (state.value("complete", false)) {
            report.alreadyComplete = true;
            report.firstStep = report.steps = state.value("step", 0);
            const nlohmann::json held = state.value("validation", nlohmann::json::object());
            for (const auto &[k, v] : held.items())
                report.validation[k] = v.is_number() ? v.get<double>() : std::nan("");
            return report;
        }
        startStep = state.value("step", 0);
    } else if (const auto previous = startingStage(o)) {
        if (o.stage == TrainStage::Base && !o.tokenizer.empty())
            throw Error("--tokenizer", "a base run continued --from an earlier one keeps that run's tokenizer");
        requireFinishedStage(o.from, *previous, o.stage);
        copyFileAtomically(o.from / "config.json", o.out / "config.json");
        copyFileAtomically(o.from / "tokenizer.json", o.out / "tokenizer.json");
        copyFileAtomically(o.from / "model.safetensors", o.out / "model.safetensors");
    } else {
        initialiseBaseModel(o);
    }
    report.firstStep = startStep;

    // The model (a resumed run: its own last checkpoint), its tokenizer and data.
    const auto modelFile = o.out / "model.safetensors";
    if (startStep > 0 && o.stage != TrainStage::Selector) {
        const CheckpointStamp stamp = readCheckpointStamp(modelFile);
        if (stamp.stage != stageName || stamp.step != startStep)
            throw Error(modelFile, "is from " + stamp.stage + " step " + std::to_string(stamp.step) + " but " + kStateFile +
                                       " says " + stageName + " step " + std::to_string(startStep) +
                                       ": the checkpoint was interrupted; delete the folder to start over");
    }
    InternVLModel model = withTorchErrors(o.out.string(), [&] { return InternVLModel::load(o.out, target); });
    const Tokenizer tokenizer = Tokenizer::fromFile(o.out / "tokenizer.json");
    AnswerRules rules;
    rules.endOfTurn = *tokenizer.tokenToId(kImEnd);
    rules.vocabSize = model.config().llm.vocabSize;
    rules.maxAnswerTokens = o.maxAnswerTokens;
    const TrainingSet data = loadTrainingSet(o.data, tokenizer, rules);
    const std::optional<TrainingSet> validation =
        o.validation.empty() ? std::nullopt : std::optional<TrainingSet>(loadTrainingSet(o.validation, tokenizer, rules));
    if (o.stage != TrainStage::Base && !model.config().flash)
        throw Error(o.out / "config.json", "is not an InternVL-Flash model (no mlp2 / router) to train stage " + stageName);

    // What learns in this stage.
    nn::ParameterMap params = model.parameters();   // handles: updates reach the model in place
    if (o.stage == TrainStage::Router && startStep == 0)
        initialiseRouter(params, model.config(), o.seed);
    nn::ParameterMap selector;
    nn::ParameterMap *trained = &params;
    std::vector<std::string> names;
    if (o.stage == TrainStage::Selector) {
        const auto selectorFile = o.out / "selector.safetensors";
        selector = startStep > 0 ? loadCheckpointTensors(selectorFile, target).tensors
                                 : initialSelector(model.config().llm.hiddenSize, o.seed, target);
        trained = &selector;
        for (const auto &[name, tensor] : selector)
            names.push_back(name);
    } else {
        for (const auto &[name, tensor] : params) {
            const bool router = isRouterParameter(name);
            const bool learns = o.stage == TrainStage::Router ? router : (o.stage == TrainStage::Base || !router);
            if (learns)
                names.push_back(name);
        }
    }
    for (const auto &[name, tensor] : params)
        tensor.requires_grad_(false);
    for (const std::string &name : names) {
        nn::param(*trained, name).requires_grad_(true);
        report.trainableParameters += nn::param(*trained, name).numel();
    }
    AdamWOptions adamOptions;
    adamOptions.weightDecay = o.weightDecay;
    AdamW optimizer(*trained, names, adamOptions);
    optimizer.scaleLearningRate("vision_model.", o.visionLearningRateScale);
    optimizer.scaleLearningRate("mlp1.", o.connectorLearningRateScale);
    optimizer.scaleLearningRate("mlp2.", o.connectorLearningRateScale);
    optimizer.scaleLearningRate("language_model.", o.llmLearningRateScale);
    const auto optimizerFile = o.out / "optimizer.safetensors";
    if (startStep > 0) {
        const CheckpointTensors state = loadCheckpointTensors(optimizerFile, target);
        if (state.stamp.step != startStep)
            throw Error(optimizerFile, "is at step " + std::to_string(state.stamp.step) + " but " + kStateFile + " says " +
                                           std::to_string(startStep) + ": the checkpoint was interrupted");
        optimizer.restore(state.tensors, startStep, optimizerFile.string());
    }

    std::optional<InternVLModel> reference;
    if (o.stage == TrainStage::Consistency)
        reference.emplace(withTorchErrors(o.from.string(), [&] { return InternVLModel::load(o.from, target); }));
    const ObjectiveContext context{model, tokenizer, o, reference ? &*reference : nullptr,
                                   o.stage == TrainStage::Selector ? &selector : nullptr};
    const std::unique_ptr<StageObjective> objective = makeStageObjective(context);

    const auto logFile = o.out / kLogFile;
    trimLog(logFile, startStep);
    std::ofstream log(logFile, std::ios::app);
    const LearningRateSchedule schedule{o.learningRate, o.warmupSteps, o.steps, 0.1};
    DataOrder order(data.images.size(), o.seed);
    ProgressReporter progress(callbacks.progress);
    const auto started = std::chrono::steady_clock::now();
    const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };

    auto saveCheckpoint = [&](int step, bool complete, const std::map<std::string, double> &held) {
        const CheckpointStamp stamp{stageName, step};
        if (o.stage == TrainStage::Selector)
            saveCheckpointTensors(o.out / "selector.safetensors", selector, stamp);
        else
            saveCheckpointTensors(modelFile, model.parameters(), stamp);
        if (!complete)
            saveCheckpointTensors(optimizerFile, optimizer.state(), stamp);
        nlohmann::json state = {{"stage", stageName}, {"step", step},       {"steps", o.steps},
                                {"complete", complete}, {"identity", runIdentity(o)}, {"from", o.from.string()}};
        if (complete) {
            state["validation"] = held;
            state["trainable_parameters"] = report.trainableParameters;
        }
        writeTextAtomically(stateFile, state.dump(2) + "\n");
        if (complete)
            std::filesystem::remove(optimizerFile);
    };

    std::map<std::string, double> sums, counts;   // per value: a step may leave one out (no such tile in its batch)
    int step = startStep;
    try {
        while (step < o.steps) {
            progress.checkCancelled();
            const ImageBatch batch = loadImageBatch(model, data, order.batch(step, o.batchImages));
            std::mt19937_64 random(o.seed * 0xD1B54A32D192ED03ull + std::uint64_t(step));
            StepOutcome outcome = objective->step(batch, step, random);
            if (!std::isfinite(outcome.loss.item<double>()))
                throw Error(o.data, "training diverged at " + stageName + " step " + std::to_string(step) +
                                        " (loss is not finite); lower --lr");
            outcome.loss.backward();
            const double lr = schedule.at(step);
            outcome.values["grad_norm"] = optimizer.clipGradients(o.clipNorm);
            optimizer.step(lr);
            optimizer.zeroGradients();
            outcome.values["loss"] = outcome.loss.item<double>();
            for (const auto &[k, v] : outcome.values) {
                sums[k] += v;
                counts[k] += 1;
            }
            const int done = ++step;   // counted before anything below can throw Cancelled
            const bool evaluate = validation && o.evalEvery > 0 && done % o.evalEvery == 0 && done < o.steps;
            if (done % o.logEvery == 0 || done == o.steps || evaluate) {
                TrainLogEntry entry{done, {}};
                for (const auto &[k, v] : sums)
                    entry.values[k] = v / counts[k];
                entry.values["lr"] = lr;
                entry.values["elapsed_s"] = seconds();
                entry.values["images"] = double(done) * o.batchImages;
                if (evaluate)
                    for (const auto &[k, v] : objective->validate(*validation, std::size_t(o.evalImages), o.batchImages))
                        entry.values["val_" + k] = v;
                nlohmann::json line = entry.values;
                line["step"] = done;
                log << line.dump() << "\n" << std::flush;
                if (callbacks.log)
                    callbacks.log(entry);
                sums.clear();
                counts.clear();
            }
            if (done % o.checkpointEvery == 0 && done < o.steps)
                saveCheckpoint(done, false, {});
            progress.report(double(done) / double(o.steps), stageName);
        }
    } catch (const Cancelled &) {
        if (step > startStep)
            saveCheckpoint(step, false, {});   // what was learned so far is kept; rerun to resume
        throw;
    }
    report.steps = o.steps;
    if (validation)
        report.validation = objective->validate(*validation, std::size_t(o.validationImages), o.batchImages);
    saveCheckpoint(o.steps, true, report.validation);
    report.seconds = seconds();
    return report;
}

} // namespace tokenscope
