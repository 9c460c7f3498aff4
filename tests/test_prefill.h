// SPDX-License-Identifier: MIT
#pragma once

// The prefill the inside-LLM method tests (FastV, DART, PyramidDrop) prune: 14 rows of random
// embeddings, rows 3..10 standing for the visual tokens.

#include <cstdint>
#include <vector>

namespace tokenscope::test {

inline constexpr std::int64_t kLength = 14;        // rows in the test prefill
inline constexpr std::int64_t kFirstVisual = 3;    // rows 3..10 are "visual"
inline constexpr std::int64_t kVisual = 8;

inline std::vector<std::int64_t> visualRows()
{
    std::vector<std::int64_t> rows;
    for (std::int64_t i = 0; i < kVisual; ++i)
        rows.push_back(kFirstVisual + i);
    return rows;
}

} // namespace tokenscope::test
