// SPDX-License-Identifier: MIT
#include "command_line.h"
#include "commands.h"
#include "progress_bar.h"

#include "common/error.h"
#include "pipeline/engine.h"
#include "pipeline/qwen_runner.h"
#include "pipeline/result_json.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
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
    std::printf("timings ms: tiling %.1f | encoder %.1f | router %.1f | connector %.1f | selection %.1f | prefill %.1f | decode %.1f "
                "(%zu tokens) | total %.1f\n",
                t.tilingMs, t.encoderMs, t.routerMs, t.connectorMs, t.selectionMs, t.prefillMs, t.decodeMs, r.answerIds.size(),
                t.totalMs());
    const PrefillFlops &f = r.flops;
    std::printf("speed-up bound (analytic FLOPs, all tokens / this plan): LLM %.2fx, whole prefill %.2fx; the encoder is "
                "%.0f%% of this prefill, which no token budget removes\n",
                f.llmBound(), f.prefillBound(), 100.0 * f.encoderShare());
}

// A Qwen2.5-VL folder: the core's Qwen path (every token, or VisionSelector's released scorer).
int runQwen(const CommandLine &cl, const ComputeOptions &compute)
{
    const std::string method = cl.value("method").value_or("none");
    auto runner = QwenRunner::load(cl.required("model"), compute);
    const QwenRunSummary r = runner->run(cl.required("image"), cl.required("question"), method,
                                         cl.number("budget", 1.0), cl.integer("max-new-tokens", 64));
    if (cl.has("json")) {
        const nlohmann::json out = {{"family", "qwen2_5_vl"},
                                    {"method", method},
                                    {"answer", r.answer},
                                    {"answer_tokens", r.answerTokens},
                                    {"stopped_on_eos", r.stoppedOnEos},
                                    {"grid", {r.gridRows, r.gridCols}},
                                    {"visual_tokens", r.visualTokens},
                                    {"kept_tokens", r.keptTokens},
                                    {"kept", r.kept},
                                    {"prompt_tokens", r.promptTokens},
                                    {"total_ms", r.totalMs}};
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    std::printf("answer: %s\n", r.answer.c_str());
    std::printf("model: Qwen2.5-VL, method %s; merged grid %dx%d (28-px cells)\n", method.c_str(), r.gridRows,
                r.gridCols);
    std::printf("visual tokens: %d of %d (%.1f%%), prompt %d tokens; %d answer tokens in %.1f ms\n", r.keptTokens,
                r.visualTokens, 100.0 * r.keptTokens / std::max(1, r.visualTokens), r.promptTokens, r.answerTokens,
                r.totalMs);
    return 0;
}

} // namespace

int runCommand(const std::vector<std::string> &args)
{
    const CommandLine cl("run", args,
                         {"model", "image", "question", "method", "budget", "params", "relative-threshold",
                          "absolute-threshold", "seed", "device", "dtype", "threads", "max-new-tokens"},
                         {"json", "tokens"});
    const ComputeOptions compute = computeOptions(cl);
    if (isQwen25VLFolder(cl.required("model")))
        return runQwen(cl, compute);

    RunRequest request;
    request.imagePath = cl.required("image");
    request.question = cl.required("question");
    request.maxNewTokens = cl.integer("max-new-tokens", 64);
    request.seed = static_cast<std::uint64_t>(cl.integer("seed", 0));
    const double budget = cl.number("budget", 1.0);
    // "--params seed=3,query=all": numbers or a choice's name, as the method declares them.
    const auto choiceFor = [&](const std::string &method) {
        std::map<std::string, double> parameters = parseMethodParameters(method, cl.value("params").value_or(""));
        if (cl.has("relative-threshold"))
            parameters["relative"] = cl.number("relative-threshold", 0);
        if (cl.has("absolute-threshold"))
            parameters["absolute"] = cl.number("absolute-threshold", 0);
        return chooseMethod(method, budget, parameters);
    };
    if (auto method = cl.value("method"))
        choiceFor(*method);   // bad names, budgets and parameters fail before the model loads

    ProgressBar bar("run");
    auto engine = Engine::load(cl.required("model"), compute);
    const std::string method = cl.value("method").value_or(engine->info().defaultMethod);
    applyMethodChoice(request, choiceFor(method));
    const RunResult result = engine->run(request, bar.callbacks());
    bar.finish();
    if (cl.has("json"))
        std::cout << runResultToJson(result, cl.has("tokens")) << '\n';
    else
        printHuman(result, engine->info());
    return 0;
}

} // namespace tokenscope::cli
