// SPDX-License-Identifier: MIT
// Per-stage pipeline timings on a random checkpoint of a named shape (default: the demo scale of
// 112-px tiles), for a 1-tile and a 7-tile image, and the prefill ratio all-1/4 vs all-1/16
// measured side by side (interleaved) in one run. Prints a Markdown table of medians.
//
//   bench_pipeline [--shape demo] [--repeats 15] [--threads 2] [--new-tokens 8]

#include "bench_support.h"
#include "fixtures/random_checkpoint.h"
#include "image/image.h"
#include "pipeline/engine.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

using namespace tokenscope;

namespace {

struct Samples {
    std::vector<double> tiling, encoder, router, connector, prefill, decodePerToken, total;
    void add(const RunResult &r)
    {
        const StageTimings &t = r.timings;
        tiling.push_back(t.tilingMs);
        encoder.push_back(t.encoderMs);
        router.push_back(t.routerMs);
        connector.push_back(t.connectorMs);
        prefill.push_back(t.prefillMs);
        decodePerToken.push_back(t.decodeMs / std::max<std::size_t>(1, r.answerIds.size()));
        total.push_back(t.totalMs());
    }
};

} // namespace

int main(int argc, char **argv)
{
    std::string shape = "demo";
    int repeats = 15, threads = 2, newTokens = 8;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--shape") shape = value;
        else if (flag == "--repeats") repeats = std::atoi(value.c_str());
        else if (flag == "--threads") threads = std::atoi(value.c_str());
        else if (flag == "--new-tokens") newTokens = std::atoi(value.c_str());
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }
    try {
        const auto dir = std::filesystem::temp_directory_path() / ("tokenscope-bench-" + shape);
        writeRandomCheckpoint(dir, fixtureShape(shape), {});
        auto engine = Engine::load(dir, {DeviceKind::Cpu, ComputeDType::Float32, threads});
        const int tile = engine->info().tileSize;

        struct Case { const char *name; std::shared_ptr<const RgbImage> image; };
        // 1×1 grid (no thumbnail) and a 3:2 image -> 3×2 grid + thumbnail = 7 tiles.
        const Case cases[] = {{"1 tile", std::make_shared<const RgbImage>(bench::noiseImage(tile, tile, 12345))},
                              {"7 tiles", std::make_shared<const RgbImage>(bench::noiseImage(3 * tile, 2 * tile, 12345))}};

        std::printf("shape %s, %lld parameters, %d threads, %d repeats after 2 warm-up runs, up to %d new tokens\n\n",
                    shape.c_str(), static_cast<long long>(engine->info().parameters), threads, repeats, newTokens);
        std::printf("| image | mode | visual tokens | tiling | encoder | router | connector | prefill | decode/token | total |\n");
        std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (const Case &c : cases) {
            // Interleave the modes so that machine noise hits all of them alike.
            const RouteMode modes[] = {RouteMode::Router, RouteMode::AllFull, RouteMode::AllCompressed};
            Samples samples[3];
            int visual[3] = {0, 0, 0};
            for (int run = 0; run < repeats + 2; ++run) {
                for (int m = 0; m < 3; ++m) {
                    RunRequest request;
                    request.image = c.image;
                    request.question = "What is written in the top left corner of the image?";
                    request.mode = modes[m];
                    request.maxNewTokens = newTokens;
                    const RunResult r = engine->run(request);
                    visual[m] = r.plan.tokensSent;
                    if (run >= 2)
                        samples[m].add(r);
                }
            }
            for (int m = 0; m < 3; ++m) {
                const Samples &s = samples[m];
                std::printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", c.name,
                            routeModeName(modes[m]), visual[m], bench::median(s.tiling), bench::median(s.encoder), bench::median(s.router),
                            bench::median(s.connector), bench::median(s.prefill), bench::median(s.decodePerToken), bench::median(s.total));
            }
            // Ratio of medians of paired runs: prefill all-1/4 over all-1/16.
            std::vector<double> ratios;
            for (std::size_t i = 0; i < samples[1].prefill.size(); ++i)
                ratios.push_back(samples[1].prefill[i] / samples[2].prefill[i]);
            std::printf("\n%s: prefill all-1/4 / all-1/16 = %.2fx (median of %zu paired runs; %d vs %d visual tokens)\n\n",
                        c.name, bench::median(ratios), ratios.size(), visual[1], visual[2]);
            if (&c != &cases[1])
                std::printf("| image | mode | visual tokens | tiling | encoder | router | connector | prefill | decode/token | total |\n"
                            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        }
        std::filesystem::remove_all(dir);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_pipeline: %s\n", e.what());
        return 1;
    }
    return 0;
}
