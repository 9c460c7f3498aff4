// SPDX-License-Identifier: MIT
// The pipeline's stages in order: encode (image_encoding) -> tile ratios (tile_ratio_choice) ->
// connectors -> token selection (visual_selection) -> sequence assembly -> prefill with an
// optional inside-LLM pruning -> greedy decode (generation).
#include "pipeline/engine.h"

#include "compress/inside_llm.h"
#include "compress/sparsevlm.h"
#include "compress/vision_selector.h"
#include "model/internvl_model.h"
#include "model/torch_runtime.h"
#include "pipeline/chat_template.h"
#include "pipeline/downsample_tiling.h"
#include "pipeline/generation.h"
#include "pipeline/image_encoding.h"
#include "pipeline/qwen_runner.h"
#include "pipeline/sequence_layout.h"
#include "pipeline/tile_ratio_choice.h"
#include "pipeline/visual_selection.h"

#include <optional>
#include <set>

namespace tokenscope {

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

    // The token method of a request, validated; nullopt when it keeps every token.
    std::optional<MethodChoice> tokenMethod(const RunRequest &request) const
    {
        if (request.tokenMethod.empty())
            return std::nullopt;
        MethodChoice choice = chooseMethod(request.tokenMethod, request.budget, request.methodParameters);
        if (!choice.tokens || choice.ratio->name != "none")
            throw Error("token method '" + request.tokenMethod + "'", "is not a token-selection method");
        return choice;
    }

    void validate(const RunRequest &request) const;
    SelectedVisuals selectTokens(const MethodChoice &choice, const RunRequest &request, const EncodedImage &encoded,
                                 CompressionPlan &plan, const std::vector<torch::Tensor> &tileEmbeddings) const;
    std::vector<LayerPruning> insideLlmPruning(const MethodChoice &choice, const SequenceLayout &layout,
                                               InsideLlmSelection &selection, double &selectionMs) const;
    RunResult run(const RunRequest &request, const EncodedImage &encoded, ProgressReporter &progress) const;
    // The tile cap a request tiles its image with: the config's, or the downsampling baseline's.
    int tileCap(const RunRequest &request, int width, int height) const
    {
        const TilingOptions tiling = tilingFor(model);
        if (request.mode != RouteMode::Downsample)
            return tiling.maxTiles;
        return downsampleTiling(width, height, tiling, model.config().tokensPerTileFull(), request.targetBudget).maxTiles;
    }
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
    info.defaultMethod = c.flash && c.flashMode ? "vir" : "none";
    info.tileSize = c.vision.imageSize;
    info.tokensPerTileFull = c.tokensPerTileFull();
    info.tokensPerTileCompressed = c.flash ? c.tokensPerTileCompressed() : 0;
    info.defaultThresholds = {c.flashRelativeThreshold, c.flashAbsoluteThreshold};
    info.device = std::string(deviceName(options.device));
    info.dtype = std::string(dtypeName(options.dtype));
    info.threads = threads;
    return info;
}

// Inside-LLM methods decide during the prefill; their choice lands in the plan afterwards.
void recordInsideSelection(CompressionPlan &plan, const InsideLlmSelection &inside, double budget)
{
    for (std::size_t i = 0; i < plan.tokens.size(); ++i) {
        plan.tokens[i].kept = false;
        if (i < inside.scores.size())
            plan.tokens[i].score = inside.scores[i];
    }
    for (std::int64_t i : inside.kept)
        plan.tokens[std::size_t(i)].kept = true;
    plan.tokensSent = inside.tokensSent;
    plan.budget = budget;
    plan.positions = PositionPolicy::OriginalWithGaps;
}

// What torch errors name: the image file, or "image" for one handed over in memory.
std::string imageSource(const RunRequest &request)
{
    return request.image ? std::string("image") : request.imagePath.string();
}

} // namespace

std::unique_ptr<Engine> Engine::load(const std::filesystem::path &dir, const ComputeOptions &options)
{
    const std::string layout =
        " (a model folder holds config.json, model.safetensors or model.safetensors.index.json with its shards, and "
        "tokenizer.json)";
    if (!std::filesystem::is_directory(dir))
        throw Error(dir, "is not a model folder" + layout);
    const auto tokenizerFile = dir / "tokenizer.json";
    const bool anyModelFile = std::filesystem::exists(dir / "config.json") || std::filesystem::exists(tokenizerFile) ||
                              std::filesystem::exists(dir / "model.safetensors") ||
                              std::filesystem::exists(dir / "model.safetensors.index.json");
    if (!anyModelFile)
        throw Error(dir, "is not a model folder: it has none of its files" + layout);
    if (!std::filesystem::exists(tokenizerFile))
        throw Error(tokenizerFile, "is missing" + layout);
    if (isQwen25VLFolder(dir))
        throw Error(dir / "config.json",
                    "is a Qwen2.5-VL model: the command line runs it (tokenscope-cli run); the app "
                    "and the sweeps do not yet (docs/qwen2_5_vl.md)");
    const ComputeTarget target = resolveComputeTarget(options);
    const int threads = applyThreadCount(options.threads);
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
    impl->info.hasSelector = !impl->selectorWeights.empty();
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const ModelInfo &Engine::info() const { return d->info; }
const ModelConfig &Engine::config() const { return d->model.config(); }
const Tokenizer &Engine::tokenizer() const { return d->tokenizer; }

void Engine::Impl::validate(const RunRequest &request) const
{
    const ModelConfig &c = model.config();
    if (request.question.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error("question", "is empty");
    if (request.maxNewTokens < 1 || request.maxNewTokens > 4096)
        throw Error("max new tokens", "must be in [1, 4096], got " + std::to_string(request.maxNewTokens));
    // The catalogue says which tile-ratio methods need mlp2 and the router.
    if (const MethodInfo *ratio = findMethod(ratioMethodName(request.mode)); !c.flash && ratio && ratio->needsFlash)
        throw Error(info.directory / "config.json",
                    std::string("mode '") + routeModeName(request.mode) +
                        "' needs an InternVL-Flash model (mlp2 + router); this one has neither");
    if (c.flash)
        checkThresholds(effectiveThresholds(request));
    if (request.mode == RouteMode::Downsample && !(request.targetBudget > 0 && request.targetBudget <= 1))
        throw Error("target budget", "must be in (0, 1], got " + std::to_string(request.targetBudget));
    const std::optional<MethodChoice> choice = tokenMethod(request);
    if (!choice)
        return;
    if (choice->tokens->needsSelector && selectorWeights.empty())
        throw Error(info.directory / "selector.safetensors",
                    "is missing: method '" + choice->tokens->name + "' needs a VisionSelector scorer beside the model");
    if (choice->tokens->name == "pyramiddrop") {
        // Its stages and the budget they can reach, before any tile is encoded.
        pyramidSchedule(c.llm.numLayers, static_cast<int>(choice->parameter("stages")), choice->parameter("lambda"),
                        choice->budget, 1);
    } else if (choice->tokens->name == "sparsevlm") {
        sparseVlmSchedule(c.llm.numLayers, choice->budget, 1);   // an LLM it can cut
    } else if (choice->tokens->kind == MethodKind::InsideLlm) {
        // Layers < K see every visual token; a K with no layer after it would prune nothing.
        const auto layer = static_cast<int>(choice->parameter("layer"));
        const int layers = c.llm.numLayers;
        if (layer < 1 || layer >= layers)
            throw Error("method '" + choice->tokens->name + "'",
                        "layer=" + std::to_string(layer) + " is out of range: this model's LLM has " +
                            std::to_string(layers) + " layers, so the layer must be in [1, " +
                            std::to_string(layers - 1) + "]");
    }
}

SelectedVisuals Engine::Impl::selectTokens(const MethodChoice &choice, const RunRequest &request, const EncodedImage &encoded,
                                           CompressionPlan &plan, const std::vector<torch::Tensor> &tileEmbeddings) const
{
    // The question alone, as the LLM embeds it: what instruction-aware methods compare tokens with.
    const std::vector<TokenId> question = tokenizer.encode(request.question);
    const auto ids = torch::tensor(std::vector<std::int64_t>(question.begin(), question.end()), torch::kInt64)
                         .to(model.target().device);
    const auto selector = makeTokenSelector(choice.tokens->name);
    if (!selector)
        throw std::logic_error("no implementation for method " + choice.tokens->name);
    const CompressionPlan before = plan;   // the selector reads this copy while `plan` is updated
    const SelectionInput input{model.config(),
                               before,
                               torch::cat(tileEmbeddings, 0),
                               encoded.lastLayer,
                               selectorWeights.empty() ? nullptr : &selectorWeights,
                               choice,
                               request.seed,
                               model.language().embed(ids)};
    return applyTokenSelection(*selector, input, plan, tileEmbeddings);
}

std::vector<LayerPruning> Engine::Impl::insideLlmPruning(const MethodChoice &choice, const SequenceLayout &layout,
                                                         InsideLlmSelection &selection, double &selectionMs) const
{
    std::vector<std::int64_t> rows = visualRows(layout);
    const auto keep = static_cast<std::int64_t>(keptCount(choice.budget, static_cast<int>(rows.size())));
    std::vector<LayerPruning> steps =
        makeInsideLlmPruning(choice, std::move(rows), keep, selection, model.config().llm.numLayers);
    // The method's own cost inside the prefill: its explicit attention (FastV, PyramidDrop,
    // SparseVLM) plus its ranking (SparseVLM's recycling included), over every cut.
    selectionMs = 0;
    for (LayerPruning &step : steps)
        step.keepRows = [rank = std::move(step.keepRows), device = model.target().device,
                         &selectionMs](const PruningInput &in) {
            StageTimer timer(device);
            auto keepRows = rank(in);
            selectionMs += in.attentionMs + timer.elapsedMs();
            return keepRows;
        };
    return steps;
}

RunResult Engine::Impl::run(const RunRequest &request, const EncodedImage &encoded, ProgressReporter &progress) const
{
    const ModelConfig &c = model.config();
    torch::InferenceMode inference;
    StageTimer timer(model.target().device);
    RunResult result;
    result.device = info.device;
    result.dtype = info.dtype;
    result.threads = info.threads;
    result.timings.tilingMs = encoded.tilingMs;
    result.timings.encoderMs = encoded.encoderMs;
    result.timings.routerMs = encoded.routerMs;
    const TiledImage &tiled = encoded.tiled;

    const std::vector<double> &p = encoded.compressProbability;
    const std::vector<TileRatio> ratios =
        chooseTileRatios(c, request.mode, effectiveThresholds(request), request.targetBudget,
                         p.empty() ? std::vector<double>(tiled.tiles.size(), 0.0) : p);
    const std::vector<torch::Tensor> tileEmbeddings = model.projectTiles(encoded.patches, ratios);
    result.timings.connectorMs = timer.elapsedMs();
    progress.report(0.6, "connector");

    const int fullSide = c.vision.patchesPerSide() / c.shuffleFactor();
    result.plan = planForRatios(tiled, ratios, p, fullSide, c.flash ? fullSide / c.shuffleFactor() : fullSide);
    result.plan.method = ratioMethodName(request.mode);
    if (request.mode == RouteMode::Router)
        result.plan.routerRule = effectiveThresholds(request);
    if (request.mode == RouteMode::TargetBudget)
        result.plan.targetBudget = request.targetBudget;
    // Downsampled: the budget is counted against the image at the model's own tile cap.
    const TilingOptions ownTiling = tilingFor(model);
    const int fullTiles = tiledTokenCount(tiled.sourceWidth, tiled.sourceHeight, ownTiling, 1);
    if (request.mode == RouteMode::Downsample) {
        result.plan.tokensBeforeCompression = fullTiles * c.tokensPerTileFull();
        result.plan.budget = double(result.plan.tokensSent) / result.plan.tokensBeforeCompression;
    }
    const std::optional<MethodChoice> method = tokenMethod(request);
    if (method)   // "vir+divprune"; a token method alone on full tiles goes by its own name
        result.plan.method = request.mode == RouteMode::AllFull ? method->tokens->name
                                                                 : result.plan.method + "+" + method->tokens->name;
    const bool insideLlm = method && method->tokens->kind == MethodKind::InsideLlm;

    std::vector<int> sent;
    for (const TilePlan &t : result.plan.tiles)
        sent.push_back(t.tokenCount);
    std::vector<torch::Tensor> visuals = tileEmbeddings;
    if (method && !insideLlm) {
        SelectedVisuals selected = selectTokens(*method, request, encoded, result.plan, tileEmbeddings);
        visuals = std::move(selected.tileEmbeddings);
        sent = std::move(selected.keptPerTile);
        result.timings.selectionMs = timer.elapsedMs();
    }
    progress.report(0.65, "selection");

    const std::string prompt = buildChatPrompt(request.question, static_cast<int>(tiled.tiles.size()) * c.tokensPerTileFull());
    const SequenceLayout layout =
        assembleSequence(tokenizer.encode(prompt), imageContext, c.tokensPerTileFull(), sent, "prompt");
    // Inside-LLM methods: promptTokens stays the full prefill length (layers < K see every row).
    result.promptTokens = static_cast<int>(layout.ids.size());
    result.textTokens = layout.textTokens;
    const auto positions = sequencePositions(result.plan, static_cast<std::int64_t>(layout.ids.size()),
                                             layout.spans.empty() ? 0 : layout.spans.front().start);

    InsideLlmSelection inside;
    double insideMs = 0;
    std::vector<LayerPruning> pruning;
    if (insideLlm)
        pruning = insideLlmPruning(*method, layout, inside, insideMs);
    const Generation generation = generateGreedy(
        model.language(),
        GenerationInput{layout, visuals, positions, request.maxNewTokens,
                        static_cast<std::int64_t>(tokenizer.vocabSize()),
                        request.stopAtEos ? stopTokens : std::set<TokenId>{}, insideLlm ? &pruning : nullptr},
        progress);
    if (insideLlm) {
        recordInsideSelection(result.plan, inside, request.budget);
        result.timings.selectionMs = insideMs;
    }
    PrefillShape shape;
    shape.tiles = static_cast<int>(result.plan.tiles.size());
    shape.fullTiles = fullTiles;
    shape.compressedTiles = result.plan.compressedTiles();
    shape.routed = request.mode == RouteMode::Router || request.mode == RouteMode::TargetBudget;
    shape.textTokens = result.textTokens;
    shape.visualTokens = result.promptTokens - result.textTokens;
    for (const auto &[layer, rows] : inside.visualRowsFrom)
        shape.cuts.push_back({layer, rows});
    result.flops = prefillFlops(c, shape);
    result.timings.prefillMs = generation.prefillMs - insideMs;
    result.timings.decodeMs = generation.decodeMs;
    result.answerIds = generation.ids;
    result.stoppedOnEos = generation.stoppedOnEos;
    result.answer = tokenizer.decode(result.answerIds, /*skipSpecialTokens=*/true);
    progress.report(1.0, "done");
    return result;
}

void Engine::validate(const RunRequest &request) const
{
    d->validate(request);
}

std::shared_ptr<const EncodedImage> Engine::encode(const RunRequest &request, const ProgressCallbacks &callbacks)
{
    ProgressReporter progress(callbacks);
    // Decode only a file: an image handed over in memory is used where it is, not copied.
    const std::optional<RgbImage> decoded =
        request.image ? std::nullopt : std::optional<RgbImage>(decodeImageFile(request.imagePath));
    const RgbImage &image = decoded ? *decoded : *request.image;
    return withTorchErrors(imageSource(request), [&] {
        torch::InferenceMode inference;
        return std::make_shared<const EncodedImage>(
            encodeImage(d->model, image, progress, d->tileCap(request, image.width, image.height)));
    });
}

RunResult Engine::run(const RunRequest &request, const EncodedImage &encoded, const ProgressCallbacks &callbacks)
{
    d->validate(request);
    // An encoding tiled for another cap (downsampling, or a full encoding handed to a downsampled
    // run) cannot be reused: this run tiles the image itself.
    if (encoded.maxTiles != d->tileCap(request, encoded.tiled.sourceWidth, encoded.tiled.sourceHeight))
        return run(request, callbacks);
    ProgressReporter progress(callbacks);
    RunResult result = withTorchErrors(imageSource(request), [&] { return d->run(request, encoded, progress); });
    result.encodingReused = true;
    return result;
}

RunResult Engine::run(const RunRequest &request, const ProgressCallbacks &callbacks)
{
    d->validate(request);   // before any work
    const std::shared_ptr<const EncodedImage> encoded = encode(request, callbacks);
    ProgressReporter progress(callbacks);
    return withTorchErrors(imageSource(request), [&] { return d->run(request, *encoded, progress); });
}

} // namespace tokenscope
