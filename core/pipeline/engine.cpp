// SPDX-License-Identifier: MIT
#include "pipeline/engine.h"

#include "compress/inside_llm.h"
#include "compress/vision_selector.h"
#include "model/internvl_model.h"
#include "pipeline/chat_template.h"
#include "pipeline/sequence_layout.h"
#include "pipeline/visual_selection.h"

#include <algorithm>
#include <optional>
#include <set>

namespace tokenscope {

const char *routeModeName(RouteMode mode)
{
    switch (mode) {
    case RouteMode::Router: return "router";
    case RouteMode::TargetBudget: return "budget";
    case RouteMode::AllFull: return "full";
    case RouteMode::AllCompressed: return "compressed";
    }
    return "?";
}

std::optional<RouteMode> parseRouteMode(std::string_view text)
{
    for (RouteMode m : {RouteMode::Router, RouteMode::TargetBudget, RouteMode::AllFull, RouteMode::AllCompressed})
        if (text == routeModeName(m))
            return m;
    return std::nullopt;
}

namespace {

// The names the compression-method registry will use for what the router modes do.
const char *planMethodName(RouteMode mode)
{
    switch (mode) {
    case RouteMode::AllFull: return "none";
    case RouteMode::AllCompressed: return "all-1/16";
    case RouteMode::Router: return "vir";
    case RouteMode::TargetBudget: return "vir-budget";
    }
    return "?";
}

void checkThresholds(const RouterThresholds &t)
{
    if (!(t.relative >= 0 && t.relative <= 1))
        throw Error("relative threshold", "must be in [0, 1], got " + std::to_string(t.relative));
    if (!(t.absolute >= 0 && t.absolute <= 1))
        throw Error("absolute threshold", "must be in [0, 1], got " + std::to_string(t.absolute));
}

} // namespace

void applyMethodChoice(RunRequest &request, const MethodChoice &choice)
{
    const std::string &ratio = choice.ratio->name;
    request.mode = ratio == "all-1/16" ? RouteMode::AllCompressed
                   : ratio == "vir"      ? RouteMode::Router
                   : ratio == "vir-budget" ? RouteMode::TargetBudget
                                           : RouteMode::AllFull;
    request.targetBudget = choice.budget;
    if (ratio == "vir") {
        const double relative = choice.parameter("relative"), absolute = choice.parameter("absolute");
        // A negative default means "the model's own threshold": only set what the user gave.
        if (relative >= 0 || absolute >= 0)
            request.thresholds = RouterThresholds{relative, absolute};
    }
    request.tokenMethod = choice.tokens ? choice.tokens->name : std::string();
    request.budget = choice.budget;
    request.methodParameters.clear();
    if (choice.tokens)
        for (const MethodParameter &p : choice.tokens->parameters)
            request.methodParameters[p.name] = choice.parameter(p.name);
}

struct Engine::Impl {
    Impl(InternVLModel m, Tokenizer t, ModelInfo i) : model(std::move(m)), tokenizer(std::move(t)), info(std::move(i)) {}

    InternVLModel model;
    Tokenizer tokenizer;
    ModelInfo info;
    TokenId imageContext = 0;
    std::set<TokenId> stopTokens;
    nn::ParameterMap selectorWeights;   // selector.safetensors (VisionSelector scorer); empty when absent

    TokenId requireToken(std::string_view token, const std::filesystem::path &file) const
    {
        auto id = tokenizer.tokenToId(token);
        if (!id)
            throw Error(file, "has no token '" + std::string(token) + "', which the InternVL template needs");
        return *id;
    }

    // The request's thresholds; a negative component means "the model's own".
    RouterThresholds effectiveThresholds(const RunRequest &request) const
    {
        RouterThresholds t = request.thresholds.value_or(info.defaultThresholds);
        if (t.relative < 0)
            t.relative = info.defaultThresholds.relative;
        if (t.absolute < 0)
            t.absolute = info.defaultThresholds.absolute;
        return t;
    }

    std::vector<TileRatio> chooseRatios(const RunRequest &request, const std::vector<double> &p) const;
    torch::Tensor tilePixels(const TiledImage &tiled) const;
    SelectedVisuals selectTokens(const RunRequest &request, const TiledImage &tiled, const torch::Tensor &patches,
                                 CompressionPlan &plan, const std::vector<torch::Tensor> &tileEmbeddings) const;
    torch::Tensor encodeTiles(const TiledImage &tiled, ProgressReporter &progress) const;
    std::vector<TokenId> generate(const SequenceLayout &layout, const std::vector<torch::Tensor> &tileEmbeddings,
                                  const torch::Tensor &positions, int maxNewTokens, RunResult &result, StageTimer &timer,
                                  ProgressReporter &progress, const LayerPruning *pruning = nullptr) const;
};

Engine::Engine(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Engine::~Engine() = default;

namespace {

ModelInfo describeModel(const std::filesystem::path &dir, const InternVLModel &model, const ComputeOptions &options,
                        int threads)
{
    const ModelConfig &c = model.config();
    ModelInfo info;
    info.directory = dir;
    info.llmArchitecture = c.llm.arch == LlmArch::Qwen2 ? "Qwen2ForCausalLM" : "Qwen3ForCausalLM";
    info.parameters = model.parameterCount();
    info.flash = c.flash;
    info.tileSize = c.vision.imageSize;
    info.tokensPerTileFull = c.tokensPerTileFull();
    info.tokensPerTileCompressed = c.flash ? c.tokensPerTileCompressed() : 0;
    info.defaultThresholds = {c.flashRelativeThreshold, c.flashAbsoluteThreshold};
    info.device = std::string(deviceName(options.device));
    info.dtype = std::string(dtypeName(options.dtype));
    info.threads = threads;
    return info;
}

} // namespace

std::unique_ptr<Engine> Engine::load(const std::filesystem::path &dir, const ComputeOptions &options)
{
    if (!std::filesystem::is_directory(dir))
        throw Error(dir, "is not a model folder (expected a directory with config.json, weights and tokenizer.json)");
    const ComputeTarget target = resolveComputeTarget(options);
    const int threads = applyThreadCount(options.threads);
    const auto tokenizerFile = dir / "tokenizer.json";
    Tokenizer tokenizer = Tokenizer::fromFile(tokenizerFile);
    InternVLModel model = withTorchErrors(dir.string(), [&] { return InternVLModel::load(dir, target); });
    if (std::int64_t(tokenizer.vocabSize()) > model.config().llm.vocabSize)
        throw Error(tokenizerFile, "has " + std::to_string(tokenizer.vocabSize()) + " tokens but llm_config.vocab_size is " +
                                       std::to_string(model.config().llm.vocabSize));

    ModelInfo info = describeModel(dir, model, options, threads);
    auto impl = std::make_unique<Impl>(std::move(model), std::move(tokenizer), std::move(info));
    impl->imageContext = impl->requireToken(kImageContext, tokenizerFile);
    impl->requireToken(kImageStart, tokenizerFile);
    impl->requireToken(kImageEnd, tokenizerFile);
    impl->stopTokens.insert(impl->requireToken(kImEnd, tokenizerFile));
    if (auto eot = impl->tokenizer.tokenToId("<|endoftext|>"))
        impl->stopTokens.insert(*eot);
    for (int id : impl->model.config().llm.eosTokenIds)
        impl->stopTokens.insert(id);
    if (const auto selectorFile = dir / "selector.safetensors"; std::filesystem::exists(selectorFile))
        impl->selectorWeights = loadVisionSelector(selectorFile, impl->model.config(), impl->model.target());
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const ModelInfo &Engine::info() const { return d->info; }
const ModelConfig &Engine::config() const { return d->model.config(); }
const Tokenizer &Engine::tokenizer() const { return d->tokenizer; }

std::vector<TileRatio> Engine::Impl::chooseRatios(const RunRequest &request, const std::vector<double> &p) const
{
    const ModelConfig &c = model.config();
    std::vector<bool> compress(p.size(), false);
    switch (request.mode) {
    case RouteMode::AllFull:
        break;
    case RouteMode::AllCompressed:
        compress.assign(p.size(), true);
        break;
    case RouteMode::Router:
        compress = routerDecisions(p, effectiveThresholds(request));
        break;
    case RouteMode::TargetBudget:
        if (!(request.targetBudget > 0 && request.targetBudget <= 1))
            throw Error("target budget", "must be in (0, 1], got " + std::to_string(request.targetBudget));
        compress = targetBudgetDecisions(p, request.targetBudget, c.tokensPerTileFull(), c.tokensPerTileCompressed());
        break;
    }
    std::vector<TileRatio> ratios;
    for (bool b : compress)
        ratios.push_back(b ? TileRatio::Sixteenth : TileRatio::Quarter);
    return ratios;
}

torch::Tensor Engine::Impl::tilePixels(const TiledImage &tiled) const
{
    const auto n = static_cast<std::int64_t>(tiled.tiles.size());
    const std::int64_t t = tiled.tileSize;
    return torch::from_blob(const_cast<float *>(tiled.pixels.data()), {n, 3, t, t}, torch::kFloat32)
        .to(model.target().device, model.target().dtype);
}

SelectedVisuals Engine::Impl::selectTokens(const RunRequest &request, const TiledImage &tiled,
                                           const torch::Tensor &patches, CompressionPlan &plan,
                                           const std::vector<torch::Tensor> &tileEmbeddings) const
{
    const MethodChoice choice = chooseMethod(request.tokenMethod, request.budget, request.methodParameters);
    if (!choice.tokens || choice.ratio->name != "none")
        throw Error("token method '" + request.tokenMethod + "'", "is not a token-selection method");
    const auto selector = makeTokenSelector(choice.tokens->name);
    if (!selector)
        throw std::logic_error("no implementation for method " + choice.tokens->name);
    if (choice.tokens->needsSelector && selectorWeights.empty())
        throw Error(info.directory / "selector.safetensors",
                    "is missing: method '" + choice.tokens->name + "' needs a VisionSelector scorer beside the model");
    const CompressionPlan before = plan;   // the selector reads this copy while `plan` is updated
    torch::Tensor clsAttention;            // computed on first use, then shared
    const SelectionInput input{model.config(),
                               before,
                               torch::cat(tileEmbeddings, 0),
                               patches,
                               [&]() -> torch::Tensor {
                                   if (!clsAttention.defined())
                                       clsAttention = model.vision().clsAttention(tilePixels(tiled));
                                   return clsAttention;
                               },
                               selectorWeights.empty() ? nullptr : &selectorWeights,
                               choice,
                               request.seed};
    return applyTokenSelection(*selector, input, plan, tileEmbeddings);
}

torch::Tensor Engine::Impl::encodeTiles(const TiledImage &tiled, ProgressReporter &progress) const
{
    const auto n = static_cast<std::int64_t>(tiled.tiles.size());
    auto pixels = tilePixels(tiled);
    std::vector<torch::Tensor> tokens;
    // One tile at a time: progress and cancel between tiles, and bounded activation memory.
    for (std::int64_t i = 0; i < n; ++i) {
        tokens.push_back(VisionEncoder::patchTokens(model.vision().forward(pixels.slice(0, i, i + 1))));
        progress.report(0.05 + 0.45 * double(i + 1) / double(n), "encoder");
    }
    return torch::cat(tokens, 0);
}

std::vector<TokenId> Engine::Impl::generate(const SequenceLayout &layout, const std::vector<torch::Tensor> &tileEmbeddings,
                                            const torch::Tensor &positions, int maxNewTokens, RunResult &result,
                                            StageTimer &timer, ProgressReporter &progress,
                                            const LayerPruning *pruning) const
{
    const LanguageModel &llm = model.language();
    const auto &target = model.target();
    auto ids = torch::tensor(std::vector<std::int64_t>(layout.ids.begin(), layout.ids.end()),
                             torch::TensorOptions().dtype(torch::kInt64)).to(target.device);
    auto embeds = llm.embed(ids);
    std::vector<std::int64_t> visualPositions;
    for (const VisualSpan &span : layout.spans)
        for (int k = 0; k < span.count; ++k)
            visualPositions.push_back(span.start + k);
    if (!visualPositions.empty()) {
        auto where = torch::tensor(visualPositions, torch::TensorOptions().dtype(torch::kInt64)).to(target.device);
        embeds.index_copy_(0, where, torch::cat(tileEmbeddings, 0));
    }

    KVCache cache = llm.newCache(static_cast<std::int64_t>(layout.ids.size()) + maxNewTokens, target.options());
    // An inside-LLM method (FastV, DART) drops visual rows at its layer during this prefill.
    auto logits = pruning ? llm.prefill(embeds, cache, positions.to(target.device), *pruning)
                          : llm.forward(embeds, cache, /*allLogits=*/false, positions.to(target.device));
    result.timings.prefillMs = timer.elapsedMs();
    progress.report(0.9, "prefill");

    // Checkpoints pad vocab_size beyond the tokenizer (Qwen3: 151936 vs 151669); a padding id has
    // no text, so greedy decoding chooses among the tokenizer's ids only.
    const auto speakable = static_cast<std::int64_t>(tokenizer.vocabSize());
    std::vector<TokenId> generated;
    for (int step = 0; step < maxNewTokens; ++step) {
        const auto next = static_cast<TokenId>(logits.slice(-1, 0, speakable).argmax(-1).item<std::int64_t>());
        if (stopTokens.count(next)) {
            result.stoppedOnEos = true;
            break;
        }
        generated.push_back(next);
        if (step + 1 == maxNewTokens)
            break;
        auto nextId = torch::full({1}, std::int64_t(next), torch::TensorOptions().dtype(torch::kInt64).device(target.device));
        logits = llm.forward(llm.embed(nextId), cache);
        progress.report(0.9 + 0.1 * double(step + 1) / maxNewTokens, "decode");
    }
    result.timings.decodeMs = timer.elapsedMs();
    return generated;
}

RunResult Engine::run(const RunRequest &request, const ProgressCallbacks &callbacks)
{
    const ModelConfig &c = d->model.config();
    if (request.question.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error("question", "is empty");
    if (request.maxNewTokens < 1 || request.maxNewTokens > 4096)
        throw Error("max new tokens", "must be in [1, 4096], got " + std::to_string(request.maxNewTokens));
    if (!c.flash && request.mode != RouteMode::AllFull)
        throw Error(d->info.directory / "config.json",
                    std::string("mode '") + routeModeName(request.mode) +
                        "' needs an InternVL-Flash model (mlp2 + router); this one only supports 'full'");

    if (c.flash)
        checkThresholds(d->effectiveThresholds(request));
    if (!request.tokenMethod.empty())
        chooseMethod(request.tokenMethod, request.budget, request.methodParameters);   // validates before any work

    ProgressReporter progress(callbacks);
    RunResult result;
    result.device = d->info.device;
    result.dtype = d->info.dtype;
    result.threads = d->info.threads;

    const RgbImage decoded = request.image ? RgbImage() : decodeImageFile(request.imagePath);
    const RgbImage &image = request.image ? *request.image : decoded;
    const std::string source = request.image ? std::string("image") : request.imagePath.string();

    return withTorchErrors(source, [&] {
        torch::InferenceMode inference;
        StageTimer timer(d->model.target().device);
        TilingOptions tiling;
        tiling.tileSize = c.vision.imageSize;
        tiling.minTiles = c.minDynamicPatch;
        tiling.maxTiles = c.maxDynamicPatch;
        tiling.dynamic = c.dynamicImageSize;
        tiling.useThumbnail = c.useThumbnail;
        const TiledImage tiled = tileImage(image, tiling);
        result.timings.tilingMs = timer.elapsedMs();
        progress.report(0.05, "tiling");

        const torch::Tensor patches = d->encodeTiles(tiled, progress);
        result.timings.encoderMs = timer.elapsedMs();

        std::vector<double> p;
        if (const VisualResolutionRouter *router = d->model.router(); router && request.mode != RouteMode::AllFull &&
                                                                      request.mode != RouteMode::AllCompressed) {
            auto probs = router->probabilities(patches).select(1, 0).to(torch::kFloat64).cpu().contiguous();
            p.assign(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
        }
        const std::vector<TileRatio> ratios = d->chooseRatios(request, p.empty() ? std::vector<double>(tiled.tiles.size(), 0.0) : p);
        result.timings.routerMs = timer.elapsedMs();
        progress.report(0.55, "router");

        // Only the connector each tile needs (the released code runs both for every tile).
        std::vector<torch::Tensor> tileEmbeddings(ratios.size());
        for (TileRatio ratio : {TileRatio::Quarter, TileRatio::Sixteenth}) {
            std::vector<std::int64_t> members;
            for (std::size_t i = 0; i < ratios.size(); ++i)
                if (ratios[i] == ratio)
                    members.push_back(static_cast<std::int64_t>(i));
            if (members.empty())
                continue;
            auto index = torch::tensor(members, torch::TensorOptions().dtype(torch::kInt64)).to(patches.device());
            auto projected = d->model.project(patches.index_select(0, index), ratio);
            for (std::size_t k = 0; k < members.size(); ++k)
                tileEmbeddings[members[k]] = projected[static_cast<std::int64_t>(k)];
        }
        result.timings.connectorMs = timer.elapsedMs();
        progress.report(0.6, "connector");

        const int fullSide = c.vision.patchesPerSide() / c.shuffleFactor();
        result.plan = planForRatios(tiled, ratios, p, fullSide, c.flash ? fullSide / c.shuffleFactor() : fullSide);
        result.plan.method = planMethodName(request.mode);
        std::vector<int> sent;
        for (const TilePlan &t : result.plan.tiles)
            sent.push_back(t.tokenCount);
        std::vector<torch::Tensor> visuals = tileEmbeddings;
        const MethodInfo *insideLlm = nullptr;   // FastV, DART: every visual token enters the LLM
        if (!request.tokenMethod.empty()) {
            const MethodChoice m = chooseMethod(request.tokenMethod, request.budget);
            if (m.tokens && m.tokens->kind == MethodKind::InsideLlm)
                insideLlm = m.tokens;
        }
        if (!request.tokenMethod.empty() && !insideLlm) {
            SelectedVisuals selected = d->selectTokens(request, tiled, patches, result.plan, tileEmbeddings);
            result.plan.method = request.mode == RouteMode::AllFull ? request.tokenMethod
                                                                     : result.plan.method + "+" + request.tokenMethod;
            visuals = std::move(selected.tileEmbeddings);
            sent = std::move(selected.keptPerTile);
            result.timings.selectionMs = timer.elapsedMs();
        }
        progress.report(0.65, "selection");

        const std::string prompt = buildChatPrompt(request.question, static_cast<int>(tiled.tiles.size()) * c.tokensPerTileFull());
        const SequenceLayout layout = assembleSequence(d->tokenizer.encode(prompt), d->imageContext, c.tokensPerTileFull(),
                                                       sent, "prompt");
        result.promptTokens = static_cast<int>(layout.ids.size());
        result.textTokens = layout.textTokens;
        const auto positions = sequencePositions(result.plan, static_cast<std::int64_t>(layout.ids.size()),
                                                 layout.spans.empty() ? 0 : layout.spans.front().start);
        timer.elapsedMs();   // sequence assembly is bookkeeping, not a model stage

        // Inside-LLM methods: promptTokens stays the full prefill length (layers < K see every row).
        InsideLlmSelection inside;
        std::optional<LayerPruning> pruning;
        if (insideLlm) {
            const MethodChoice choice = chooseMethod(request.tokenMethod, request.budget, request.methodParameters);
            std::vector<std::int64_t> visualRows;
            for (const VisualSpan &span : layout.spans)
                for (int k = 0; k < span.count; ++k)
                    visualRows.push_back(span.start + k);
            const auto keep = static_cast<std::int64_t>(keptCount(request.budget, static_cast<int>(visualRows.size())));
            pruning = makeInsideLlmPruning(choice, std::move(visualRows), keep, inside);
            // A model shallower than K+1 layers prunes before its last layer.
            pruning->layer = std::clamp(pruning->layer, 1, std::max(1, c.llm.numLayers - 1));
        }
        result.answerIds = d->generate(layout, visuals, positions, request.maxNewTokens, result, timer, progress,
                                       pruning ? &*pruning : nullptr);
        if (insideLlm) {
            CompressionPlan &plan = result.plan;
            for (std::size_t i = 0; i < plan.tokens.size(); ++i) {
                plan.tokens[i].kept = false;
                if (i < inside.scores.size())
                    plan.tokens[i].score = inside.scores[i];
            }
            for (std::int64_t i : inside.kept)
                plan.tokens[std::size_t(i)].kept = true;
            plan.tokensSent = static_cast<int>(inside.kept.size());
            plan.budget = request.budget;
            plan.positions = PositionPolicy::OriginalWithGaps;
            plan.method = request.mode == RouteMode::AllFull ? request.tokenMethod : plan.method + "+" + request.tokenMethod;
        }
        result.answer = d->tokenizer.decode(result.answerIds, /*skipSpecialTokens=*/true);
        progress.report(1.0, "done");
        return result;
    });
}

} // namespace tokenscope
