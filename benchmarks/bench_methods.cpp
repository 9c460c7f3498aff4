// SPDX-License-Identifier: MIT
// Every compression method at each budget on a noise image of a random checkpoint: the method's
// own selection overhead (median), the prefill time it saves, the measured prefill speed-up over
// the full-token reference (median of paired runs), the analytic bound for that plan
// (pipeline/prefill_flops.h) and measured / bound, all interleaved in one run. Prints Markdown.
//
//   bench_methods [--shape demo|demo-448|internvl3_5-1b-flash] [--grid 3x2] [--budgets 0.5,0.3,0.1]
//                 [--repeats 15] [--threads 2] [--methods fastv,sparsevlm]
//
// --grid CxR: the image is C×R tiles (a thumbnail is added when there is more than one).
// --methods: only these (the full-token reference always runs), to time a method beside a few peers.

#include "common/error.h"
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
    int sequence = 0;        // rows the prefill's layers >= K process (after pruning)
    double llmBound = 1.0;   // analytic FLOPs: full / this plan, LLM only
};

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

std::vector<double> parseBudgets(const std::string &text)
{
    std::vector<double> out;
    for (const std::string &item : splitList(text))
        out.push_back(std::atof(item.c_str()));
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    std::string shape = "demo";
    int repeats = 15, threads = 2, cols = 3, rows = 2;
    std::vector<double> budgets{0.5, 0.3, 0.1};
    std::vector<std::string> only;   // empty: every method
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--shape") shape = value;
        else if (flag == "--grid" && std::sscanf(value.c_str(), "%dx%d", &cols, &rows) == 2) continue;
        else if (flag == "--budgets") budgets = parseBudgets(value);
        else if (flag == "--methods") only = splitList(value);
        else if (flag == "--repeats") repeats = std::atoi(value.c_str());
        else if (flag == "--threads") threads = std::atoi(value.c_str());
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }
    for (const std::string &name : only)
        if (!findMethod(name)) {
            std::fprintf(stderr, "bench_methods: --methods: unknown method '%s'\n", name.c_str());
            return 2;
        }
    try {
        const auto dir = std::filesystem::temp_directory_path() / ("tokenscope-bench-methods-" + shape);
        writeRandomCheckpoint(dir, fixtureShape(shape), {});
        auto engine = Engine::load(dir, {DeviceKind::Cpu, ComputeDType::Float32, threads});
        const int tile = engine->info().tileSize;
        const auto image = std::make_shared<const RgbImage>(bench::noiseImage(cols * tile, rows * tile, 2024));
        const int tiles = cols * rows + (cols * rows > 1 ? 1 : 0);

        // (method, budget) cells; "none" at 1.0 is the full-token reference.
        std::vector<std::pair<std::string, double>> cells{{"none", 1.0}};
        for (const MethodInfo &m : compressionMethods())
            if ((m.kind != MethodKind::TileRatio || m.name == "downsample") &&
                (!m.needsSelector || std::filesystem::exists(dir / "selector.safetensors")) &&
                (only.empty() || std::find(only.begin(), only.end(), m.name) != only.end()))
                for (double b : budgets) {
                    RunRequest probe;
                    probe.image = image;
                    probe.question = "?";
                    applyMethodChoice(probe, chooseMethod(m.name, b));
                    try {   // a budget the method cannot reach on this shape (PyramidDrop's floor) is left out
                        engine->validate(probe);
                        cells.emplace_back(m.name, b);
                    } catch (const Error &e) {
                        std::fprintf(stderr, "bench_methods: skipped: %s\n", e.what());
                    }
                }
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
                s.llmBound = r.flops.llmBound();
                if (run >= 2) {
                    s.selection.push_back(r.timings.selectionMs);
                    s.prefill.push_back(r.timings.prefillMs);
                }
            }
        }
        const Series &full = series[{"none", 1.0}];
        const double fullPrefill = bench::median(full.prefill);
        std::printf("shape %s, %d tiles, %d threads, %d repeats after 2 warm-up runs; full prefill %.2f ms for %d "
                    "visual + %d text tokens\n\n",
                    shape.c_str(), tiles, threads, repeats, fullPrefill, full.sent, full.sequence - full.sent);
        std::printf("| method | budget | visual tokens | sequence | selection (ms) | prefill (ms) | prefill saved (ms) | "
                    "full / this prefill | bound (FLOPs) | measured / bound | selection / full prefill |\n"
                    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (const auto &cell : cells) {
            const Series &s = series[cell];
            // Ratios of paired runs (same repeat index), then their median.
            std::vector<double> speedups;
            for (std::size_t i = 0; i < s.prefill.size(); ++i)
                speedups.push_back(full.prefill[i] / s.prefill[i]);
            const double selection = bench::median(s.selection), prefill = bench::median(s.prefill);
            const double measured = bench::median(speedups);
            std::printf("| %s | %.2f | %d | %d | %.3f | %.2f | %.2f | %.2fx | %.2fx | %.0f%% | %.1f%% |\n", cell.first.c_str(),
                        cell.second, s.sent, s.sequence, selection, prefill, fullPrefill - prefill, measured, s.llmBound,
                        100.0 * measured / s.llmBound, 100.0 * selection / fullPrefill);
        }
        std::filesystem::remove_all(dir);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_methods: %s\n", e.what());
        return 1;
    }
    return 0;
}
