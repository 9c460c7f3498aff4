// SPDX-License-Identifier: MIT
// Parity with independent references, on fixtures under tests/data/parity (or $TOKENSCOPE_PARITY_DIR):
//  - made by Hugging Face transformers' InternVL classes (scripts/gpu/parity_fixtures.py, GPU
//    machine): vision tower, connectors, LLM logits over a prompt with the image rows spliced in, a
//    text-only prompt, greedy decoding;
//  - made by PyTorch's torch.nn modules (scripts/gpu/flash_fixture.py, any machine): mlp1, mlp2 and
//    the ViR router, which transformers does not have (docs/gpu-parity.md).
// Each fixture carries the stages its reference computes, and each stage is fed the reference's own
// input, so a difference points at one stage. fp32 on the CPU; tolerance 1e-4 of the reference's scale.

#include <torch/torch.h>

#include "io/config_fields.h"
#include "io/qwen2_5_vl_config.h"
#include "io/safetensors.h"
#include "model/internvl_model.h"
#include "model/tensor_loading.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <fstream>

using namespace tokenscope;

namespace {

std::filesystem::path fixtureRoot()
{
    if (const char *dir = std::getenv("TOKENSCOPE_PARITY_DIR"))
        return dir;
    return std::filesystem::path(TOKENSCOPE_SOURCE_DIR) / "tests" / "data" / "parity";
}

std::vector<std::int64_t> ids(const nlohmann::json &reference, const char *key)
{
    return reference.at(key).get<std::vector<std::int64_t>>();
}

torch::Tensor idTensor(const std::vector<std::int64_t> &values)
{
    return torch::tensor(values, torch::TensorOptions().dtype(torch::kInt64));
}

// max |ours - reference| <= 1e-4 · max(1, max |reference|), naming the stage and the figures.
void expectClose(const torch::Tensor &ours, const torch::Tensor &reference, const char *stage)
{
    QVERIFY2(ours.sizes() == reference.sizes(),
             qPrintable(QString("%1: shape differs").arg(stage)));
    const double scale = std::max(1.0, reference.abs().max().item<double>());
    const double worst = (ours.to(torch::kFloat32) - reference).abs().max().item<double>();
    QVERIFY2(worst <= 1e-4 * scale,
             qPrintable(QString("%1: max abs diff %2 > 1e-4 x %3").arg(stage).arg(worst).arg(scale)));
}

// Logits [L, V] for `embeds` [L, D] at positions 0..L-1, and the cache for decoding on from them.
torch::Tensor promptLogits(const LanguageModel &llm, const torch::Tensor &embeds, KVCache &cache)
{
    return llm.forward(embeds, cache, /*allLogits=*/true, torch::arange(embeds.size(0), torch::kInt64));
}

} // namespace

class TestReferenceParity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesReference_data();
    void matchesReference();
};

void TestReferenceParity::matchesReference_data()
{
    QTest::addColumn<QString>("dir");
    const auto root = fixtureRoot();
    int cases = 0;
    if (std::filesystem::is_directory(root))
        for (const auto &entry : std::filesystem::directory_iterator(root))
            // Qwen2.5-VL fixtures are tst_qwen2_5_vl_parity's.
            if (std::filesystem::exists(entry.path() / "reference.json") &&
                !isQwen25VLConfigText(readTextFile(entry.path() / "config.json"))) {
                QTest::newRow(entry.path().filename().string().c_str()) << test::qPath(entry.path());
                ++cases;
            }
    // The test exists only where fixtures are expected (tests/CMakeLists.txt): none is a failure.
    QVERIFY2(cases > 0, qPrintable("no parity fixtures (*/reference.json) in " + test::qPath(root)));
}

void TestReferenceParity::matchesReference()
{
    QFETCH(QString, dir);
    const std::filesystem::path path = dir.toStdString();
    const ComputeTarget cpu{torch::kCPU, torch::kFloat32};
    const InternVLModel model = InternVLModel::load(path, cpu);
    nlohmann::json reference;
    std::ifstream(path / "reference.json") >> reference;
    const WeightStore outputs = WeightStore::openFile(path / "reference.safetensors");
    const auto tensor = [&](const std::string &name) { return loadTensor(outputs.at(name), cpu); };

    // Vision tower: the last hidden state without CLS, from the reference's pixel values.
    const torch::Tensor features = tensor("vision_features");
    if (outputs.contains("pixel_values"))
        expectClose(VisionEncoder::patchTokens(model.vision().forward(tensor("pixel_values"))), features, "vision_features");

    // Connectors after pixel shuffle, and the router's probabilities, from the reference features.
    expectClose(model.project(features, TileRatio::Quarter), tensor("connector_full"), "connector_full (mlp1)");
    if (outputs.contains("connector_compressed"))
        expectClose(model.project(features, TileRatio::Sixteenth), tensor("connector_compressed"), "connector_compressed (mlp2)");
    if (outputs.contains("router_probabilities")) {
        QVERIFY(model.router());
        expectClose(model.router()->probabilities(features), tensor("router_probabilities"), "router_probabilities");
    }
    if (!reference.contains("input_ids"))
        return;   // a fixture of the connectors and the router only

    // LLM: the prompt's embeddings with the reference's connector rows at the image-context ids.
    const LanguageModel &llm = model.language();
    const std::vector<std::int64_t> prompt = ids(reference, "input_ids");
    const auto imageToken = reference.at("image_token_id").get<std::int64_t>();
    std::vector<std::int64_t> imageRows;
    for (std::size_t i = 0; i < prompt.size(); ++i)
        if (prompt[i] == imageToken)
            imageRows.push_back(std::int64_t(i));
    const torch::Tensor visual = tensor("connector_full").flatten(0, 1);
    QCOMPARE(std::int64_t(imageRows.size()), visual.size(0));
    torch::Tensor embeds = llm.embed(idTensor(prompt));
    embeds.index_copy_(0, idTensor(imageRows), visual);
    const auto steps = reference.at("greedy_steps").get<int>();
    KVCache cache = llm.newCache(std::int64_t(prompt.size()) + steps, embeds.options());
    torch::Tensor logits = promptLogits(llm, embeds, cache);
    expectClose(logits, tensor("logits"), "logits (image prompt)");

    // Greedy decoding with the KV cache: the same tokens.
    std::vector<std::int64_t> greedy;
    torch::Tensor last = logits.slice(0, -1);
    for (int step = 0; step < steps; ++step) {
        const std::int64_t next = last.argmax(-1).item<std::int64_t>();
        greedy.push_back(next);
        last = llm.forward(llm.embed(idTensor({next})), cache);
    }
    QCOMPARE(greedy, ids(reference, "greedy_tokens"));

    // A text-only prompt: the LLM alone.
    const std::vector<std::int64_t> text = ids(reference, "text_input_ids");
    KVCache textCache = llm.newCache(std::int64_t(text.size()), embeds.options());
    expectClose(promptLogits(llm, llm.embed(idTensor(text)), textCache), tensor("text_logits"), "logits (text prompt)");
}

QTEST_GUILESS_MAIN(TestReferenceParity)
#include "tst_reference_parity.moc"
