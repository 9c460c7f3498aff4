// SPDX-License-Identifier: MIT
// Compression methods at the demo scale on a 7-tile image: each method's own selection overhead
// (median) next to the prefill time it saves, and prefill time at budgets 1.0/0.5/0.3/0.2/0.1 as
// ratios to 1.0, all interleaved in one run. Prints Markdown.
//
//   bench_methods [--shape demo|demo-448] [--repeats 15] [--threads 2]

#include "compress/method_catalog.h"
#include "bench_support.h"
#include "fixtures/random_checkpoint.h"
#include "pipeline/engine.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace tokenscope;

namespace {

struct Series {
    std::vector<double> selection, prefill;
    int sent = 0;
    int sequence = 0;   // rows the prefill's layers >= K process (after pruning)
};

} // namespace

int main(int argc, char **argv)
{
    std::string shape = "demo";
    int repeats = 15, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--shape") shape = value;
        else if (flag == "--repeats") repeats = std::atoi(value.c_str());
        else if (flag == "--threads") threads = std::atoi(value.c_str());
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }
    try {
        const auto dir = std::filesystem::temp_directory_path() / ("tokenscope-bench-methods-" + shape);
        writeRandomCheckpoint(dir, fixtureShape(shape), {});
        auto engine = Engine::load(dir, {DeviceKind::Cpu, ComputeDType::Float32, threads});
        const int tile = engine->info().tileSize;
        const RgbImage image = bench::noiseImage(3 * tile, 2 * tile, 2024);   // 3×2 grid + thumbnail = 7 tiles

        // (method, budget) cells; "none" at 1.0 is the full-token reference.
        std::vector<std::pair<std::string, double>> cells{{"none", 1.0}};
        for (double b : {0.5, 0.3, 0.2, 0.1})
            cells.emplace_back("uniform", b);
        for (const MethodInfo &m : compressionMethods())
            if (m.kind != MethodKind::TileRatio && m.name != "uniform" &&
                (!m.needsSelector || std::filesystem::exists(dir / "selector.safetensors")))
                cells.emplace_back(m.name, 0.3);
        std::map<std::pair<std::string, double>, Series> series;
        for (int run = 0; run < repeats + 2; ++run) {
            for (const auto &[method, budget] : cells) {
                RunRequest request;
                request.image = image;
                request.question = "What is written in the top left corner of the image?";
                request.maxNewTokens = 1;
                applyMethodChoice(request, chooseMethod(method, budget));
                const RunResult r = engine->run(request);
                Series &s = series[{method, budget}];
                s.sent = r.plan.tokensSent;
                s.sequence = r.textTokens + r.plan.tokensSent;
                if (run >= 2) {
                    s.selection.push_back(r.timings.selectionMs);
                    s.prefill.push_back(r.timings.prefillMs);
                }
            }
        }
        const Series &full = series[{"none", 1.0}];
        const double fullPrefill = bench::median(full.prefill);
        std::printf("shape %s, 7 tiles, %d threads, %d repeats after 2 warm-up runs; full prefill %.2f ms for %d "
                    "visual + %d text tokens\n\n",
                    shape.c_str(), threads, repeats, fullPrefill, full.sent, full.sequence - full.sent);
        std::printf("| method | budget | visual tokens | sequence | selection (ms) | prefill (ms) | prefill saved (ms) | "
                    "full / this sequence | full / this prefill | selection / full prefill |\n"
                    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (const auto &cell : cells) {
            const Series &s = series[cell];
            // Ratios of paired runs (same repeat index), then their median.
            std::vector<double> speedups;
            for (std::size_t i = 0; i < s.prefill.size(); ++i)
                speedups.push_back(full.prefill[i] / s.prefill[i]);
            const double selection = bench::median(s.selection), prefill = bench::median(s.prefill);
            std::printf("| %s | %.2f | %d | %d | %.3f | %.2f | %.2f | %.2fx | %.2fx | %.1f%% |\n", cell.first.c_str(),
                        cell.second, s.sent, s.sequence, selection, prefill, fullPrefill - prefill,
                        double(full.sequence) / s.sequence, bench::median(speedups), 100.0 * selection / fullPrefill);
        }
        std::filesystem::remove_all(dir);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_methods: %s\n", e.what());
        return 1;
    }
    return 0;
}
