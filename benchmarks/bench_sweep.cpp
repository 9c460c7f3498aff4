// SPDX-License-Identifier: MIT
// A budget sweep at demo scale: 8 token methods × 10 budgets × N samples (+ the full-token
// reference), wall time with the encoder cache and without it, in one run. With --repeats > 1 the
// two modes alternate and the ratio is the median of paired runs. Prints Markdown.
//
//   bench_sweep [--samples 100] [--repeats 1] [--threads 2] [--max-new-tokens 8]

#include "bench_support.h"
#include "eval/dataset.h"
#include "fixtures/random_checkpoint.h"
#include "image/encode.h"
#include "pipeline/engine.h"
#include "sweep/sweep_runner.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace tokenscope;
namespace fs = std::filesystem;

namespace {

// Aspect ratios from square to 3:1 and 1:2, so the tile count varies from 1 to 6 (+ thumbnail).
fs::path writeDataset(const fs::path &dir, int samples, int tile)
{
    const int shapes[][2] = {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {3, 2}, {2, 2}};
    std::vector<EvalSample> rows;
    fs::create_directories(dir / "images");
    for (int i = 0; i < samples; ++i) {
        const auto *shape = shapes[i % 6];
        const fs::path image = dir / "images" / ("noise" + std::to_string(i) + ".png");
        writePng(image, bench::noiseImage(shape[0] * tile, shape[1] * tile, 1000 + std::uint32_t(i)));
        rows.push_back({"n" + std::to_string(i), image, "What is written in the top left corner?", {"seven"},
                        "exact_match", "", 0});
    }
    saveDataset(dir / "data.jsonl", rows);
    return dir / "data.jsonl";
}

} // namespace

int main(int argc, char **argv)
{
    int samples = 100, repeats = 1, threads = 2, maxNewTokens = 8;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const int value = std::atoi(argv[i + 1]);
        if (flag == "--samples") samples = value;
        else if (flag == "--repeats") repeats = value;
        else if (flag == "--threads") threads = value;
        else if (flag == "--max-new-tokens") maxNewTokens = value;
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }
    try {
        const fs::path root = fs::temp_directory_path() / "tokenscope-bench-sweep";
        fs::remove_all(root);
        writeRandomCheckpoint(root / "model", fixtureShape("demo"), {});
        auto engine = Engine::load(root / "model", {DeviceKind::Cpu, ComputeDType::Float32, threads});
        SweepSpec spec;
        spec.dataset = writeDataset(root / "data", samples, engine->info().tileSize);
        spec.methods = {"random", "uniform", "fastv", "dart", "visionselector", "divprune", "visionzip", "prumerge+"};
        spec.budgets = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1};
        spec.maxNewTokens = maxNewTokens;

        std::vector<double> cached, uncached, ratios;
        std::size_t cells = 0;
        for (int run = 0; run < repeats; ++run) {
            for (bool cache : {true, false}) {
                spec.cacheEncoder = cache;
                spec.outDir = root / ("out-" + std::to_string(run) + (cache ? "-cached" : "-uncached"));
                const auto start = std::chrono::steady_clock::now();
                const SweepOutcome outcome = runSweep(*engine, spec);
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                (cache ? cached : uncached).push_back(seconds);
                cells = outcome.ran;
                std::fprintf(stderr, "run %d %s: %zu cells, %d images encoded, %.1f s\n", run,
                             cache ? "cached" : "uncached", outcome.ran, outcome.images, seconds);
            }
            ratios.push_back(uncached.back() / cached.back());
        }
        std::printf("demo shape, %d samples (1–6 tiles + thumbnail), 8 methods × 10 budgets + reference = %zu cells, "
                    "%d new tokens, %d threads, %d repeat(s)\n\n",
                    samples, cells, maxNewTokens, threads, repeats);
        std::printf("| encoder cache | wall time (s, median) | per cell (ms) |\n|---|---:|---:|\n");
        std::printf("| on (encode once per image) | %.1f | %.1f |\n", bench::median(cached),
                    1000 * bench::median(cached) / double(cells));
        std::printf("| off (encode every cell) | %.1f | %.1f |\n", bench::median(uncached),
                    1000 * bench::median(uncached) / double(cells));
        std::printf("\ncache speed-up (off / on, median of paired runs): %.2fx\n", bench::median(ratios));
        fs::remove_all(root);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_sweep: %s\n", e.what());
        return 1;
    }
    return 0;
}
