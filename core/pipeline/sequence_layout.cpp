// SPDX-License-Identifier: MIT
#include "pipeline/sequence_layout.h"

#include "common/error.h"

#include <algorithm>

namespace tokenscope {

SequenceLayout assembleSequence(const std::vector<TokenId> &prompt, TokenId imageContext, int tokensFull,
                                const std::vector<int> &tokensPerTileSent, const std::string &source)
{
    const auto first = std::find(prompt.begin(), prompt.end(), imageContext);
    const auto runEnd = std::find_if(first, prompt.end(), [&](TokenId id) { return id != imageContext; });
    const auto runLength = static_cast<std::size_t>(runEnd - first);
    const std::size_t expected = tokensPerTileSent.size() * std::size_t(tokensFull);
    if (runLength != expected)
        throw Error(source, "the prompt holds " + std::to_string(runLength) + " image placeholders, expected " +
                                std::to_string(expected) + " (" + std::to_string(tokensPerTileSent.size()) +
                                " tiles × " + std::to_string(tokensFull) + ")");
    if (std::find(runEnd, prompt.end(), imageContext) != prompt.end())
        throw Error(source, "the prompt holds more than one run of image placeholders");

    SequenceLayout layout;
    layout.ids.assign(prompt.begin(), first);
    for (std::size_t tile = 0; tile < tokensPerTileSent.size(); ++tile) {
        const int count = tokensPerTileSent[tile];
        if (count < 0 || count > tokensFull)
            throw Error(source, "tile " + std::to_string(tile) + " sends " + std::to_string(count) +
                                    " tokens, more than its " + std::to_string(tokensFull) + " placeholders");
        layout.spans.push_back({static_cast<int>(tile), static_cast<int>(layout.ids.size()), count});
        layout.ids.insert(layout.ids.end(), std::size_t(count), imageContext);
        layout.visualTokens += count;
    }
    layout.ids.insert(layout.ids.end(), runEnd, prompt.end());
    layout.textTokens = static_cast<int>(layout.ids.size()) - layout.visualTokens;
    return layout;
}

std::vector<std::int64_t> visualRows(const SequenceLayout &layout)
{
    std::vector<std::int64_t> rows;
    for (const VisualSpan &span : layout.spans)
        for (int k = 0; k < span.count; ++k)
            rows.push_back(span.start + k);
    return rows;
}

} // namespace tokenscope
