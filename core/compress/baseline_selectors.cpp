// SPDX-License-Identifier: MIT
#include "compress/baseline_selectors.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace tokenscope {

TokenSelection RandomSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    const auto n = static_cast<std::int64_t>(input.plan.tokens.size());
    std::vector<std::int64_t> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), std::int64_t{0});
    // std::mt19937_64 is specified exactly by the standard; our own Fisher–Yates (not
    // std::shuffle, whose algorithm is unspecified) keeps plans identical across libraries.
    std::mt19937_64 engine(static_cast<std::uint64_t>(input.choice.parameter("seed")) * 0x9E3779B97F4A7C15ull ^ input.seed);
    for (std::int64_t i = 0; i < keep; ++i) {
        const auto j = i + static_cast<std::int64_t>(engine() % static_cast<std::uint64_t>(n - i));
        std::swap(all[std::size_t(i)], all[std::size_t(j)]);
    }
    TokenSelection selection;
    selection.kept.assign(all.begin(), all.begin() + keep);
    std::sort(selection.kept.begin(), selection.kept.end());
    return selection;
}

TokenSelection UniformSelector::select(const SelectionInput &input, std::int64_t keep) const
{
    const auto n = static_cast<std::int64_t>(input.plan.tokens.size());
    TokenSelection selection;
    for (std::int64_t i = 0; i < keep; ++i)
        selection.kept.push_back(i * n / keep);   // strictly increasing since keep <= n
    return selection;
}

} // namespace tokenscope
