// SPDX-License-Identifier: MIT
// Causal attention on LibTorch 1.13 (no fused kernel): one whole score map per layer against
// compat::scaledDotProductAttention's 128-row query blocks, at the prefill lengths the demo shapes
// produce (demo: ~310 rows; demo-448: ~760 at budget 0.3, ~2,000 at full tokens). Medians of
// interleaved repeats, ratio of paired runs. Prints Markdown.
//
//   bench_attention [--repeats 9] [--threads 2]

#include "bench_support.h"
#include "model/torch_compat.h"
#include "model/torch_runtime.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

using namespace tokenscope;

namespace {

// The textbook form: scores for every (query, key) pair at once, an additive causal mask, softmax.
torch::Tensor wholeMap(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v, double scale)
{
    const auto length = q.size(-2);
    auto future = torch::ones({length, length}, torch::kBool).triu(1);
    auto scores = torch::matmul(q, k.transpose(-2, -1)).mul_(scale);
    scores.masked_fill_(future, -std::numeric_limits<float>::infinity());
    return torch::matmul(torch::softmax(scores, -1), v);
}

double msOf(const std::function<void()> &work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char **argv)
{
    int repeats = 9, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--repeats") repeats = std::atoi(argv[i + 1]);
        else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else { std::fprintf(stderr, "unknown option %s\n", flag.c_str()); return 2; }
    }
    applyThreadCount(threads);
    torch::InferenceMode inference;
    std::printf("4 heads × 64 dims (the demo LLM's attention), fp32, %d threads, %d repeats after 2 warm-up runs\n\n",
                threads, repeats);
    std::printf("| rows | whole map (ms) | 128-row blocks (ms) | whole / blocks | max abs difference |\n"
                "|---:|---:|---:|---:|---:|\n");
    for (std::int64_t length : {312, 761, 1120, 2016}) {
        torch::manual_seed(7);
        const auto q = torch::randn({1, 4, length, 64}), k = torch::randn({1, 4, length, 64}),
                   v = torch::randn({1, 4, length, 64});
        const double scale = 0.125;
        std::vector<double> whole, blocks, ratios;
        torch::Tensor a, b;
        for (int run = 0; run < repeats + 2; ++run) {
            const double w = msOf([&] { a = wholeMap(q, k, v, scale); });
            const double c = msOf([&] { b = compat::scaledDotProductAttention(q, k, v, /*causalOffset=*/0, scale); });
            if (run >= 2) {
                whole.push_back(w);
                blocks.push_back(c);
                ratios.push_back(w / c);
            }
        }
        std::printf("| %lld | %.1f | %.1f | %.1fx | %.1e |\n", static_cast<long long>(length), bench::median(whole),
                    bench::median(blocks), bench::median(ratios), (a - b).abs().max().item<double>());
    }
    return 0;
}
