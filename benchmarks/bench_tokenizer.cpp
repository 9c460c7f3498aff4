// SPDX-License-Identifier: MIT
// Encode throughput of the byte-level BPE tokenizer, single thread, in MB/s of UTF-8 input.
// usage: bench_tokenizer <tokenizer.json> <text file> [runs (default 5)]
// "cold" loads a fresh tokenizer before every run (empty word cache: the rate for text never seen
// before); "warm" re-encodes with one tokenizer (the rate once the common words are cached).
// Each prints every run and the median.

#include "common/error.h"
#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace tokenscope;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point from) { return std::chrono::duration<double>(Clock::now() - from).count(); }

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Times one encode of `text` and returns MB/s; `tokens` receives the id count.
double encodeRate(const Tokenizer &tokenizer, const std::string &text, std::size_t &tokens)
{
    const auto start = Clock::now();
    tokens = tokenizer.encode(text).size();
    return double(text.size()) / 1e6 / seconds(start);
}

void report(const char *label, const std::vector<double> &rates)
{
    std::printf("%-6s", label);
    for (const double r : rates)
        std::printf(" %8.2f", r);
    std::printf("   median %.2f MB/s\n", median(rates));
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        std::fprintf(stderr, "usage: %s <tokenizer.json> <text file> [runs]\n", argv[0]);
        return 2;
    }
    const int runs = argc == 4 ? std::max(1, std::atoi(argv[3])) : 5;
    try {
        std::ifstream in(argv[2], std::ios::binary);
        if (!in)
            throw Error(std::string(argv[2]), "cannot open the text file");
        std::ostringstream buffer;
        buffer << in.rdbuf();
        const std::string text = buffer.str();

        auto loadStart = Clock::now();
        Tokenizer tokenizer = Tokenizer::fromFile(argv[1]);
        const double loadSeconds = seconds(loadStart);
        std::printf("tokenizer %s: vocab %zu, loaded in %.2f s\n", argv[1], tokenizer.vocabSize(), loadSeconds);

        std::size_t tokens = 0;
        std::vector<double> cold, warm;
        for (int i = 0; i < runs; ++i) {
            if (i > 0)
                tokenizer = Tokenizer::fromFile(argv[1]);
            cold.push_back(encodeRate(tokenizer, text, tokens));
        }
        for (int i = 0; i < runs; ++i)
            warm.push_back(encodeRate(tokenizer, text, tokens));
        std::printf("text %s: %zu bytes -> %zu tokens (%.2f bytes/token), %d runs, MB/s:\n", argv[2], text.size(),
                    tokens, double(text.size()) / double(std::max<std::size_t>(tokens, 1)), runs);
        report("cold", cold);
        report("warm", warm);
    } catch (const Error &e) {
        std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
        return 1;
    }
    return 0;
}
