// SPDX-License-Identifier: MIT
#include "pipeline/qwen_runner.h"

#include "common/error.h"
#include "compress/vision_selector.h"
#include "io/config_fields.h"
#include "model/torch_runtime.h"
#include "pipeline/qwen_answer.h"

#include <chrono>

namespace tokenscope {

bool isQwen25VLFolder(const std::filesystem::path &dir)
{
    const auto config = dir / "config.json";
    return std::filesystem::is_regular_file(config) && isQwen25VLConfigText(readTextFile(config));
}

struct QwenRunner::Impl {
    Impl(Qwen25VLModel m, Tokenizer t) : model(std::move(m)), tokenizer(std::move(t)) {}
    Qwen25VLModel model;
    Tokenizer tokenizer;
    nn::ParameterMap selector;
};

QwenRunner::QwenRunner(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
QwenRunner::~QwenRunner() = default;

std::unique_ptr<QwenRunner> QwenRunner::load(const std::filesystem::path &dir, const ComputeOptions &options)
{
    const auto tokenizerFile = dir / "tokenizer.json";
    if (!std::filesystem::exists(tokenizerFile))
        throw Error(tokenizerFile, "is missing (a Qwen2.5-VL folder holds config.json, preprocessor_config.json, "
                                   "the weights and tokenizer.json)");
    const ComputeTarget target = resolveComputeTarget(options);
    applyThreadCount(options.threads);
    Tokenizer tokenizer = Tokenizer::fromFile(tokenizerFile);
    Qwen25VLModel model = withTorchErrors(dir.string(), [&] { return Qwen25VLModel::load(dir, target); });
    if (const auto imagePad = tokenizer.tokenToId("<|image_pad|>");
        !imagePad || *imagePad != TokenId(model.config().imageTokenId))
        throw Error(tokenizerFile, "has no <|image_pad|> at config.json's image_token_id " +
                                       std::to_string(model.config().imageTokenId));
    auto impl = std::make_unique<Impl>(std::move(model), std::move(tokenizer));
    impl->selector = loadQwenVisionSelector(dir, impl->model.layout(), impl->model.config().llm.hiddenSize, target);
    return std::unique_ptr<QwenRunner>(new QwenRunner(std::move(impl)));
}

bool QwenRunner::hasSelector() const
{
    return !d->selector.empty();
}

QwenRunSummary QwenRunner::run(const std::filesystem::path &image, const std::string &question,
                               const std::string &method, double budget, int maxNewTokens)
{
    if (method != "none" && method != "visionselector")
        throw Error("method '" + method + "'", "does not run on Qwen2.5-VL yet (none and visionselector do; the other "
                                               "methods come with the engine's model-family seam)");
    if (question.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error("question", "is empty");
    if (maxNewTokens < 1 || maxNewTokens > 4096)
        throw Error("max new tokens", "must be in [1, 4096], got " + std::to_string(maxNewTokens));
    const auto started = std::chrono::steady_clock::now();
    const RgbImage pixels = decodeImageFile(image);
    const QwenAnswer answer = withTorchErrors(image.string(), [&] {
        return answerQwen(d->model, d->tokenizer, pixels, image.string(), question, d->selector,
                          method == "none" ? 1.0 : budget, maxNewTokens);
    });
    QwenRunSummary summary;
    summary.answer = answer.text;
    summary.gridRows = int(answer.grid.h / d->model.config().vision.spatialMergeSize);
    summary.gridCols = int(answer.grid.w / d->model.config().vision.spatialMergeSize);
    summary.visualTokens = int(answer.visualTokens);
    summary.keptTokens = int(answer.kept.size());
    summary.kept = answer.kept;
    summary.promptTokens = int(answer.promptTokens);
    summary.answerTokens = int(answer.ids.size());
    summary.stoppedOnEos = answer.stoppedOnEos;
    summary.totalMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}   // namespace tokenscope
