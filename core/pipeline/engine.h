// SPDX-License-Identifier: MIT
#pragma once

// The whole pipeline behind one facade: image + question -> tiles -> encoder (once per tile)
// -> ViR router -> only the connector each tile needs -> sequence assembly -> prefill -> greedy
// decode -> answer, with the compression plan and per-stage timings. No LibTorch in this header.

#include "common/compute_options.h"
#include "common/progress.h"
#include "compress/method_catalog.h"
#include "image/image.h"
#include "io/model_config.h"
#include "model/router_rule.h"
#include "pipeline/compression_plan.h"
#include "pipeline/prefill_flops.h"
#include "tokenizer/tokenizer.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tokenscope {

struct EncodedImage;   // pipeline/image_encoding.h: tiles, encoder outputs, router probabilities

enum class RouteMode {
    Router,          // ViR with the relative + absolute thresholds
    TargetBudget,    // ViR probabilities, compress the most compressible tiles down to a budget
    AllFull,         // every tile at 1/4 (mlp1)
    AllCompressed,   // every tile at 1/16 (mlp2)
    Downsample,      // fewer tiles (a lower tile cap) down to `targetBudget`, every tile at 1/4
};
const char *routeModeName(RouteMode mode);   // "router", "budget", "full", "compressed"
std::optional<RouteMode> parseRouteMode(std::string_view text);

struct RunRequest {
    std::filesystem::path imagePath;                 // decoded unless `image` is set
    // Decoded pixels, shared rather than copied: a request is copied per slider move and per
    // queued signal, and an image may be 50 megapixels.
    std::shared_ptr<const RgbImage> image;
    std::string question;
    RouteMode mode = RouteMode::Router;
    std::optional<RouterThresholds> thresholds;      // default: the config's flash thresholds
    double targetBudget = 0.5;                       // RouteMode::TargetBudget
    int maxNewTokens = 64;
    bool stopAtEos = true;                           // false: decode exactly maxNewTokens (benchmarks)
    // Token selection after the tile ratios (compress/method_catalog.h); empty keeps every token.
    std::string tokenMethod;
    double budget = 1.0;                             // of the tokens the connectors produced
    std::map<std::string, double> methodParameters;
    std::uint64_t seed = 0;
};

// Fills the request's ratio mode, thresholds and token method from a validated method choice.
void applyMethodChoice(RunRequest &request, const MethodChoice &choice);

struct StageTimings {
    double tilingMs = 0, encoderMs = 0, routerMs = 0, connectorMs = 0, selectionMs = 0, prefillMs = 0, decodeMs = 0;
    double totalMs() const { return tilingMs + encoderMs + routerMs + connectorMs + selectionMs + prefillMs + decodeMs; }
};

struct RunResult {
    std::string answer;
    std::vector<TokenId> answerIds;
    bool stoppedOnEos = false;
    CompressionPlan plan;
    StageTimings timings;
    PrefillFlops flops;          // analytic FLOPs of this plan and of the all-kept run: the bound
    int promptTokens = 0;        // sequence length sent to prefill (text + visual)
    int textTokens = 0;
    std::string device;
    std::string dtype;
    int threads = 0;
    bool encodingReused = false;   // tiling/encoder/router timings are those of the reused encoding
};

struct ModelInfo {
    std::filesystem::path directory;
    std::string llmArchitecture;   // "Qwen3ForCausalLM"
    std::int64_t parameters = 0;
    bool flash = false;            // has mlp2 + ViR router
    // What a run uses when no method is named: "vir" when the config's flash_mode is true (the
    // reference routes only then), else "none" (every tile at 1/4; ViR still runs on request).
    std::string defaultMethod = "none";
    bool hasSelector = false;      // selector.safetensors was loaded (VisionSelector can run)
    int tileSize = 0;
    int tokensPerTileFull = 0;
    int tokensPerTileCompressed = 0;
    RouterThresholds defaultThresholds;
    std::string device;
    std::string dtype;
    int threads = 0;
};

class Engine {
public:
    // Loads `dir` (config.json, weights, tokenizer.json). Any problem with the folder or its
    // files throws Error naming the file.
    static std::unique_ptr<Engine> load(const std::filesystem::path &dir, const ComputeOptions &options = {});
    ~Engine();

    const ModelInfo &info() const;
    const ModelConfig &config() const;
    const Tokenizer &tokenizer() const;

    // Throws Error for bad input (missing/corrupt image, empty question, …) and Cancelled when
    // the abort callback asks to stop. Call from one thread at a time (the model-owner thread).
    RunResult run(const RunRequest &request, const ProgressCallbacks &callbacks = {});

    // Throws the Error that run() would throw for the request's options (question, mode,
    // thresholds, method and its parameters against this model) without touching the image.
    void validate(const RunRequest &request) const;

    // What no method or budget changes (tiling, encoder, router) for the request's image, to reuse
    // across runs of that image: run(request, *encode(request)) equals run(request). A sweep
    // encodes each image once. Progress runs to 0.55; the reusing run reports from there.
    std::shared_ptr<const EncodedImage> encode(const RunRequest &request, const ProgressCallbacks &callbacks = {});
    RunResult run(const RunRequest &request, const EncodedImage &encoded, const ProgressCallbacks &callbacks = {});

private:
    struct Impl;
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tokenscope
