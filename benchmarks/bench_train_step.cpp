// SPDX-License-Identifier: MIT
// One base-stage training step on the demo shape, two ways: every question of an image as its own
// sequence (one row per question, what the trainer did before task v2) against all of an image's
// questions packed into one row that shares the prompt prefix (TeacherForcing today; the same
// logits). Each side times a whole step but the optimiser update: encoder, connector, LLM, answer
// loss and the backward pass through all of it, on the same images. Medians of interleaved repeats, ratio of paired runs. Prints
// Markdown.
//
//   bench_train_step --data train.jsonl --tokenizer tokenizer.json [--batch 16] [--repeats 9] [--threads 2]

#include "bench_support.h"
#include "fixtures/random_checkpoint.h"
#include "model/internvl_model.h"
#include "model/torch_runtime.h"
#include "train/losses.h"
#include "train/teacher_forcing.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <string>

using namespace tokenscope;

int main(int argc, char **argv)
{
    std::filesystem::path data, tokenizerFile;
    int batchImages = 16, repeats = 9, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--data") data = argv[i + 1];
        else if (flag == "--tokenizer") tokenizerFile = argv[i + 1];
        else if (flag == "--batch") batchImages = std::atoi(argv[i + 1]);
        else if (flag == "--repeats") repeats = std::atoi(argv[i + 1]);
        else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }
    if (data.empty() || tokenizerFile.empty()) {
        std::fprintf(stderr, "usage: bench_train_step --data train.jsonl --tokenizer tokenizer.json [--batch N]\n");
        return 2;
    }
    applyThreadCount(threads);
    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerFile);
    const auto modelDir = std::filesystem::temp_directory_path() / "bench_train_step_model";
    ModelConfig config = fixtureShape("demo");
    config.llm.vocabSize = int(tokenizer.vocabSize());
    writeRandomCheckpoint(modelDir, config, {});
    const InternVLModel model = InternVLModel::load(modelDir, {});
    AnswerRules rules;
    rules.endOfTurn = *tokenizer.tokenToId("<|im_end|>");
    rules.vocabSize = config.llm.vocabSize;
    const TrainingSet set = loadTrainingSet(data, tokenizer, rules);
    const TeacherForcing teacher(model, tokenizer);

    // The same images, one entry per question: each becomes a row of its own.
    std::vector<TrainingImage> single;
    for (std::size_t i = 0; i < std::size_t(batchImages) && i < set.images.size(); ++i)
        for (const TrainingQuestion &q : set.images[i].questions)
            single.push_back({set.images[i].path, {q}});
    std::vector<std::size_t> indices(std::min(std::size_t(batchImages), set.images.size()));
    std::iota(indices.begin(), indices.end(), 0);
    const ImageBatch batch = loadImageBatch(model, set, indices);

    auto step = [&](bool packed) {
        for (auto &[name, p] : model.parameters())
            p.mutable_grad() = torch::Tensor();
        const auto start = std::chrono::steady_clock::now();
        const auto patches = VisionEncoder::patchTokens(model.vision().forward(batch.pixels));
        const auto tiles = model.projectTiles(patches, std::vector<TileRatio>(std::size_t(batch.pixels.size(0)), TileRatio::Quarter));
        std::vector<ImageView> views;
        ImageBatch rows;   // the per-question side: its "images" are the single-question entries
        for (std::size_t i = 0, s = 0; i < batch.images.size(); ++i) {
            const auto first = tiles.begin() + batch.firstTile[i];
            const std::vector<torch::Tensor> own(first, first + batch.tileCount(i));
            if (packed) {
                views.push_back({i, own});
                continue;
            }
            for (std::size_t q = 0; q < batch.images[i]->questions.size(); ++q, ++s) {
                rows.images.push_back(&single[s]);
                views.push_back({s, own});
            }
        }
        const AnswerLogits scored = teacher.score(packed ? batch : rows, views);
        tokenCrossEntropy(scored.logits, scored.targets).mean().backward();
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    };
    for (auto &[name, p] : model.parameters())
        p.requires_grad_(true);

    std::size_t questions = 0, tileCount = std::size_t(batch.pixels.size(0));
    for (const TrainingImage *image : batch.images)
        questions += image->questions.size();
    std::printf("demo shape, %zu images (%zu tiles with thumbnails, %zu questions) of %s, %d threads, %d repeats after 1 warm-up\n\n",
                batch.images.size(), tileCount, questions, data.filename().string().c_str(), threads, repeats);
    step(true);
    step(false);
    std::vector<double> packedMs, separateMs, ratios;
    for (int r = 0; r < repeats; ++r) {
        const double a = step(false), b = step(true);
        separateMs.push_back(a);
        packedMs.push_back(b);
        ratios.push_back(a / b);
    }
    std::printf("| layout | forward + backward (ms, median) |\n|---|---:|\n");
    std::printf("| one row per question | %.1f |\n| questions packed per image | %.1f |\n\n", bench::median(separateMs),
                bench::median(packedMs));
    std::printf("per question / packed = %.2fx (median of %d paired runs)\n", bench::median(ratios), repeats);
    std::filesystem::remove_all(modelDir);
    return 0;
}
