// SPDX-License-Identifier: MIT
#include "command_line.h"
#include "commands.h"
#include "progress_bar.h"

#include "common/error.h"
#include "pipeline/engine.h"
#include "pipeline/result_json.h"

#include <cstdio>
#include <iostream>

namespace tokenscope::cli {

namespace {

void printHuman(const RunResult &r, const ModelInfo &info)
{
    std::printf("answer: %s\n", r.answer.c_str());
    std::printf("model: %s, %lld parameters, %s/%s, %d threads\n", info.llmArchitecture.c_str(),
                static_cast<long long>(info.parameters), r.device.c_str(), r.dtype.c_str(), r.threads);
    std::printf("tiles (%zu, method %s):\n", r.plan.tiles.size(), r.plan.method.c_str());
    for (const TilePlan &t : r.plan.tiles) {
        const std::string where = t.thumbnail ? "thumbnail" : "(" + std::to_string(t.col) + "," + std::to_string(t.row) + ")";
        std::printf("  %2d %-10s ratio %-4s tokens %4d", t.index, where.c_str(), tileRatioName(t.ratio), t.tokenCount);
        if (t.compressProbability >= 0)
            std::printf("  p(compress) %.4f", t.compressProbability);
        std::printf("  rect %.0f,%.0f %.0fx%.0f\n", t.sourceRect.x, t.sourceRect.y, t.sourceRect.width, t.sourceRect.height);
    }
    std::printf("visual tokens: %d of %d (%.1f%%), prompt %d tokens (%d text)\n", r.plan.tokensSent,
                r.plan.tokensBeforeCompression, 100.0 * r.plan.tokensSent / std::max(1, r.plan.tokensBeforeCompression),
                r.promptTokens, r.textTokens);
    const StageTimings &t = r.timings;
    std::printf("timings ms: tiling %.1f | encoder %.1f | router %.1f | connector %.1f | prefill %.1f | decode %.1f "
                "(%zu tokens) | total %.1f\n",
                t.tilingMs, t.encoderMs, t.routerMs, t.connectorMs, t.prefillMs, t.decodeMs, r.answerIds.size(),
                t.totalMs());
}

} // namespace

int runCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("run", args,
                         {"model", "image", "question", "mode", "budget", "relative-threshold", "absolute-threshold",
                          "device", "dtype", "threads", "max-new-tokens"},
                         {"json", "tokens"});
    ComputeOptions compute;
    if (auto d = cl.value("device")) {
        auto parsed = parseDeviceKind(*d);
        if (!parsed)
            throw UsageError("run: --device must be cpu or cuda, got '" + *d + "'");
        compute.device = *parsed;
    }
    compute.dtype = compute.device == DeviceKind::Cuda ? ComputeDType::BFloat16 : ComputeDType::Float32;
    if (auto t = cl.value("dtype")) {
        auto parsed = parseComputeDType(*t);
        if (!parsed)
            throw UsageError("run: --dtype must be fp32 or bf16, got '" + *t + "'");
        compute.dtype = *parsed;
    }
    compute.threads = cl.integer("threads", 0);

    RunRequest request;
    request.imagePath = cl.required("image");
    request.question = cl.required("question");
    if (auto m = cl.value("mode")) {
        auto parsed = parseRouteMode(*m);
        if (!parsed)
            throw UsageError("run: --mode must be router, full, compressed or budget, got '" + *m + "'");
        request.mode = *parsed;
    }
    request.targetBudget = cl.number("budget", 0.5);
    request.maxNewTokens = cl.integer("max-new-tokens", 64);

    ProgressBar bar("run");
    auto engine = Engine::load(cl.required("model"), compute);
    if (cl.has("relative-threshold") || cl.has("absolute-threshold")) {
        RouterThresholds th = engine->info().defaultThresholds;
        th.relative = cl.number("relative-threshold", th.relative);
        th.absolute = cl.number("absolute-threshold", th.absolute);
        request.thresholds = th;
    }
    const RunResult result = engine->run(request, bar.callbacks());
    bar.finish();
    if (cl.has("json"))
        std::cout << runResultToJson(result, cl.has("tokens")) << '\n';
    else
        printHuman(result, engine->info());
    return 0;
}

} // namespace tokenscope::cli
