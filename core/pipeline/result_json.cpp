// SPDX-License-Identifier: MIT
#include "pipeline/result_json.h"

#include <nlohmann/json.hpp>

namespace tokenscope {

namespace {

using nlohmann::json;

json rectJson(const RectF &r)
{
    return json::array({r.x, r.y, r.width, r.height});
}

json planJson(const CompressionPlan &plan, bool withTokens)
{
    json tiles = json::array();
    for (const TilePlan &t : plan.tiles) {
        json tile = {{"index", t.index},
                     {"col", t.col},
                     {"row", t.row},
                     {"thumbnail", t.thumbnail},
                     {"rect", rectJson(t.sourceRect)},
                     {"ratio", tileRatioName(t.ratio)},
                     {"grid_side", t.gridSide},
                     {"first_token", t.firstToken},
                     {"tokens", t.tokenCount}};
        tile["compress_probability"] = t.compressProbability >= 0 ? json(t.compressProbability) : json(nullptr);
        tiles.push_back(std::move(tile));
    }
    json out = {{"method", plan.method},
                {"budget", plan.budget},
                {"tokens_before_compression", plan.tokensBeforeCompression},
                {"tokens_sent", plan.tokensSent},
                {"appended_tokens", plan.appendedTokens},
                {"compressed_tiles", plan.compressedTiles()},
                {"positions", plan.positions == PositionPolicy::Contiguous ? "contiguous" : "original_with_gaps"},
                {"tiles", std::move(tiles)}};
    if (withTokens) {
        json tokens = json::array();
        for (const VisualToken &v : plan.tokens)
            tokens.push_back({{"tile", v.tile},
                              {"x", v.gridX},
                              {"y", v.gridY},
                              {"rect", rectJson(v.sourceRect)},
                              {"score", v.score},
                              {"kept", v.kept},
                              {"merged_into", v.mergedInto}});
        out["tokens"] = std::move(tokens);
    }
    return out;
}

json stageFlopsJson(const StageFlops &f)
{
    return {{"encoder", f.encoder},     {"router", f.router},       {"connector", f.connector},
            {"llm_before_k", f.llmBeforeK}, {"llm_after_k", f.llmAfterK}, {"total", f.total()}};
}

} // namespace

std::string compressionPlanToJson(const CompressionPlan &plan, bool withTokens, int indent)
{
    return planJson(plan, withTokens).dump(indent);
}

std::string runResultToJson(const RunResult &r, bool withTokens, int indent)
{
    const StageTimings &t = r.timings;
    json out = {{"answer", r.answer},
                {"answer_ids", r.answerIds},
                {"stopped_on_eos", r.stoppedOnEos},
                {"prompt_tokens", r.promptTokens},
                {"text_tokens", r.textTokens},
                {"visual_tokens", r.plan.tokensSent},
                {"device", r.device},
                {"dtype", r.dtype},
                {"threads", r.threads},
                {"timings_ms",
                 {{"tiling", t.tilingMs},
                  {"encoder", t.encoderMs},
                  {"router", t.routerMs},
                  {"connector", t.connectorMs},
                  {"selection", t.selectionMs},
                  {"prefill", t.prefillMs},
                  {"decode", t.decodeMs},
                  {"total", t.totalMs()}}},
                {"flops",
                 {{"full", stageFlopsJson(r.flops.full)},
                  {"plan", stageFlopsJson(r.flops.plan)},
                  {"llm_bound", r.flops.llmBound()},
                  {"prefill_bound", r.flops.prefillBound()},
                  {"encoder_share", r.flops.encoderShare()}}},
                {"plan", planJson(r.plan, withTokens)}};
    return out.dump(indent);
}

} // namespace tokenscope
