// SPDX-License-Identifier: MIT
// Time to first token and decode speed of the whole pipeline, per image size, for full tokens,
// ViR at ~50% of the tokens and VisionSelector at budget 0.2, interleaved run by run so that
// machine noise hits every case alike. CPU or CUDA; on CUDA the engine's stage clock
// synchronises the device, and reading the chosen token synchronises each step anyway.
// Writes a Markdown table, and JSON lines for scripts/gpu/summarize_speed.py.
//
//   bench_ttft (--checkpoint DIR | --shape NAME) [--device cpu|cuda] [--dtype fp32|bf16]
//              [--image-px 448,896,1344] [--repeats 10] [--warmup 3] [--new-tokens 64]
//              [--threads 0] [--json FILE]

#include "bench_support.h"
#include "compress/method_catalog.h"
#include "fixtures/random_checkpoint.h"
#include "pipeline/engine.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace tokenscope;

namespace {

struct Case {
    const char *name;
    RunRequest request;   // without the image
};

std::vector<Case> cases()
{
    std::vector<Case> out;
    RunRequest full;
    full.mode = RouteMode::AllFull;
    out.push_back({"full", full});
    // ViR's probabilities, the most compressible tiles at 1/16 until half the tokens are left.
    RunRequest vir;
    vir.mode = RouteMode::TargetBudget;
    vir.targetBudget = 0.5;
    out.push_back({"vir-0.5", vir});
    RunRequest selector;
    applyMethodChoice(selector, chooseMethod("visionselector", 0.2));
    out.push_back({"visionselector-0.2", selector});
    return out;
}

std::vector<int> parseSizes(const std::string &text)
{
    std::vector<int> sizes;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        sizes.push_back(std::atoi(item.c_str()));
    return sizes;
}

std::string jsonList(const std::vector<double> &values)
{
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? "," : "") + std::to_string(values[i]);
    return out + "]";
}

struct Samples {
    std::vector<double> ttft, encoder, connector, prefill, decodeTokS;
    int visualTokens = 0, tiles = 0;
};

} // namespace

int main(int argc, char **argv)
{
    std::string checkpoint, shape, device = "cpu", dtype = "fp32", sizesText = "448,896,1344", jsonPath;
    int repeats = 10, warmup = 3, newTokens = 64, threads = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--checkpoint") checkpoint = value;
        else if (flag == "--shape") shape = value;
        else if (flag == "--device") device = value;
        else if (flag == "--dtype") dtype = value;
        else if (flag == "--image-px") sizesText = value;
        else if (flag == "--repeats") repeats = std::atoi(value.c_str());
        else if (flag == "--warmup") warmup = std::atoi(value.c_str());
        else if (flag == "--new-tokens") newTokens = std::atoi(value.c_str());
        else if (flag == "--threads") threads = std::atoi(value.c_str());
        else if (flag == "--json") jsonPath = value;
        else { std::fprintf(stderr, "bench_ttft: unknown option %s\n", flag.c_str()); return 2; }
    }
    if (checkpoint.empty() == shape.empty()) {
        std::fprintf(stderr, "bench_ttft: give exactly one of --checkpoint DIR and --shape NAME\n");
        return 2;
    }
    try {
        std::filesystem::path dir = checkpoint;
        if (!shape.empty()) {
            dir = std::filesystem::temp_directory_path() / ("tokenscope-ttft-" + shape);
            writeRandomCheckpoint(dir, fixtureShape(shape), {});
        }
        const auto deviceKind = parseDeviceKind(device);
        const auto computeDType = parseComputeDType(dtype);
        if (!deviceKind || !computeDType) {
            std::fprintf(stderr, "bench_ttft: --device must be cpu or cuda and --dtype fp32 or bf16\n");
            return 2;
        }
        const ComputeOptions options{*deviceKind, *computeDType, threads};
        auto engine = Engine::load(dir, options);
        const ModelInfo &info = engine->info();
        const std::string label = shape.empty() ? std::filesystem::path(checkpoint).filename().string() : shape;
        std::printf("%s: %lld parameters, %s %s, %d repeats after %d warm-up runs, decode of %d tokens\n\n",
                    label.c_str(), static_cast<long long>(info.parameters), info.device.c_str(), info.dtype.c_str(),
                    repeats, warmup, newTokens);
        std::printf("| image | case | tiles | visual tokens | TTFT ms | encoder | connector | prefill | decode tok/s | TTFT full / case |\n");
        std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        std::ofstream json;
        if (!jsonPath.empty())
            json.open(jsonPath, std::ios::app);

        const std::vector<Case> all = cases();
        for (int px : parseSizes(sizesText)) {
            const auto image = std::make_shared<const RgbImage>(bench::noiseImage(px, px, 12345));
            std::vector<Samples> samples(all.size());
            for (int run = 0; run < warmup + repeats; ++run) {
                for (std::size_t c = 0; c < all.size(); ++c) {
                    RunRequest first = all[c].request;
                    first.image = image;
                    first.question = "What is written in the top left corner of the image?";
                    first.maxNewTokens = 1;
                    const auto started = std::chrono::steady_clock::now();
                    const RunResult r = engine->run(first);
                    const double ttft = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
                    RunRequest decode = first;
                    decode.maxNewTokens = newTokens;
                    decode.stopAtEos = false;
                    const RunResult d = engine->run(decode);
                    if (run < warmup)
                        continue;
                    Samples &s = samples[c];
                    s.ttft.push_back(ttft);
                    s.encoder.push_back(r.timings.encoderMs);
                    s.connector.push_back(r.timings.connectorMs);
                    s.prefill.push_back(r.timings.prefillMs);
                    // The first token comes from the prefill; decodeMs covers the other n - 1.
                    const auto steps = static_cast<double>(d.answerIds.size()) - 1.0;
                    s.decodeTokS.push_back(steps > 0 && d.timings.decodeMs > 0 ? 1000.0 * steps / d.timings.decodeMs : 0.0);
                    s.visualTokens = r.plan.tokensSent;
                    s.tiles = static_cast<int>(r.plan.tiles.size());
                }
            }
            for (std::size_t c = 0; c < all.size(); ++c) {
                const Samples &s = samples[c];
                // Ratio of medians of paired runs (same repeat, same image) against full tokens.
                std::vector<double> ratios;
                for (std::size_t i = 0; i < s.ttft.size(); ++i)
                    ratios.push_back(samples[0].ttft[i] / s.ttft[i]);
                std::printf("| %d px | %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.1f | %.2fx |\n", px, all[c].name, s.tiles,
                            s.visualTokens, bench::median(s.ttft), bench::median(s.encoder), bench::median(s.connector),
                            bench::median(s.prefill), bench::median(s.decodeTokS), bench::median(ratios));
                if (json)
                    json << "{\"impl\":\"tokenscope\",\"shape\":\"" << label << "\",\"image_px\":" << px << ",\"case\":\""
                         << all[c].name << "\",\"tiles\":" << s.tiles << ",\"visual_tokens\":" << s.visualTokens
                         << ",\"ttft_ms_median\":" << bench::median(s.ttft) << ",\"ttft_ms_all\":" << jsonList(s.ttft)
                         << ",\"encoder_ms_median\":" << bench::median(s.encoder)
                         << ",\"prefill_ms_median\":" << bench::median(s.prefill)
                         << ",\"ttft_speedup_vs_full_median\":" << bench::median(ratios)
                         << ",\"decode_tok_s_median\":" << bench::median(s.decodeTokS) << ",\"device\":\"" << info.device
                         << "\",\"dtype\":\"" << info.dtype << "\"}\n";
            }
        }
        if (!shape.empty())
            std::filesystem::remove_all(dir);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_ttft: %s\n", e.what());
        return 1;
    }
    return 0;
}
